/*
 * cia_fuzzer.c — libFuzzer target for the rating parser
 *
 * Properties: an accepted rating is valid, formats to 8 bytes and parses
 * back to itself; a rejected one reports a position within the input; the
 * join of two accepted ratings (from the two halves) dominates both.
 */
#include "cia.h"

#include <stdlib.h>
#include <string.h>

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
check_one(const char *text, size_t size, cia_value *out)
{
	size_t		errpos = 0;
	char		which = 0;
	cia_status	st = cia_parse(text, size, out, &errpos, &which);

	if (st != CIA_OK)
	{
		REQUIRE(errpos <= size);
		if (st == CIA_OUT_OF_RANGE)
			REQUIRE(which == 'C' || which == 'I' || which == 'A');
		return 0;
	}
	{
		char		buf[CIA_TEXT_LEN + 1];
		cia_value	back;

		REQUIRE(cia_is_valid(*out));
		cia_format(*out, buf);
		REQUIRE(strlen(buf) == CIA_TEXT_LEN);
		REQUIRE(cia_parse(buf, CIA_TEXT_LEN, &back, &errpos, &which) == CIA_OK);
		REQUIRE(back == *out);
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *) data;
	cia_value	v, a, b;

	check_one(text, size, &v);
	if (size >= 2 && check_one(text, size / 2, &a) &&
		check_one(text + size / 2, size - size / 2, &b))
	{
		cia_value	j = cia_join(a, b);

		REQUIRE(cia_dominates(j, a) && cia_dominates(j, b));
		REQUIRE(cia_is_valid(j));
	}
	return 0;
}
