/* greet: prints a greeting for the user named on the command line.
 *
 * Build: gcc -O0 -fno-stack-protector -o greet greet.c
 * Usage: ./greet NAME
 */
#include <stdio.h>
#include <string.h>

struct user {
    char name[32];
    int is_admin;
};

int main(int argc, char **argv)
{
    struct user u;

    u.is_admin = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: %s NAME\n", argv[0]);
        return 2;
    }
    strcpy(u.name, argv[1]);
    if (u.is_admin)
        printf("Welcome back, administrator %s.\n", u.name);
    else
        printf("Hello, %s!\n", u.name);
    return 0;
}
