/*
 * test_sampling.c — unit tests of the sampling math and selection
 *
 * The published AICPA tables (copied into test/fixtures/sampling/) must
 * reproduce cell for cell.  Everything else is checked against independent
 * derivations written here: probabilities by direct enumeration with exact
 * integer binomial coefficients in long double, sample sizes and limits by
 * brute-force scans, and the selection against vectors from a separate
 * implementation of the published algorithm (docs/sampling.md).
 */
#include "sampling.h"
#include "unit.h"

#include <math.h>
#include <stdint.h>

#define FIXTURES "../fixtures/sampling/"

/* ------------------------------------------------------------------ */
/* CSV: the fixture rows we read have no quoted commas before the columns used */

/* Copy field idx (0-based) of line into buf. */
static int
csv_field(const char *line, int idx, char *buf, size_t bufsz)
{
	const char *p = line;
	size_t		n = 0;

	while (idx > 0 && *p && *p != '\n')
		if (*p++ == ',')
			idx--;
	if (idx > 0)
		return 0;
	while (*p && *p != ',' && *p != '\n' && *p != '\r' && n + 1 < bufsz)
		buf[n++] = *p++;
	buf[n] = '\0';
	return 1;
}

static double
field_double(const char *line, int idx)
{
	char		buf[64];

	return csv_field(line, idx, buf, sizeof(buf)) ? strtod(buf, NULL) : NAN;
}

/* Call fn for every data line of a fixture; returns the row count or -1. */
static int
each_row(const char *file, void (*fn) (const char *line))
{
	char	   *text = unit_slurp(file, NULL);
	char	   *line;
	int			rows = 0;

	if (!text)
		return -1;
	line = strchr(text, '\n');	/* skip the header */
	while (line && line[1])
	{
		line++;
		fn(line);
		rows++;
		line = strchr(line, '\n');
	}
	free(text);
	return rows;
}

/* ------------------------------------------------------------------ */
/* independent reference: exact combinatorics for small cases */

/* C(a, b) exactly, a <= 62 */
static uint64_t
choose_u64(int a, int b)
{
	uint64_t	r = 1;
	int			i;

	if (b < 0 || b > a)
		return 0;
	if (b > a - b)
		b = a - b;
	for (i = 1; i <= b; i++)
		r = r * (uint64_t) (a - b + i) / (uint64_t) i;	/* exact at each step */
	return r;
}

/* C(n, i) built up by the product rule in long double (exact to n = 62) */
static long double
ref_binom_cdf(int n, int k, long double p)
{
	long double s = 0,
				c = 1;
	int			i;

	for (i = 0; i <= k && i <= n; i++)
	{
		if (i > 0)
			c = c * (n - i + 1) / i;
		s += c * powl(p, i) * powl(1 - p, n - i);
	}
	return s;
}

static long double
ref_poisson_cdf(long double lambda, int k)
{
	long double s = 0,
				t = expl(-lambda);
	int			i;

	for (i = 0; i <= k; i++)
	{
		s += t;
		t *= lambda / (i + 1);
	}
	return s;
}

/* P(X <= k) for the hypergeometric as an exact ratio num / den */
static void
ref_hyper_cdf(int N, int K, int n, int k, uint64_t *num, uint64_t *den)
{
	int			i;

	*num = 0;
	for (i = 0; i <= k; i++)
		*num += choose_u64(K, i) * choose_u64(N - K, n - i);
	*den = choose_u64(N, n);
}

/* ------------------------------------------------------------------ */

static int a1_checked;

static void
check_a1_row(const char *line)
{
	double		conf = field_double(line, 2),
				tol = field_double(line, 3),
				exp_rate = field_double(line, 4);
	int64_t		k_pub = (int64_t) field_double(line, 5),
				n_pub = (int64_t) field_double(line, 6),
				n = -1;
	sampling_status st = sampling_attribute_sample_size(conf, tol, exp_rate,
														SAMPLING_NO_POPULATION,
														SAMPLING_BINOMIAL, &n);

	CHECKF(st == SAMPLING_OK && n == n_pub, "A-1 %.2f/%g/%g: got %lld, table %lld",
		   conf, tol, exp_rate, (long long) n, (long long) n_pub);
	CHECKF(sampling_ceil_rate(n_pub, exp_rate) == k_pub, "A-1 k at n=%lld e=%g",
		   (long long) n_pub, exp_rate);
	a1_checked++;
}

TEST(aicpa_a1_all_cells)
{
	CHECK(each_row(FIXTURES "sample_sizes_aicpa_a1.csv", check_a1_row) == 194);
	CHECK(a1_checked == 194);
}

static int a3_checked;

static void
check_a3_row(const char *line)
{
	int64_t		n = (int64_t) field_double(line, 2),
				k = (int64_t) field_double(line, 3);
	double		conf = field_double(line, 4),
				pct = field_double(line, 5),
				exact = field_double(line, 6),
				lim = -1;
	sampling_status st = sampling_upper_limit(n, k, conf, SAMPLING_NO_POPULATION, &lim);
	/* the table prints the limit rounded up to 0.1 %: tenths of a percent */
	double		printed = ceil(lim * 1000.0 - 1e-9) / 10.0;

	CHECKF(st == SAMPLING_OK && fabs(printed - pct) < 1e-9,
		   "A-3 n=%lld k=%lld: got %.10f (%.1f%%), table %.1f%%",
		   (long long) n, (long long) k, lim, printed, pct);
	CHECKF(fabs(lim - exact) < 1e-9, "A-3 n=%lld k=%lld: %.12f vs exact %.10f",
		   (long long) n, (long long) k, lim, exact);
	a3_checked++;
}

TEST(aicpa_a3_all_cells)
{
	CHECK(each_row(FIXTURES "upper_limits_aicpa_a3.csv", check_a3_row) == 231);
	CHECK(a3_checked == 231);
}

/* The two figures docs/sampling.md quotes (95 %/5 % → 59, 90 %/9 % → 25) and
 * the AICPA A-2 (90 %) zero-expected column. */
TEST(published_figures)
{
	static const struct
	{
		double		conf,
					tol;
		int64_t		n;
	}			cases[] = {
		{0.95, 0.05, 59}, {0.90, 0.09, 25},
		{0.90, 0.02, 114}, {0.90, 0.03, 76}, {0.90, 0.04, 57}, {0.90, 0.05, 45},
		{0.90, 0.06, 38}, {0.90, 0.07, 32}, {0.90, 0.08, 28}, {0.90, 0.10, 22},
		{0.90, 0.15, 15}, {0.90, 0.20, 11},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		int64_t		n = -1;

		CHECK(sampling_attribute_sample_size(cases[i].conf, cases[i].tol, 0,
											 SAMPLING_NO_POPULATION,
											 SAMPLING_BINOMIAL, &n) == SAMPLING_OK);
		CHECKF(n == cases[i].n, "%.2f/%.2f: got %lld want %lld", cases[i].conf,
			   cases[i].tol, (long long) n, (long long) cases[i].n);
	}
}

TEST(expected_count_without_drift)
{
	CHECK(sampling_ceil_rate(400, 0.035) == 14);	/* 400 * 0.035 = 14.000000000000002 */
	CHECK(sampling_ceil_rate(401, 0.035) == 15);
	/* where the drift would change the answer (binary products give 423, 1313, 456) */
	{
		int64_t		n = -1;

		CHECK(sampling_attribute_sample_size(0.90, 0.05, 0.035, SAMPLING_NO_POPULATION, SAMPLING_BINOMIAL, &n) == SAMPLING_OK && n == 400);
		CHECK(sampling_attribute_sample_size(0.90, 0.08, 0.07, SAMPLING_NO_POPULATION, SAMPLING_BINOMIAL, &n) == SAMPLING_OK && n == 1300);
		CHECK(sampling_attribute_sample_size(0.95, 0.17, 0.14, SAMPLING_NO_POPULATION, SAMPLING_BINOMIAL, &n) == SAMPLING_OK && n == 450);
	}
	CHECK(sampling_ceil_rate(100, 0.07) == 7);	/* 7.000000000000001 */
	CHECK(sampling_ceil_rate(1000, 0.0125) == 13);
	CHECK(sampling_ceil_rate(800, 0.0125) == 10);
	CHECK(sampling_ceil_rate(0, 0.5) == 0);
	CHECK(sampling_ceil_rate(7, 0) == 0);
	CHECK(sampling_ceil_rate(INT64_C(4611686018427387904), 0.5) == INT64_C(2305843009213693952));
	CHECK(sampling_ceil_rate(INT64_C(9223372036854775807), 0.1) == INT64_C(922337203685477581));
	/* more than 9 decimals: read to 9 places (1/3 -> 0.333333333) */
	CHECK(sampling_ceil_rate(3, 1.0 / 3.0) == 1);
	CHECK(sampling_ceil_rate(3000000000, 1.0 / 3.0) == 999999999);
	{
		sampling_decimal d = sampling_rate_decimal(0.035);

		CHECK(d.num == 35 && d.den == 1000);
		d = sampling_rate_decimal(0.1);
		CHECK(d.num == 1 && d.den == 10);
		d = sampling_rate_decimal(0.000000001);
		CHECK(d.num == 1 && d.den == 1000000000);
	}
	/* every k of a grid against the decimal computed in integers */
	{
		int			milli,
					n;

		for (milli = 1; milli < 1000; milli++)
			for (n = 1; n <= 500; n++)
			{
				int64_t		want = ((int64_t) n * milli + 999) / 1000;

				CHECKF(sampling_ceil_rate(n, milli / 1000.0) == want, "n=%d e=0.%03d", n, milli);
			}
	}
}

TEST(log_choose)
{
	int			a,
				b;

	for (a = 0; a <= 62; a++)
		for (b = 0; b <= a; b++)
		{
			double		want = log((double) choose_u64(a, b));

			CHECKF(fabs(sampling_log_choose(a, b) - want) <= 1e-13 * (1 + want),
				   "C(%d,%d)", a, b);
		}
	CHECK(isinf(sampling_log_choose(5, 6)) && sampling_log_choose(5, 6) < 0);
	CHECK(isinf(sampling_log_choose(5, -1)));
	/* C(2^62, 2) = 2^61 (2^62 - 1); C(10^6, 3) by its product */
	CHECK(fabs(sampling_log_choose(INT64_C(4611686018427387904), 2) -
			   (61 * log(2.0) + log(4611686018427387903.0))) < 1e-12);
	CHECK(fabs(sampling_log_choose(1000000, 3) -
			   (log(1e6) + log(999999.0) + log(999998.0) - log(6.0))) < 1e-12);
	/* symmetric, and Pascal's rule in log space for a large a */
	CHECK(sampling_log_choose(1000, 3) == sampling_log_choose(1000, 997));
	{
		double		l = sampling_log_choose(100000, 500),
					l1 = sampling_log_choose(99999, 499),
					l2 = sampling_log_choose(99999, 500);
		double		m = l1 > l2 ? l1 : l2;

		CHECK(fabs(l - (m + log(exp(l1 - m) + exp(l2 - m)))) < 1e-10);
	}
}

/* The three cdfs against direct enumeration. */
TEST(cdf_by_enumeration)
{
	static const double ps[] = {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.93};
	int			n,
				k,
				N,
				K;
	size_t		pi;

	for (pi = 0; pi < sizeof(ps) / sizeof(ps[0]); pi++)
		for (n = 1; n <= 60; n++)
			for (k = 0; k <= n; k++)
			{
				long double want = ref_binom_cdf(n, k, ps[pi]);
				double		got = exp(sampling_binom_log_cdf(n, k, ps[pi], NULL));

				if (want > 1e-280L)
					CHECKF(fabsl(got - want) <= 1e-12L * want, "binom n=%d k=%d p=%g: %.17g vs %.17Lg",
						   n, k, ps[pi], got, want);
			}
	for (n = 1; n <= 200; n += 7)
		for (k = 0; k <= 120; k += 3)
		{
			long double lambda = n * 0.05L * (1 + k % 4);
			long double want = ref_poisson_cdf(lambda, k);
			double		got = exp(sampling_poisson_log_cdf((double) lambda, k, NULL));

			if (want > 1e-280L)
				CHECKF(fabsl(got - want) <= 1e-12L * want, "poisson l=%Lg k=%d", lambda, k);
		}
	for (N = 1; N <= 40; N++)
		for (K = 0; K <= N; K++)
			for (n = 0; n <= N; n++)
				for (k = 0; k <= n; k++)
				{
					uint64_t	num,
								den;
					long double want;
					double		got;

					ref_hyper_cdf(N, K, n, k, &num, &den);
					want = (long double) num / den;
					got = exp(sampling_hyper_log_cdf(N, K, n, k, NULL));
					CHECKF(fabsl(got - want) <= 1e-12L * want + (want == 0 ? 0 : 0),
						   "hyper N=%d K=%d n=%d k=%d: %.17g vs %.17Lg", N, K, n, k, got, want);
				}
}

/*
 * Probability against alpha with the tie rule of sampling.h: within a
 * relative 1e-13 is a tie (an exact tie such as 4/20 = 1 - 0.8, off only by
 * the rounding of 0.8); between that and 1e-9 the comparison would rest on
 * rounding, so the case is ambiguous and skipped.
 */
typedef enum
{
	BELOW, TIE, ABOVE, AMBIGUOUS
} cmp3;

static cmp3
cmp_alpha(long double P, long double alpha)
{
	long double d = fabsl(P - alpha) / alpha;

	if (d <= 1e-13L)
		return TIE;
	if (d < 1e-9L)
		return AMBIGUOUS;
	return P < alpha ? BELOW : ABOVE;
}

/*
 * Sample sizes by brute force: the first n (in 1..limit) whose exact tail
 * is <= alpha (a tie meets the rule); -2 when the scan met an ambiguous
 * case, -1 when no n up to limit will do.
 */
static int
brute_size(sampling_model model, double conf, int tol_milli, int exp_milli,
		   int N, int limit)
{
	long double alpha = 1.0L - conf;
	int			n;

	for (n = 1; n <= limit; n++)
	{
		int			k = (n * exp_milli + 999) / 1000;
		long double tail;

		if (model == SAMPLING_BINOMIAL)
			tail = ref_binom_cdf(n, k, tol_milli / 1000.0L);
		else if (model == SAMPLING_POISSON)
			tail = ref_poisson_cdf(n * (tol_milli / 1000.0L), k);
		else
		{
			uint64_t	num,
						den;
			int			K = (N * tol_milli + 999) / 1000;

			ref_hyper_cdf(N, K, n, k, &num, &den);
			tail = (long double) num / den;
		}
		switch (cmp_alpha(tail, alpha))
		{
			case AMBIGUOUS:
				return -2;
			case BELOW:
			case TIE:
				return n;
			case ABOVE:
				break;
		}
	}
	return -1;
}

TEST(sample_sizes_by_brute_force)
{
	static const double confs[] = {0.5, 0.8, 0.9, 0.95, 0.99};
	static const int tols[] = {50, 100, 150, 200, 300};
	static const int exps[] = {0, 10, 25, 50, 80, 100, 125, 200};
	size_t		ci,
				ti,
				ei;
	int			compared = 0;

	for (ci = 0; ci < 5; ci++)
		for (ti = 0; ti < 5; ti++)
			for (ei = 0; ei < 8; ei++)
			{
				int			model;

				if (exps[ei] >= tols[ti])
					continue;
				for (model = 0; model < 2; model++)
				{
					int			want = brute_size((sampling_model) model, confs[ci], tols[ti],
												  exps[ei], 0, 400);
					int64_t		got = -1;
					sampling_status st;

					if (want == -2)
						continue;
					st = sampling_attribute_sample_size(confs[ci], tols[ti] / 1000.0,
														exps[ei] / 1000.0,
														SAMPLING_NO_POPULATION,
														(sampling_model) model, &got);
					CHECK(st == SAMPLING_OK);
					if (want == -1)
						CHECKF(got > 400, "%s %.2f/%d/%d: got %lld, none <= 400",
							   sampling_model_name(model), confs[ci], tols[ti], exps[ei],
							   (long long) got);
					else
						CHECKF(got == want, "%s %.2f/%d/%d: got %lld want %d",
							   sampling_model_name(model), confs[ci], tols[ti], exps[ei],
							   (long long) got, want);
					compared++;
				}
			}
	CHECK(compared >= 280);
}

TEST(hypergeometric_sizes_by_brute_force)
{
	static const double confs[] = {0.8, 0.9, 0.95};
	static const int tols[] = {50, 100, 200, 300};
	static const int exps[] = {0, 20, 50, 100};
	int			N,
				compared = 0;

	for (N = 1; N <= 60; N++)
	{
		size_t		ci,
					ti,
					ei;

		for (ci = 0; ci < 3; ci++)
			for (ti = 0; ti < 4; ti++)
				for (ei = 0; ei < 4; ei++)
				{
					int			want;
					int64_t		got = -1;

					if (exps[ei] >= tols[ti])
						continue;
					want = brute_size(SAMPLING_HYPERGEOMETRIC, confs[ci], tols[ti],
									  exps[ei], N, N);
					if (want == -2)
						continue;
					if (want == -1)
						want = N;	/* no sample will do: the whole population */
					CHECK(sampling_attribute_sample_size(confs[ci], tols[ti] / 1000.0,
														 exps[ei] / 1000.0, N,
														 SAMPLING_HYPERGEOMETRIC,
														 &got) == SAMPLING_OK);
					CHECKF(got == want, "hyper N=%d %.2f/%d/%d: got %lld want %d", N,
						   confs[ci], tols[ti], exps[ei], (long long) got, want);
					compared++;
				}
	}
	CHECK(compared > 1500);
}

TEST(finite_population_never_exceeds_it)
{
	int64_t		n = -1;

	/* 95 %, 5 %, 0 % needs 59 from an infinite population */
	CHECK(sampling_attribute_sample_size(0.95, 0.05, 0, 40, SAMPLING_BINOMIAL, &n) == SAMPLING_OK && n == 40);
	CHECK(sampling_attribute_sample_size(0.95, 0.05, 0, 40, SAMPLING_HYPERGEOMETRIC, &n) == SAMPLING_OK && n <= 40);
	/* a large population approaches the binomial answer from below */
	CHECK(sampling_attribute_sample_size(0.95, 0.05, 0, 1000000, SAMPLING_HYPERGEOMETRIC, &n) == SAMPLING_OK);
	CHECKF(n >= 58 && n <= 59, "%lld", (long long) n);
	CHECK(sampling_attribute_sample_size(0.95, 0.05, 0, INT64_C(4611686018427387904),
										 SAMPLING_HYPERGEOMETRIC, &n) == SAMPLING_OK && n == 59);
	CHECK(sampling_attribute_sample_size(0.95, 0.05, 0.01, INT64_C(4611686018427387904),
										 SAMPLING_HYPERGEOMETRIC, &n) == SAMPLING_OK && n == 93);
	/* 1000 items, 5 % tolerable: K = 50 deviating items */
	CHECK(sampling_attribute_sample_size(0.95, 0.05, 0, 1000, SAMPLING_HYPERGEOMETRIC, &n) == SAMPLING_OK);
	{
		uint64_t	dummy = 0;
		double		at = exp(sampling_hyper_log_cdf(1000, 50, n, 0, NULL)),
					before = exp(sampling_hyper_log_cdf(1000, 50, n - 1, 0, NULL));

		(void) dummy;
		CHECKF(at <= 0.05 + 1e-12 && before > 0.05, "n=%lld at=%g before=%g", (long long) n, at, before);
	}
	/* Poisson is the more conservative approximation: never smaller than binomial */
	{
		int64_t		nb,
					np;
		int			t,
					e;

		for (t = 2; t <= 20; t++)
			for (e = 0; e < t; e++)
			{
				CHECK(sampling_attribute_sample_size(0.95, t / 100.0, e / 200.0, SAMPLING_NO_POPULATION,
													 SAMPLING_BINOMIAL, &nb) == SAMPLING_OK);
				CHECK(sampling_attribute_sample_size(0.95, t / 100.0, e / 200.0, SAMPLING_NO_POPULATION,
													 SAMPLING_POISSON, &np) == SAMPLING_OK);
				CHECKF(np >= nb, "t=%d e=%d: poisson %lld < binomial %lld", t, e,
					   (long long) np, (long long) nb);
			}
	}
}

/* Clopper-Pearson limits satisfy their defining equation, at several confidences. */
TEST(binomial_limits_solve_their_equation)
{
	static const double confs[] = {0.5, 0.8, 0.9, 0.95, 0.975, 0.99};
	size_t		ci;
	int			n,
				k;

	for (ci = 0; ci < 6; ci++)
		for (n = 1; n <= 60; n += 3)
			for (k = 0; k <= n; k++)
			{
				double		lim = -1;

				CHECK(sampling_upper_limit(n, k, confs[ci], SAMPLING_NO_POPULATION, &lim) == SAMPLING_OK);
				if (k == n)
					CHECK(lim == 1.0);
				else
				{
					long double tail = ref_binom_cdf(n, k, lim);
					long double alpha = 1.0L - confs[ci];

					CHECKF(fabsl(tail - alpha) < 1e-11L, "n=%d k=%d c=%g: P=%.15Lg", n, k,
						   confs[ci], tail);
				}
				if (k == 0)
					CHECK(fabs(lim - (1 - pow(1 - confs[ci], 1.0 / n))) < 1e-14);
			}
	/* monotone in k and n */
	{
		double		a,
					b;

		for (k = 0; k < 30; k++)
		{
			sampling_upper_limit(100, k, 0.9, SAMPLING_NO_POPULATION, &a);
			sampling_upper_limit(100, k + 1, 0.9, SAMPLING_NO_POPULATION, &b);
			CHECK(a < b);
			sampling_upper_limit(101, k, 0.9, SAMPLING_NO_POPULATION, &b);
			CHECK(b < a);
		}
	}
}

TEST(hypergeometric_limits_by_brute_force)
{
	static const double confs[] = {0.8, 0.9, 0.95};
	int			N,
				n,
				k;
	size_t		ci;

	for (ci = 0; ci < 3; ci++)
		for (N = 1; N <= 40; N++)
			for (n = 1; n <= N; n++)
				for (k = 0; k <= n; k++)
				{
					long double alpha = 1.0L - confs[ci];
					int			K,
								want = -1,
								ambiguous = 0;
					double		lim = -1;

					/* the largest K with P(X <= k) > alpha, scanning every K */
					for (K = 0; K <= N; K++)
					{
						uint64_t	num,
									den;
						cmp3		c;

						ref_hyper_cdf(N, K, n, k, &num, &den);
						c = cmp_alpha((long double) num / den, alpha);
						if (c == ABOVE)
							want = K;
						ambiguous |= (c == AMBIGUOUS);
					}
					if (ambiguous)
						continue;
					CHECK(sampling_upper_limit(n, k, confs[ci], N, &lim) == SAMPLING_OK);
					CHECKF(fabs(lim - (double) want / N) < 1e-15, "N=%d n=%d k=%d: %g vs %d/%d",
						   N, n, k, lim, want, N);
				}
	/* a census knows the rate exactly */
	{
		double		lim;

		CHECK(sampling_upper_limit(250, 3, 0.95, 250, &lim) == SAMPLING_OK && lim == 3.0 / 250);
		/* a huge population gives the binomial limit */
		double		bin;

		CHECK(sampling_upper_limit(59, 0, 0.95, INT64_C(4611686018427387904), &lim) == SAMPLING_OK);
		sampling_upper_limit(59, 0, 0.95, SAMPLING_NO_POPULATION, &bin);
		CHECKF(fabs(lim - bin) < 1e-9, "%g vs %g", lim, bin);
	}
}

TEST(bad_arguments)
{
	int64_t		n;
	double		l;

	CHECK(sampling_attribute_sample_size(0, 0.05, 0, SAMPLING_NO_POPULATION, SAMPLING_BINOMIAL, &n) == SAMPLING_BAD_CONFIDENCE);
	CHECK(sampling_attribute_sample_size(1, 0.05, 0, SAMPLING_NO_POPULATION, SAMPLING_BINOMIAL, &n) == SAMPLING_BAD_CONFIDENCE);
	CHECK(sampling_attribute_sample_size(NAN, 0.05, 0, SAMPLING_NO_POPULATION, SAMPLING_BINOMIAL, &n) == SAMPLING_BAD_CONFIDENCE);
	CHECK(sampling_attribute_sample_size(0.9, 0, 0, SAMPLING_NO_POPULATION, SAMPLING_BINOMIAL, &n) == SAMPLING_BAD_TOLERABLE);
	CHECK(sampling_attribute_sample_size(0.9, 1, 0, SAMPLING_NO_POPULATION, SAMPLING_BINOMIAL, &n) == SAMPLING_BAD_TOLERABLE);
	CHECK(sampling_attribute_sample_size(0.9, 0.05, -0.01, SAMPLING_NO_POPULATION, SAMPLING_BINOMIAL, &n) == SAMPLING_BAD_EXPECTED);
	CHECK(sampling_attribute_sample_size(0.9, 0.05, 0.05, SAMPLING_NO_POPULATION, SAMPLING_BINOMIAL, &n) == SAMPLING_EXPECTED_NOT_BELOW);
	CHECK(sampling_attribute_sample_size(0.9, 0.05, 0.06, SAMPLING_NO_POPULATION, SAMPLING_BINOMIAL, &n) == SAMPLING_EXPECTED_NOT_BELOW);
	CHECK(sampling_attribute_sample_size(0.9, 0.05, 0, SAMPLING_NO_POPULATION, SAMPLING_HYPERGEOMETRIC, &n) == SAMPLING_NEED_POPULATION);
	CHECK(sampling_attribute_sample_size(0.9, 0.05, 0, 0, SAMPLING_HYPERGEOMETRIC, &n) == SAMPLING_BAD_POPULATION);
	/* beyond the search limit */
	CHECK(sampling_attribute_sample_size(0.99, 0.0000001, 0, SAMPLING_NO_POPULATION, SAMPLING_BINOMIAL, &n) == SAMPLING_TOO_LARGE);
	CHECK(sampling_attribute_sample_size(0.95, 0.05, 0.0499, SAMPLING_NO_POPULATION, SAMPLING_BINOMIAL, &n) == SAMPLING_TOO_LARGE);

	CHECK(sampling_upper_limit(10, 1, 1.5, SAMPLING_NO_POPULATION, &l) == SAMPLING_BAD_CONFIDENCE);
	CHECK(sampling_upper_limit(0, 0, 0.9, SAMPLING_NO_POPULATION, &l) == SAMPLING_BAD_SAMPLE);
	CHECK(sampling_upper_limit(10, -1, 0.9, SAMPLING_NO_POPULATION, &l) == SAMPLING_BAD_DEVIATIONS);
	CHECK(sampling_upper_limit(10, 11, 0.9, SAMPLING_NO_POPULATION, &l) == SAMPLING_DEVIATIONS_ABOVE_SAMPLE);
	CHECK(sampling_upper_limit(10, 1, 0.9, 9, &l) == SAMPLING_SAMPLE_ABOVE_POPULATION);
	CHECK(sampling_upper_limit(10, 1, 0.9, 0, &l) == SAMPLING_BAD_POPULATION);
	/* -1 is a bad population, not "none" */
	CHECK(sampling_upper_limit(10, 1, 0.9, -1, &l) == SAMPLING_BAD_POPULATION);
	CHECK(sampling_attribute_sample_size(0.9, 0.05, 0, -1, SAMPLING_BINOMIAL, &n) == SAMPLING_BAD_POPULATION);

	{
		int64_t		out[4];
		sampling_slot work[16];

		CHECK(sampling_draw(-1, 0, 0, out, work, 16) == SAMPLING_BAD_POPULATION);
		CHECK(sampling_draw(10, -1, 0, out, work, 16) == SAMPLING_BAD_SAMPLE);
		CHECK(sampling_draw(3, 4, 0, out, work, 16) == SAMPLING_SAMPLE_ABOVE_POPULATION);
		CHECK(sampling_draw(100, 4, 0, out, work, 8) == SAMPLING_TOO_LARGE);
		CHECK(sampling_draw(INT64_MAX, SAMPLING_DRAW_MAX_N + 1, 0, out, work, 16) == SAMPLING_TOO_LARGE);
		CHECK(sampling_draw(0, 0, 0, out, work, 16) == SAMPLING_OK);
	}
	{
		sampling_model m;

		CHECK(sampling_model_parse("poisson", 7, &m) && m == SAMPLING_POISSON);
		CHECK(sampling_model_parse("hypergeometric", 14, &m) && m == SAMPLING_HYPERGEOMETRIC);
		CHECK(!sampling_model_parse("Binomial", 8, &m));
		CHECK(!sampling_model_parse("binom", 5, &m));
	}
}

/* ------------------------------------------------------------------ */
/* selection */

TEST(splitmix64_vectors)
{
	uint64_t	s = 0;

	/* Vigna's reference splitmix64.c; the second set is its published check */
	CHECK(sampling_splitmix64(&s) == UINT64_C(0xe220a8397b1dcdaf));
	CHECK(sampling_splitmix64(&s) == UINT64_C(0x6e789e6aa1b965f4));
	CHECK(sampling_splitmix64(&s) == UINT64_C(0x06c45d188009454f));
	s = 1234567;
	CHECK(sampling_splitmix64(&s) == UINT64_C(6457827717110365317));
	CHECK(sampling_splitmix64(&s) == UINT64_C(3203168211198807973));
	CHECK(sampling_splitmix64(&s) == UINT64_C(9817491932198370423));
	s = UINT64_MAX;				/* seed -1 */
	CHECK(sampling_splitmix64(&s) == UINT64_C(0xe4d971771b652c20));
}

static int
draw_equals(int64_t N, int64_t n, int64_t seed, const int64_t *want)
{
	int64_t    *out = malloc(sizeof(int64_t) * (size_t) (n ? n : 1));
	size_t		slots = sampling_draw_slots(n);
	sampling_slot *work = malloc(sizeof(sampling_slot) * slots);
	int			ok = sampling_draw(N, n, (uint64_t) seed, out, work, slots) == SAMPLING_OK &&
		memcmp(out, want, sizeof(int64_t) * (size_t) n) == 0;

	free(out);
	free(work);
	return ok;
}

/* Vectors from an independent implementation (the Python of docs/sampling.md). */
TEST(draw_vectors)
{
	static const int64_t v1[] = {2, 6, 10};
	static const int64_t v2[] = {3, 10, 14, 28, 29, 46, 66, 84, 87, 88};
	static const int64_t v3[] = {17, 18, 36, 41, 53, 75, 79, 85, 92, 94, 99, 128, 133, 135,
	151, 185, 190, 274, 277, 283, 290, 294, 298, 309, 338};
	static const int64_t v4[] = {12, 15, 21, 26, 49};
	static const int64_t v5[] = {41594, 118659, 396846, 814750, 822466};
	static const int64_t v6[] = {INT64_C(2655278211686280225), INT64_C(2999389001807725262),
		INT64_C(3250951785886089945), INT64_C(3792109150608058811), INT64_C(4048727598324417004)};
	static const int64_t v7[] = {INT64_C(3809090721342701869), INT64_C(6634597274585517038),
	INT64_C(8791656398039529344)};
	static const int64_t v8[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	static const int64_t v9[] = {1};
	static const int64_t v10[] = {1, 16, 19, 31, 50, 53, 72, 75, 87, 88, 92, 109, 110, 126, 136,
	137, 166, 174, 177, 182, 198, 206, 209, 234, 250};

	CHECK(draw_equals(10, 3, 0, v1));
	CHECK(draw_equals(100, 10, 42, v2));
	CHECK(draw_equals(365, 25, 20261126, v3));
	CHECK(draw_equals(52, 5, 7, v4));
	CHECK(draw_equals(1000000, 5, 1, v5));
	CHECK(draw_equals(INT64_C(4611686018427387904), 5, -1, v6));
	CHECK(draw_equals(INT64_MAX, 3, 123, v7));
	CHECK(draw_equals(10, 10, 5, v8));
	CHECK(draw_equals(1, 1, 0, v9));
	CHECK(draw_equals(250, 25, INT64_MIN, v10));
}

/* Distinct, ascending, in range; a larger sample with the same seed keeps the smaller. */
TEST(draw_properties)
{
	static const int64_t pops[] = {1, 2, 7, 64, 1000, 65536, INT64_C(1) << 40, INT64_MAX};
	size_t		pi;

	for (pi = 0; pi < sizeof(pops) / sizeof(pops[0]); pi++)
	{
		int64_t		N = pops[pi];
		int64_t		n,
					seed;

		for (seed = -3; seed <= 3; seed++)
		{
			int64_t		prev[300];
			int64_t		prevn = 0;

			for (n = 0; n <= 300 && n <= N; n += (n < 10 ? 1 : 37))
			{
				int64_t		out[300];
				sampling_slot work[1024];
				int64_t		i,
							j;

				CHECK(sampling_draw(N, n, (uint64_t) seed, out, work, 1024) == SAMPLING_OK);
				for (i = 0; i < n; i++)
				{
					CHECK(out[i] >= 1 && out[i] <= N);
					if (i > 0)
						CHECK(out[i - 1] < out[i]);
				}
				/* every earlier item is still drawn */
				for (i = 0, j = 0; i < prevn; i++)
				{
					while (j < n && out[j] < prev[i])
						j++;
					CHECKF(j < n && out[j] == prev[i], "N=%lld seed=%lld n=%lld lost %lld",
						   (long long) N, (long long) seed, (long long) n, (long long) prev[i]);
				}
				memcpy(prev, out, sizeof(int64_t) * (size_t) n);
				prevn = n;
			}
		}
	}
}

/* Every item of a small population is about equally likely to be drawn. */
TEST(draw_is_uniform)
{
	int			counts[21] = {0};
	int64_t		seed;
	int			i,
				minc = 1 << 30,
				maxc = 0;

	for (seed = 0; seed < 20000; seed++)
	{
		int64_t		out[5];
		sampling_slot work[16];

		sampling_draw(20, 5, (uint64_t) seed * 7919, out, work, 16);
		for (i = 0; i < 5; i++)
			counts[out[i]]++;
	}
	/* 20000 * 5 / 20 = 5000 each; a 4-sigma band is about +-270 */
	for (i = 1; i <= 20; i++)
	{
		if (counts[i] < minc)
			minc = counts[i];
		if (counts[i] > maxc)
			maxc = counts[i];
	}
	CHECKF(minc > 4700 && maxc < 5300, "min %d max %d", minc, maxc);
}

int
main(void)
{
	RUN(aicpa_a1_all_cells);
	RUN(aicpa_a3_all_cells);
	RUN(published_figures);
	RUN(expected_count_without_drift);
	RUN(log_choose);
	RUN(cdf_by_enumeration);
	RUN(sample_sizes_by_brute_force);
	RUN(hypergeometric_sizes_by_brute_force);
	RUN(finite_population_never_exceeds_it);
	RUN(binomial_limits_solve_their_equation);
	RUN(hypergeometric_limits_by_brute_force);
	RUN(bad_arguments);
	RUN(splitmix64_vectors);
	RUN(draw_vectors);
	RUN(draw_properties);
	RUN(draw_is_uniform);
	return UNIT_DONE("unit sampling");
}
