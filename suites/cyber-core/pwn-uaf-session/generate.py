"""Regenerates files/notes.c for pwn-uaf-session.

Deterministic: run `python3 generate.py` in this directory. The flag is
stored only XORed with an xorshift32 keystream seeded with the value that
the exploit has to produce (the administrator role value 0x4e4d4441), and is printed only on the
exploited path.
"""

FLAG = "bulwark{d4ngl1ng_p01nt3rs_r3us3_fr33d_m3m0ry}"
SEED = 0x4e4d4441


def keystream(seed: int, n: int) -> bytes:
    state = seed & 0xFFFFFFFF
    out = bytearray()
    for _ in range(n):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        out.append(state & 0xFF)
    return bytes(out)


def main() -> None:
    sealed = bytes(a ^ b for a, b in zip(FLAG.encode(), keystream(SEED, len(FLAG))))
    body = ", ".join(f"0x{b:02x}" for b in sealed)
    with open("files/notes.c", "w") as f:
        f.write(TEMPLATE.replace("@SEALED@", body))


TEMPLATE = r"""/* notes: a tiny session and note manager (one command per line). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROLE_USER 1u
#define ROLE_ADMIN 0x4e4d4441u

const unsigned char sealed[] = { @SEALED@ };

struct session {
    char name[16];
    uint32_t role;
    uint32_t logins;
    char reserved[8];
};

static struct session *current;
static char *notes[16];
static int note_count;

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
    char line[128];

    setvbuf(stdout, NULL, _IONBF, 0);
    puts("notes> commands: login NAME | logout | note TEXT | whoami | admin | quit");
    while (fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "login ", 6) == 0) {
            if (current != NULL) {
                puts("Already logged in.");
                continue;
            }
            current = malloc(sizeof *current);
            if (current == NULL)
                return 1;
            memset(current, 0, sizeof *current);
            strncpy(current->name, line + 6, sizeof current->name - 1);
            current->role = ROLE_USER;
            current->logins = 1;
            printf("Welcome, %s.\n", current->name);
        } else if (strcmp(line, "logout") == 0) {
            if (current == NULL) {
                puts("Not logged in.");
                continue;
            }
            free(current);
            puts("Logged out.");
        } else if (strncmp(line, "note ", 5) == 0) {
            if (note_count == 16) {
                puts("Too many notes.");
                continue;
            }
            char *note = malloc(32);
            if (note == NULL)
                return 1;
            memset(note, 0, 32);
            strncpy(note, line + 5, 31);
            notes[note_count++] = note;
            printf("Note %d saved.\n", note_count);
        } else if (strcmp(line, "whoami") == 0) {
            if (current == NULL)
                puts("Not logged in.");
            else
                printf("%.16s (role %#x)\n", current->name, current->role);
        } else if (strcmp(line, "admin") == 0) {
            if (current != NULL && current->role == ROLE_ADMIN) {
                printf("Administrator console. Flag: ");
                reveal(current->role);
            } else {
                puts("Administrators only.");
            }
        } else if (strcmp(line, "quit") == 0) {
            break;
        } else {
            puts("Unknown command.");
        }
    }
    return 0;
}
"""

if __name__ == "__main__":
    main()
