/*
 * replay_main.c - replay a fuzz corpus through LLVMFuzzerTestOneInput.
 *
 *   replay_fuzz_x DIR
 *
 * Calls LLVMFuzzerInitialize (when the target defines it) and then the
 * target once per regular file in DIR, so every corpus also runs as an
 * ordinary test (under the sanitizers in a CU_SANITIZE build).  Prints
 * "N passed, 0 failed"; a crash or sanitizer report fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;
	uint8_t tmp[65536];

	if (!f) {
		perror(path);
		return -1;
	}
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (len + n > cap) {
			cap = (len + n) * 2;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		memcpy(buf + len, tmp, n);
		len += n;
	}
	fclose(f);
	/* An exact-size copy lets AddressSanitizer catch reads past the end. */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

int main(int argc, char **argv)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, passed = 0, failed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	if (!(d = opendir(argv[1]))) {
		perror(argv[1]);
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				return 1;
			names = nn;
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
		free(names[i]);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (run_file(path) == 0)
			passed++;
		else
			failed++;
	}
	free(names);
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed ? 1 : 0;
}
