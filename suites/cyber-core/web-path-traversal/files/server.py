"""Document portal: serves the public documents of the document store."""
import hashlib
import html
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# Records are stored sealed: an 8-byte nonce, then the data XORed with
# SHA-256(KEY || nonce || counter) blocks. Only this service knows KEY.
KEY = hashlib.sha256(b"web-path-traversal|" + bytes.fromhex("b6f2c85e368dde876e893cec4db79c75")).digest()


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


STORE = "storage"
PUBLIC = os.path.join(STORE, "public")


class Handler(BaseHTTPRequestHandler):
    server_version = "DocPortal/2.1"

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
        if url.path == "/health":
            return self.reply(200, "ok\n", "text/plain")
        if url.path == "/":
            names = sorted(os.listdir(PUBLIC))
            links = "".join(f'<li><a href="/docs?name={n}">{html.escape(n)}</a></li>' for n in names)
            return self.reply(200, f"<h1>Document portal</h1><p>Public documents:</p><ul>{links}</ul>")
        if url.path != "/docs":
            return self.reply(404, "<h1>Not found</h1>")
        name = parse_qs(url.query).get("name", [""])[0]
        if not name or name.startswith("/"):
            return self.reply(400, "<h1>Bad document name</h1>")
        # Keep visitors inside the public folder.
        name = name.replace("../", "")
        path = os.path.join(PUBLIC, name)
        if not os.path.isfile(path):
            return self.reply(404, f"<h1>No document {html.escape(name)}</h1>")
        with open(path, "rb") as f:
            text = unseal(f.read()).decode(errors="replace")
        return self.reply(200, text, "text/plain; charset=utf-8")


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 8080), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
