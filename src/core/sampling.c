/*
 * sampling.c — sample sizes, upper deviation limits and reproducible
 * selection for tests of controls.  See sampling.h for the rules.
 */
#include "sampling.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * A tail sum stops once the geometric bound on what is left is below this
 * share of the sum so far: far below the 1e-13 or so that the log-pmf itself
 * is good for, so stopping never changes a comparison.
 */
#define TAIL_EPS	1e-17

/*
 * Ties.  A tail within this relative distance of 1 - confidence counts as
 * equal to it: exact ties are common with small populations (P = 4/20 at
 * confidence 0.8) and must be decided as the decimal was written, not by
 * the rounding of 0.8 to binary.  The log-tails are good to about 1e-13.
 */
#define TIE_EPS		1e-10

/* Bisection over a probability: 200 halvings reach adjacent doubles. */
#define BISECT_MAX	200

static const double LOG_SQRT_2PI = 0.91893853320467274178;	/* log(sqrt(2 pi)) */

/* ---------------------------------------------------------------------
 * models and rates
 * --------------------------------------------------------------------- */

static const char *const model_names[] = {"binomial", "poisson", "hypergeometric"};

bool
sampling_model_parse(const char *name, size_t len, sampling_model *out)
{
	int			m;

	for (m = 0; m < 3; m++)
		if (strlen(model_names[m]) == len && memcmp(model_names[m], name, len) == 0)
		{
			*out = (sampling_model) m;
			return true;
		}
	return false;
}

const char *
sampling_model_name(sampling_model m)
{
	return (m >= 0 && (int) m < 3) ? model_names[m] : "?";
}

/*
 * The shortest decimal m / 10^d that converts back to rate.  Division of
 * two exactly representable integers is correctly rounded, so m / 10^d ==
 * rate holds exactly when rate is the double nearest that decimal, which is
 * what the user (or the SQL literal 0.035) meant.
 */
sampling_decimal
sampling_rate_decimal(double rate)
{
	sampling_decimal r = {0, 1};
	uint64_t	den = 1;
	int			d;

	if (!(rate > 0.0))
		return r;
	for (d = 0; d <= SAMPLING_RATE_DECIMALS; d++)
	{
		double		m = nearbyint(rate * (double) den);

		if (m / (double) den == rate)
		{
			r.num = (uint64_t) m;
			r.den = den;
			return r;
		}
		if (d < SAMPLING_RATE_DECIMALS)
			den *= 10;
	}
	/* more decimals than we read: the nearest SAMPLING_RATE_DECIMALS-place value */
	r.num = (uint64_t) nearbyint(rate * (double) den);
	r.den = den;
	return r;
}

/* ceil(n * num / den) without overflow for 0 <= n < 2^63, num < den <= 10^9 */
static int64_t
ceil_decimal(int64_t n, sampling_decimal r)
{
	uint64_t	un = (uint64_t) n;
	uint64_t	whole = (un / r.den) * r.num;
	uint64_t	part = (un % r.den) * r.num;	/* < 10^18 */

	return (int64_t) (whole + (part + r.den - 1) / r.den);
}

int64_t
sampling_ceil_rate(int64_t n, double rate)
{
	return ceil_decimal(n, sampling_rate_decimal(rate));
}

/* ---------------------------------------------------------------------
 * log-pmf pieces
 * --------------------------------------------------------------------- */

/*
 * Stirling's error term: log(x!) - (x log x - x + log sqrt(2 pi x)) for
 * integer x >= 1.  Small x from lgamma; above 15 the asymptotic series,
 * whose first omitted term is below 1e-16 there.
 */
static double
stirlerr(double x)
{
	double		x2;

	if (x <= 15.0)
		return lgamma(x + 1.0) - (x * log(x) - x + LOG_SQRT_2PI + 0.5 * log(x));
	x2 = x * x;
	return (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - (1.0 / 1680.0 - 1.0 / (1188.0 * x2)) / x2) / x2) / x2) / x;
}

/*
 * log C(a, b).  Written as b log(a/b) + c log1p(b/c) (c = a - b) plus
 * Stirling corrections, every part is a sum of positive terms of modest
 * size: no difference of two huge lgamma values, so C(2^62, 25) keeps
 * full relative precision.
 */
double
sampling_log_choose(int64_t a, int64_t b)
{
	int64_t		c;
	double		A, B, C;

	if (b < 0 || a < 0 || b > a)
		return -INFINITY;
	c = a - b;
	if (b == 0 || c == 0)
		return 0.0;
	if (b > c)
	{
		int64_t		t = b;

		b = c;
		c = t;
	}
	A = (double) a;
	B = (double) b;
	C = (double) c;
	return B * log(A / B) + C * log1p(B / C)
		+ 0.5 * log(A / (B * C)) - LOG_SQRT_2PI
		+ stirlerr(A) - stirlerr(B) - stirlerr(C);
}

/* ---------------------------------------------------------------------
 * tails of discrete log-concave distributions
 * --------------------------------------------------------------------- */

typedef struct dist
{
	sampling_model model;
	int64_t		n;				/* draws (binomial, hypergeometric) */
	int64_t		N;				/* population (hypergeometric) */
	int64_t		K;				/* deviations in the population */
	double		p;				/* binomial probability */
	double		qp;				/* (1 - p) / p */
	double		lambda;			/* Poisson mean */
	int64_t		lo;				/* support [lo, hi] */
	int64_t		hi;
} dist;

static double
log_pmf(const dist *d, int64_t i)
{
	switch (d->model)
	{
		case SAMPLING_BINOMIAL:
			return sampling_log_choose(d->n, i) + (double) i * log(d->p)
				+ (double) (d->n - i) * log1p(-d->p);
		case SAMPLING_POISSON:
			return (double) i * log(d->lambda) - d->lambda - lgamma((double) i + 1.0);
		case SAMPLING_HYPERGEOMETRIC:
			return sampling_log_choose(d->K, i) + sampling_log_choose(d->N - d->K, d->n - i)
				- sampling_log_choose(d->N, d->n);
	}
	return -INFINITY;
}

/* pmf(i - 1) / pmf(i), for lo < i <= hi */
static double
ratio_down(const dist *d, int64_t i)
{
	switch (d->model)
	{
		case SAMPLING_BINOMIAL:
			return (double) i / (double) (d->n - i + 1) * d->qp;
		case SAMPLING_POISSON:
			return (double) i / d->lambda;
		case SAMPLING_HYPERGEOMETRIC:
			return ((double) i / (double) (d->K - i + 1)) *
				((double) (d->N - d->K - d->n + i) / (double) (d->n - i + 1));
	}
	return 0.0;
}

/* pmf(i + 1) / pmf(i), for lo <= i < hi */
static double
ratio_up(const dist *d, int64_t i)
{
	switch (d->model)
	{
		case SAMPLING_BINOMIAL:
			return (double) (d->n - i) / (double) (i + 1) / d->qp;
		case SAMPLING_POISSON:
			return d->lambda / (double) (i + 1);
		case SAMPLING_HYPERGEOMETRIC:
			return ((double) (d->K - i) / (double) (i + 1)) *
				((double) (d->n - i) / (double) (d->N - d->K - d->n + i + 1));
	}
	return 0.0;
}

/*
 * log P(X <= k).  The three distributions are log-concave, so the ratio of
 * neighbouring terms moves monotonically away from the mode: summing away
 * from k in the direction where terms fall, once the current ratio r < 1,
 * what is left is at most t r / (1 - r).  Below the mode we sum the lower
 * tail directly; above it, 1 minus the upper tail, so neither sum can
 * overflow and the one that matters is never lost to cancellation.
 */
static double
dist_log_cdf(const dist *d, int64_t k, int64_t *terms)
{
	double		s = 1.0,
				t = 1.0;
	int64_t		i,
				count = 0;
	double		result;

	if (k < d->lo)
		return -INFINITY;
	if (k >= d->hi)
		return 0.0;
	if (k == d->lo || ratio_down(d, k) < 1.0)
	{
		for (i = k; i > d->lo; i--)
		{
			double		r = ratio_down(d, i);

			t *= r;
			s += t;
			count++;
			if (r < 1.0 && t * r <= s * TAIL_EPS * (1.0 - r))
				break;
		}
		result = log_pmf(d, k) + log(s);
	}
	else
	{
		double		upper;

		for (i = k + 1; i < d->hi; i++)
		{
			double		r = ratio_up(d, i);

			t *= r;
			s += t;
			count++;
			if (r < 1.0 && t * r <= s * TAIL_EPS * (1.0 - r))
				break;
		}
		upper = exp(log_pmf(d, k + 1) + log(s));
		/* P(X <= k) >= P(X = k) > 0; guard against rounding only */
		result = upper < 1.0 ? log1p(-upper) : log(DBL_MIN);
	}
	if (terms)
		*terms += count + 1;
	return result;
}

double
sampling_binom_log_cdf(int64_t n, int64_t k, double p, int64_t *terms)
{
	dist		d;

	if (n < 0 || !(p >= 0.0 && p <= 1.0))
		return NAN;
	if (k < 0)
		return -INFINITY;
	if (k >= n || p == 0.0)
		return 0.0;
	if (p == 1.0)
		return -INFINITY;
	memset(&d, 0, sizeof(d));
	d.model = SAMPLING_BINOMIAL;
	d.n = n;
	d.p = p;
	d.qp = (1.0 - p) / p;
	d.lo = 0;
	d.hi = n;
	return dist_log_cdf(&d, k, terms);
}

double
sampling_poisson_log_cdf(double lambda, int64_t k, int64_t *terms)
{
	dist		d;

	if (!(lambda >= 0.0) || isinf(lambda))
		return NAN;
	if (k < 0)
		return -INFINITY;
	if (lambda == 0.0)
		return 0.0;
	memset(&d, 0, sizeof(d));
	d.model = SAMPLING_POISSON;
	d.lambda = lambda;
	d.lo = 0;
	d.hi = INT64_MAX;
	return dist_log_cdf(&d, k, terms);
}

double
sampling_hyper_log_cdf(int64_t N, int64_t K, int64_t n, int64_t k, int64_t *terms)
{
	dist		d;

	if (N < 0 || K < 0 || K > N || n < 0 || n > N)
		return NAN;
	memset(&d, 0, sizeof(d));
	d.model = SAMPLING_HYPERGEOMETRIC;
	d.N = N;
	d.K = K;
	d.n = n;
	d.lo = (n > N - K) ? n - (N - K) : 0;
	d.hi = n < K ? n : K;
	return dist_log_cdf(&d, k, terms);
}

/* ---------------------------------------------------------------------
 * sample size
 * --------------------------------------------------------------------- */

typedef struct search
{
	sampling_model model;
	double		p;
	int64_t		N;
	int64_t		K;
	double		log_alpha;
	int64_t		terms;
} search;

/* Does a sample of n with k expected deviations meet the rule? */
static bool
meets(search *s, int64_t n, int64_t k)
{
	double		lc;

	switch (s->model)
	{
		case SAMPLING_BINOMIAL:
			lc = sampling_binom_log_cdf(n, k, s->p, &s->terms);
			break;
		case SAMPLING_POISSON:
			lc = sampling_poisson_log_cdf((double) n * s->p, k, &s->terms);
			break;
		default:
			lc = sampling_hyper_log_cdf(s->N, s->K, n, k, &s->terms);
			break;
	}
	return lc <= s->log_alpha + TIE_EPS;
}

/* smallest n in [lo, hi] meeting the rule with k, given that hi does */
static int64_t
bisect_n(search *s, int64_t lo, int64_t hi, int64_t k)
{
	while (lo < hi)
	{
		int64_t		mid = lo + (hi - lo) / 2;

		if (meets(s, mid, k))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static sampling_status
check_confidence(double confidence)
{
	return (confidence > 0.0 && confidence < 1.0) ? SAMPLING_OK : SAMPLING_BAD_CONFIDENCE;
}

sampling_status
sampling_attribute_sample_size(double confidence, double tolerable_rate,
							   double expected_rate, int64_t population,
							   sampling_model model, int64_t *n_out)
{
	search		s;
	sampling_decimal e;
	int64_t		nmax = SAMPLING_MAX_N;
	bool		census = false;
	int64_t		k;

	if (check_confidence(confidence) != SAMPLING_OK)
		return SAMPLING_BAD_CONFIDENCE;
	if (!(tolerable_rate > 0.0 && tolerable_rate < 1.0))
		return SAMPLING_BAD_TOLERABLE;
	if (!(expected_rate >= 0.0 && expected_rate < 1.0))
		return SAMPLING_BAD_EXPECTED;
	if (expected_rate >= tolerable_rate)
		return SAMPLING_EXPECTED_NOT_BELOW;
	if (population == SAMPLING_NO_POPULATION)
	{
		if (model == SAMPLING_HYPERGEOMETRIC)
			return SAMPLING_NEED_POPULATION;
	}
	else if (population < 1)
		return SAMPLING_BAD_POPULATION;
	else if (population <= nmax)
	{
		nmax = population;
		census = true;
	}

	memset(&s, 0, sizeof(s));
	s.model = model;
	s.p = tolerable_rate;
	s.log_alpha = log1p(-confidence);
	if (model == SAMPLING_HYPERGEOMETRIC)
	{
		s.N = population;
		s.K = sampling_ceil_rate(population, tolerable_rate);
	}
	e = sampling_rate_decimal(expected_rate);

	if (e.num == 0)
	{
		/* k = 0 for every n: one monotone search */
		if (meets(&s, nmax, 0))
		{
			*n_out = bisect_n(&s, 1, nmax, 0);
			return SAMPLING_OK;
		}
	}
	else
	{
		/*
		 * k = ceil(n e) is constant on the interval (k-1)/e < n <= k/e.  For
		 * a fixed k the tail P(X <= k) falls as n grows, so the interval
		 * holds an answer exactly when its last n meets the rule; the first
		 * such interval holds the smallest n overall.
		 */
		for (k = 1;; k++)
		{
			int64_t		lo = (int64_t) (((uint64_t) (k - 1) * e.den) / e.num) + 1;
			int64_t		hi = (int64_t) (((uint64_t) k * e.den) / e.num);

			if (lo > nmax)
				break;
			if (hi > nmax)
				hi = nmax;
			if (lo <= hi && meets(&s, hi, k))
			{
				*n_out = bisect_n(&s, lo, hi, k);
				return SAMPLING_OK;
			}
			if (s.terms > SAMPLING_MAX_TERMS)
				return SAMPLING_TOO_LARGE;
		}
	}
	if (census)
	{
		/* no sample smaller than the population will do: test every item */
		*n_out = nmax;
		return SAMPLING_OK;
	}
	return SAMPLING_TOO_LARGE;
}

/* ---------------------------------------------------------------------
 * upper deviation limit
 * --------------------------------------------------------------------- */

sampling_status
sampling_upper_limit(int64_t n, int64_t k, double confidence, int64_t population,
					 double *limit_out)
{
	double		log_alpha;

	if (check_confidence(confidence) != SAMPLING_OK)
		return SAMPLING_BAD_CONFIDENCE;
	if (n < 1)
		return SAMPLING_BAD_SAMPLE;
	if (k < 0)
		return SAMPLING_BAD_DEVIATIONS;
	if (k > n)
		return SAMPLING_DEVIATIONS_ABOVE_SAMPLE;
	if (population != SAMPLING_NO_POPULATION)
	{
		if (population < 1)
			return SAMPLING_BAD_POPULATION;
		if (n > population)
			return SAMPLING_SAMPLE_ABOVE_POPULATION;
	}
	log_alpha = log1p(-confidence);

	if (population != SAMPLING_NO_POPULATION)
	{
		/*
		 * P(X <= k | K) falls as K grows.  K = k gives 1 (> alpha); at most
		 * N - (n - k) items can deviate, since n - k were seen not to.
		 */
		int64_t		lo = k,
					hi = population - (n - k);
		int			guard = 0;

		if (sampling_hyper_log_cdf(population, hi, n, k, NULL) > log_alpha + TIE_EPS)
			lo = hi;
		else
			while (hi - lo > 1 && guard++ < 128)
			{
				int64_t		mid = lo + (hi - lo) / 2;

				if (sampling_hyper_log_cdf(population, mid, n, k, NULL) > log_alpha + TIE_EPS)
					lo = mid;
				else
					hi = mid;
			}
		*limit_out = (double) lo / (double) population;
		return SAMPLING_OK;
	}

	if (k == n)
	{
		*limit_out = 1.0;
		return SAMPLING_OK;
	}
	if (k == 0)
	{
		/* (1 - p)^n = alpha */
		*limit_out = -expm1(log_alpha / (double) n);
		return SAMPLING_OK;
	}
	{
		/* Clopper-Pearson: P(X <= k | n, p) = alpha, the tail falls as p grows */
		double		lo = 0.0,
					hi = 1.0;
		int			iter;

		for (iter = 0; iter < BISECT_MAX; iter++)
		{
			double		mid = 0.5 * (lo + hi);

			if (mid <= lo || mid >= hi)
				break;
			if (sampling_binom_log_cdf(n, k, mid, NULL) > log_alpha)
				lo = mid;
			else
				hi = mid;
		}
		*limit_out = hi;
	}
	return SAMPLING_OK;
}

/* ---------------------------------------------------------------------
 * reproducible selection
 * --------------------------------------------------------------------- */

uint64_t
sampling_splitmix64(uint64_t *state)
{
	uint64_t	z;

	*state += UINT64_C(0x9E3779B97F4A7C15);
	z = *state;
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/*
 * Rejection keeps every residue equally likely: of the 2^64 outputs, the
 * t = 2^64 mod r smallest are refused, leaving a multiple of r.  Each draw
 * is refused with probability t / 2^64 < 1/2, and the generator visits
 * every 64-bit value once per period, so the loop ends.
 */
uint64_t
sampling_bounded(uint64_t *state, uint64_t r)
{
	uint64_t	t = (0 - r) % r;	/* (2^64 - r) mod r = 2^64 mod r */

	for (;;)
	{
		uint64_t	x = sampling_splitmix64(state);

		if (x >= t)
			return x % r;
	}
}

size_t
sampling_draw_slots(int64_t n)
{
	size_t		c = 16;

	while ((int64_t) c < 2 * n)
		c <<= 1;
	return c;
}

/* Open addressing with linear probing; the table is never more than half full. */
static sampling_slot *
slot_find(sampling_slot *work, size_t mask, int shift, uint64_t pos)
{
	uint64_t	key = pos + 1;
	size_t		h = (size_t) ((key * UINT64_C(0x9E3779B97F4A7C15)) >> shift) & mask;

	while (work[h].key != 0 && work[h].key != key)
		h = (h + 1) & mask;
	return &work[h];
}

static int
cmp_int64(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *) a,
				y = *(const int64_t *) b;

	return (x > y) - (x < y);
}

sampling_status
sampling_draw(int64_t population, int64_t n, uint64_t seed,
			  int64_t *out, sampling_slot *work, size_t nslots)
{
	uint64_t	state = seed;
	size_t		mask;
	int			shift = 64;
	int64_t		i;

	if (population < 0)
		return SAMPLING_BAD_POPULATION;
	if (n < 0)
		return SAMPLING_BAD_SAMPLE;
	if (n > population)
		return SAMPLING_SAMPLE_ABOVE_POPULATION;
	if (n > SAMPLING_DRAW_MAX_N || nslots < sampling_draw_slots(n))
		return SAMPLING_TOO_LARGE;
	if (n == 0)
		return SAMPLING_OK;

	nslots = sampling_draw_slots(n);
	mask = nslots - 1;
	while (((size_t) 1 << (64 - shift)) < nslots)
		shift--;
	memset(work, 0, nslots * sizeof(sampling_slot));

	/*
	 * The virtual array a[k] = k + 1 is stored only where it changed.  Step
	 * i swaps a[i] with a[j], j in [i, N); a[i] is final afterwards and is
	 * written to out[i], so only the new a[j] needs a slot.
	 */
	for (i = 0; i < n; i++)
	{
		uint64_t	j = (uint64_t) i + sampling_bounded(&state, (uint64_t) (population - i));
		sampling_slot *si = slot_find(work, mask, shift, (uint64_t) i);
		int64_t		ai = si->key ? si->value : i + 1;
		sampling_slot *sj = slot_find(work, mask, shift, j);
		int64_t		aj = sj->key ? sj->value : (int64_t) j + 1;

		out[i] = aj;
		sj->key = j + 1;
		sj->value = ai;
	}
	qsort(out, (size_t) n, sizeof(int64_t), cmp_int64);
	return SAMPLING_OK;
}
