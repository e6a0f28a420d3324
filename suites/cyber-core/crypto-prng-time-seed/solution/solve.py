"""Reference solution for crypto-prng-time-seed: the keystream comes from
random.Random(unix_time), and the log bounds that time to a few hours, so
every second of the window is tried until the plaintext parses as JSON."""
import datetime
import json
import random
import re
import sys


def stamps(log: str) -> list:
    found = re.findall(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)", log, re.M)
    return [int(datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
                .replace(tzinfo=datetime.timezone.utc).timestamp()) for s in found]


def crypt(seed: int, data: bytes) -> bytes:
    rng = random.Random(seed)
    return bytes(b ^ rng.getrandbits(8) for b in data)


def main() -> int:
    blob = open("export.vbk", "rb").read()
    if blob[:4] != b"VBK1":
        print("export.vbk is not a vaultbackup file", file=sys.stderr)
        return 1
    body = blob[4:]
    times = stamps(open("backup.log").read())
    first, last = min(times) - 60, max(times) + 60
    for seed in range(first, last + 1):
        head = crypt(seed, body[:2])
        if head not in (b"{\n", b"{\"", b"{ ", b"[\n", b"[{"):
            continue
        plain = crypt(seed, body)
        try:
            json.loads(plain)
        except ValueError:
            continue
        found = re.search(rb"bulwark\{[^}\s]+\}", plain)
        if found:
            print(found.group().decode())
            return 0
    print("no seed in the logged window decrypts the export", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
