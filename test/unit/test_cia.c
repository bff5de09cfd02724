/*
 * test_cia.c — unit tests of the rating triple
 */
#include "cia.h"
#include "unit.h"

/* every valid rating, in lexicographic order */
static cia_value all[CIA_C_MAX * CIA_I_MAX * CIA_A_MAX];
static int	nall;

static void
build_all(void)
{
	int			c, i, a;
	char		which;

	nall = 0;
	for (c = 1; c <= CIA_C_MAX; c++)
		for (i = 1; i <= CIA_I_MAX; i++)
			for (a = 1; a <= CIA_A_MAX; a++)
				cia_make(c, i, a, &all[nall++], &which);
}

TEST(round_trip_all_values)
{
	int			k;

	for (k = 0; k < nall; k++)
	{
		char		txt[CIA_TEXT_LEN + 1];
		cia_value	back;
		size_t		e;
		char		which;

		cia_format(all[k], txt);
		CHECK(strlen(txt) == CIA_TEXT_LEN);
		CHECKF(cia_parse(txt, strlen(txt), &back, &e, &which) == CIA_OK, "%s", txt);
		CHECK(back == all[k]);
		CHECK(cia_is_valid(all[k]));
		/* lower case reads the same */
		txt[0] = 'c';
		txt[3] = 'i';
		txt[6] = 'a';
		CHECK(cia_parse(txt, strlen(txt), &back, &e, &which) == CIA_OK && back == all[k]);
	}
}

TEST(syntax_errors)
{
	static const struct { const char *s; size_t pos; } bad[] = {
		{"", 0}, {"C3", 2}, {"C3/I2", 5}, {"C3/I2/", 6}, {"C3/I2/A", 7},
		{"C3/I2/A1/", 8}, {"C3 /I2/A1", 2}, {" C3/I2/A1", 0}, {"I2/C3/A1", 0},
		{"C3/A1/I2", 3}, {"C/I2/A1", 1}, {"C3-I2-A1", 2}, {"C3/I2/A1x", 8},
		{"CX/I2/A1", 1}, {"C-1/I2/A1", 1},
	};
	size_t		k;

	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
	{
		cia_value	v;
		size_t		e = 99;
		char		which = 0;

		CHECKF(cia_parse(bad[k].s, strlen(bad[k].s), &v, &e, &which) == CIA_SYNTAX, "\"%s\"", bad[k].s);
		CHECKF(e == bad[k].pos, "\"%s\": position %zu, want %zu", bad[k].s, e, bad[k].pos);
	}
}

TEST(range_errors)
{
	static const struct { const char *s; char which; size_t pos; } bad[] = {
		{"C0/I1/A1", 'C', 1}, {"C4/I1/A1", 'C', 1}, {"C10/I1/A1", 'C', 1},
		{"C1/I3/A1", 'I', 4}, {"C1/I0/A1", 'I', 4}, {"C1/I1/A4", 'A', 7},
		{"C1/I1/A99999999999999999999", 'A', 7},
	};
	size_t		k;
	cia_value	v;
	char		which;

	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
	{
		size_t		e = 99;

		which = 0;
		CHECKF(cia_parse(bad[k].s, strlen(bad[k].s), &v, &e, &which) == CIA_OUT_OF_RANGE, "\"%s\"", bad[k].s);
		CHECK(which == bad[k].which);
		CHECK(e == bad[k].pos);
	}
	CHECK(cia_make(0, 1, 1, &v, &which) == CIA_OUT_OF_RANGE && which == 'C');
	CHECK(cia_make(1, 3, 1, &v, &which) == CIA_OUT_OF_RANGE && which == 'I');
	CHECK(cia_make(1, 1, -5, &v, &which) == CIA_OUT_OF_RANGE && which == 'A');
	CHECK(!cia_is_valid(0));
	CHECK(!cia_is_valid(0x1111 | 0x1000));
	CHECK(!cia_is_valid(0x131));
}

TEST(dominance_is_a_partial_order_and_join_its_lub)
{
	int			x, y, z;

	for (x = 0; x < nall; x++)
		for (y = 0; y < nall; y++)
		{
			cia_value	j = cia_join(all[x], all[y]);

			CHECK(cia_dominates(all[x], all[x]));
			if (cia_dominates(all[x], all[y]) && cia_dominates(all[y], all[x]))
				CHECK(all[x] == all[y]);
			/* dominance implies the sort order agrees (a linear extension) */
			if (cia_dominates(all[x], all[y]))
				CHECK(all[x] >= all[y]);
			CHECK(cia_is_valid(j));
			CHECK(cia_dominates(j, all[x]) && cia_dominates(j, all[y]));
			CHECK(j == cia_join(all[y], all[x]));
			for (z = 0; z < nall; z++)
			{
				if (cia_dominates(all[x], all[y]) && cia_dominates(all[y], all[z]))
					CHECK(cia_dominates(all[x], all[z]));
				/* least: any common upper bound dominates the join */
				if (cia_dominates(all[z], all[x]) && cia_dominates(all[z], all[y]))
					CHECK(cia_dominates(all[z], j));
			}
		}
	/* incomparable pair: neither dominates */
	{
		cia_value	a, b;
		char		w;

		cia_make(3, 1, 1, &a, &w);
		cia_make(1, 2, 1, &b, &w);
		CHECK(!cia_dominates(a, b) && !cia_dominates(b, a));
	}
}

TEST(lexicographic_order_matches_packing)
{
	int			k;

	for (k = 1; k < nall; k++)
		CHECK(all[k - 1] < all[k]);
	CHECK(cia_conf(all[nall - 1]) == 3 && cia_integ(all[nall - 1]) == 2 && cia_avail(all[nall - 1]) == 3);
}

int
main(void)
{
	build_all();
	RUN(round_trip_all_values);
	RUN(syntax_errors);
	RUN(range_errors);
	RUN(dominance_is_a_partial_order_and_join_its_lub);
	RUN(lexicographic_order_matches_packing);
	return UNIT_DONE("unit cia");
}
