/* table: reads a fixed-width table on standard input and prints its checksum.
 *
 * Input: a header line "ROWS WIDTH", then up to ROWS lines. Each line is
 * stored in a cell of WIDTH bytes (cut to WIDTH, or padded with zero bytes);
 * missing lines leave their cells zero. Output: "checksum XXXXXXXX", the
 * 32-bit FNV-1a hash of the whole table. Bad input is reported on standard
 * error with exit status 1.
 *
 * Build: gcc -O0 -o table table.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WIDTH 65536

static char line[MAX_WIDTH + 2];

int main(void)
{
    unsigned int rows, width;

    if (fgets(line, sizeof line, stdin) == NULL
        || sscanf(line, "%u %u", &rows, &width) != 2
        || rows == 0 || width == 0 || width > MAX_WIDTH) {
        fprintf(stderr, "error: bad header (expected \"ROWS WIDTH\", 1 <= WIDTH <= %d)\n", MAX_WIDTH);
        return 1;
    }
    unsigned int total = rows * width;
    unsigned char *table = malloc(total);
    if (table == NULL) {
        fprintf(stderr, "error: out of memory\n");
        return 1;
    }
    memset(table, 0, total);
    for (unsigned int r = 0; r < rows; r++) {
        if (fgets(line, sizeof line, stdin) == NULL)
            break;
        size_t n = strcspn(line, "\n");
        if (n > width)
            n = width;
        memcpy(table + (size_t)r * width, line, n);
    }
    uint32_t sum = 2166136261u;
    for (unsigned int i = 0; i < total; i++) {
        sum ^= table[i];
        sum *= 16777619u;
    }
    printf("checksum %08x\n", sum);
    free(table);
    return 0;
}
