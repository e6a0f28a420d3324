"""vaultbackup 1.2 - encrypts the nightly credential export.

Encrypted file layout: b"VBK1" followed by the ciphertext. Each plaintext
byte is XORed with the next value of random.getrandbits(8) from a
random.Random generator seeded, at the start of the job, with the current
Unix time in whole seconds.

Usage:
    python3 vaultbackup.py encrypt INPUT OUTPUT
    python3 vaultbackup.py decrypt SEED INPUT OUTPUT
"""
import random
import sys
import time

MAGIC = b"VBK1"


def crypt(seed: int, data: bytes) -> bytes:
    rng = random.Random(seed)
    return bytes(b ^ rng.getrandbits(8) for b in data)


def main(argv: list) -> int:
    if len(argv) == 4 and argv[1] == "encrypt":
        seed = int(time.time())
        data = open(argv[2], "rb").read()
        open(argv[3], "wb").write(MAGIC + crypt(seed, data))
        print(f"encrypted {len(data)} bytes")
        return 0
    if len(argv) == 5 and argv[1] == "decrypt":
        blob = open(argv[3], "rb").read()
        if blob[:4] != MAGIC:
            print("not a vaultbackup file", file=sys.stderr)
            return 1
        open(argv[4], "wb").write(crypt(int(argv[2]), blob[4:]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
