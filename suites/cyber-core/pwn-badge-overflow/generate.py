"""Regenerates files/badge.c for pwn-badge-overflow.

Deterministic: run `python3 generate.py` in this directory. The flag is
stored only XORed with an xorshift32 keystream seeded with the value that
the exploit has to produce (the clearance value 0x1337beef), and is printed only on the
exploited path.
"""

FLAG = "bulwark{st4ck_n31ghb0urs_g3t_0v3rwr1tt3n}"
SEED = 0x1337beef


def keystream(seed: int, n: int) -> bytes:
    state = seed & 0xFFFFFFFF
    out = bytearray()
    for _ in range(n):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        out.append(state & 0xFF)
    return bytes(out)


def main() -> None:
    sealed = bytes(a ^ b for a, b in zip(FLAG.encode(), keystream(SEED, len(FLAG))))
    body = ", ".join(f"0x{b:02x}" for b in sealed)
    with open("files/badge.c", "w") as f:
        f.write(TEMPLATE.replace("@SEALED@", body))


TEMPLATE = r"""/* badge: prints visitor badges. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLEARANCE_VISITOR 1u
#define CLEARANCE_STAFF 0x1337beefu

const unsigned char sealed[] = { @SEALED@ };

struct badge {
    char name[32];
    uint32_t clearance;
};

static void reveal(uint32_t state)
{
    for (size_t i = 0; i < sizeof sealed; i++) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        putchar(sealed[i] ^ (unsigned char)state);
    }
    putchar('\n');
}

int main(void)
{
    struct badge badge;

    setvbuf(stdout, NULL, _IONBF, 0);
    badge.clearance = CLEARANCE_VISITOR;
    printf("Badge printer. Visitor name: ");
    if (fgets(badge.name, 64, stdin) == NULL)
        exit(1);
    badge.name[strcspn(badge.name, "\n")] = '\0';
    printf("Printing a badge for %.32s (clearance %#x)\n", badge.name, badge.clearance);
    if (badge.clearance == CLEARANCE_STAFF) {
        printf("Staff badge. Flag: ");
        reveal(badge.clearance);
    } else if (badge.clearance != CLEARANCE_VISITOR) {
        puts("Unknown clearance level; badge voided.");
    } else {
        puts("Visitor badge printed. Staff badges carry the flag.");
    }
    exit(0);
}
"""

if __name__ == "__main__":
    main()
