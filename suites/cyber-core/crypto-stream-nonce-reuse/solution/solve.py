"""Reference solution for crypto-stream-nonce-reuse: both files were sealed
with the same key and nonce, so they share a keystream. XORing the known
announcement plaintext with its ciphertext gives the keystream, which
decrypts the secret (as far as the announcement is long)."""
import re
import sys


def body(path: str) -> tuple:
    blob = open(path, "rb").read()
    if blob[:4] != b"SEAL":
        raise SystemExit(f"{path} is not a sealed file")
    return blob[4:16], blob[16:]


def main() -> int:
    nonce_a, cipher_a = body("announcement.sealed")
    nonce_s, cipher_s = body("secret.sealed")
    if nonce_a != nonce_s:
        print("the nonces differ; the keystreams are independent", file=sys.stderr)
        return 1
    known = open("announcement.txt", "rb").read()
    stream = bytes(p ^ c for p, c in zip(known, cipher_a))
    secret = bytes(s ^ c for s, c in zip(stream, cipher_s))
    found = re.search(rb"bulwark\{[^}\s]+\}", secret)
    if not found:
        print("no flag in the recovered text", file=sys.stderr)
        return 1
    print(found.group().decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
