/*
 * ctrlid.h — hierarchical control identifiers (pure C, no PostgreSQL headers)
 *
 * A control identifier such as "6.1.1.1", "A.9.2.1", "CLD.6.3.1", "AC-2(1)"
 * or "ac-2.1" is a sequence of segments.  A segment is a run of ASCII digits
 * or a run of ASCII letters.  Segments are separated by ".", "-", single
 * spaces and parentheses, or simply by a change from digits to letters.
 *
 * The parser produces a binary *key* whose byte order (memcmp, shorter
 * first on a common prefix) is exactly the identifier order:
 *   - numbers compare numerically ("9" < "10", "01" = "1"),
 *   - letters compare case-insensitively,
 *   - a number sorts before a word,
 *   - a prefix sorts before its extensions ("6.1" < "6.1.1").
 * Because every segment's encoding is self-delimiting, "a is an ancestor of
 * b" is "a's key is a byte prefix of b's key".
 *
 * Key encoding, per segment:
 *   number: one byte 0x10 + d (d = significant digits, 0 for the value 0),
 *           then the d digits packed two per byte (BCD, high nibble first,
 *           a last odd digit padded with 0).
 *   word:   one byte 0x80, the letters upper-cased, one byte 0x00.
 * The key format is part of the on-disk format: never change it once
 * released (hash values depend on it too).
 *
 * No allocation happens here: the caller supplies a ctrlid_parsed.  Errors
 * are reported through the status and a 0-based byte position.
 */
#ifndef ISMAP_CORE_CTRLID_H
#define ISMAP_CORE_CTRLID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits.  Exceeding them is a "limit" status, never a silent truncation. */
#define CTRLID_MAX_LEN		128 /* bytes of text */
#define CTRLID_MAX_SEGMENTS	16
#define CTRLID_MAX_DIGITS	18	/* significant digits of one number */
#define CTRLID_MAX_LETTERS	32	/* letters of one word */
/* worst case: every segment a 1-letter word (3 key bytes for 2 text bytes) */
#define CTRLID_MAX_KEY		(CTRLID_MAX_SEGMENTS * (CTRLID_MAX_LETTERS + 2))

#define CTRLID_TAG_NUMBER	0x10
#define CTRLID_TAG_WORD		0x80

typedef enum ctrlid_status
{
	CTRLID_OK = 0,
	/* syntax errors (22P02) */
	CTRLID_EMPTY,				/* nothing but (maybe) nothing */
	CTRLID_BAD_CHAR,			/* a character outside the alphabet */
	CTRLID_LEADING_SEPARATOR,	/* starts with a separator */
	CTRLID_TRAILING_SEPARATOR,	/* ends with a separator other than ")" */
	CTRLID_DOUBLE_SPACE,		/* two spaces in a row */
	CTRLID_DOUBLE_SEPARATOR,	/* two of "." "-" between the same segments */
	CTRLID_NESTED_PAREN,		/* "(" inside "(...)" */
	CTRLID_UNMATCHED_CLOSE,		/* ")" without "(" */
	CTRLID_UNCLOSED_PAREN,		/* "(" never closed */
	CTRLID_EMPTY_PAREN,			/* "(" not directly followed by a segment,
								 * or ")" not directly after one */
	CTRLID_PAREN_TWO_SEGMENTS,	/* "(1.2)": one segment per parenthesis */
	/* limits (54000) */
	CTRLID_TOO_LONG,
	CTRLID_TOO_MANY_SEGMENTS,
	CTRLID_NUMBER_TOO_LONG,
	CTRLID_WORD_TOO_LONG
} ctrlid_status;

typedef struct ctrlid_parsed
{
	int			nseg;
	size_t		keylen;
	uint8_t		key[CTRLID_MAX_KEY];
	/* byte offsets of each segment in the text: [start, end) */
	uint16_t	seg_start[CTRLID_MAX_SEGMENTS];
	uint16_t	seg_end[CTRLID_MAX_SEGMENTS];
	/* whether the segment stands inside parentheses */
	bool		seg_in_paren[CTRLID_MAX_SEGMENTS];
} ctrlid_parsed;

/*
 * Parse len bytes of text (need not be NUL-terminated).  On failure *errpos
 * is the 0-based byte offset of the offending character (len for "ran off
 * the end").
 */
extern ctrlid_status ctrlid_parse(const char *text, size_t len,
								  ctrlid_parsed *out, size_t *errpos);

/* true when the status is a limit rather than a syntax error */
extern bool ctrlid_status_is_limit(ctrlid_status st);

/* A sentence describing the status, for an error detail. */
extern const char *ctrlid_status_text(ctrlid_status st);

/* Three-way comparison of two keys: memcmp, then shorter first. */
extern int	ctrlid_key_cmp(const uint8_t *a, size_t alen,
						   const uint8_t *b, size_t blen);

/* true when key a names an ancestor of (or the same control as) key b */
extern bool ctrlid_key_is_prefix(const uint8_t *a, size_t alen,
								 const uint8_t *b, size_t blen);

/*
 * A 64-bit abbreviation of a key for sorting: if key a sorts before key b
 * then abbrev(a) <= abbrev(b), and equal keys give equal abbreviations, so
 * ties alone need the full comparison.  Numbers below 126 take one byte
 * each (v + 1), so ids like 14.3.27.118 are told apart by the abbreviation
 * alone; a larger number is written 0x7F and ends the abbreviation; words
 * are copied as in the key; unused bytes are 0, below every segment.
 */
extern uint64_t ctrlid_key_abbrev(const uint8_t *key, size_t keylen);

/* Number of segments encoded in a key (-1 if the key is malformed). */
extern int	ctrlid_key_nseg(const uint8_t *key, size_t keylen);

/*
 * Write the spelling of segments [first, first + count) of a parsed
 * identifier into out (capacity outcap, at least len + count + 1 bytes is
 * always enough), keeping the original spelling and separators between them
 * and rebalancing parentheses: an unmatched ")" is dropped and an open "("
 * is closed.  Returns the number of bytes written (no NUL), or 0 when the
 * range is empty or out of bounds.
 */
extern size_t ctrlid_respell(const char *text, size_t len,
							 const ctrlid_parsed *p, int first, int count,
							 char *out, size_t outcap);

#endif							/* ISMAP_CORE_CTRLID_H */
