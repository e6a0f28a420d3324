/* echo: repeats one line back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int access_level = 0;
const unsigned char sealed[] = { 0xc7, 0xb4, 0x83, 0xf1, 0xc3, 0x9e, 0x5a, 0x67, 0xc9, 0x91, 0xac, 0x2d, 0xfe, 0x0d, 0xe9, 0x6a, 0x38, 0xef, 0x47, 0xd7, 0xc6, 0x4e, 0x13, 0x97, 0x13, 0xbf, 0x9b, 0x39, 0x0a, 0xf9, 0xbd, 0x61, 0x46, 0x6d, 0x0d, 0x5f, 0xc4, 0xa7, 0xe0 };

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
