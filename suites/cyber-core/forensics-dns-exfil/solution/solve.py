"""Reference solution for forensics-dns-exfil: parses the pcap (Ethernet,
IPv4, UDP to port 53), decodes the query names, groups them by their
registered domain, takes the domain with the most distinct subdomains, orders
its `<seq>-<chunk>` labels by sequence number (dropping retransmissions) and
base32-decodes the chunks."""
import base64
import re
import struct
import sys
from collections import defaultdict


def frames(path: str):
    data = open(path, "rb").read()
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic != 0xA1B2C3D4:
        raise SystemExit("not a little-endian pcap file")
    offset = 24
    while offset + 16 <= len(data):
        _, _, caplen, _ = struct.unpack_from("<IIII", data, offset)
        yield data[offset + 16 : offset + 16 + caplen]
        offset += 16 + caplen


def query_name(dns: bytes) -> str:
    labels, i = [], 12
    while dns[i]:
        length = dns[i]
        labels.append(dns[i + 1 : i + 1 + length].decode())
        i += 1 + length
    return ".".join(labels)


def main() -> int:
    by_domain = defaultdict(set)
    for frame in frames("capture.pcap"):
        if frame[12:14] != b"\x08\x00" or frame[23] != 17:
            continue
        ihl = (frame[14] & 0x0F) * 4
        udp = frame[14 + ihl :]
        dport = struct.unpack_from("!H", udp, 2)[0]
        dns = udp[8:]
        if dport != 53 or dns[2] & 0x80:
            continue
        name = query_name(dns)
        parts = name.split(".")
        by_domain[".".join(parts[-2:])].add(name)
    domain, names = max(by_domain.items(), key=lambda item: len(item[1]))
    chunks = {}
    for name in names:
        m = re.match(r"(\d+)-([a-z2-7]+)\.", name)
        if m:
            chunks[int(m.group(1))] = m.group(2)
    encoded = "".join(chunks[i] for i in sorted(chunks)).upper()
    encoded += "=" * (-len(encoded) % 8)
    document = base64.b32decode(encoded)
    found = re.search(rb"bulwark\{[^}\s]+\}", document)
    if not found:
        print(f"no flag in the data sent to {domain}", file=sys.stderr)
        return 1
    print(found.group().decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
