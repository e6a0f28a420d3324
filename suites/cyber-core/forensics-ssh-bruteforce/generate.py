"""Regenerates files/*/auth.log and dataset.jsonl for forensics-ssh-bruteforce.

Deterministic: run `python3 generate.py` in this directory. Each log mixes
ordinary traffic (public-key logins, cron sessions, a user mistyping a
password once), a noisy scanner that never gets in, a remote administrator
logging in from outside with a key, and one brute-force attack that ends
with an accepted password. The answer is the attacker's address and the
account it got into.
"""
import datetime
import json
import os
import random

USERS = ["alice", "bob", "carol", "deploy", "dave", "erin"]
SPRAY = ["root", "admin", "test", "oracle", "postgres", "ubuntu", "git", "support", "user", "pi", "ftp",
         "guest", "backup", "www-data", "nagios", "jenkins"]

SAMPLES = [
    {"id": "bastion-1", "seed": 11, "host": "bastion", "day": "2024-03-14", "attacker": "203.0.113.77",
     "victim": "backup", "scanner": "198.51.100.23", "remote_admin": "192.0.2.44"},
    {"id": "bastion-2", "seed": 12, "host": "jump01", "day": "2024-06-02", "attacker": "198.51.100.191",
     "victim": "nagios", "scanner": "203.0.113.5", "remote_admin": "192.0.2.201"},
]

PROMPT = (
    "/work/auth.log is the SSH authentication log of an internet-facing host for one day. During that day "
    "an attacker guessed passwords until one worked and logged in. From which IP address did the attacker "
    "log in, and into which account? Answer in exactly the form IP,ACCOUNT (for example 192.0.2.1,alice) and "
    "nothing else."
)


class Log:
    def __init__(self, rng, host, day):
        self.rng, self.host, self.events = rng, host, []
        self.start = datetime.datetime.fromisoformat(day + "T00:00:00")

    def add(self, seconds, message, daemon="sshd"):
        pid = self.rng.randrange(1000, 60000)
        self.events.append((seconds, f"{daemon}[{pid}]: {message}"))

    def text(self):
        lines = []
        for seconds, message in sorted(self.events, key=lambda e: e[0]):
            when = self.start + datetime.timedelta(seconds=seconds)
            lines.append(f"{when.strftime('%b %e %H:%M:%S')} {self.host} {message}")
        return "\n".join(lines) + "\n"


def port(rng):
    return rng.randrange(32768, 61000)


def main() -> None:
    rows = []
    for s in SAMPLES:
        rng = random.Random(s["seed"])
        log = Log(rng, s["host"], s["day"])
        # cron, every 10 minutes
        for t in range(0, 86400, 600):
            log.add(t + 1, "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)", "CRON")
            log.add(t + 2, "pam_unix(cron:session): session closed for user root", "CRON")
        # ordinary key-based logins from the office
        for _ in range(60):
            t = rng.randrange(7 * 3600, 19 * 3600)
            user = rng.choice(USERS)
            ip = f"10.0.{rng.randrange(1, 5)}.{rng.randrange(2, 250)}"
            log.add(t, f"Accepted publickey for {user} from {ip} port {port(rng)} ssh2: ED25519 SHA256:{rng.getrandbits(128):032x}")
            log.add(t + 1, f"pam_unix(sshd:session): session opened for user {user}(uid={1000 + USERS.index(user)}) by (uid=0)")
            log.add(t + rng.randrange(60, 7200), f"pam_unix(sshd:session): session closed for user {user}")
        # a user mistypes a password once, then gets in
        t = rng.randrange(9 * 3600, 11 * 3600)
        ip = f"10.0.2.{rng.randrange(2, 250)}"
        log.add(t, f"Failed password for carol from {ip} port {port(rng)} ssh2")
        log.add(t + 6, f"Accepted password for carol from {ip} port {port(rng)} ssh2")
        # the remote administrator, from outside, with a key
        t = rng.randrange(20 * 3600, 22 * 3600)
        log.add(t, f"Accepted publickey for dave from {s['remote_admin']} port {port(rng)} ssh2: RSA SHA256:{rng.getrandbits(128):032x}")
        # the scanner: hundreds of failures, never in
        t = rng.randrange(1 * 3600, 3 * 3600)
        for _ in range(420):
            t += rng.randrange(1, 9)
            user = rng.choice(SPRAY)
            invalid = "" if user in ("root", "backup", "nagios") else "invalid user "
            log.add(t, f"Failed password for {invalid}{user} from {s['scanner']} port {port(rng)} ssh2")
            if rng.random() < 0.2:
                log.add(t + 1, f"Disconnected from {invalid}{'authenticating user ' if not invalid else ''}{user} {s['scanner']} port {port(rng)} [preauth]")
        # the attacker: spray, then focus on the victim, then success
        t = rng.randrange(13 * 3600, 15 * 3600)
        for _ in range(120):
            t += rng.randrange(2, 12)
            user = rng.choice(SPRAY)
            invalid = "" if user in ("root", "backup", "nagios") else "invalid user "
            log.add(t, f"Failed password for {invalid}{user} from {s['attacker']} port {port(rng)} ssh2")
        for _ in range(180):
            t += rng.randrange(2, 12)
            log.add(t, f"Failed password for {s['victim']} from {s['attacker']} port {port(rng)} ssh2")
        t += 7
        log.add(t, f"Accepted password for {s['victim']} from {s['attacker']} port {port(rng)} ssh2")
        log.add(t + 1, f"pam_unix(sshd:session): session opened for user {s['victim']}(uid=34) by (uid=0)")
        log.add(t + 1900, f"pam_unix(sshd:session): session closed for user {s['victim']}")
        folder = f"files/{s['id']}"
        os.makedirs(folder, exist_ok=True)
        with open(f"{folder}/auth.log", "w") as f:
            f.write(log.text())
        rows.append({"id": s["id"], "input": PROMPT, "target": f"{s['attacker']},{s['victim']}",
                     "files": {"auth.log": f"{folder}/auth.log"}})
    with open("dataset.jsonl", "w") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
