/*
 * corpnum.c — check digit of Japanese corporate numbers
 */
#include "corpnum.h"

int
corpnum_check_digit(const char *base, size_t len)
{
	int			sum = 0;
	size_t		n;

	if (len != CORPNUM_LEN - 1)
		return -1;
	for (n = 1; n <= len; n++)
	{
		char		c = base[len - n];

		if (c < '0' || c > '9')
			return -1;
		sum += (c - '0') * ((n % 2 == 1) ? 1 : 2);
	}
	return 9 - sum % 9;
}

corpnum_status
corpnum_validate(const char *text, size_t len, int *expected)
{
	size_t		i;
	int			check;

	if (len != CORPNUM_LEN)
		return CORPNUM_BAD_LENGTH;
	for (i = 0; i < len; i++)
		if (text[i] < '0' || text[i] > '9')
			return CORPNUM_NOT_DIGIT;
	check = corpnum_check_digit(text + 1, len - 1);
	if (check != text[0] - '0')
	{
		if (expected)
			*expected = check;
		return CORPNUM_BAD_CHECK_DIGIT;
	}
	return CORPNUM_OK;
}
