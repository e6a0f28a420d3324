"""Regenerates files/license_check.c for rev-chained-license.

Deterministic: run `python3 generate.py` in this directory. The checker
chains every key byte into an 8-bit accumulator (XOR, rotate left by 3, add
13*i) and compares each intermediate value with a table; the valid key is
the flag and is stored nowhere.
"""

FLAG = "bulwark{ch41n3d_ch3cks_4r3_r3v3rs1bl3}"


def rol8(x: int, r: int) -> int:
    return ((x << r) | (x >> (8 - r))) & 0xFF


def main() -> None:
    acc, table = 0x42, []
    for i, ch in enumerate(FLAG.encode()):
        acc = (rol8(acc ^ ch, 3) + 13 * i) & 0xFF
        table.append(acc)
    body = ", ".join(f"0x{b:02x}" for b in table)
    with open("files/license_check.c", "w") as f:
        f.write(TEMPLATE.replace("@TABLE@", body).replace("@LEN@", str(len(table))))


TEMPLATE = r"""/* license_check: validates a license key given as the first argument. */
#include <stdio.h>
#include <string.h>

const unsigned char expected[@LEN@] = { @TABLE@ };

static unsigned char rol8(unsigned char x, int r)
{
    return (unsigned char)((x << r) | (x >> (8 - r)));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s LICENSE-KEY\n", argv[0]);
        return 2;
    }
    const unsigned char *key = (const unsigned char *)argv[1];
    size_t n = strlen(argv[1]);
    if (n != sizeof expected) {
        puts("Invalid license key.");
        return 1;
    }
    unsigned char acc = 0x42;
    for (size_t i = 0; i < n; i++) {
        acc = (unsigned char)(rol8(acc ^ key[i], 3) + 13 * i);
        if (acc != expected[i]) {
            puts("Invalid license key.");
            return 1;
        }
    }
    puts("Valid license key. Thank you for your purchase!");
    return 0;
}
"""

if __name__ == "__main__":
    main()
