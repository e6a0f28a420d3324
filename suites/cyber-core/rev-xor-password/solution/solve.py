"""Reference solution for rev-xor-password: reads the masked password out of
the binary's `pw_mask` global, unmasks it (byte i was XORed with 0x5a + 7*i,
as the disassembly of main shows), and runs the program with it."""
import re
import subprocess
import sys

from elfsym import read_symbol


def main() -> int:
    mask = read_symbol("vault", "pw_mask")
    password = bytes(b ^ ((0x5A + 7 * i) & 0xFF) for i, b in enumerate(mask))
    run = subprocess.run(["./vault"], input=password + b"\n", capture_output=True, timeout=10)
    found = re.search(rb"bulwark\{[^}\s]+\}", run.stdout)
    if not found:
        print(f"the vault did not reveal a flag: {run.stdout!r}", file=sys.stderr)
        return 1
    print(found.group().decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
