"""Regenerates files/checker.c for rev-tiny-vm.

Deterministic: run `python3 generate.py` in this directory. The checker is a
small byte-code interpreter; its program (after the magic "BVM\\x01")
transforms each input byte with XOR / rotate / ADD and compares it with a
constant, in a shuffled order. The correct input is the flag, which appears
nowhere in the source or the binary.
"""
import random

FLAG = "bulwark{byt3c0d3_vms_h1d3_l0g1c}"

OP_LEN, OP_LOAD, OP_XOR, OP_ROL, OP_ADD, OP_CHECK, OP_HALT = 0xF0, 0x3C, 0x91, 0xA7, 0x5E, 0x2B, 0x00


def rol8(x: int, r: int) -> int:
    return ((x << r) | (x >> (8 - r))) & 0xFF if r else x


def main() -> None:
    rng = random.Random(0xB17)
    program = bytearray(b"BVM\x01")
    program += bytes([OP_LEN, len(FLAG)])
    order = list(range(len(FLAG)))
    rng.shuffle(order)
    for i in order:
        k, r, a = rng.randrange(256), rng.randrange(1, 8), rng.randrange(256)
        value = (rol8(ord(FLAG[i]) ^ k, r) + a) & 0xFF
        program += bytes([OP_LOAD, i, OP_XOR, k, OP_ROL, r, OP_ADD, a, OP_CHECK, value])
    program += bytes([OP_HALT, 0])
    body = ",\n    ".join(
        ", ".join(f"0x{b:02x}" for b in program[j : j + 16]) for j in range(0, len(program), 16)
    )
    with open("files/checker.c", "w") as f:
        f.write(TEMPLATE.replace("@PROGRAM@", body))


TEMPLATE = r"""/* checker: a tiny virtual machine decides whether the input is right. */
#include <stdio.h>
#include <string.h>

static const unsigned char program[] = {
    @PROGRAM@
};

static int run(const unsigned char *code, size_t size, const unsigned char *in, size_t len)
{
    unsigned char acc = 0;
    int bad = 0;
    size_t pc = 4;

    if (size < 4 || memcmp(code, "BVM\x01", 4) != 0)
        return -1;
    while (pc + 1 < size) {
        unsigned char op = code[pc], arg = code[pc + 1];
        pc += 2;
        switch (op) {
        case 0xf0: bad |= (len != arg); break;
        case 0x3c: acc = arg < len ? in[arg] : 0; break;
        case 0x91: acc ^= arg; break;
        case 0xa7: acc = (unsigned char)((acc << (arg & 7)) | (acc >> ((8 - (arg & 7)) & 7))); break;
        case 0x5e: acc = (unsigned char)(acc + arg); break;
        case 0x2b: bad |= (acc != arg); break;
        case 0x00: return bad;
        default: return -1;
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s INPUT\n", argv[0]);
        return 2;
    }
    int verdict = run(program, sizeof program, (const unsigned char *)argv[1], strlen(argv[1]));
    if (verdict == 0) {
        puts("Correct: that input is the flag.");
        return 0;
    }
    puts("Wrong.");
    return 1;
}
"""

if __name__ == "__main__":
    main()
