/*
 * ctrlid_fuzzer.c — libFuzzer target for the control identifier parser
 *
 * Properties checked on every input:
 *   - the parser never reads past len and reports a position <= len;
 *   - an accepted id compares equal to itself, its key decodes to the same
 *     segment count, and respelling all segments gives the input back;
 *   - every prefix range of an accepted id parses, is an ancestor (key
 *     prefix) and sorts at or before it;
 *   - splitting the input in two and comparing both halves is antisymmetric,
 *     and the sort abbreviation agrees with the comparison.
 */
#include "ctrlid.h"

#include <stdlib.h>
#include <string.h>

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *) data;
	ctrlid_parsed p;
	size_t		errpos = 0;
	ctrlid_status st = ctrlid_parse(text, size, &p, &errpos);

	if (st != CTRLID_OK)
	{
		REQUIRE(errpos <= size);
		REQUIRE(ctrlid_status_text(st) != NULL);
	}
	else
	{
		char		out[CTRLID_MAX_LEN * 2 + 2];
		size_t		n;
		int			k;

		REQUIRE(p.nseg >= 1 && p.nseg <= CTRLID_MAX_SEGMENTS);
		REQUIRE(p.keylen <= CTRLID_MAX_KEY);
		REQUIRE(ctrlid_key_cmp(p.key, p.keylen, p.key, p.keylen) == 0);
		REQUIRE(ctrlid_key_nseg(p.key, p.keylen) == p.nseg);
		n = ctrlid_respell(text, size, &p, 0, p.nseg, out, sizeof(out));
		REQUIRE(n == size && memcmp(out, text, size) == 0);

		for (k = 1; k <= p.nseg; k++)
		{
			ctrlid_parsed q;
			size_t		e;

			n = ctrlid_respell(text, size, &p, 0, k, out, sizeof(out));
			REQUIRE(ctrlid_parse(out, n, &q, &e) == CTRLID_OK);
			REQUIRE(q.nseg == k);
			REQUIRE(ctrlid_key_is_prefix(q.key, q.keylen, p.key, p.keylen));
			REQUIRE(ctrlid_key_cmp(q.key, q.keylen, p.key, p.keylen) <= 0);
		}
	}

	if (size >= 2)
	{
		size_t		half = size / 2;
		ctrlid_parsed a, b;
		size_t		e;

		if (ctrlid_parse(text, half, &a, &e) == CTRLID_OK &&
			ctrlid_parse(text + half, size - half, &b, &e) == CTRLID_OK)
		{
			int			ab = ctrlid_key_cmp(a.key, a.keylen, b.key, b.keylen);
			int			ba = ctrlid_key_cmp(b.key, b.keylen, a.key, a.keylen);

			REQUIRE(ab == -ba);
			/* the sort abbreviation never contradicts the order */
			if (ab < 0)
				REQUIRE(ctrlid_key_abbrev(a.key, a.keylen) <= ctrlid_key_abbrev(b.key, b.keylen));
			if (ab == 0)
				REQUIRE(ctrlid_key_abbrev(a.key, a.keylen) == ctrlid_key_abbrev(b.key, b.keylen));
			if (ctrlid_key_is_prefix(a.key, a.keylen, b.key, b.keylen))
				REQUIRE(ab <= 0);
		}
	}
	return 0;
}
