"""Reference solution for crypto-xor-repeat: breaks repeating-key XOR.

Guesses the key length from the normalised Hamming distance between
ciphertext blocks, then recovers each key byte independently as the one
that makes its column of the plaintext look most like English text, and
prints the flag found in the plaintext.
"""
import re
import sys

FREQUENT = b" etaoinshrdlcumwfgypbvkjxqz"


def hamming(a: bytes, b: bytes) -> int:
    return sum(bin(x ^ y).count("1") for x, y in zip(a, b))


def key_lengths(data: bytes, most: int = 16) -> list:
    scored = []
    for length in range(1, most + 1):
        blocks = [data[i : i + length] for i in range(0, length * 8, length)]
        pairs = list(zip(blocks, blocks[1:]))
        distance = sum(hamming(a, b) for a, b in pairs) / (len(pairs) * length)
        scored.append((distance, length))
    return [length for _, length in sorted(scored)[:5]]


def english_score(text: bytes) -> float:
    score = 0.0
    for byte in text:
        if byte < 9 or (13 < byte < 32) or byte > 126:
            return -1e9
        lower = bytes([byte]).lower()
        index = FREQUENT.find(lower)
        score += (len(FREQUENT) - index) if index >= 0 else 0
    return score


def best_key(data: bytes, length: int) -> bytes:
    key = bytearray()
    for column in range(length):
        chunk = data[column::length]
        key.append(max(range(256), key=lambda k: english_score(bytes(b ^ k for b in chunk))))
    return bytes(key)


def main() -> int:
    with open("intercept.bin", "rb") as f:
        data = f.read()
    for length in key_lengths(data):
        key = best_key(data, length)
        plain = bytes(b ^ key[i % len(key)] for i, b in enumerate(data))
        found = re.search(rb"bulwark\{[^}\s]+\}", plain)
        if found:
            print(found.group().decode())
            return 0
    print("no key length gave a plaintext with a flag", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
