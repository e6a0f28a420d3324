"""Creates accounts.db with a few sample accounts (for trying accounts.py)."""
import sqlite3

ACCOUNTS = [
    ("alice", "alice@example.test", "red"),
    ("bob", "bob@example.test", "blue"),
    ("o'brien", "obrien@example.test", "red"),
    ("root", "root@example.test", "ops"),
]

conn = sqlite3.connect("accounts.db")
conn.execute("CREATE TABLE IF NOT EXISTS accounts (username TEXT PRIMARY KEY, email TEXT, team TEXT)")
conn.executemany("INSERT OR REPLACE INTO accounts VALUES (?, ?, ?)", ACCOUNTS)
conn.commit()
conn.close()
