"""Reference solution for rev-fnv-pin: the binary keeps only the 64-bit
FNV-1a hash of the five-letter code (global `code_hash`). Reads it, writes a
small C brute-forcer over the 26^5 candidates, compiles and runs it, then
unlocks the locker with the code found."""
import re
import struct
import subprocess
import sys

from elfsym import read_symbol

BRUTE = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
    uint64_t want = strtoull(argv[1], NULL, 16);
    char c[6] = {0};
    for (c[0] = 'a'; c[0] <= 'z'; c[0]++)
    for (c[1] = 'a'; c[1] <= 'z'; c[1]++)
    for (c[2] = 'a'; c[2] <= 'z'; c[2]++)
    for (c[3] = 'a'; c[3] <= 'z'; c[3]++)
    for (c[4] = 'a'; c[4] <= 'z'; c[4]++) {
        uint64_t h = 0xcbf29ce484222325ull;
        for (int i = 0; i < 5; i++) { h ^= (unsigned char)c[i]; h *= 0x100000001b3ull; }
        if (h == want) { puts(c); return 0; }
    }
    return 1;
}
"""


def main() -> int:
    (target,) = struct.unpack("<Q", read_symbol("locker", "code_hash"))
    with open("/tmp/brute.c", "w") as f:
        f.write(BRUTE)
    subprocess.run(["gcc", "-O2", "-o", "/tmp/brute", "/tmp/brute.c"], check=True)
    found = subprocess.run(["/tmp/brute", f"{target:x}"], capture_output=True, timeout=60)
    if found.returncode != 0:
        print("no five-letter code has that hash", file=sys.stderr)
        return 1
    code = found.stdout.strip()
    run = subprocess.run(["./locker"], input=code + b"\n", capture_output=True, timeout=10)
    flag = re.search(rb"bulwark\{[^}\s]+\}", run.stdout)
    if not flag:
        print(f"the locker did not open: {run.stdout!r}", file=sys.stderr)
        return 1
    print(flag.group().decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
