"""Reference solution for patch-c-greet-overflow: strcpy copies a name of
any length into the 32-byte buffer, overwriting is_admin (and beyond).
The fix rejects names that do not fit, before copying."""
import sys

OLD = "    strcpy(u.name, argv[1]);\n"
NEW = (
    "    if (strlen(argv[1]) >= sizeof u.name) {\n"
    "        fprintf(stderr, \"name too long (at most %zu bytes)\\n\", sizeof u.name - 1);\n"
    "        return 1;\n"
    "    }\n"
    "    strcpy(u.name, argv[1]);\n"
)


def main() -> int:
    source = open("greet.c").read()
    if source.count(OLD) != 1:
        print("greet.c does not contain the vulnerable copy exactly once", file=sys.stderr)
        return 1
    open("greet.c", "w").write(source.replace(OLD, NEW))
    print("greet.c: names of 32 bytes or more are now rejected before strcpy, so is_admin cannot be overwritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
