/*
 * cia.c — rating triples: parse, format, dominance and join
 */
#include "cia.h"

static const char cia_letters[3] = {'C', 'I', 'A'};
static const int cia_max[3] = {CIA_C_MAX, CIA_I_MAX, CIA_A_MAX};

cia_status
cia_make(long c, long i, long a, cia_value *out, char *which)
{
	long		v[3] = {c, i, a};
	int			k;

	for (k = 0; k < 3; k++)
	{
		if (v[k] < 1 || v[k] > cia_max[k])
		{
			*which = cia_letters[k];
			return CIA_OUT_OF_RANGE;
		}
	}
	*out = (cia_value) ((c << 8) | (i << 4) | a);
	return CIA_OK;
}

cia_status
cia_parse(const char *text, size_t len, cia_value *out, size_t *errpos,
		  char *which)
{
	long		v[3];
	size_t		pos = 0;
	int			k;

	for (k = 0; k < 3; k++)
	{
		size_t		digits_at;
		char		c;

		if (k > 0)
		{
			if (pos >= len || text[pos] != '/')
			{
				*errpos = pos;
				return CIA_SYNTAX;
			}
			pos++;
		}
		if (pos >= len)
		{
			*errpos = pos;
			return CIA_SYNTAX;
		}
		c = text[pos];
		if (c >= 'a' && c <= 'z')
			c = (char) (c - 'a' + 'A');
		if (c != cia_letters[k])
		{
			*errpos = pos;
			return CIA_SYNTAX;
		}
		pos++;

		/*
		 * Read a whole digit run, so "C10" is reported as out of range rather
		 * than as a syntax error at the "0".  Cap the value to avoid overflow.
		 */
		digits_at = pos;
		v[k] = 0;
		while (pos < len && text[pos] >= '0' && text[pos] <= '9')
		{
			if (v[k] < 1000)
				v[k] = v[k] * 10 + (text[pos] - '0');
			pos++;
		}
		if (pos == digits_at)
		{
			*errpos = pos;
			return CIA_SYNTAX;
		}
		if (v[k] < 1 || v[k] > cia_max[k])
		{
			*errpos = digits_at;
			*which = cia_letters[k];
			return CIA_OUT_OF_RANGE;
		}
	}
	if (pos != len)
	{
		*errpos = pos;
		return CIA_SYNTAX;
	}
	*errpos = 0;
	return cia_make(v[0], v[1], v[2], out, which);
}

void
cia_format(cia_value v, char out[CIA_TEXT_LEN + 1])
{
	out[0] = 'C';
	out[1] = (char) ('0' + cia_conf(v));
	out[2] = '/';
	out[3] = 'I';
	out[4] = (char) ('0' + cia_integ(v));
	out[5] = '/';
	out[6] = 'A';
	out[7] = (char) ('0' + cia_avail(v));
	out[8] = '\0';
}

bool
cia_dominates(cia_value a, cia_value b)
{
	return cia_conf(a) >= cia_conf(b) &&
		cia_integ(a) >= cia_integ(b) &&
		cia_avail(a) >= cia_avail(b);
}

cia_value
cia_join(cia_value a, cia_value b)
{
	int			c = cia_conf(a) > cia_conf(b) ? cia_conf(a) : cia_conf(b);
	int			i = cia_integ(a) > cia_integ(b) ? cia_integ(a) : cia_integ(b);
	int			x = cia_avail(a) > cia_avail(b) ? cia_avail(a) : cia_avail(b);

	return (cia_value) ((c << 8) | (i << 4) | x);
}

bool
cia_is_valid(cia_value v)
{
	return (v & 0xF000) == 0 &&
		cia_conf(v) >= 1 && cia_conf(v) <= CIA_C_MAX &&
		cia_integ(v) >= 1 && cia_integ(v) <= CIA_I_MAX &&
		cia_avail(v) >= 1 && cia_avail(v) <= CIA_A_MAX;
}
