/*
 * unit.h — a tiny harness for the core unit tests
 *
 * A test file defines functions with TEST(name) { ... CHECK(cond); ... } and
 * a main() that calls RUN(name) for each and returns UNIT_DONE("file").
 * A test passes when none of its checks fail; the summary line is
 * "<file>: N passed, N failed" (counting tests, not checks) so the test
 * script can add the layers up.
 */
#ifndef ISMAP_UNIT_H
#define ISMAP_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_passed;
static int unit_failed;
static int unit_current_failures;
static const char *unit_current;

#define TEST(name) static void name(void)

#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			if (unit_current_failures++ < 10) \
				fprintf(stderr, "  %s:%d: %s: check failed: %s\n", \
						__FILE__, __LINE__, unit_current, #cond); \
		} \
	} while (0)

/* CHECK with a printf-style explanation shown on failure */
#define CHECKF(cond, ...) \
	do { \
		if (!(cond)) \
		{ \
			if (unit_current_failures++ < 10) \
			{ \
				fprintf(stderr, "  %s:%d: %s: check failed: %s: ", \
						__FILE__, __LINE__, unit_current, #cond); \
				fprintf(stderr, __VA_ARGS__); \
				fputc('\n', stderr); \
			} \
		} \
	} while (0)

#define RUN(name) \
	do { \
		unit_current = #name; \
		unit_current_failures = 0; \
		name(); \
		if (unit_current_failures == 0) \
			unit_passed++; \
		else \
		{ \
			unit_failed++; \
			fprintf(stderr, "FAIL %s (%d failed checks)\n", #name, unit_current_failures); \
		} \
	} while (0)

#define UNIT_DONE(file) \
	(printf("%s: %d passed, %d failed\n", (file), unit_passed, unit_failed), \
	 unit_failed ? 1 : 0)

/* Read a whole file into a malloc'd NUL-terminated buffer, or NULL. */
static inline char *
unit_slurp(const char *path, size_t *lenp)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	long		n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t) n + 1);
	if (buf && fread(buf, 1, (size_t) n, f) != (size_t) n)
	{
		free(buf);
		buf = NULL;
	}
	if (buf)
	{
		buf[n] = '\0';
		if (lenp)
			*lenp = (size_t) n;
	}
	fclose(f);
	return buf;
}

#endif
