"""Invoice portal: customers sign in and read their invoices (JSON API)."""
import hashlib
import hmac
import json
import os
import sqlite3
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# Records are stored sealed: an 8-byte nonce, then the data XORed with
# SHA-256(KEY || nonce || counter) blocks. Only this service knows KEY.
KEY = hashlib.sha256(b"web-idor-invoices|" + bytes.fromhex("7b8322c19afe8b83ffdd499be927137a")).digest()


def _stream(nonce: bytes, n: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(KEY + nonce + counter.to_bytes(4, "big")).digest()
        counter += 1
    return bytes(out[:n])


def seal(data: bytes) -> bytes:
    nonce = os.urandom(8)
    return nonce + bytes(a ^ b for a, b in zip(data, _stream(nonce, len(data))))


def unseal(blob: bytes) -> bytes:
    nonce, body = blob[:8], blob[8:]
    return bytes(a ^ b for a, b in zip(body, _stream(nonce, len(body))))


DB = "data/invoices.db"

INDEX = """Invoice portal API
POST /login            form fields user, password (try user=guest, password=guest); sets the session cookie
GET  /api/invoices     your invoices
GET  /api/invoices/ID  one invoice
"""


def token(user: str) -> str:
    mac = hmac.new(KEY, user.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{user}:{mac}"


def session_user(cookie_header: str):
    for part in (cookie_header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "session":
            user, _, _mac = value.partition(":")
            if hmac.compare_digest(token(user), value):
                return user
    return None


class Handler(BaseHTTPRequestHandler):
    server_version = "InvoicePortal/3.0"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status: int, value, headers=None) -> None:
        data = (value if isinstance(value, str) else json.dumps(value, indent=2) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain" if isinstance(value, str) else "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, header in (headers or {}).items():
            self.send_header(name, header)
        self.end_headers()
        self.wfile.write(data)

    def db(self):
        return sqlite3.connect(f"file:{DB}?mode=ro", uri=True)

    def do_POST(self):
        if urlparse(self.path).path != "/login":
            return self.reply(404, {"error": "not found"})
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode(errors="replace"))
        user = form.get("user", [""])[0]
        password = form.get("password", [""])[0]
        conn = self.db()
        row = conn.execute("SELECT password_sha256 FROM users WHERE name = ?", (user,)).fetchone()
        conn.close()
        digest = hashlib.sha256(password.encode()).hexdigest()
        if row is None or not hmac.compare_digest(row[0], digest):
            return self.reply(403, {"error": "wrong user name or password"})
        return self.reply(200, {"user": user}, {"Set-Cookie": f"session={token(user)}; HttpOnly; Path=/"})

    def do_GET(self):
        path = urlparse(self.path).path
        if path == "/":
            return self.reply(200, INDEX)
        if path == "/health":
            return self.reply(200, "ok\n")
        user = session_user(self.headers.get("Cookie"))
        if path.startswith("/api/") and user is None:
            return self.reply(401, {"error": "sign in first: POST /login"})
        conn = self.db()
        try:
            if path == "/api/invoices":
                rows = conn.execute(
                    "SELECT id, amount, status FROM invoices WHERE owner = ? ORDER BY id", (user,)
                ).fetchall()
                return self.reply(200, [{"id": r[0], "amount": r[1], "status": r[2]} for r in rows])
            if path.startswith("/api/invoices/"):
                try:
                    invoice_id = int(path.rsplit("/", 1)[1])
                except ValueError:
                    return self.reply(400, {"error": "invoice ids are numbers"})
                row = conn.execute(
                    "SELECT id, owner, amount, status, memo FROM invoices WHERE id = ?", (invoice_id,)
                ).fetchone()
                if row is None:
                    return self.reply(404, {"error": "no such invoice"})
                return self.reply(200, {
                    "id": row[0], "customer": row[1], "amount": row[2], "status": row[3],
                    "memo": unseal(row[4]).decode(errors="replace"),
                })
        finally:
            conn.close()
        return self.reply(404, {"error": "not found"})


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 8080), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
