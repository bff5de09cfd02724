/*
 * sampling.h — audit sampling for tests of controls (pure C)
 *
 * Three things an auditor needs when testing the operation of a control:
 *
 *  1. Statistical sample sizes (attribute sampling).  The sample size is the
 *     smallest n with P(X <= k) <= 1 - confidence, where k = ceil(n * e) is
 *     the number of deviations the auditor expects at the expected rate e,
 *     and X counts deviations among n items when the population deviates at
 *     the tolerable rate:
 *       binomial        X ~ Bin(n, p)                 (exact)
 *       poisson         X ~ Poisson(n * p)
 *       hypergeometric  X ~ Hyp(N, K, n), K = ceil(p * N)
 *     This is the rule behind the AICPA Audit Sampling tables.
 *
 *  2. Upper deviation limits.  Binomial: the Clopper-Pearson one-sided upper
 *     limit, the p with P(X <= k | n, p) = 1 - confidence (AICPA ).
 *     Hypergeometric (a population N given): K_U / N where K_U is the
 *     largest K with P(X <= k | N, K, n) > 1 - confidence.
 *
 *  3. A reproducible selection of n distinct items out of 1..N from a seed:
 *     SplitMix64, unbiased bounded integers by rejection, a sparse
 *     Fisher-Yates shuffle of the first n positions, output sorted.
 *
 * Rates are read as the decimal the user wrote: a double is taken as the
 * shortest decimal m / 10^d (d <= SAMPLING_RATE_DECIMALS) that converts to
 * it, so k = ceil(n * 0.035) is computed as ceil(n * 35 / 1000) in integers
 * (14 at n = 400, where the binary product gives 14.000000000000002).
 * A rate with more decimals is rounded to SAMPLING_RATE_DECIMALS places.
 *
 * Probabilities are handled in log space: one log-pmf from Stirling's
 * formula with an exact correction term (accurate for populations up to
 * 2^63), the rest of the tail by the pmf ratio recurrence, stopped when a
 * geometric bound shows the remainder cannot matter.  Every loop is capped;
 * going over a cap is SAMPLING_TOO_LARGE, never a wrong answer.
 *
 * No allocation: draw_sample takes its output and workspace from the caller.
 */
#ifndef ISMAP_CORE_SAMPLING_H
#define ISMAP_CORE_SAMPLING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits. */
#define SAMPLING_MAX_N			10000000	/* largest sample size searched */
#define SAMPLING_MAX_TERMS		200000000	/* pmf terms one search may sum */
#define SAMPLING_DRAW_MAX_N		1000000 /* largest sample drawn at once */
#define SAMPLING_RATE_DECIMALS	9

/* No population given (the SQL NULL). */
#define SAMPLING_NO_POPULATION	INT64_MIN

typedef enum sampling_model
{
	SAMPLING_BINOMIAL = 0,
	SAMPLING_POISSON,
	SAMPLING_HYPERGEOMETRIC
} sampling_model;

typedef enum sampling_status
{
	SAMPLING_OK = 0,
	SAMPLING_BAD_CONFIDENCE,	/* confidence not in (0, 1) */
	SAMPLING_BAD_TOLERABLE,		/* tolerable rate not in (0, 1) */
	SAMPLING_BAD_EXPECTED,		/* expected rate not in [0, 1) */
	SAMPLING_EXPECTED_NOT_BELOW,	/* expected rate >= tolerable rate */
	SAMPLING_NEED_POPULATION,	/* hypergeometric without a population */
	SAMPLING_BAD_POPULATION,	/* population < 1 (or < 0 for a draw) */
	SAMPLING_BAD_SAMPLE,		/* sample size < 1 (or < 0 for a draw) */
	SAMPLING_BAD_DEVIATIONS,	/* deviations < 0 */
	SAMPLING_DEVIATIONS_ABOVE_SAMPLE,	/* deviations > sample size */
	SAMPLING_SAMPLE_ABOVE_POPULATION,	/* sample size > population */
	SAMPLING_TOO_LARGE			/* beyond SAMPLING_MAX_N / _MAX_TERMS /
								 * _DRAW_MAX_N */
} sampling_status;

/* Model by name ("binomial", "poisson", "hypergeometric"; exact, lower case). */
extern bool sampling_model_parse(const char *name, size_t len, sampling_model *out);
extern const char *sampling_model_name(sampling_model m);

/* A rate read as the decimal num / den (den a power of ten). */
typedef struct sampling_decimal
{
	uint64_t	num;
	uint64_t	den;
} sampling_decimal;

/* rate must be in [0, 1). */
extern sampling_decimal sampling_rate_decimal(double rate);

/* ceil(n * rate) for 0 <= n < 2^63, exact on the decimal reading of rate. */
extern int64_t sampling_ceil_rate(int64_t n, double rate);

/*
 * log P(X <= k), in the three models.  -INFINITY for k below the support,
 * 0 at or above its top.  *terms (if not NULL) is increased by the number of
 * pmf terms summed.
 */
extern double sampling_binom_log_cdf(int64_t n, int64_t k, double p, int64_t *terms);
extern double sampling_poisson_log_cdf(double lambda, int64_t k, int64_t *terms);
extern double sampling_hyper_log_cdf(int64_t N, int64_t K, int64_t n, int64_t k,
									 int64_t *terms);

/* log of the binomial coefficient C(a, b); -INFINITY outside 0 <= b <= a. */
extern double sampling_log_choose(int64_t a, int64_t b);

/*
 * The statistical sample size.  population is SAMPLING_NO_POPULATION or
 * >= 1; with a population the answer never exceeds it (when no smaller
 * sample meets the rule, the whole population is the answer: a census).
 */
extern sampling_status sampling_attribute_sample_size(double confidence,
													  double tolerable_rate,
													  double expected_rate,
													  int64_t population,
													  sampling_model model,
													  int64_t *n_out);

/*
 * The upper deviation limit after finding k deviations in a sample of n:
 * binomial without a population, hypergeometric with one.
 */
extern sampling_status sampling_upper_limit(int64_t n, int64_t k, double confidence,
											int64_t population, double *limit_out);

/* SplitMix64: advance *state and return the next output. */
extern uint64_t sampling_splitmix64(uint64_t *state);

/* A uniform integer in [0, r) by rejection (r >= 1). */
extern uint64_t sampling_bounded(uint64_t *state, uint64_t r);

/* One slot of the draw's sparse array (key 0 = empty). */
typedef struct sampling_slot
{
	uint64_t	key;			/* position + 1 */
	int64_t		value;
} sampling_slot;

/* Slots the caller must provide for a draw of n items (a power of two). */
extern size_t sampling_draw_slots(int64_t n);

/*
 * Draw n distinct items of 1..population into out[0..n-1], ascending.
 * work holds sampling_draw_slots(n) slots; it need not be initialised.
 */
extern sampling_status sampling_draw(int64_t population, int64_t n, uint64_t seed,
									 int64_t *out, sampling_slot *work, size_t nslots);

#endif							/* ISMAP_CORE_SAMPLING_H */
