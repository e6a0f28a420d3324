"""Writes the sealed diagnostics token to config/diag.sealed (run once by
the task's setup, then deleted)."""
import hashlib
import os
import sys

# Records are stored sealed: an 8-byte nonce, then the data XORed with
# SHA-256(KEY || nonce || counter) blocks. Only this service knows KEY.
KEY = hashlib.sha256(b"web-cmd-injection|" + bytes.fromhex("66410cd907f9854cc2bc3c4bf94d02e0")).digest()


def _stream(nonce: bytes, n: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(KEY + nonce + counter.to_bytes(4, "big")).digest()
        counter += 1
    return bytes(out[:n])


def seal(data: bytes) -> bytes:
    nonce = os.urandom(8)
    return nonce + bytes(a ^ b for a, b in zip(data, _stream(nonce, len(data))))


def unseal(blob: bytes) -> bytes:
    nonce, body = blob[:8], blob[8:]
    return bytes(a ^ b for a, b in zip(body, _stream(nonce, len(body))))



def main() -> None:
    os.makedirs("config", exist_ok=True)
    with open("config/diag.sealed", "wb") as f:
        f.write(seal(sys.argv[1].encode()))


if __name__ == "__main__":
    main()
