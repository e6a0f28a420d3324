/* shop: a sticker shop with a very expensive flag. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STICKER_PRICE 10
#define FLAG_PRICE 1000000

const unsigned char sealed[] = { 0xf3, 0x24, 0x15, 0x2d, 0xad, 0xb6, 0xd9, 0x18, 0xe1, 0xd7, 0xb3, 0xeb, 0x2c, 0xdb, 0x86, 0x1c, 0x85, 0xde, 0x25, 0xb6, 0xed, 0x8b, 0xd1, 0x67, 0x89, 0xf4, 0x42, 0xac, 0x09, 0x39, 0x21, 0x0d, 0x4b, 0x44, 0x5a, 0x75, 0x17, 0x53, 0x7c, 0x8d, 0x55 };

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
