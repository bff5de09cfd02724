/*
 * test_ctrlid.c — unit tests of the control identifier parser and key
 */
#include "ctrlid.h"
#include "unit.h"

#include <stdint.h>

static ctrlid_status
parse(const char *s, ctrlid_parsed *p, size_t *errpos)
{
	return ctrlid_parse(s, strlen(s), p, errpos);
}

static int
cmp_text(const char *a, const char *b)
{
	ctrlid_parsed pa, pb;
	size_t		e;

	if (parse(a, &pa, &e) != CTRLID_OK || parse(b, &pb, &e) != CTRLID_OK)
		return 99;
	return ctrlid_key_cmp(pa.key, pa.keylen, pb.key, pb.keylen);
}

/* the spellings docs/reference.md lists for ismap.ctrlid */
TEST(accepts_the_contract_examples)
{
	static const struct { const char *s; int nseg; } ok[] = {
		{"6.1.1.1", 4}, {"A.9.2.1", 4}, {"CLD.6.3.1", 4}, {"AC-2", 2},
		{"AC-2(1)", 3}, {"ac-2.1", 3}, {"AC-2 (1)", 3}, {"5", 1},
		{"AC-2(1)(a)", 4}, {"A12", 2}, {"0", 1}, {"sc-8.1", 3},
		{"A.12.1.2", 4}, {"x", 1}, {"AC 2", 2}, {"1 . 2", 2},
	};
	size_t		i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
	{
		ctrlid_parsed p;
		size_t		e;
		ctrlid_status st = parse(ok[i].s, &p, &e);

		CHECKF(st == CTRLID_OK, "\"%s\" gave status %d at %zu", ok[i].s, st, e);
		CHECKF(p.nseg == ok[i].nseg, "\"%s\" has %d segments", ok[i].s, p.nseg);
		CHECK(ctrlid_key_nseg(p.key, p.keylen) == p.nseg);
	}
}

TEST(rejects_malformed_input_with_position)
{
	static const struct { const char *s; ctrlid_status st; size_t pos; } bad[] = {
		{"", CTRLID_EMPTY, 0},
		{".1", CTRLID_LEADING_SEPARATOR, 0},
		{" 1", CTRLID_LEADING_SEPARATOR, 0},
		{"(1)", CTRLID_LEADING_SEPARATOR, 0},
		{"1.", CTRLID_TRAILING_SEPARATOR, 1},
		{"1 ", CTRLID_TRAILING_SEPARATOR, 1},
		{"1..2", CTRLID_DOUBLE_SEPARATOR, 2},
		{"1.-2", CTRLID_DOUBLE_SEPARATOR, 2},
		{"1  2", CTRLID_DOUBLE_SPACE, 2},
		{"6.1_1", CTRLID_BAD_CHAR, 3},
		{"6/1", CTRLID_BAD_CHAR, 1},
		{"AC-2((1))", CTRLID_NESTED_PAREN, 5},
		{"AC-2)", CTRLID_UNMATCHED_CLOSE, 4},
		{"AC-2(1", CTRLID_UNCLOSED_PAREN, 6},
		{"AC-2(", CTRLID_EMPTY_PAREN, 4},
		{"AC-2()", CTRLID_EMPTY_PAREN, 5},
		{"AC-2( 1)", CTRLID_EMPTY_PAREN, 5},
		{"AC-2(1 )", CTRLID_EMPTY_PAREN, 7},
		{"AC-2(1.2)", CTRLID_PAREN_TWO_SEGMENTS, 7},
		{"AC-2(1a)", CTRLID_PAREN_TWO_SEGMENTS, 6},
		{"\xc3\xa9", CTRLID_BAD_CHAR, 0},
		{"1\t2", CTRLID_BAD_CHAR, 1},
		{"1234567890123456789", CTRLID_NUMBER_TOO_LONG, 0},
		{"abcdefghijklmnopqrstuvwxyzabcdefg", CTRLID_WORD_TOO_LONG, 0},
		{"1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17", CTRLID_TOO_MANY_SEGMENTS, 39},
	};
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		ctrlid_parsed p;
		size_t		e = 999;
		ctrlid_status st = parse(bad[i].s, &p, &e);

		CHECKF(st == bad[i].st, "\"%s\": status %d, want %d", bad[i].s, st, bad[i].st);
		CHECKF(e == bad[i].pos, "\"%s\": position %zu, want %zu", bad[i].s, e, bad[i].pos);
		CHECK(strlen(ctrlid_status_text(st)) > 10);
	}
}

TEST(limits_are_exact)
{
	char		buf[300];
	ctrlid_parsed p;
	size_t		e;

	/* 18 digits pass, 19 fail; leading zeros do not count */
	CHECK(parse("123456789012345678", &p, &e) == CTRLID_OK);
	CHECK(parse("000000000000000000000000123456789012345678", &p, &e) == CTRLID_OK);
	/* 32 letters pass */
	CHECK(parse("abcdefghijklmnopqrstuvwxyzabcdef", &p, &e) == CTRLID_OK);
	/* 16 segments pass */
	CHECK(parse("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16", &p, &e) == CTRLID_OK);
	CHECK(p.nseg == 16);
	/* 128 bytes pass, 129 fail as a limit (never truncated) */
	memset(buf, '0', 128);
	CHECK(ctrlid_parse(buf, 128, &p, &e) == CTRLID_OK);
	CHECK(ctrlid_parse(buf, 129, &p, &e) == CTRLID_TOO_LONG);
	CHECK(ctrlid_status_is_limit(CTRLID_TOO_LONG));
	CHECK(!ctrlid_status_is_limit(CTRLID_BAD_CHAR));
	/* the worst key still fits: 16 one-letter words */
	CHECK(parse("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p", &p, &e) == CTRLID_OK);
	CHECK(p.keylen == 48);
}

TEST(equality_ignores_spelling)
{
	CHECK(cmp_text("AC-2(1)", "ac-2.1") == 0);
	CHECK(cmp_text("AC-2 (1)", "ac-2.1") == 0);
	CHECK(cmp_text("AC-2(1)", "AC 2 1") == 0);
	CHECK(cmp_text("6.01", "6.1") == 0);
	CHECK(cmp_text("0", "000") == 0);
	CHECK(cmp_text("A12", "a.12") == 0);
	CHECK(cmp_text("cld.6.3.1", "CLD-6-3-1") == 0);
	CHECK(cmp_text("6.1", "6.1.0") != 0);
	CHECK(cmp_text("AB", "A.B") != 0);
}

/* A list in strictly ascending order: every pair must compare accordingly. */
TEST(natural_order)
{
	static const char *const sorted[] = {
		"0", "1", "1.0", "1.1", "1.1.1", "1.1.9", "1.1.10", "1.2", "1.a",
		"1.B", "1.bb", "2", "6.1.9", "6.1.10", "9", "10", "100",
		"99999999999999999", "123456789012345678", "A", "A.1", "A.5.1.1",
		"A.9.2.1", "A.12.1.2", "A.a", "AB", "AC", "AC-1", "AC-2", "AC-2(1)",
		"AC-2(2)", "AC-2(10)", "AC-2(a)", "AC-10", "AC-Z", "ACA", "CLD.6.3.1",
		"SC-8", "z"
	};
	size_t		n = sizeof(sorted) / sizeof(sorted[0]);
	size_t		i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
		{
			int			want = i < j ? -1 : i > j ? 1 : 0;

			CHECKF(cmp_text(sorted[i], sorted[j]) == want,
				   "cmp(\"%s\", \"%s\") != %d", sorted[i], sorted[j], want);
		}
}

TEST(prefix_is_ancestor)
{
	ctrlid_parsed a, b;
	size_t		e;

	parse("AC-2", &a, &e);
	parse("ac-2(1)", &b, &e);
	CHECK(ctrlid_key_is_prefix(a.key, a.keylen, b.key, b.keylen));
	CHECK(!ctrlid_key_is_prefix(b.key, b.keylen, a.key, a.keylen));
	CHECK(ctrlid_key_is_prefix(a.key, a.keylen, a.key, a.keylen));
	/* "6.1" is not an ancestor of "6.10" nor "AB" of "ABC" */
	parse("6.1", &a, &e);
	parse("6.10", &b, &e);
	CHECK(!ctrlid_key_is_prefix(a.key, a.keylen, b.key, b.keylen));
	parse("AB", &a, &e);
	parse("ABC.1", &b, &e);
	CHECK(!ctrlid_key_is_prefix(a.key, a.keylen, b.key, b.keylen));
}

static void
check_respell(const char *s, int first, int count, const char *want)
{
	ctrlid_parsed p;
	size_t		e;
	char		out[300];
	size_t		n;

	parse(s, &p, &e);
	n = ctrlid_respell(s, strlen(s), &p, first, count, out, sizeof(out));
	out[n] = '\0';
	CHECKF(strcmp(out, want) == 0, "respell(\"%s\", %d, %d) = \"%s\", want \"%s\"",
		   s, first, count, out, want);
}

TEST(respell_keeps_spelling_and_balances)
{
	check_respell("AC-2(1)", 0, 2, "AC-2");
	check_respell("AC-2(1)", 0, 3, "AC-2(1)");
	check_respell("AC-2(1)(a)", 0, 3, "AC-2(1)");
	check_respell("AC-2(1)(a)", 2, 2, "1(a)");
	check_respell("AC-2(1)(a)", 1, 2, "2(1)");
	check_respell("6.1.1.1", 1, 2, "1.1");
	check_respell("X(1)2", 1, 2, "1.2");
	check_respell("ac-2.1", 2, 1, "1");
	check_respell("ac-2.1", 3, 1, "");
	check_respell("ac-2.1", -1, 1, "");
}

/* ---- property tests over generated identifiers ---- */

static uint64_t rng_state = 0x1234567u;

static uint64_t
rng(void)
{
	uint64_t	z = (rng_state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Reference comparison by segments, written independently of the key. */
static int
ref_cmp(const char *a, const ctrlid_parsed *pa, const char *b, const ctrlid_parsed *pb)
{
	int			i;

	for (i = 0; i < pa->nseg && i < pb->nseg; i++)
	{
		const char *sa = a + pa->seg_start[i];
		const char *sb = b + pb->seg_start[i];
		size_t		la = pa->seg_end[i] - pa->seg_start[i];
		size_t		lb = pb->seg_end[i] - pb->seg_start[i];
		int			na = sa[0] >= '0' && sa[0] <= '9';
		int			nb = sb[0] >= '0' && sb[0] <= '9';

		if (na != nb)
			return na ? -1 : 1;
		if (na)
		{
			unsigned long long va = strtoull(sa, NULL, 10);
			unsigned long long vb = strtoull(sb, NULL, 10);

			if (va != vb)
				return va < vb ? -1 : 1;
		}
		else
		{
			size_t		k;

			for (k = 0; k < la && k < lb; k++)
			{
				int			ca = sa[k] & ~0x20;
				int			cb = sb[k] & ~0x20;

				if (ca != cb)
					return ca < cb ? -1 : 1;
			}
			if (la != lb)
				return la < lb ? -1 : 1;
		}
	}
	if (pa->nseg != pb->nseg)
		return pa->nseg < pb->nseg ? -1 : 1;
	return 0;
}

static void
random_id(char *buf)
{
	static const char *const words[] = {"A", "a", "AC", "ac", "CLD", "cld", "SC", "x", "AB", "ab"};
	static const char *const seps[] = {".", "-", " ", "."};
	int			nseg = 1 + (int) (rng() % 5);
	int			i;

	buf[0] = '\0';
	for (i = 0; i < nseg; i++)
	{
		char		seg[16];
		int			paren = i > 1 && rng() % 4 == 0;

		if (rng() % 3 == 0)
			strcpy(seg, words[rng() % 10]);
		else
		{
			static const int big[] = {118, 125, 126, 127, 999, 1000, 99999};

			snprintf(seg, sizeof(seg), "%s%d", rng() % 8 == 0 ? "0" : "",
					 rng() % 6 == 0 ? big[rng() % 7] : (int) (rng() % 13));
		}
		if (i > 0 && !paren)
			strcat(buf, seps[rng() % 4]);
		if (paren)
			strcat(buf, rng() % 2 ? "(" : " (");
		strcat(buf, seg);
		if (paren)
			strcat(buf, ")");
	}
}

#define NRANDOM 400

TEST(order_laws_on_generated_ids)
{
	static char ids[NRANDOM][128];
	static ctrlid_parsed ps[NRANDOM];
	int			i, j, k;
	size_t		e;

	for (i = 0; i < NRANDOM; i++)
	{
		random_id(ids[i]);
		CHECKF(parse(ids[i], &ps[i], &e) == CTRLID_OK, "generated \"%s\" rejected", ids[i]);
	}
	for (i = 0; i < NRANDOM; i++)
		for (j = 0; j < NRANDOM; j++)
		{
			int			c = ctrlid_key_cmp(ps[i].key, ps[i].keylen, ps[j].key, ps[j].keylen);
			int			r = ctrlid_key_cmp(ps[j].key, ps[j].keylen, ps[i].key, ps[i].keylen);
			int			ref = ref_cmp(ids[i], &ps[i], ids[j], &ps[j]);
			bool		pre = ctrlid_key_is_prefix(ps[i].key, ps[i].keylen, ps[j].key, ps[j].keylen);

			CHECKF(c == -r, "antisymmetry \"%s\" \"%s\"", ids[i], ids[j]);
			CHECKF(c == ref, "cmp(\"%s\",\"%s\")=%d, reference says %d", ids[i], ids[j], c, ref);
			/* equal keys <=> equal ids, so a hash over the key agrees with = */
			CHECK((c == 0) == (ps[i].keylen == ps[j].keylen &&
							   memcmp(ps[i].key, ps[j].key, ps[i].keylen) == 0));
			/* the sort abbreviation never contradicts the order */
			if (c < 0)
				CHECKF(ctrlid_key_abbrev(ps[i].key, ps[i].keylen) <= ctrlid_key_abbrev(ps[j].key, ps[j].keylen),
					   "abbrev(\"%s\") > abbrev(\"%s\")", ids[i], ids[j]);
			if (c == 0)
				CHECK(ctrlid_key_abbrev(ps[i].key, ps[i].keylen) == ctrlid_key_abbrev(ps[j].key, ps[j].keylen));
			/* an ancestor sorts before (or equals) its descendants */
			if (pre)
				CHECK(c <= 0 && ps[i].nseg <= ps[j].nseg);
		}
	/* transitivity on a sample of triples */
	for (k = 0; k < 20000; k++)
	{
		int			a = (int) (rng() % NRANDOM), b = (int) (rng() % NRANDOM), c = (int) (rng() % NRANDOM);
		int			ab = ctrlid_key_cmp(ps[a].key, ps[a].keylen, ps[b].key, ps[b].keylen);
		int			bc = ctrlid_key_cmp(ps[b].key, ps[b].keylen, ps[c].key, ps[c].keylen);
		int			ac = ctrlid_key_cmp(ps[a].key, ps[a].keylen, ps[c].key, ps[c].keylen);

		if (ab <= 0 && bc <= 0)
			CHECK(ac <= 0);
		if (ab == 0 && bc == 0)
			CHECK(ac == 0);
	}
}

TEST(respell_round_trips_on_generated_ids)
{
	int			i;

	for (i = 0; i < 2000; i++)
	{
		char		id[128], out[300];
		ctrlid_parsed p, q;
		size_t		e, n;
		int			first, count;

		random_id(id);
		parse(id, &p, &e);
		/* the whole range gives back the text exactly */
		n = ctrlid_respell(id, strlen(id), &p, 0, p.nseg, out, sizeof(out));
		out[n] = '\0';
		CHECKF(strcmp(out, id) == 0, "\"%s\" respelled as \"%s\"", id, out);
		/* any sub-range parses to exactly those segments */
		first = (int) (rng() % (uint64_t) p.nseg);
		count = 1 + (int) (rng() % (uint64_t) (p.nseg - first));
		n = ctrlid_respell(id, strlen(id), &p, first, count, out, sizeof(out));
		CHECKF(ctrlid_parse(out, n, &q, &e) == CTRLID_OK, "slice of \"%s\" invalid: \"%.*s\"", id, (int) n, out);
		CHECK(q.nseg == count);
		if (q.nseg == count)
		{
			int			s;

			for (s = 0; s < count; s++)
				CHECK(q.seg_end[s] - q.seg_start[s] == p.seg_end[first + s] - p.seg_start[first + s]);
		}
	}
}

TEST(abbreviation_separates_small_numbers)
{
	ctrlid_parsed a, b;
	size_t		e;

	parse("14.3.27.118", &a, &e);
	parse("14.3.27.119", &b, &e);
	CHECK(ctrlid_key_abbrev(a.key, a.keylen) < ctrlid_key_abbrev(b.key, b.keylen));
	CHECK(ctrlid_key_abbrev(a.key, a.keylen) == 0x0F041C7700000000ull);
	/* large numbers stop the abbreviation: a tie left to the full compare */
	parse("1.126.5", &a, &e);
	parse("1.127.1", &b, &e);
	CHECK(ctrlid_key_abbrev(a.key, a.keylen) == ctrlid_key_abbrev(b.key, b.keylen));
	/* words keep their letters */
	parse("A.1", &a, &e);
	parse("AB", &b, &e);
	CHECK(ctrlid_key_abbrev(a.key, a.keylen) < ctrlid_key_abbrev(b.key, b.keylen));
}

TEST(malformed_keys_are_detected)
{
	const uint8_t bad1[] = {0x80, 'A'};		/* unterminated word */
	const uint8_t bad2[] = {0x05};			/* unknown tag */
	const uint8_t bad3[] = {0x14, 0x12};	/* four digits need two bytes */

	CHECK(ctrlid_key_nseg(bad1, sizeof(bad1)) == -1);
	CHECK(ctrlid_key_nseg(bad2, sizeof(bad2)) == -1);
	CHECK(ctrlid_key_nseg(bad3, sizeof(bad3)) == -1);
	CHECK(ctrlid_key_nseg(NULL, 0) == 0);
}

int
main(void)
{
	RUN(accepts_the_contract_examples);
	RUN(rejects_malformed_input_with_position);
	RUN(limits_are_exact);
	RUN(equality_ignores_spelling);
	RUN(natural_order);
	RUN(prefix_is_ancestor);
	RUN(respell_keeps_spelling_and_balances);
	RUN(order_laws_on_generated_ids);
	RUN(respell_round_trips_on_generated_ids);
	RUN(abbreviation_separates_small_numbers);
	RUN(malformed_keys_are_detected);
	return UNIT_DONE("unit ctrlid");
}
