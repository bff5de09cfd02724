/*
 * csv.h — a strict RFC 4180 CSV record reader (pure C, no PostgreSQL headers)
 *
 * Used by the loaders of spreadsheet-published control standards and of
 * mapping tables.  The reader walks a caller's buffer one record at a time;
 * each field is copied, unquoted, into the caller's csv_record, so nothing is
 * allocated and nothing needs freeing.
 *
 * Accepted:
 *   - fields separated by ",", records ended by LF or CRLF (the last record
 *     may lack its line end, or end in a lone CR: what is left of a CRLF
 *     file whose final LF a tool stripped);
 *   - a field enclosed in double quotes may contain ",", line ends and
 *     doubled quotes ("" stands for one ");
 *   - a UTF-8 byte order mark before the first record is skipped;
 *   - an empty line (nothing between two line ends) is skipped, so a
 *     trailing blank line does no harm.
 * Rejected, with the 1-based line and the byte offset of the fault:
 *   - a quote inside an unquoted field, text after a closing quote,
 *     a quoted field never closed, a lone CR, a NUL byte;
 *   - more than CSV_MAX_FIELDS fields or more than CSV_MAX_RECORD bytes of
 *     field text in one record (limits, never a silent truncation).
 * Character encoding is not checked here: the server has already validated
 * its text, and the reader only looks at ASCII bytes.
 */
#ifndef ISMAP_CORE_CSV_H
#define ISMAP_CORE_CSV_H

#include <stddef.h>
#include <stdint.h>

#define CSV_MAX_FIELDS	64
#define CSV_MAX_RECORD	65536	/* bytes of field text per record */

typedef enum csv_status
{
	CSV_OK = 0,
	CSV_END,					/* no more records (not an error) */
	/* syntax errors (22P02) */
	CSV_QUOTE_IN_FIELD,			/* " inside an unquoted field */
	CSV_TEXT_AFTER_QUOTE,		/* something other than , or a line end after
								 * a closing quote */
	CSV_UNTERMINATED_QUOTE,		/* the input ends inside a quoted field */
	CSV_BARE_CR,				/* CR not followed by LF */
	CSV_NUL_BYTE,				/* a zero byte */
	/* limits (54000) */
	CSV_TOO_MANY_FIELDS,
	CSV_RECORD_TOO_LONG
} csv_status;

typedef struct csv_reader
{
	const char *data;
	size_t		len;
	size_t		pos;			/* next byte to read */
	long		line;			/* 1-based line of data[pos] */
} csv_reader;

typedef struct csv_record
{
	int			nfields;
	long		line;			/* line on which the record starts */
	uint32_t	start[CSV_MAX_FIELDS];	/* field i is text[start[i] ..  */
	uint32_t	end[CSV_MAX_FIELDS];	/* .. end[i]) */
	uint8_t		quoted[CSV_MAX_FIELDS]; /* 1 when the field was quoted */
	char		text[CSV_MAX_RECORD];
} csv_record;

/* Start reading data[0..len). */
extern void csv_reader_init(csv_reader *r, const char *data, size_t len);

/*
 * Read the next record into rec.  Returns CSV_OK, CSV_END, or an error with
 * *errline (1-based) and *errpos (byte offset into data) set.  After an error
 * the reader must not be used again.
 */
extern csv_status csv_next(csv_reader *r, csv_record *rec,
						   long *errline, size_t *errpos);

/* A sentence describing a status, for error details. */
extern const char *csv_status_text(csv_status st);

/* Whether a status is a limit (54000) rather than a syntax error (22P02). */
extern int	csv_status_is_limit(csv_status st);

/*
 * Write one field in CSV form to out (at most outsize bytes); quotes it when
 * it holds , " CR or LF or is empty-and-quoted-wanted.  Returns the number
 * of bytes it needs (like snprintf, without a terminator), so a caller can
 * size its buffer.  Used by the fuzz target's round trip and by exporters.
 */
extern size_t csv_write_field(const char *field, size_t len, int force_quote,
							  char *out, size_t outsize);

#endif							/* ISMAP_CORE_CSV_H */
