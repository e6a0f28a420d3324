"""Reference solution for rev-tiny-vm: the stripped binary embeds a byte-code
program after the magic b"BVM\\x01". Disassembling the interpreter shows the
opcodes (f0 LEN, 3c LOAD, 91 XOR, a7 ROL, 5e ADD, 2b CHECK, 00 HALT, each
with one operand byte). Every LOAD i ... CHECK v sequence is inverted to get
input byte i; the input that passes is the flag, confirmed by running the
checker."""
import subprocess
import sys


def ror8(x: int, r: int) -> int:
    r &= 7
    return ((x >> r) | (x << (8 - r))) & 0xFF if r else x


def decode(data: bytes, start: int):
    """The input that passes the program at `start`, or None when the bytes
    there are not a complete program (the magic also occurs as the
    interpreter's own string constant)."""
    pc = start + 4
    length, index, ops, recovered = None, None, [], {}
    while pc + 1 < len(data):
        op, arg = data[pc], data[pc + 1]
        pc += 2
        if op == 0xF0:
            length = arg
        elif op == 0x3C:
            index, ops = arg, []
        elif op in (0x91, 0xA7, 0x5E):
            ops.append((op, arg))
        elif op == 0x2B and index is not None:
            value = arg
            for kind, operand in reversed(ops):
                if kind == 0x5E:
                    value = (value - operand) & 0xFF
                elif kind == 0xA7:
                    value = ror8(value, operand)
                else:
                    value ^= operand
            recovered[index] = value
        elif op == 0x00:
            if length is None or sorted(recovered) != list(range(length)):
                return None
            return bytes(recovered[i] for i in range(length))
        else:
            return None
    return None


def main() -> int:
    data = open("checker", "rb").read()
    start = data.find(b"BVM\x01")
    while start >= 0:
        candidate = decode(data, start)
        if candidate is not None:
            flag = candidate.decode(errors="replace")
            check = subprocess.run(["./checker", flag], capture_output=True, timeout=10)
            if check.returncode == 0:
                print(flag)
                return 0
        start = data.find(b"BVM\x01", start + 1)
    print("no byte-code program in the binary decodes to an accepted input", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
