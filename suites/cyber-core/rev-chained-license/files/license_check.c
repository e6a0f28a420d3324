/* license_check: validates a license key given as the first argument. */
#include <stdio.h>
#include <string.h>

const unsigned char expected[38] = { 0x01, 0xb0, 0x00, 0xe2, 0x50, 0x52, 0x17, 0xbe, 0x56, 0x66, 0x14, 0xb8, 0x52, 0xb4, 0x3c, 0xde, 0xbd, 0x8b, 0xaf, 0x5d, 0xb5, 0x47, 0xde, 0x82, 0xbf, 0xa9, 0x09, 0x3a, 0xb4, 0x8f, 0x6b, 0x5b, 0xe1, 0x33, 0x44, 0x08, 0xad, 0x67 };

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
