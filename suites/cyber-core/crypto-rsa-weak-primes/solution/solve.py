"""Reference solution for crypto-rsa-weak-primes: factors a badly generated
RSA modulus and decrypts the ciphertext.

Tries Fermat's method first (primes that are close together make
ceil(sqrt(n))^2 - n a perfect square after a few steps), then Brent's
variant of Pollard's rho (finds a small prime factor quickly).
"""
import json
import math
import random
import sys


def fermat(n: int, steps: int = 5000):
    a = math.isqrt(n)
    if a * a < n:
        a += 1
    for _ in range(steps):
        b2 = a * a - n
        b = math.isqrt(b2)
        if b * b == b2:
            return a - b
        a += 1
    return None


def pollard_brent(n: int, limit: int = 1 << 22):
    if n % 2 == 0:
        return 2
    rng = random.Random(1)
    while True:
        y, c, m = rng.randrange(1, n), rng.randrange(1, n), 128
        g, r, q = 1, 1, 1
        x = ys = y
        while g == 1:
            x = y
            for _ in range(r):
                y = (y * y + c) % n
            k = 0
            while k < r and g == 1:
                ys = y
                for _ in range(min(m, r - k)):
                    y = (y * y + c) % n
                    q = q * abs(x - y) % n
                g = math.gcd(q, n)
                k += m
            r *= 2
            if r > limit:
                return None
        if g == n:
            g = 1
            while g == 1:
                ys = (ys * ys + c) % n
                g = math.gcd(abs(x - ys), n)
        if g != n:
            return g


def main() -> int:
    with open("rsa.json") as f:
        key = json.load(f)
    n, e, c = int(key["n"]), int(key["e"]), int(key["c"])
    p = fermat(n) or pollard_brent(n)
    if not p or n % p != 0 or p in (1, n):
        print("could not factor n", file=sys.stderr)
        return 1
    q = n // p
    d = pow(e, -1, (p - 1) * (q - 1))
    m = pow(c, d, n)
    print(m.to_bytes((m.bit_length() + 7) // 8, "big").decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
