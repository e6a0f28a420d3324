"""Regenerates files/vault.c for rev-xor-password.

Deterministic: run `python3 generate.py` in this directory. The source holds
the password only masked and the flag only encrypted under a keystream that
is derived from the password at run time.
"""

PASSWORD = "c0rr3ct-h0rse-b4tt3ry"
FLAG = "bulwark{x0r_m4sks_4r3_n0t_s3cr3ts}"


def fnv1a32(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def keystream(password: bytes, n: int) -> bytes:
    state = fnv1a32(password)
    out = bytearray()
    for _ in range(n):
        state = (state * 1103515245 + 12345) & 0xFFFFFFFF
        out.append((state >> 16) & 0xFF)
    return bytes(out)


def c_array(data: bytes) -> str:
    return ", ".join(f"0x{b:02x}" for b in data)


def main() -> None:
    pw = PASSWORD.encode()
    mask = bytes(b ^ ((0x5A + 7 * i) & 0xFF) for i, b in enumerate(pw))
    sealed = bytes(a ^ b for a, b in zip(FLAG.encode(), keystream(pw, len(FLAG))))
    source = TEMPLATE.replace("@MASK@", c_array(mask)).replace("@SEALED@", c_array(sealed))
    with open("files/vault.c", "w") as f:
        f.write(source)


TEMPLATE = r"""/* vault: asks for a password and reveals the flag to whoever knows it. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

const unsigned char pw_mask[] = { @MASK@ };
const unsigned char sealed[] = { @SEALED@ };

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
"""

if __name__ == "__main__":
    main()
