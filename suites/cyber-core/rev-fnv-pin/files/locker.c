/* locker: opens for the right five-letter access code. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

const uint64_t code_hash = 0xbf7e2df768e4d6f5ull;
const unsigned char sealed[] = { 0x34, 0x01, 0x98, 0x36, 0x40, 0xd3, 0xe1, 0x32, 0xab, 0x68, 0x6d, 0x8e, 0xc2, 0x0d, 0x40, 0x1c, 0xb6, 0x74, 0xb6, 0x29, 0xa4, 0x2e, 0xed, 0xa2, 0xe0, 0xf3, 0x28, 0x69, 0xbf, 0x70, 0xc2, 0xd4, 0xad, 0x8b, 0xc8, 0x84, 0xdb, 0x4e };

static uint64_t fnv1a64(const unsigned char *s, size_t n, int reverse)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= s[reverse ? n - 1 - i : i];
        h *= 0x100000001b3ull;
    }
    return h;
}

int main(void)
{
    char line[64];

    printf("locker> access code: ");
    fflush(stdout);
    if (fgets(line, sizeof line, stdin) == NULL)
        return 1;
    size_t n = strcspn(line, "\r\n");
    line[n] = '\0';
    if (n != 5) {
        puts("The access code has five letters.");
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (line[i] < 'a' || line[i] > 'z') {
            puts("The access code has five letters.");
            return 1;
        }
    }
    if (fnv1a64((const unsigned char *)line, n, 0) != code_hash) {
        puts("Wrong code.");
        return 1;
    }
    uint64_t state = fnv1a64((const unsigned char *)line, n, 1);
    if (state == 0)
        state = 1;
    printf("Unlocked: ");
    for (size_t i = 0; i < sizeof sealed; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        putchar(sealed[i] ^ (unsigned char)state);
    }
    putchar('\n');
    return 0;
}
