"""Builds data/notes.db for the notes board (run once by the task's setup,
then deleted)."""
import hashlib
import os
import sqlite3
import sys

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


NOTES = [
    ("alice", "public", "Lunch menu", "Monday: soup. Tuesday: pasta. Wednesday: curry."),
    ("bob", "public", "Parking", "The visitor car park is closed for resurfacing this week."),
    ("alice", "public", "Welcome", "Welcome to the notes board. Be kind."),
    ("admin", "private", "Deployment secrets", "Production deploy key: {flag}"),
    ("carol", "private", "Salary review", "Postponed to next quarter."),
    ("bob", "public", "Lunch club", "Lunch club meets on Fridays at noon."),
]


def main() -> None:
    flag = sys.argv[1]
    os.makedirs("data", exist_ok=True)
    conn = sqlite3.connect("data/notes.db")
    conn.execute(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, owner TEXT, visibility TEXT, title TEXT, body BLOB)"
    )
    for owner, visibility, title, body in NOTES:
        conn.execute(
            "INSERT INTO notes (owner, visibility, title, body) VALUES (?, ?, ?, ?)",
            (owner, visibility, title, seal(body.format(flag=flag).encode())),
        )
    conn.commit()
    conn.close()


if __name__ == "__main__":
    main()
