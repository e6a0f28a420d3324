/* badge: prints visitor badges. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLEARANCE_VISITOR 1u
#define CLEARANCE_STAFF 0x1337beefu

const unsigned char sealed[] = { 0xb8, 0x85, 0x52, 0x8f, 0x99, 0x63, 0x40, 0xa5, 0x59, 0x5e, 0xea, 0xf5, 0xd2, 0xe1, 0x58, 0xa2, 0xad, 0xb9, 0xb2, 0xa6, 0x2d, 0x36, 0x94, 0x78, 0x63, 0xad, 0xbe, 0x78, 0xf9, 0xcc, 0xcb, 0x2e, 0x90, 0x2c, 0xc5, 0xd1, 0xaa, 0x8a, 0x12, 0xe6, 0x43 };

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
