"""Builds data/invoices.db for the invoice portal (run once by the task's
setup, then deleted)."""
import hashlib
import os
import sqlite3
import sys

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


INVOICES = [
    (1003, "acme", 1200.00, "paid", "Annual support contract."),
    (1007, "admin", 0.00, "internal", "Internal: the billing master key is {flag}"),
    (1011, "globex", 560.50, "open", "Consulting, March."),
    (1012, "guest", 42.00, "open", "Sample invoice for the guest account."),
    (1013, "guest", 13.37, "paid", "Second sample invoice."),
    (1016, "initech", 999.99, "overdue", "Printer maintenance."),
]


def main() -> None:
    flag = sys.argv[1]
    os.makedirs("data", exist_ok=True)
    conn = sqlite3.connect("data/invoices.db")
    conn.execute("CREATE TABLE users (name TEXT PRIMARY KEY, password_sha256 TEXT)")
    conn.execute(
        "CREATE TABLE invoices (id INTEGER PRIMARY KEY, owner TEXT, amount REAL, status TEXT, memo BLOB)"
    )
    admin_password = os.urandom(24).hex()
    for name, password in (("guest", "guest"), ("admin", admin_password)):
        conn.execute(
            "INSERT INTO users VALUES (?, ?)", (name, hashlib.sha256(password.encode()).hexdigest())
        )
    for invoice_id, owner, amount, status, memo in INVOICES:
        conn.execute(
            "INSERT INTO invoices VALUES (?, ?, ?, ?, ?)",
            (invoice_id, owner, amount, status, seal(memo.format(flag=flag).encode())),
        )
    conn.commit()
    conn.close()


if __name__ == "__main__":
    main()
