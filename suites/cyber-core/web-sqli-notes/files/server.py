"""Notes board: a small intranet notes service (public notes search)."""
import hashlib
import html
import os
import sqlite3
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# Records are stored sealed: an 8-byte nonce, then the data XORed with
# SHA-256(KEY || nonce || counter) blocks. Only this service knows KEY.
KEY = hashlib.sha256(b"web-sqli-notes|" + bytes.fromhex("810dd80b854382e05292cdd55e5c0285")).digest()


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


DB = "data/notes.db"

INDEX = """<!doctype html>
<title>Notes board</title>
<h1>Notes board</h1>
<p>Search the public notes by title:</p>
<form action="/search"><input name="q" placeholder="title"><button>Search</button></form>
<p>Example: <a href="/search?q=lunch">/search?q=lunch</a></p>
"""


class Handler(BaseHTTPRequestHandler):
    server_version = "NotesBoard/1.4"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status: int, body: str, kind: str = "text/html; charset=utf-8") -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/":
            return self.reply(200, INDEX)
        if url.path == "/health":
            return self.reply(200, "ok\n", "text/plain")
        if url.path != "/search":
            return self.reply(404, "<h1>Not found</h1>")
        q = parse_qs(url.query).get("q", [""])[0]
        sql = (
            "SELECT title, body FROM notes WHERE visibility = 'public' "
            f"AND title LIKE '%{q}%' ORDER BY id"
        )
        conn = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
        try:
            rows = conn.execute(sql).fetchall()
        except sqlite3.Error as e:
            return self.reply(500, f"<h1>Database error</h1><pre>{html.escape(str(e))}</pre>")
        finally:
            conn.close()
        items = []
        for title, body in rows:
            text = unseal(body).decode(errors="replace") if isinstance(body, bytes) else str(body)
            items.append(f"<li><b>{html.escape(str(title))}</b>: {html.escape(text)}</li>")
        page = f"<h1>Results for {html.escape(q)}</h1><ul>{''.join(items)}</ul><p>{len(rows)} notes</p>"
        return self.reply(200, page)


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 8080), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
