/*
 * replay.c - runs the fuzz target over the files, and the regular files
 * of the directories, given on the command line (the committed corpus),
 * without libFuzzer: ctest does this under ASan/UBSan, where a crash,
 * sanitizer report or leak fails the test.  Prints "N passed, M failed";
 * a file that cannot be read counts as failed, and so does finding no
 * input at all (a wrong path must not pass silently).
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* dirent, stat */
#endif

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's default -max_len is far below this; larger files are cut. */
#define MAX_INPUT (1 << 20)

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    uint8_t *buf = malloc(MAX_INPUT);
    size_t n = buf ? fread(buf, 1, MAX_INPUT, f) : 0;
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        free(buf);
        return -1;
    }
    /* A copy of exactly n bytes, so that ASan sees a read past the end. */
    uint8_t *input = malloc(n ? n : 1);
    if (!input) {
        free(buf);
        return -1;
    }
    memcpy(input, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(input, n);
    free(input);
    return 0;
}

int main(int argc, char **argv)
{
    int files = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: not found\n", argv[i]);
            bad++;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            bad += run_file(argv[i]) != 0;
            files++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (!d) {
            fprintf(stderr, "replay: cannot open directory %s\n", argv[i]);
            bad++;
            continue;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            char path[4096];
            if (e->d_name[0] == '.' ||
                (size_t)snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name) >= sizeof path ||
                stat(path, &st) != 0 || !S_ISREG(st.st_mode))
                continue;
            bad += run_file(path) != 0;
            files++;
        }
        closedir(d);
    }
    printf("%d passed, %d failed\n", files - bad, bad);
    return bad || files == 0;
}
