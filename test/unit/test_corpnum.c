/*
 * test_corpnum.c — unit tests of the corporate number check digit
 */
#include "corpnum.h"
#include "unit.h"

static corpnum_status
validate(const char *s, int *expected)
{
	return corpnum_validate(s, strlen(s), expected);
}

/* Published corporate numbers of well-known bodies (public registry data). */
TEST(known_numbers_validate)
{
	static const char *const known[] = {
		"7000012050002",		/* National Tax Agency */
		"1180301018771",		/* Toyota Motor Corporation */
		"8000012010038",		/* a ministry (public registry) */
	};
	size_t		i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		CHECKF(validate(known[i], NULL) == CORPNUM_OK, "%s", known[i]);
}

TEST(every_wrong_check_digit_is_caught)
{
	char		buf[14] = "7000012050002";
	int			d;

	for (d = 0; d <= 9; d++)
	{
		int			expected = -1;

		buf[0] = (char) ('0' + d);
		if (d == 7)
			CHECK(validate(buf, &expected) == CORPNUM_OK);
		else
		{
			CHECK(validate(buf, &expected) == CORPNUM_BAD_CHECK_DIGIT);
			CHECK(expected == 7);
		}
	}
}

TEST(single_digit_changes_are_caught)
{
	/* changing any one base digit changes the check digit (weights 1, 2 mod 9) */
	const char *good = "1180301018771";
	int			pos, d;

	for (pos = 1; pos < 13; pos++)
		for (d = 0; d <= 9; d++)
		{
			char		buf[14];

			memcpy(buf, good, 14);
			if (buf[pos] == '0' + d)
				continue;
			buf[pos] = (char) ('0' + d);
			/* 0 <-> 9 changes the sum by 9 or 18: the one blind spot of a mod-9 sum */
			if ((good[pos] == '0' && d == 9) || (good[pos] == '9' && d == 0))
				continue;
			CHECKF(validate(buf, NULL) == CORPNUM_BAD_CHECK_DIGIT, "%s", buf);
		}
}

TEST(malformed_input)
{
	CHECK(validate("", NULL) == CORPNUM_BAD_LENGTH);
	CHECK(validate("700001205000", NULL) == CORPNUM_BAD_LENGTH);
	CHECK(validate("70000120500021", NULL) == CORPNUM_BAD_LENGTH);
	CHECK(validate("7000-12050002", NULL) == CORPNUM_NOT_DIGIT);
	CHECK(validate("700001205000x", NULL) == CORPNUM_NOT_DIGIT);
	CHECK(corpnum_check_digit("000012050002", 12) == 7);
	CHECK(corpnum_check_digit("00001205000", 11) == -1);
	CHECK(corpnum_check_digit("00001205000a", 12) == -1);
	/* the check digit is always 1..9 */
	CHECK(corpnum_check_digit("000000000000", 12) == 9);
}

int
main(void)
{
	RUN(known_numbers_validate);
	RUN(every_wrong_check_digit_is_caught);
	RUN(single_digit_changes_are_caught);
	RUN(malformed_input);
	return UNIT_DONE("unit corpnum");
}
