"""Regenerates files/shop.c for pwn-shop-int-overflow.

Deterministic: run `python3 generate.py` in this directory. The flag is
stored only XORed with an xorshift32 keystream seeded with the value that
the exploit has to produce (the flag's price, 1000000, XOR 0x5a5a5a5a), and is printed only on the
exploited path.
"""

FLAG = "bulwark{n3g4t1v3_c0sts_m4k3_r1ch_h4ck3rs}"
SEED = 0x5a55181a


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
    with open("files/shop.c", "w") as f:
        f.write(TEMPLATE.replace("@SEALED@", body))


TEMPLATE = r"""/* shop: a sticker shop with a very expensive flag. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STICKER_PRICE 10
#define FLAG_PRICE 1000000

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

static int read_line(char *buf, size_t size)
{
    if (fgets(buf, (int)size, stdin) == NULL)
        return 0;
    buf[strcspn(buf, "\n")] = '\0';
    return 1;
}

int main(void)
{
    char line[64];
    int balance = 100;

    setvbuf(stdout, NULL, _IONBF, 0);
    for (;;) {
        printf("\nBalance: %d credits\n1) buy stickers (%d credits each)\n2) buy the flag (%d credits)\n3) leave\n> ",
               balance, STICKER_PRICE, FLAG_PRICE);
        if (!read_line(line, sizeof line))
            return 0;
        if (strcmp(line, "1") == 0) {
            printf("How many stickers? ");
            if (!read_line(line, sizeof line))
                return 0;
            int quantity = atoi(line);
            if (quantity <= 0) {
                puts("Please order at least one sticker.");
                continue;
            }
            int cost = quantity * STICKER_PRICE;
            if (cost > balance) {
                puts("Not enough credits.");
                continue;
            }
            balance -= cost;
            printf("Bought %d stickers for %d credits.\n", quantity, cost);
        } else if (strcmp(line, "2") == 0) {
            if (balance < FLAG_PRICE) {
                puts("Not enough credits for the flag.");
                continue;
            }
            balance -= FLAG_PRICE;
            printf("Here is your flag: ");
            reveal(FLAG_PRICE ^ 0x5a5a5a5au);
        } else if (strcmp(line, "3") == 0) {
            puts("Bye.");
            return 0;
        } else {
            puts("Unknown choice.");
        }
    }
}
"""

if __name__ == "__main__":
    main()
