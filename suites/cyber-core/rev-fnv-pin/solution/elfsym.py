"""Minimal ELF64 little-endian symbol reader (Python standard library only),
used by the reference solutions to read a global's bytes out of a binary:
the way an analyst would with `nm` and `objdump -s`."""
import struct


def _sections(data: bytes) -> list:
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for i in range(shnum):
        name, kind, _flags, addr, offset, size, link, _info, _align, entsize = struct.unpack_from(
            "<IIQQQQIIQQ", data, shoff + i * shentsize
        )
        sections.append({"type": kind, "addr": addr, "offset": offset, "size": size, "link": link, "entsize": entsize})
    return sections


def symbols(path: str) -> dict:
    """name -> (address, size, section index) for every named symbol of .symtab."""
    data = open(path, "rb").read()
    sections = _sections(data)
    found = {}
    for section in sections:
        if section["type"] != 2:  # SHT_SYMTAB
            continue
        strtab = sections[section["link"]]
        for off in range(section["offset"], section["offset"] + section["size"], section["entsize"]):
            name_off, _info, _other, shndx, value, size = struct.unpack_from("<IBBHQQ", data, off)
            start = strtab["offset"] + name_off
            name = data[start : data.index(b"\0", start)].decode()
            if name:
                found[name] = (value, size, shndx)
    if not found:
        raise ValueError(f"{path} has no symbol table (stripped?)")
    return found


def read_symbol(path: str, name: str) -> bytes:
    """The bytes of the data symbol `name` as stored in the file."""
    data = open(path, "rb").read()
    sections = _sections(data)
    value, size, shndx = symbols(path)[name]
    section = sections[shndx]
    start = section["offset"] + (value - section["addr"])
    return data[start : start + size]


def address_of(path: str, name: str) -> int:
    """The virtual address of symbol `name`."""
    return symbols(path)[name][0]
