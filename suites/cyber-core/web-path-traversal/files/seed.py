"""Fills the encrypted document store under storage/ (run once by the task's
setup, then deleted)."""
import hashlib
import os
import sys

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


DOCUMENTS = {
    "public/welcome.txt": "Welcome to the document portal. Public documents are listed on the home page.\n",
    "public/handbook.txt": "Employee handbook, chapter 1: badges must be worn visibly at all times.\n",
    "public/holidays.txt": "Office holidays: 1 January, 1 May, 25 and 26 December.\n",
    "private/admin-flag.txt": "Administrator recovery token: {flag}\n",
    "private/board-minutes.txt": "Board minutes: the merger is on hold.\n",
}


def main() -> None:
    flag = sys.argv[1]
    for name, text in DOCUMENTS.items():
        path = os.path.join("storage", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(seal(text.format(flag=flag).encode()))


if __name__ == "__main__":
    main()
