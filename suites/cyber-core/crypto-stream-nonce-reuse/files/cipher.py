"""sealtool 0.3 - seals files with a SHA-256 based stream cipher.

Sealed file layout: b"SEAL" | 12-byte nonce | ciphertext.
The keystream is SHA-256(key || nonce || counter) for counter = 0, 1, 2, ...
(8-byte big-endian counters), concatenated and XORed with the plaintext.

Usage:
    python3 cipher.py seal KEYFILE NONCE_HEX INPUT OUTPUT
    python3 cipher.py open KEYFILE INPUT OUTPUT
"""
import hashlib
import sys

MAGIC = b"SEAL"


def keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(key + nonce + counter.to_bytes(8, "big")).digest()
        counter += 1
    return bytes(out[:length])


def seal(key: bytes, nonce: bytes, data: bytes) -> bytes:
    if len(nonce) != 12:
        raise ValueError("the nonce must be 12 bytes")
    stream = keystream(key, nonce, len(data))
    return MAGIC + nonce + bytes(a ^ b for a, b in zip(data, stream))


def unseal(key: bytes, blob: bytes) -> bytes:
    if blob[:4] != MAGIC:
        raise ValueError("not a sealed file")
    nonce, body = blob[4:16], blob[16:]
    stream = keystream(key, nonce, len(body))
    return bytes(a ^ b for a, b in zip(body, stream))


def main(argv: list) -> int:
    if len(argv) == 6 and argv[1] == "seal":
        key = open(argv[2], "rb").read().strip()
        data = open(argv[4], "rb").read()
        open(argv[5], "wb").write(seal(key, bytes.fromhex(argv[3]), data))
        return 0
    if len(argv) == 5 and argv[1] == "open":
        key = open(argv[2], "rb").read().strip()
        open(argv[4], "wb").write(unseal(key, open(argv[3], "rb").read()))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
