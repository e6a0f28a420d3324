/* vault: asks for a password and reveals the flag to whoever knows it. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

const unsigned char pw_mask[] = { 0x39, 0x51, 0x1a, 0x1d, 0x45, 0x1e, 0xf0, 0xa6, 0xfa, 0xa9, 0xd2, 0xd4, 0xcb, 0x98, 0xde, 0xf7, 0xbe, 0xa5, 0xeb, 0xad, 0x9f };
const unsigned char sealed[] = { 0xb4, 0x6e, 0xb7, 0xd9, 0x21, 0x08, 0x94, 0xe5, 0x8d, 0x5b, 0x07, 0xdf, 0xe3, 0x33, 0xb7, 0x6d, 0x99, 0x29, 0x57, 0xed, 0xdd, 0xaa, 0xbc, 0x6d, 0x89, 0xf7, 0x04, 0x9b, 0x55, 0x57, 0x0a, 0xd1, 0x03, 0xc1 };

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 0x811c9dc5u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x01000193u;
    }
    return h;
}

static void reveal(const char *password, size_t n)
{
    uint32_t state = fnv1a(password, n);
    for (size_t i = 0; i < sizeof sealed; i++) {
        state = state * 1103515245u + 12345u;
        putchar(sealed[i] ^ (unsigned char)(state >> 16));
    }
    putchar('\n');
}

int main(void)
{
    char line[128];

    printf("vault> password: ");
    fflush(stdout);
    if (fgets(line, sizeof line, stdin) == NULL)
        return 1;
    size_t n = strcspn(line, "\r\n");
    line[n] = '\0';
    if (n != sizeof pw_mask) {
        puts("Access denied.");
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)line[i] ^ (unsigned char)(0x5a + 7 * i)) != pw_mask[i]) {
            puts("Access denied.");
            return 1;
        }
    }
    printf("Access granted. Flag: ");
    reveal(line, n);
    return 0;
}
