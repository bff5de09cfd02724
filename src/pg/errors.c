/*
 * errors.c — map pure-core statuses to ereport() with proper SQLSTATEs
 *
 * Keeping this in one file means no core status can slip out as XX000, and
 * the wording of every input error stays uniform:
 *   invalid input syntax for type X: "..."   (22P02)
 * with a detail that names the 1-based character position.
 */
#include "ismap.h"

#include "mb/pg_wchar.h"

/* 1-based character position of byte offset errpos in input */
static int
char_position(const char *input, size_t len, size_t errpos)
{
	if (errpos > len)
		errpos = len;
	return pg_mbstrlen_with_len(input, (int) errpos) + 1;
}

/* The input as a NUL-terminated string, for quoting in the message. */
static char *
quoted_input(const char *input, size_t len)
{
	return pnstrdup(input, len);
}

void
ismap_ctrlid_error(ctrlid_status st, const char *input, size_t len,
				   size_t errpos)
{
	if (ctrlid_status_is_limit(st))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("control identifier exceeds a limit: \"%s\"",
						quoted_input(input, Min(len, 200))),
				 errdetail("%s The limit is reached at character %d.",
						   ctrlid_status_text(st),
						   char_position(input, len, errpos))));

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", "ctrlid",
					quoted_input(input, len)),
			 errdetail("%s The error is at character %d.",
					   ctrlid_status_text(st),
					   char_position(input, len, errpos))));
}

void
ismap_cia_error(cia_status st, const char *input, size_t len, size_t errpos,
				char which)
{
	if (st == CIA_OUT_OF_RANGE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value out of range for type %s: \"%s\"", "cia",
						quoted_input(input, len)),
				 errdetail("Component %c must be between 1 and %d; the error is at character %d.",
						   which,
						   which == 'C' ? CIA_C_MAX :
						   which == 'I' ? CIA_I_MAX : CIA_A_MAX,
						   char_position(input, len, errpos))));

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", "cia",
					quoted_input(input, len)),
			 errdetail("A rating is written C<n>/I<n>/A<n>, as in \"C3/I2/A1\"; the error is at character %d.",
					   char_position(input, len, errpos))));
}

/* A component given as a number (constructor, binary input) out of range. */
void
ismap_cia_range_error(char which, long value)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%c component %ld is out of range for type %s",
					which, value, "cia"),
			 errdetail("Component %c must be between 1 and %d.", which,
					   which == 'C' ? CIA_C_MAX :
					   which == 'I' ? CIA_I_MAX : CIA_A_MAX)));
}

/* A CSV document the reader refused; the message names the line. */
void
ismap_csv_error(csv_status st, long line)
{
	if (csv_status_is_limit(st))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("CSV record at line %ld exceeds a limit", line),
				 errdetail("%s", csv_status_text(st))));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid CSV at line %ld", line),
			 errdetail("%s", csv_status_text(st))));
}
