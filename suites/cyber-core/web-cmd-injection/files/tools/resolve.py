"""Looks host names up in the internal host table (tools/hosts.txt)."""
import os
import sys

TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hosts.txt")


def main(argv: list) -> int:
    if not os.environ.get("DIAG_TOKEN"):
        print("resolve: not authorised (no diagnostics token)", file=sys.stderr)
        return 1
    if len(argv) < 2:
        print("usage: resolve.py HOST...", file=sys.stderr)
        return 2
    table = {}
    with open(TABLE) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                table[parts[1]] = parts[0]
    status = 0
    for host in argv[1:]:
        if host in table:
            print(f"{host} has address {table[host]}")
        else:
            print(f"{host}: not found")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
