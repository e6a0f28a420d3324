"""Reference solution for forensics-ssh-bruteforce: counts failed password
attempts per source address, keeps the addresses that later had a password
accepted, and picks the one with the most failures before its success."""
import re
import sys
from collections import Counter

FAILED = re.compile(r"Failed password for (?:invalid user )?(\S+) from (\S+) port")
ACCEPTED = re.compile(r"Accepted password for (\S+) from (\S+) port")


def main() -> int:
    failures = Counter()
    successes = []
    with open("auth.log") as f:
        for line in f:
            failed = FAILED.search(line)
            if failed:
                failures[failed.group(2)] += 1
                continue
            accepted = ACCEPTED.search(line)
            if accepted:
                user, ip = accepted.groups()
                successes.append((failures[ip], ip, user))
    if not successes:
        print("no password was ever accepted", file=sys.stderr)
        return 1
    count, ip, user = max(successes)
    if count < 20:
        print("no accepted password follows a brute-force run", file=sys.stderr)
        return 1
    print(f"{ip},{user}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
