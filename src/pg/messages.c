/*
 * messages.c — the PL/pgSQL messages of the extension, in the session's
 * language
 *
 * PL/pgSQL's RAISE sends its text as written: it never looks it up in a
 * message catalogue.  The texts of the extension's RAISE statements are in
 * its own catalogue all the same (scripts/raise-messages collects them into
 * the .po files), and this emit_log_hook translates a message of one of the
 * extension's PL/pgSQL functions as it is sent:
 *
 *   * the primary message: by template.  RAISE fills the % of its text with
 *     the arguments, so the message is matched against the templates that
 *     have arguments (raise_templates.h, generated from the migrations), the
 *     arguments are taken out, and put into the translated template in the
 *     same order.  A message without arguments is looked up as it is.
 *   * DETAIL and HINT: looked up as they are (a literal of a USING clause);
 *     one built with format() stays as it is.
 *
 * Only messages whose innermost context is a PL/pgSQL function of the
 * ismap schemas are touched, and only when the catalogue has a translation
 * for lc_messages; the SQLSTATE never changes.  An error caught by an
 * exception block is never sent, so code that reads MESSAGE_TEXT sees the
 * English text.
 */
#include "ismap.h"

#include "lib/stringinfo.h"
#include "utils/elog.h"

#include "raise_templates.h"

#define NTEMPLATES (sizeof(ismap_raise_templates) / sizeof(ismap_raise_templates[0]))
#define MAX_ARGS 16

static emit_log_hook_type prev_emit_log_hook = NULL;

/*
 * Is the innermost context a PL/pgSQL function of our schemas (ismap and
 * ismap_internal)?  PL/pgSQL
 * writes that line in the session's language too ("PL/pgSQL function %s
 * line %d at %s", in Japanese "PL/pgSQL関数%sの%d行目 - %s"), so the part
 * before the function's name is taken from its own catalogue.
 */
static bool
from_ismap_plpgsql(const ErrorData *edata)
{
	const char *fmt;
	const char *name;
	size_t		n;

	if (edata->domain == NULL || strncmp(edata->domain, "plpgsql", 7) != 0 ||
		edata->context == NULL)
		return false;
	fmt = dgettext(edata->domain, "PL/pgSQL function %s line %d at %s");
	name = strstr(fmt, "%s");
	if (name == NULL)
		return false;
	n = name - fmt;
	return strncmp(edata->context, fmt, n) == 0 &&
		(strncmp(edata->context + n, "ismap.", 6) == 0 ||
		 strncmp(edata->context + n, "ismap_internal.", 15) == 0);
}

/*
 * Does msg fill template t?  On success the arguments' bounds are in
 * start/len (RAISE's placeholder is %, %% a literal %).  Each literal part
 * is matched at its first occurrence after the previous one; the last part
 * must end the message.
 */
static int
match_template(const char *t, const char *msg, const char **start, int *len)
{
	const char *m = msg;
	int			nargs = 0;
	StringInfoData part;
	bool		first = true;

	initStringInfo(&part);
	for (;;)
	{
		const char *found;
		bool		at_end;

		/* the literal part up to the next placeholder */
		resetStringInfo(&part);
		while (*t && !(t[0] == '%' && t[1] != '%'))
		{
			if (t[0] == '%' && t[1] == '%')
				t++;
			appendStringInfoChar(&part, *t++);
		}
		at_end = (*t == '\0');
		if (first)
		{
			if (strncmp(m, part.data, part.len) != 0)
				return -1;
			found = m;
			first = false;
		}
		else if (at_end)
		{
			size_t		ml = strlen(m);

			/* the last part ends the message; the argument takes the rest */
			if (ml < (size_t) part.len || strcmp(m + ml - part.len, part.data) != 0)
				return -1;
			found = m + ml - part.len;
		}
		else
		{
			found = part.len > 0 ? strstr(m, part.data) : m;
			if (found == NULL)
				return -1;
		}
		if (nargs > 0)
			len[nargs - 1] = (int) (found - start[nargs - 1]);
		m = found + part.len;
		if (at_end)
			return *m == '\0' ? nargs : -1;
		/* a placeholder: an argument starts here */
		t++;
		if (nargs == MAX_ARGS)
			return -1;
		start[nargs++] = m;
	}
}

/* The translated template with the arguments put in, in order. */
static char *
fill_template(const char *tr, int nargs, const char **start, const int *len)
{
	StringInfoData out;
	int			used = 0;

	initStringInfo(&out);
	while (*tr)
	{
		if (tr[0] == '%' && tr[1] == '%')
		{
			appendStringInfoChar(&out, '%');
			tr += 2;
		}
		else if (tr[0] == '%')
		{
			if (used < nargs)
			{
				appendBinaryStringInfo(&out, start[used], len[used]);
				used++;
			}
			tr++;
		}
		else
			appendStringInfoChar(&out, *tr++);
	}
	return out.data;
}

static char *
translate_message(const char *msg)
{
	const char *tr = ISMAP_T(msg);
	const char *start[MAX_ARGS];
	int			len[MAX_ARGS];
	size_t		i;

	if (tr != msg)
		return pstrdup(tr);		/* a message without arguments */
	for (i = 0; i < NTEMPLATES; i++)
	{
		const char *t = ismap_raise_templates[i];
		int			nargs;

		/* no translation of this template: do not even try it */
		tr = ISMAP_T(t);
		if (tr == t)
			continue;
		nargs = match_template(t, msg, start, len);
		if (nargs >= 0)
			return fill_template(tr, nargs, start, len);
	}
	return NULL;
}

static char *
translate_exact(const char *s)
{
	const char *tr = ISMAP_T(s);

	return tr != s ? pstrdup(tr) : NULL;
}

static void
ismap_emit_log(ErrorData *edata)
{
	if (edata->message != NULL && from_ismap_plpgsql(edata))
	{
		/* the hook runs in ErrorContext; what it allocates stays there */
		char	   *s;

		if ((s = translate_message(edata->message)) != NULL)
			edata->message = s;
		if (edata->detail != NULL && (s = translate_exact(edata->detail)) != NULL)
			edata->detail = s;
		if (edata->hint != NULL && (s = translate_exact(edata->hint)) != NULL)
			edata->hint = s;
	}
	if (prev_emit_log_hook)
		prev_emit_log_hook(edata);
}

void
ismap_install_message_hook(void)
{
	prev_emit_log_hook = emit_log_hook;
	emit_log_hook = ismap_emit_log;
}
