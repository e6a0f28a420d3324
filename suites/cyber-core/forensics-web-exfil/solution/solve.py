"""Reference solution for forensics-web-exfil: finds the clients whose
requests carry SQL injection (quotes with OR/UNION/ORDER BY in a decoded
query string), then the largest successful download by such a client."""
import re
import sys
import urllib.parse

LINE = re.compile(r'^(\S+) \S+ \S+ \[[^\]]+\] "(\S+) (\S+) [^"]*" (\d{3}) (\d+)')
SQLI = re.compile(r"'.*\b(OR|UNION|ORDER\s+BY|SELECT)\b|'\s*$", re.I)


def main() -> int:
    requests = []
    suspects = set()
    with open("access.log") as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            ip, method, path, status, size = m.group(1), m.group(2), m.group(3), int(m.group(4)), int(m.group(5))
            query = urllib.parse.unquote_plus(urllib.parse.urlsplit(path).query)
            if SQLI.search(query):
                suspects.add(ip)
            requests.append((ip, method, path, status, size))
    downloads = [(size, ip, path) for ip, method, path, status, size in requests
                 if ip in suspects and method == "GET" and status == 200 and "?" not in path]
    if not downloads:
        print("no download by a client that tried SQL injection", file=sys.stderr)
        return 1
    size, ip, path = max(downloads)
    print(f"{ip}|{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
