/*
 * replay.c — run a libFuzzer target over a corpus without libFuzzer
 *
 * Built with gcc in CI: every file in the given directories (or the files
 * named) is passed once to LLVMFuzzerTestOneInput.  A property violation in
 * the target aborts, which fails the run.  Prints "<target dir>: N passed,
 * N failed" where a directory counts as one test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

extern int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	FILE	   *f = fopen(path, "rb");
	long		n;
	uint8_t    *buf;

	if (!f)
	{
		fprintf(stderr, "replay: could not open \"%s\"\n", path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	/* an exact-size heap copy, so an overread is visible to sanitizers */
	buf = malloc(n > 0 ? (size_t) n : 1);
	if (!buf || fread(buf, 1, (size_t) n, f) != (size_t) n)
	{
		fprintf(stderr, "replay: could not read \"%s\"\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t) n);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	int			i;
	int			passed = 0,
				failed = 0;

	for (i = 1; i < argc; i++)
	{
		struct stat st;
		int			files = 0,
					bad = 0;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
		{
			DIR		   *d = opendir(argv[i]);
			struct dirent *e;

			while (d && (e = readdir(d)) != NULL)
			{
				char		path[4096];

				if (e->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
				if (replay_file(path) != 0)
					bad++;
				files++;
			}
			if (d)
				closedir(d);
		}
		else
		{
			bad += replay_file(argv[i]) != 0;
			files++;
		}
		if (files == 0 || bad)
			failed++;
		else
			passed++;
		printf("fuzz replay %s: %d inputs\n", argv[i], files);
	}
	printf("fuzz replay: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
