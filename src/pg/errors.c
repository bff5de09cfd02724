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

/*
 * Sampling.  Every bad argument is 22023 and names the value; going over a
 * fixed limit is 54000.  Rates and confidences print with up to 15
 * significant digits, so 0.95 shows as 0.95.
 */
void
ismap_sampling_error(sampling_status st, const ismap_sampling_args *a)
{
	switch (st)
	{
		case SAMPLING_BAD_CONFIDENCE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid confidence \"%.15g\"", a->confidence),
					 errdetail("The confidence must be greater than 0 and less than 1, as in 0.95.")));
			break;
		case SAMPLING_BAD_TOLERABLE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid tolerable rate \"%.15g\"", a->tolerable_rate),
					 errdetail("The tolerable deviation rate must be greater than 0 and less than 1, as in 0.05.")));
			break;
		case SAMPLING_BAD_EXPECTED:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid expected rate \"%.15g\"", a->expected_rate),
					 errdetail("The expected deviation rate must be at least 0 and less than 1.")));
			break;
		case SAMPLING_EXPECTED_NOT_BELOW:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("expected rate \"%.15g\" is not below tolerable rate \"%.15g\"",
							a->expected_rate, a->tolerable_rate),
					 errdetail("A sample cannot support a deviation rate below the tolerable rate when at least that rate of deviations is expected.")));
			break;
		case SAMPLING_NEED_POPULATION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the hypergeometric model needs a population"),
					 errhint("Pass the number of items in the population as population.")));
			break;
		case SAMPLING_BAD_POPULATION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid population \"" INT64_FORMAT "\"", a->population),
					 a->draw ? errdetail("The population cannot be negative.") :
					 errdetail("A population holds at least one item.")));
			break;
		case SAMPLING_BAD_SAMPLE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid sample size \"" INT64_FORMAT "\"", a->sample_size),
					 a->draw ? errdetail("The sample size cannot be negative.") :
					 errdetail("An upper deviation limit needs a sample of at least one item.")));
			break;
		case SAMPLING_BAD_DEVIATIONS:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid number of deviations \"" INT64_FORMAT "\"", a->deviations),
					 errdetail("The number of deviations cannot be negative.")));
			break;
		case SAMPLING_DEVIATIONS_ABOVE_SAMPLE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("deviations \"" INT64_FORMAT "\" exceed the sample size \"" INT64_FORMAT "\"",
							a->deviations, a->sample_size)));
			break;
		case SAMPLING_SAMPLE_ABOVE_POPULATION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sample size \"" INT64_FORMAT "\" exceeds the population \"" INT64_FORMAT "\"",
							a->sample_size, a->population),
					 errdetail("Items are drawn without replacement, so a sample cannot be larger than its population.")));
			break;
		case SAMPLING_TOO_LARGE:
			if (a->draw)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("sample size \"" INT64_FORMAT "\" exceeds the limit of a draw", a->sample_size),
						 errdetail("At most %d items can be drawn at once.", SAMPLING_DRAW_MAX_N)));
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("no sample size up to %d meets the rule", SAMPLING_MAX_N),
					 errdetail("The tolerable rate \"%.15g\" is too small, or the expected rate \"%.15g\" too close to it, for confidence \"%.15g\".",
							   a->tolerable_rate, a->expected_rate, a->confidence)));
			break;
		case SAMPLING_OK:
			break;
	}
	elog(ERROR, "unexpected sampling status %d", (int) st);
}

void
ismap_sampling_model_error(const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown sampling model \"%s\"", name),
			 errdetail("The models are \"binomial\", \"poisson\" and \"hypergeometric\".")));
}
