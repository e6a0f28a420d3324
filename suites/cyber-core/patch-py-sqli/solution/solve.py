"""Reference solution for patch-py-sqli: find_account formats the user name
into the SQL text. The fix binds it as a parameter, which also makes names
with apostrophes (o'brien) work."""
import sys

OLD = '''    query = f"SELECT username, email, team FROM accounts WHERE username = '{username}'"
    return conn.execute(query).fetchone()
'''
NEW = '''    query = "SELECT username, email, team FROM accounts WHERE username = ?"
    return conn.execute(query, (username,)).fetchone()
'''


def main() -> int:
    source = open("accounts.py").read()
    if source.count(OLD) != 1:
        print("accounts.py does not contain the vulnerable query exactly once", file=sys.stderr)
        return 1
    open("accounts.py", "w").write(source.replace(OLD, NEW))
    print("accounts.find_account now binds the user name as a query parameter")
    return 0


if __name__ == "__main__":
    sys.exit(main())
