"""Reference solution for forensics-hexdump-carve: turns the xxd dump back
into bytes, carves the ZIP archive from its first local file header
(PK\\x03\\x04) to the end of its end-of-central-directory record
(PK\\x05\\x06), and reads the members."""
import io
import re
import struct
import sys
import zipfile


def undump(path: str) -> bytes:
    data = bytearray()
    with open(path) as f:
        for line in f:
            offset, _, rest = line.partition(": ")
            if len(data) != int(offset, 16):
                raise SystemExit(f"gap in the dump at {offset}")
            data += bytes.fromhex(rest[:39].replace(" ", ""))
    return bytes(data)


def main() -> int:
    data = undump("usb-fragment.hex")
    start = data.find(b"PK\x03\x04")
    end = data.find(b"PK\x05\x06", start)
    if start < 0 or end < 0:
        print("no ZIP archive in the fragment", file=sys.stderr)
        return 1
    (comment_length,) = struct.unpack_from("<H", data, end + 20)
    archive = zipfile.ZipFile(io.BytesIO(data[start : end + 22 + comment_length]))
    for name in archive.namelist():
        found = re.search(rb"bulwark\{[^}\s]+\}", archive.read(name))
        if found:
            print(found.group().decode())
            return 0
    print("the archive holds no flag", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
