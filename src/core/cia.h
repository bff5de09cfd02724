/*
 * cia.h — confidentiality / integrity / availability ratings (pure C)
 *
 * Text form "C3/I2/A1" (letters case-insensitive, no spaces).  Ranges follow
 * the Unified Standards as the scheme uses them: confidentiality 1-3,
 * integrity 1-2, availability 1-3.
 *
 * A rating packs into 16 bits as (C << 8) | (I << 4) | A, so numeric order
 * of the packed value is the lexicographic (C, I, A) order used for sorting.
 * That packing is the on-disk format: never change it once released.
 */
#ifndef ISMAP_CORE_CIA_H
#define ISMAP_CORE_CIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CIA_C_MAX 3
#define CIA_I_MAX 2
#define CIA_A_MAX 3
#define CIA_TEXT_LEN 8			/* "C3/I2/A1" */

typedef enum cia_status
{
	CIA_OK = 0,
	CIA_SYNTAX,					/* not of the form C<n>/I<n>/A<n> (22P02) */
	CIA_OUT_OF_RANGE			/* a component outside its range (22003) */
} cia_status;

typedef uint16_t cia_value;

static inline int cia_conf(cia_value v) { return (v >> 8) & 0xF; }
static inline int cia_integ(cia_value v) { return (v >> 4) & 0xF; }
static inline int cia_avail(cia_value v) { return v & 0xF; }

/* Build a rating; CIA_OUT_OF_RANGE names the first bad component in *which. */
extern cia_status cia_make(long c, long i, long a, cia_value *out, char *which);

/*
 * Parse len bytes.  On error *errpos is the 0-based byte offset at fault and,
 * for CIA_OUT_OF_RANGE, *which is 'C', 'I' or 'A'.
 */
extern cia_status cia_parse(const char *text, size_t len, cia_value *out,
							size_t *errpos, char *which);

/* Write the canonical text (exactly CIA_TEXT_LEN bytes, plus a NUL). */
extern void cia_format(cia_value v, char out[CIA_TEXT_LEN + 1]);

/* true when every component of a is >= the same component of b */
extern bool cia_dominates(cia_value a, cia_value b);

/* componentwise maximum (the least upper bound) */
extern cia_value cia_join(cia_value a, cia_value b);

/* true when v is a well-formed rating (used on binary input) */
extern bool cia_is_valid(cia_value v);

#endif							/* ISMAP_CORE_CIA_H */
