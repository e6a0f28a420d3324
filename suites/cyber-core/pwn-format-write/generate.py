"""Regenerates files/echo.c for pwn-format-write.

Deterministic: run `python3 generate.py` in this directory. The flag is
stored only XORed with an xorshift32 keystream seeded with the value that
the exploit has to produce (the access level 0x31337), and is printed only on the
exploited path.
"""

FLAG = "bulwark{p3rc3nt_n_wr1t3s_wh3r3_y0u_s4y}"
SEED = 0x31337


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
    with open("files/echo.c", "w") as f:
        f.write(TEMPLATE.replace("@SEALED@", body))


TEMPLATE = r"""/* echo: repeats one line back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int access_level = 0;
const unsigned char sealed[] = { @SEALED@ };

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
    char line[256];

    setvbuf(stdout, NULL, _IONBF, 0);
    puts("Echo service. Type a line:");
    if (fgets(line, sizeof line, stdin) == NULL)
        return 1;
    printf(line);
    if (access_level == 0x31337) {
        printf("\nMaintenance access granted. Flag: ");
        reveal((uint32_t)access_level);
    } else {
        printf("\n(access level %d: maintenance mode needs 0x31337)\n", access_level);
    }
    return 0;
}
"""

if __name__ == "__main__":
    main()
