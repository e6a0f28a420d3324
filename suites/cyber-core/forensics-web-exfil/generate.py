"""Regenerates files/*/access.log and dataset.jsonl for forensics-web-exfil.

Deterministic: run `python3 generate.py` in this directory. Each log (nginx
combined format) has ordinary shoppers, popular large downloads, a
vulnerability scanner that only collects 404s, and one attacker who probes
the search form with SQL injection, reaches the admin area and downloads one
large export that nobody else touched. The answer is the attacker's address
and the path of that file.
"""
import datetime
import json
import os
import random
import urllib.parse

AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
]
PAGES = ["/", "/products", "/products/kettle", "/products/toaster", "/products/blender", "/cart", "/about",
         "/contact", "/search?q=kettle", "/search?q=blue+mug"]
STATIC = ["/static/app.css", "/static/app.js", "/static/logo.png"]
PROBES = ["/wp-login.php", "/.env", "/phpmyadmin/", "/.git/config", "/admin.php", "/server-status", "/backup.zip",
          "/config.php.bak", "/xmlrpc.php", "/actuator/health"]

SAMPLES = [
    {"id": "shop-1", "seed": 21, "day": "2024-04-09", "attacker": "185.220.101.47", "scanner": "45.155.205.12",
     "export": "/admin/exports/customers-full-2024-04-09.csv", "size": 8_734_112},
    {"id": "shop-2", "seed": 22, "day": "2024-09-23", "attacker": "91.92.109.14", "scanner": "193.32.162.70",
     "export": "/admin/backup/orders-db-dump.sql.gz", "size": 23_112_950},
]

PROMPT = (
    "/work/access.log is one day of the web server access log (nginx combined format) of an online shop. "
    "An attacker broke into the shop's admin area through its search feature and downloaded one file of "
    "customer data. Which IP address was the attacker's, and what is the path of the file they downloaded? "
    "Answer in exactly the form IP|PATH (for example 192.0.2.1|/files/report.pdf) and nothing else."
)


def main() -> None:
    rows = []
    for s in SAMPLES:
        rng = random.Random(s["seed"])
        start = datetime.datetime.fromisoformat(s["day"] + "T00:00:00+00:00")
        events = []

        def hit(t, ip, path, status, size, agent=None, method="GET", referer="-"):
            events.append((t, ip, method, path, status, size, referer, agent or rng.choice(AGENTS)))

        shoppers = [f"{rng.randrange(2, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}" for _ in range(80)]
        for _ in range(400):
            ip, t = rng.choice(shoppers), rng.randrange(86400)
            page = rng.choice(PAGES)
            hit(t, ip, page, 200, rng.randrange(4000, 40000))
            for asset in STATIC:
                hit(t + 1, ip, asset, rng.choice([200, 304]), rng.randrange(1000, 90000), referer=f"https://shop.example{page}")
        for _ in range(40):
            ip, t = rng.choice(shoppers), rng.randrange(86400)
            hit(t, ip, "/downloads/catalogue-2024.pdf", 200, 14_523_881)
        for _ in range(6):
            ip, t = rng.choice(shoppers), rng.randrange(86400)
            hit(t, ip, "/downloads/manual-blender.pdf", 200, 9_201_554)
        # the scanner
        t = rng.randrange(3600, 5 * 3600)
        for _ in range(150):
            t += rng.randrange(0, 3)
            hit(t, s["scanner"], rng.choice(PROBES), 404, 153, agent="Mozilla/5.0 zgrab/0.x")
        # the attacker
        attacker, t = s["attacker"], rng.randrange(14 * 3600, 16 * 3600)
        agent = "python-requests/2.31.0"
        hit(t, attacker, "/", 200, 18211, agent)
        hit(t + 2, attacker, "/search?q=kettle", 200, 9823, agent)
        injections = ["kettle'", "kettle' OR '1'='1", "kettle' ORDER BY 5-- -",
                      "kettle' UNION SELECT NULL,NULL,NULL,NULL-- -",
                      "kettle' UNION SELECT username,password_hash,NULL,NULL FROM admin_users-- -"]
        for i, inj in enumerate(injections):
            status = 500 if i in (0, 2) else 200
            hit(t + 10 + 7 * i, attacker, "/search?q=" + urllib.parse.quote_plus(inj), status, rng.randrange(900, 12000), agent)
        t += 300
        hit(t, attacker, "/admin/login", 200, 3120, agent)
        hit(t + 5, attacker, "/admin/login", 302, 0, agent, method="POST")
        hit(t + 6, attacker, "/admin/", 200, 22410, agent)
        hit(t + 30, attacker, "/admin/exports/", 200, 4410, agent)
        hit(t + 45, attacker, s["export"], 200, s["size"], agent)
        hit(t + 300, attacker, "/admin/logout", 302, 0, agent)
        # a legitimate administrator uses the admin area too, with a small report
        t = rng.randrange(9 * 3600, 10 * 3600)
        admin_ip = "10.20.0.15"
        for path, size in (("/admin/login", 3120), ("/admin/", 22410), ("/admin/reports/daily-sales.csv", 48_113)):
            hit(t, admin_ip, path, 200, size)
            t += 20
        lines = []
        for t, ip, method, path, status, size, referer, agent in sorted(events, key=lambda e: e[0]):
            when = (start + datetime.timedelta(seconds=t)).strftime("%d/%b/%Y:%H:%M:%S +0000")
            lines.append(f'{ip} - - [{when}] "{method} {path} HTTP/1.1" {status} {size} "{referer}" "{agent}"')
        folder = f"files/{s['id']}"
        os.makedirs(folder, exist_ok=True)
        with open(f"{folder}/access.log", "w") as f:
            f.write("\n".join(lines) + "\n")
        rows.append({"id": s["id"], "input": PROMPT, "target": f"{s['attacker']}|{s['export']}",
                     "files": {"access.log": f"{folder}/access.log"}})
    with open("dataset.jsonl", "w") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
