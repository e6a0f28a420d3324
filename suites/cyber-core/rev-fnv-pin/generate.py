"""Regenerates files/locker.c for rev-fnv-pin.

Deterministic: run `python3 generate.py` in this directory. The access code
(five lower-case letters) is stored only as its 64-bit FNV-1a hash, and the
flag only encrypted under a keystream derived from the code, so the code has
to be brute-forced (26^5 candidates) before the flag can be decrypted.
"""

CODE = "qzvxk"
FLAG = "bulwark{brut3_f0rc3_b34ts_sh0rt_c0d3s}"


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def keystream(code: bytes, n: int) -> bytes:
    # xorshift64 seeded with the hash of the code in reverse order
    state = fnv1a64(code[::-1]) or 1
    out = bytearray()
    for _ in range(n):
        state ^= (state << 13) & 0xFFFFFFFFFFFFFFFF
        state ^= state >> 7
        state ^= (state << 17) & 0xFFFFFFFFFFFFFFFF
        out.append(state & 0xFF)
    return bytes(out)


def main() -> None:
    code = CODE.encode()
    sealed = bytes(a ^ b for a, b in zip(FLAG.encode(), keystream(code, len(FLAG))))
    source = (
        TEMPLATE.replace("@TARGET@", f"0x{fnv1a64(code):016x}ull")
        .replace("@SEALED@", ", ".join(f"0x{b:02x}" for b in sealed))
    )
    with open("files/locker.c", "w") as f:
        f.write(source)


TEMPLATE = r"""/* locker: opens for the right five-letter access code. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

const uint64_t code_hash = @TARGET@;
const unsigned char sealed[] = { @SEALED@ };

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
"""

if __name__ == "__main__":
    main()
