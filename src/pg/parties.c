/*
 * parties.c — functions about the parties of the scheme
 */
#include "ismap.h"

#include "corpnum.h"
#include "fmgr.h"
#include "utils/builtins.h"

/* ismap.corporate_number_is_valid(text): never raises */
PG_FUNCTION_INFO_V1(ismap_corporate_number_is_valid);
Datum
ismap_corporate_number_is_valid(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(corpnum_validate(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), NULL) == CORPNUM_OK);
}

/* ismap.corporate_number_check_digit(base text): the digit to prepend */
PG_FUNCTION_INFO_V1(ismap_corporate_number_check_digit);
Datum
ismap_corporate_number_check_digit(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int			d = corpnum_check_digit(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));

	if (d < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid corporate number base: \"%s\"", text_to_cstring(t)),
				 errdetail("The base of a corporate number is 12 digits, without the leading check digit.")));
	PG_RETURN_INT32(d);
}
