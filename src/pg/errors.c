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
						   ISMAP_T(ctrlid_status_text(st)),
						   char_position(input, len, errpos))));

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", "ctrlid",
					quoted_input(input, len)),
			 errdetail("%s The error is at character %d.",
					   ISMAP_T(ctrlid_status_text(st)),
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
				 errdetail("%s", ISMAP_T(csv_status_text(st)))));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid CSV at line %ld", line),
			 errdetail("%s", ISMAP_T(csv_status_text(st)))));
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
					 errmsg("invalid population \"%lld\"", (long long) a->population),
					 a->draw ? errdetail("The population cannot be negative.") :
					 errdetail("A population holds at least one item.")));
			break;
		case SAMPLING_BAD_SAMPLE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid sample size \"%lld\"", (long long) a->sample_size),
					 a->draw ? errdetail("The sample size cannot be negative.") :
					 errdetail("An upper deviation limit needs a sample of at least one item.")));
			break;
		case SAMPLING_BAD_DEVIATIONS:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid number of deviations \"%lld\"", (long long) a->deviations),
					 errdetail("The number of deviations cannot be negative.")));
			break;
		case SAMPLING_DEVIATIONS_ABOVE_SAMPLE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("deviations \"%lld\" exceed the sample size \"%lld\"",
							(long long) a->deviations, (long long) a->sample_size)));
			break;
		case SAMPLING_SAMPLE_ABOVE_POPULATION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sample size \"%lld\" exceeds the population \"%lld\"",
							(long long) a->sample_size, (long long) a->population),
					 errdetail("Items are drawn without replacement, so a sample cannot be larger than its population.")));
			break;
		case SAMPLING_TOO_LARGE:
			if (a->draw)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("sample size \"%lld\" exceeds the limit of a draw", (long long) a->sample_size),
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

/*
 * OSCAL import: a status of the core walk.  Parse errors reported by
 * libxml2 itself go through xml_ereport (src/pg/oscal.c); everything here
 * names the line and, where there is one, the id concerned.
 */
void
ismap_oscal_error(const oscal_error *err, const char *kind)
{
	const char *why = oscal_status_text(err->status);

	switch (err->status)
	{
		case OSCAL_TOO_MANY_ATTRIBUTES:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("OSCAL %s exceeds a limit at line %ld: element \"%s\" has more than %s attributes",
							kind, err->line, err->name, err->detail),
					 errdetail("%s", why),
					 errhint("OSCAL elements carry a handful of attributes; the document is refused before it is parsed further.")));
			break;
		case OSCAL_TOO_DEEP:
		case OSCAL_TOO_MANY:
		case OSCAL_TEXT_TOO_LONG:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("OSCAL %s exceeds a limit at line %ld (\"%s\")", kind, err->line, err->name),
					 errdetail("%s", why)));
			break;
		case OSCAL_NO_MEMORY:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory while reading an OSCAL %s", kind)));
			break;
		case OSCAL_XML_ERROR:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("could not parse OSCAL document"),
					 errdetail("line %ld: %s", err->line, err->name)));
			break;
		case OSCAL_EMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("OSCAL document is empty")));
			break;
		case OSCAL_NUL_BYTE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("OSCAL document contains a NUL byte")));
			break;
		case OSCAL_DOCTYPE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("OSCAL document contains a DOCTYPE declaration at line %ld", err->line),
					 errdetail("%s", why)));
			break;
		case OSCAL_WRONG_NAMESPACE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("root element \"%s\" is not in the OSCAL namespace", err->name),
					 err->detail[0] ?
					 errdetail("Its namespace is \"%s\"; OSCAL 1.0 and 1.1 use \"%s\".", err->detail, OSCAL_NS) :
					 errdetail("It has no namespace; OSCAL 1.0 and 1.1 use \"%s\".", OSCAL_NS)));
			break;
		case OSCAL_WRONG_ROOT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("OSCAL document is not a %s: its root element is \"%s\"", kind, err->name)));
			break;
		case OSCAL_FOREIGN_ELEMENT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("element \"%s\" at line %ld is not an OSCAL element", err->name, err->line),
					 err->detail[0] ?
					 errdetail("Its namespace is \"%s\". %s", err->detail, why) :
					 errdetail("It has no namespace (an undeclared prefix?). %s", why)));
			break;
		case OSCAL_MISSING_ID:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("%s at line %ld has no id", err->name, err->line)));
			break;
		case OSCAL_MISSING_TITLE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("\"%s\" at line %ld has no title", err->name, err->line)));
			break;
		case OSCAL_BAD_CONTROL_ID:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("control id \"%s\" at line %ld is not a valid control identifier", err->name, err->line),
					 errdetail("%s", why)));
			break;
		case OSCAL_NO_IMPORT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("OSCAL profile imports no catalog"),
					 errdetail("%s", why)));
			break;
		case OSCAL_NO_SELECTION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("import at line %ld selects no controls", err->line),
					 errdetail("%s", why)));
			break;
		case OSCAL_OK:
		case OSCAL_ABORTED:
		case OSCAL_WRONG_TYPE:	/* JSON only */
			break;
	}
	elog(ERROR, "unexpected OSCAL status %d", (int) err->status);
}

/*
 * OSCAL JSON import: a status of the core's JSON walk.  The jsonb value is
 * well-formed JSON already (the cast refused anything else with 22P02);
 * what is left is OSCAL's shape, reported as 22P02 with the JSON pointer of
 * the member concerned, and the limits (54000).
 */
void
ismap_oscal_json_error(const oscal_error *err, const char *kind)
{
	const char *why = ISMAP_T(oscal_status_text(err->status));
	const char *at = err->detail[0] ? err->detail : "/";

	switch (err->status)
	{
		case OSCAL_TOO_DEEP:
		case OSCAL_TOO_MANY:
		case OSCAL_TEXT_TOO_LONG:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("OSCAL JSON %s exceeds a limit at %s (\"%s\")", kind, at, err->name),
					 strcmp(err->name, "part") == 0 ?
					 errdetail("Parts are nested deeper than the limit of %d.", OSCAL_JSON_MAX_PART_DEPTH) :
					 errdetail("%s", why)));
			break;
		case OSCAL_NO_MEMORY:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory while reading an OSCAL %s", kind)));
			break;
		case OSCAL_NUL_BYTE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("string at %s of the OSCAL JSON document contains a NUL byte", at)));
			break;
		case OSCAL_WRONG_ROOT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("OSCAL JSON document is not a %s: its root member is %s", kind, err->name),
					 errdetail("An OSCAL JSON %s is an object with one member \"%s\".", kind, kind)));
			break;
		case OSCAL_WRONG_TYPE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("member \"%s\" at %s of the OSCAL JSON %s has the wrong type", err->name, at, kind),
					 errdetail("%s", why)));
			break;
		case OSCAL_MISSING_ID:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("%s at %s has no id", err->name, at)));
			break;
		case OSCAL_MISSING_TITLE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("\"%s\" at %s has no title", err->name, at)));
			break;
		case OSCAL_BAD_CONTROL_ID:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("control id \"%s\" at %s is not a valid control identifier", err->name, at),
					 errdetail("%s", why)));
			break;
		case OSCAL_NO_IMPORT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("OSCAL profile imports no catalog"),
					 errdetail("%s", why)));
			break;
		case OSCAL_NO_SELECTION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("import at %s selects no controls", at),
					 errdetail("%s", why)));
			break;
		default:
			break;
	}
	elog(ERROR, "unexpected OSCAL JSON status %d", (int) err->status);
}

/*
 * OSCAL export: the writer refused the rows.  Characters XML 1.0 cannot
 * carry are 2200N and the message names the field, the record and the
 * character position; the bad bytes themselves are never quoted (an
 * invalid UTF-8 sequence could not even be printed).
 */
void
ismap_oscal_write_error(const oscal_write_error *err, const char *framework_id)
{
	const char *why = ISMAP_T(oscal_write_status_text(err->status));
	const char *field = err->field ? err->field : "value";
	char	   *what;

	if (err->kind == NULL || strcmp(err->kind, "catalog") == 0)
		what = psprintf("catalog \"%s\"", framework_id);
	else if (err->id[0] != '\0')
		what = psprintf("%s \"%s\"", err->kind, err->id);
	else
		what = psprintf("%s number %ld", err->kind, err->index + 1);

	switch (err->status)
	{
		case OSCAL_WRITE_CONTROL_CHAR:
		case OSCAL_WRITE_NONCHARACTER:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_CONTENT),
					 errmsg("%s of %s contains character U+%04lX at position %ld, which XML 1.0 does not allow",
							field, what, err->codepoint, err->char_pos),
					 errdetail("%s The framework \"%s\" cannot be exported until the value is corrected.",
							   why, framework_id)));
			break;
		case OSCAL_WRITE_BAD_UTF8:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_CONTENT),
					 errmsg("%s of %s is not valid UTF-8 at position %ld",
							field, what, err->char_pos),
					 errdetail("%s The framework \"%s\" cannot be exported until the value is corrected.",
							   why, framework_id)));
			break;
		case OSCAL_WRITE_MISSING:
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s of %s is missing", field, what),
					 errdetail("%s", why)));
			break;
		case OSCAL_WRITE_DUPLICATE_ID:
		case OSCAL_WRITE_CYCLE:
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("framework \"%s\" cannot be exported to OSCAL", framework_id),
					 errdetail("%s The first record concerned is %s.", why, what)));
			break;
		case OSCAL_WRITE_TOO_DEEP:
		case OSCAL_WRITE_TOO_MANY:
		case OSCAL_WRITE_TOO_LONG:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("OSCAL export of framework \"%s\" exceeds a limit", framework_id),
					 errdetail("%s", why)));
			break;
		case OSCAL_WRITE_NO_MEMORY:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory while writing an OSCAL catalog")));
			break;
		case OSCAL_WRITE_OK:
		case OSCAL_WRITE_ABORTED:
			break;
	}
	elog(ERROR, "unexpected OSCAL write status %d", (int) err->status);
}
