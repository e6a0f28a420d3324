/* notes: a tiny session and note manager (one command per line). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROLE_USER 1u
#define ROLE_ADMIN 0x4e4d4441u

const unsigned char sealed[] = { 0x21, 0xb1, 0xec, 0x4d, 0x01, 0x7f, 0x0c, 0x6e, 0x62, 0xce, 0x25, 0x2b, 0x52, 0xcc, 0x78, 0xf1, 0x55, 0xda, 0x89, 0x6c, 0xf8, 0xd6, 0x56, 0xb7, 0xe1, 0xbc, 0x4b, 0x9a, 0x09, 0xac, 0x54, 0x2c, 0x42, 0xc1, 0x90, 0xd8, 0x25, 0x2b, 0xb2, 0x8b, 0xa7, 0xe6, 0x01, 0x40, 0x94 };

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
