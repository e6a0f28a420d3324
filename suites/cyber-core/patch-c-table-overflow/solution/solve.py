"""Reference solution for patch-c-table-overflow: rows * width is computed
in 32 bits, so a large header wraps it to a small allocation that the row
copies then overrun. The fix refuses headers whose product does not fit,
before allocating."""
import sys

OLD = "    unsigned int total = rows * width;\n"
NEW = (
    "    if (rows > UINT32_MAX / width) {\n"
    "        fprintf(stderr, \"error: table too large (%u rows of %u bytes)\\n\", rows, width);\n"
    "        return 1;\n"
    "    }\n"
    "    unsigned int total = rows * width;\n"
)


def main() -> int:
    source = open("table.c").read()
    if source.count(OLD) != 1:
        print("table.c does not contain the vulnerable size computation exactly once", file=sys.stderr)
        return 1
    open("table.c", "w").write(source.replace(OLD, NEW))
    print("table.c: headers whose rows * width overflows 32 bits are rejected before the allocation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
