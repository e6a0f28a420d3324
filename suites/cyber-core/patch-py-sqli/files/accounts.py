"""accounts: look-ups in the accounts database (SQLite).

Schema: accounts(username TEXT PRIMARY KEY, email TEXT, team TEXT).
"""
import sqlite3


def connect(path: str = "accounts.db") -> sqlite3.Connection:
    """Opens the accounts database."""
    return sqlite3.connect(path)


def find_account(conn: sqlite3.Connection, username: str):
    """The (username, email, team) row of `username`, or None."""
    query = f"SELECT username, email, team FROM accounts WHERE username = '{username}'"
    return conn.execute(query).fetchone()


def accounts_in_team(conn: sqlite3.Connection, team: str) -> list:
    """The usernames of the team's members, sorted."""
    rows = conn.execute(
        "SELECT username FROM accounts WHERE team = ? ORDER BY username", (team,)
    ).fetchall()
    return [row[0] for row in rows]
