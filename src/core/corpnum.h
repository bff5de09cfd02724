/*
 * corpnum.h — Japanese corporate numbers (法人番号), pure C
 *
 * A corporate number has 13 digits: a check digit followed by a 12-digit
 * base number.  With P(n) the n-th digit of the base counted from its right
 * end (n = 1..12) and Q(n) = 1 for odd n, 2 for even n:
 *     check = 9 - (sum of P(n) * Q(n)) mod 9
 * (the rule published by the National Tax Agency).
 */
#ifndef ISMAP_CORE_CORPNUM_H
#define ISMAP_CORE_CORPNUM_H

#include <stddef.h>

#define CORPNUM_LEN 13

typedef enum corpnum_status
{
	CORPNUM_OK = 0,
	CORPNUM_BAD_LENGTH,			/* not 13 characters */
	CORPNUM_NOT_DIGIT,			/* a character other than 0-9 */
	CORPNUM_BAD_CHECK_DIGIT		/* the check digit does not match */
} corpnum_status;

/* Check digit for a 12-digit base, or -1 if base is not 12 ASCII digits. */
extern int	corpnum_check_digit(const char *base, size_t len);

/*
 * Validate a 13-character corporate number.  On CORPNUM_BAD_CHECK_DIGIT
 * *expected (if not NULL) receives the digit that would be right.
 */
extern corpnum_status corpnum_validate(const char *text, size_t len, int *expected);

#endif							/* ISMAP_CORE_CORPNUM_H */
