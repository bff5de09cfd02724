/*
 * sampling_fuzzer.c — libFuzzer target for the sampling math and selection
 *
 * The input is read as a little record of parameters (missing bytes are
 * zero).  Properties checked:
 *   - a sample size meets the rule, and the sample one smaller does not
 *     (every smaller n is tried when the answer is small); with a
 *     population the answer never exceeds it;
 *   - a binomial upper limit solves P(X <= k | n, p) = 1 - confidence and
 *     grows with k; a hypergeometric one is the largest K / N whose tail is
 *     above 1 - confidence;
 *   - a draw is ascending, within 1..N, and a draw of half the size with
 *     the same seed is contained in it.
 */
#include "sampling.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct reader
{
	const uint8_t *p;
	size_t		left;
} reader;

static uint64_t
take(reader *r, int bytes)
{
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < bytes; i++)
	{
		uint64_t	b = 0;

		if (r->left > 0)
		{
			b = *r->p++;
			r->left--;
		}
		v |= b << (8 * i);
	}
	return v;
}

/* (x + 1) / 65537: strictly inside (0, 1) */
static double
unit_open(uint64_t x)
{
	return ((double) (x & 0xFFFF) + 1.0) / 65537.0;
}

static double
model_log_cdf(sampling_model m, int64_t N, int64_t K, double p, int64_t n, int64_t k)
{
	switch (m)
	{
		case SAMPLING_BINOMIAL:
			return sampling_binom_log_cdf(n, k, p, NULL);
		case SAMPLING_POISSON:
			return sampling_poisson_log_cdf((double) n * p, k, NULL);
		default:
			return sampling_hyper_log_cdf(N, K, n, k, NULL);
	}
}

static void
check_sample_size(reader *r)
{
	sampling_model m = (sampling_model) (take(r, 1) % 3);
	double		conf = 0.5 + 0.499 * unit_open(take(r, 2));
	/* tolerable 0.01 .. 0.5, expected below 0.8 of it, as decimals */
	uint64_t	tol_milli = 10 + take(r, 2) % 491;
	uint64_t	exp_milli = (take(r, 2) % 1000) * tol_milli * 8 / 10000;
	double		tol = (double) tol_milli / 1000.0;
	double		exp_rate = (double) exp_milli / 1000.0;
	int64_t		N = (m == SAMPLING_HYPERGEOMETRIC || (take(r, 1) & 1)) ?
		1 + (int64_t) (take(r, 2) % 3000) : SAMPLING_NO_POPULATION;
	int64_t		K = N > 0 ? sampling_ceil_rate(N, tol) : 0;
	double		log_alpha = log1p(-conf);
	int64_t		n = -1,
				m2;
	sampling_status st = sampling_attribute_sample_size(conf, tol, exp_rate, N, m, &n);

	if (st == SAMPLING_TOO_LARGE)
		return;
	REQUIRE(st == SAMPLING_OK);
	REQUIRE(n >= 1);
	if (N > 0)
		REQUIRE(n <= N);
	if (N > 0 && n == N)
		return;					/* a census: nothing smaller met the rule */
	REQUIRE(model_log_cdf(m, N, K, tol, n, sampling_ceil_rate(n, exp_rate)) <= log_alpha + 1e-9);
	for (m2 = n - 1; m2 >= 1 && (m2 == n - 1 || n <= 400); m2--)
		REQUIRE(model_log_cdf(m, N, K, tol, m2, sampling_ceil_rate(m2, exp_rate)) > log_alpha - 1e-9);
}

static void
check_upper_limit(reader *r)
{
	int64_t		n = 1 + (int64_t) (take(r, 2) % 3000);
	int64_t		k = (int64_t) (take(r, 2) % (uint64_t) (n + 1));
	double		conf = 0.5 + 0.499 * unit_open(take(r, 2));
	double		log_alpha = log1p(-conf);
	int64_t		N = (take(r, 1) & 1) ? n + (int64_t) (take(r, 2) % 3000) : SAMPLING_NO_POPULATION;
	double		lim = -1,
				next = -1;

	REQUIRE(sampling_upper_limit(n, k, conf, N, &lim) == SAMPLING_OK);
	REQUIRE(lim >= (double) k / (double) (N > 0 ? N : n) - 1e-12 && lim <= 1.0);
	if (k < n)
	{
		REQUIRE(sampling_upper_limit(n, k + 1, conf, N, &next) == SAMPLING_OK);
		REQUIRE(next >= lim);
	}
	if (N > 0)
	{
		int64_t		KU = (int64_t) llround(lim * (double) N);

		REQUIRE(sampling_hyper_log_cdf(N, KU, n, k, NULL) > log_alpha - 1e-9);
		if (KU + 1 <= N - (n - k))
			REQUIRE(sampling_hyper_log_cdf(N, KU + 1, n, k, NULL) <= log_alpha + 1e-9);
	}
	else if (k < n)
		REQUIRE(fabs(sampling_binom_log_cdf(n, k, lim, NULL) - log_alpha) < 1e-6);
}

static void
check_draw(reader *r)
{
	static int64_t out[2048],
				half[1024];
	static sampling_slot work[4096];
	int64_t		N = (take(r, 1) & 1) ? (int64_t) (take(r, 8) >> 1) : (int64_t) take(r, 2);
	int64_t		n = (int64_t) take(r, 2) % 2049;
	uint64_t	seed = take(r, 8);
	int64_t		i,
				j;

	if (n > N)
		n = N;
	REQUIRE(sampling_draw(N, n, seed, out, work, 4096) == SAMPLING_OK);
	for (i = 0; i < n; i++)
	{
		REQUIRE(out[i] >= 1 && out[i] <= N);
		REQUIRE(i == 0 || out[i - 1] < out[i]);
	}
	REQUIRE(sampling_draw(N, n / 2, seed, half, work, 4096) == SAMPLING_OK);
	for (i = 0, j = 0; i < n / 2; i++)
	{
		while (j < n && out[j] < half[i])
			j++;
		REQUIRE(j < n && out[j] == half[i]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	reader		r = {data, size};

	switch (take(&r, 1) % 3)
	{
		case 0:
			check_sample_size(&r);
			break;
		case 1:
			check_upper_limit(&r);
			break;
		default:
			check_draw(&r);
			break;
	}
	return 0;
}
