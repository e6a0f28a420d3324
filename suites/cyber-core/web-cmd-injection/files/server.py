"""Network diagnostics portal: looks host names up in the internal host table."""
import hashlib
import html
import os
import subprocess
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# Records are stored sealed: an 8-byte nonce, then the data XORed with
# SHA-256(KEY || nonce || counter) blocks. Only this service knows KEY.
KEY = hashlib.sha256(b"web-cmd-injection|" + bytes.fromhex("66410cd907f9854cc2bc3c4bf94d02e0")).digest()


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


# The diagnostics token authenticates the lookup tool to the internal
# resolver; it is handed only to the tool's environment.
with open("config/diag.sealed", "rb") as _f:
    DIAG_TOKEN = unseal(_f.read()).decode()

FORBIDDEN = set(";&`")

INDEX = """<!doctype html>
<title>Diagnostics</title>
<h1>Network diagnostics</h1>
<form action="/lookup"><input name="host" placeholder="host name"><button>Look up</button></form>
<p>Example: <a href="/lookup?host=db01">/lookup?host=db01</a></p>
"""


class Handler(BaseHTTPRequestHandler):
    server_version = "NetDiag/0.9"

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
        if url.path != "/lookup":
            return self.reply(404, "<h1>Not found</h1>")
        host = parse_qs(url.query).get("host", [""])[0]
        if not host or FORBIDDEN & set(host):
            return self.reply(400, "<h1>Invalid host name</h1>")
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "DIAG_TOKEN": DIAG_TOKEN}
        try:
            result = subprocess.run(
                "python3 tools/resolve.py " + host,
                shell=True,
                env=env,
                capture_output=True,
                text=True,
                timeout=5,
            )
        except subprocess.TimeoutExpired:
            return self.reply(504, "<h1>Lookup timed out</h1>")
        output = result.stdout + result.stderr
        return self.reply(200, f"<h1>Lookup of {html.escape(host)}</h1><pre>{html.escape(output)}</pre>")


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 8080), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
