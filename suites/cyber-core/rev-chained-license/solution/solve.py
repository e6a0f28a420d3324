"""Reference solution for rev-chained-license: each step of the check is
acc_i = rol8(acc_{i-1} ^ key_i, 3) + 13*i with acc_{-1} = 0x42, compared
with the global table `expected`; inverting a step gives
key_i = ror8(acc_i - 13*i, 3) ^ acc_{i-1}."""
import subprocess
import sys

from elfsym import read_symbol


def ror8(x: int, r: int) -> int:
    return ((x >> r) | (x << (8 - r))) & 0xFF


def main() -> int:
    table = read_symbol("license_check", "expected")
    previous, key = 0x42, bytearray()
    for i, acc in enumerate(table):
        key.append(ror8((acc - 13 * i) & 0xFF, 3) ^ previous)
        previous = acc
    flag = key.decode()
    check = subprocess.run(["./license_check", flag], capture_output=True, timeout=10)
    if check.returncode != 0:
        print(f"the checker rejects {flag!r}", file=sys.stderr)
        return 1
    print(flag)
    return 0


if __name__ == "__main__":
    sys.exit(main())
