/*
 * csv.c — strict RFC 4180 CSV record reader; see csv.h
 *
 * One pass over the bytes, one state machine per record.  Field text is
 * copied into the record's buffer as it is unquoted, so a field is always a
 * contiguous [start, end) range there, whatever quoting the input used.
 */
#include "csv.h"

#include <string.h>

/*
 * A status text for people: xgettext collects it (make po-update, keyword
 * ISMAP_N_) and the backend glue looks it up in the extension's catalogue
 * with ISMAP_T; here it is the text itself.
 */
#ifndef ISMAP_N_
#define ISMAP_N_(s) (s)
#endif

void
csv_reader_init(csv_reader *r, const char *data, size_t len)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->line = 1;
	/* a UTF-8 byte order mark, as spreadsheet programs like to write */
	if (len >= 3 && (uint8_t) data[0] == 0xEF && (uint8_t) data[1] == 0xBB &&
		(uint8_t) data[2] == 0xBF)
		r->pos = 3;
}

/* Set the error position and return the status. */
static csv_status
fail(csv_reader *r, csv_status st, size_t pos, long *errline, size_t *errpos)
{
	*errline = r->line;
	*errpos = pos;
	return st;
}

csv_status
csv_next(csv_reader *r, csv_record *rec, long *errline, size_t *errpos)
{
	const char *d = r->data;
	size_t		n = r->len;
	size_t		out;
	int			f;

	/* skip empty lines: nothing between two line ends */
	for (;;)
	{
		if (r->pos >= n)
			return CSV_END;
		if (d[r->pos] == '\n')
		{
			r->pos++;
			r->line++;
			continue;
		}
		if (d[r->pos] == '\r' && (r->pos + 1 == n || d[r->pos + 1] == '\n'))
		{
			r->pos += (r->pos + 1 == n) ? 1 : 2;
			r->line++;
			continue;
		}
		break;
	}

	rec->nfields = 0;
	rec->line = r->line;
	out = 0;

	for (f = 0;; f++)
	{
		int			quoted = 0;

		if (f >= CSV_MAX_FIELDS)
			return fail(r, CSV_TOO_MANY_FIELDS, r->pos, errline, errpos);
		rec->start[f] = (uint32_t) out;

		if (r->pos < n && d[r->pos] == '"')
		{
			quoted = 1;
			r->pos++;
			for (;;)
			{
				char		c;

				if (r->pos >= n)
					return fail(r, CSV_UNTERMINATED_QUOTE, n, errline, errpos);
				c = d[r->pos];
				if (c == '\0')
					return fail(r, CSV_NUL_BYTE, r->pos, errline, errpos);
				if (c == '"')
				{
					if (r->pos + 1 < n && d[r->pos + 1] == '"')
						r->pos++;	/* a doubled quote: keep one */
					else
					{
						r->pos++;	/* the closing quote */
						break;
					}
				}
				else if (c == '\n')
					r->line++;
				if (out >= CSV_MAX_RECORD)
					return fail(r, CSV_RECORD_TOO_LONG, r->pos, errline, errpos);
				rec->text[out++] = d[r->pos++];
			}
			/* after the closing quote: a separator, a line end or the end */
			if (r->pos < n && d[r->pos] != ',' && d[r->pos] != '\n' &&
				!(d[r->pos] == '\r' && (r->pos + 1 == n || d[r->pos + 1] == '\n')))
			{
				if (d[r->pos] == '\r')
					return fail(r, CSV_BARE_CR, r->pos, errline, errpos);
				return fail(r, CSV_TEXT_AFTER_QUOTE, r->pos, errline, errpos);
			}
		}
		else
		{
			while (r->pos < n)
			{
				char		c = d[r->pos];

				if (c == ',' || c == '\n')
					break;
				if (c == '\r')
				{
					if (r->pos + 1 == n || d[r->pos + 1] == '\n')
						break;
					return fail(r, CSV_BARE_CR, r->pos, errline, errpos);
				}
				if (c == '"')
					return fail(r, CSV_QUOTE_IN_FIELD, r->pos, errline, errpos);
				if (c == '\0')
					return fail(r, CSV_NUL_BYTE, r->pos, errline, errpos);
				if (out >= CSV_MAX_RECORD)
					return fail(r, CSV_RECORD_TOO_LONG, r->pos, errline, errpos);
				rec->text[out++] = c;
				r->pos++;
			}
		}

		rec->end[f] = (uint32_t) out;
		rec->quoted[f] = (uint8_t) quoted;
		rec->nfields = f + 1;

		if (r->pos >= n)
			return CSV_OK;
		if (d[r->pos] == ',')
		{
			r->pos++;
			continue;
		}
		/* a line end: LF, CRLF, or a CR ending the input (a bare CR
		 * elsewhere was refused above) */
		if (d[r->pos] == '\r')
			r->pos++;
		if (r->pos < n)
			r->pos++;
		r->line++;
		return CSV_OK;
	}
}

const char *
csv_status_text(csv_status st)
{
	switch (st)
	{
		case CSV_OK:
			return ISMAP_N_("No error.");
		case CSV_END:
			return ISMAP_N_("The input has no more records.");
		case CSV_QUOTE_IN_FIELD:
			return ISMAP_N_("A double quote may only appear in a field enclosed in double quotes.");
		case CSV_TEXT_AFTER_QUOTE:
			return ISMAP_N_("A closing double quote must be followed by a comma or a line end.");
		case CSV_UNTERMINATED_QUOTE:
			return ISMAP_N_("A field enclosed in double quotes is never closed.");
		case CSV_BARE_CR:
			return ISMAP_N_("A carriage return must be followed by a line feed.");
		case CSV_NUL_BYTE:
			return ISMAP_N_("The input contains a zero byte.");
		case CSV_TOO_MANY_FIELDS:
			return ISMAP_N_("A record has more fields than the limit of 64.");
		case CSV_RECORD_TOO_LONG:
			return ISMAP_N_("A record holds more than the limit of 65536 bytes of field text.");
	}
	return ISMAP_N_("Unknown status.");
}

int
csv_status_is_limit(csv_status st)
{
	return st == CSV_TOO_MANY_FIELDS || st == CSV_RECORD_TOO_LONG;
}

size_t
csv_write_field(const char *field, size_t len, int force_quote,
				char *out, size_t outsize)
{
	size_t		need = 0,
				i;
	int			quote = force_quote;

	for (i = 0; i < len && !quote; i++)
		if (field[i] == ',' || field[i] == '"' || field[i] == '\r' || field[i] == '\n')
			quote = 1;
	/* an empty unquoted field alone on a line would read as an empty line */
	if (len == 0)
		quote = 1;

#define PUT(ch) do { if (need < outsize) out[need] = (ch); need++; } while (0)
	if (quote)
		PUT('"');
	for (i = 0; i < len; i++)
	{
		if (field[i] == '"')
			PUT('"');
		PUT(field[i]);
	}
	if (quote)
		PUT('"');
#undef PUT
	return need;
}
