#!/usr/bin/env python3
"""TAXII 2.1 load-and-page driver (used by bench/taxii_bench.sh and
scripts/conformance/taxii_client.sh), written against taxii2-client.

    taxii_bench.py COLLECTION_URL USER PASSWORD N [--batch B] [--page P] [--skip-load]

Loads N generated STIX 2.1 indicators into the collection with
Collection.add_objects in batches of B (default 1000), then pages through
every object with taxii2client.v21.as_pages(get_objects, per_request=P)
(default 100). Checks that every id came back exactly once and that the
count is N; prints one JSON line with load time, per-page latency p50/p99/max
(ms) and total paging time. Exits 1 on any mismatch.
"""
import argparse
import json
import sys
import time

from taxii2client.v21 import Collection, as_pages


def indicator(n):
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--00000000-0000-4000-8000-%012d" % n,
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "name": "bench indicator %d" % n,
        "pattern": "[ipv4-addr:value = '10.%d.%d.%d']" % (n >> 16 & 255, n >> 8 & 255, n & 255),
        "pattern_type": "stix",
        "valid_from": "2026-01-01T00:00:00Z",
    }


def pct(sorted_values, p):
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, int(round(p / 100.0 * (len(sorted_values) - 1))))
    return sorted_values[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("user")
    ap.add_argument("password")
    ap.add_argument("n", type=int)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--page", type=int, default=100)
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument("--load-only", action="store_true")
    ap.add_argument("--label", default="")
    a = ap.parse_args()
    col = Collection(a.url, user=a.user, password=a.password)
    if not (col.can_read and col.can_write):
        print("collection not readable and writable by %s" % a.user, file=sys.stderr)
        return 1
    load_s = 0.0
    if not a.skip_load:
        t0 = time.monotonic()
        for start in range(0, a.n, a.batch):
            objs = [indicator(i) for i in range(start, min(a.n, start + a.batch))]
            status = col.add_objects({"objects": objs}, wait_for_completion=False)
            if status.failure_count:
                print("POST failures: %s" % status.failures[:3], file=sys.stderr)
                return 1
            if start // a.batch % 100 == 0:
                print("loaded %d" % (start + len(objs)), file=sys.stderr, flush=True)
        load_s = time.monotonic() - t0
    if a.load_only:
        print(json.dumps({"label": a.label, "n": a.n, "load_s": round(load_s, 1),
                          "objects_per_s_load": round(a.n / load_s) if load_s else None}), flush=True)
        return 0
    seen = set()
    order = []
    lat = []
    t0 = time.monotonic()
    last = t0
    for env in as_pages(col.get_objects, per_request=a.page):
        now = time.monotonic()
        lat.append((now - last) * 1000.0)
        for o in env.get("objects", []):
            order.append(o["id"])
            seen.add(o["id"])
        last = time.monotonic()
    page_s = time.monotonic() - t0
    want = [indicator(i)["id"] for i in range(a.n)]
    ok = len(order) == a.n and len(seen) == a.n and set(want) == seen
    lat.sort()
    print(json.dumps({
        "label": a.label, "n": a.n, "load_s": round(load_s, 1),
        "objects_per_s_load": round(a.n / load_s) if load_s else None,
        "pages": len(lat), "page_total_s": round(page_s, 1),
        "p50_ms": round(pct(lat, 50), 2), "p99_ms": round(pct(lat, 99), 2),
        "max_ms": round(lat[-1] if lat else 0, 2), "ids_ok": ok,
        "returned": len(order), "distinct": len(seen),
    }), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
