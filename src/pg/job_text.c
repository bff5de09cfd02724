/*
 * job_text.c — the sentences of the batch jobs in the session's language,
 * and in Japanese for notice.detail_ja
 *
 * The jobs write what they did as English sentences made with format():
 * the detail of each action they return, the detail of each notice, the end
 * reason of a registration they end.  Each format() string is a template of
 * the extension's catalogue (scripts/job-messages collects them into
 * po/ja.po and job_templates.h).  A sentence is translated by finding the
 * template it was made from, taking the arguments out and putting them
 * into the template's translation (which may reorder them, %2$s).  An
 * argument is translated too when
 *
 *   * the catalogue has it as a word of that template: msgctxt = the
 *     template, msgid = the word (a status, an event, "no reason recorded");
 *   * it is itself a sentence of a template (an end reason inside an
 *     agency's notice, a chain inside a reason);
 *   * it is an interval as PostgreSQL prints it ("30 days", "1 year 2 mons":
 *     the units are words of msgctxt "interval").
 *
 * A literal part of a template can occur inside an argument ("is on a
 * platform below its level" is an argument of "... (%s) %s on %s: %s"), so
 * every way of cutting the sentence at the template's literal parts is
 * tried, and the one whose arguments are recognised most wins (the first
 * such, cutting each argument as short as possible).  A template whose
 * literal parts have no letters ("%s: %s") counts only when one of its
 * arguments is recognised.  Templates are tried from the longest literal
 * text down.
 */
#include "ismap.h"

#include <locale.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "job_templates.h"

#define NTEMPLATES (sizeof(ismap_job_templates) / sizeof(ismap_job_templates[0]))
#define MAX_ARGS 12
#define MAX_DEPTH 4
#define MAX_CUTS 256

typedef struct Template
{
	const char *text;			/* the English template, as in the catalogue */
	int			nparts;			/* literal parts: nargs + 1 */
	char	   *parts[MAX_ARGS + 1];
	int			partlen[MAX_ARGS + 1];
	int			literal_len;	/* for the order of trial */
	bool		weak;			/* no letter outside the placeholders */
} Template;

static Template *templates = NULL;
static int	ntemplates = 0;

static char *translate_sentence(const char *s, int depth, int *score);

static int
template_cmp(const void *a, const void *b)
{
	const Template *x = (const Template *) a;
	const Template *y = (const Template *) b;

	if (x->literal_len != y->literal_len)
		return y->literal_len - x->literal_len;
	return strcmp(x->text, y->text);
}

/* Split the templates into their literal parts, once per backend. */
static void
load_templates(void)
{
	MemoryContext old;

	if (templates != NULL)
		return;
	old = MemoryContextSwitchTo(TopMemoryContext);
	templates = palloc0(sizeof(Template) * NTEMPLATES);
	for (size_t i = 0; i < NTEMPLATES; i++)
	{
		Template   *t = &templates[ntemplates];
		const char *p = ismap_job_templates[i];
		StringInfoData part;
		bool		ok = true;

		t->text = ismap_job_templates[i];
		t->weak = true;
		initStringInfo(&part);
		for (;;)
		{
			if (p[0] == '%' && p[1] == '%')
			{
				appendStringInfoChar(&part, '%');
				p += 2;
				continue;
			}
			if (p[0] == '%' || p[0] == '\0')
			{
				if (t->nparts > MAX_ARGS || (p[0] == '%' && p[1] != 's'))
				{
					ok = false;
					break;
				}
				t->parts[t->nparts] = pstrdup(part.data);
				t->partlen[t->nparts] = part.len;
				t->literal_len += part.len;
				t->nparts++;
				resetStringInfo(&part);
				if (p[0] == '\0')
					break;
				p += 2;
				continue;
			}
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
				t->weak = false;
			appendStringInfoChar(&part, *p++);
		}
		pfree(part.data);
		if (ok)
			ntemplates++;
	}
	qsort(templates, ntemplates, sizeof(Template), template_cmp);
	MemoryContextSwitchTo(old);
}

/* A word of a template: msgctxt = the template (gettext's "ctxt\004id"). */
static const char *
translate_word(const char *context, const char *word)
{
	char	   *key = psprintf("%s\004%s", context, word);
	const char *tr = ISMAP_T(key);

	return tr != key ? tr : NULL;
}

/* "30 days", "1 year 2 mons" -> the units of msgctxt "interval", no spaces */
static char *
translate_interval(const char *s)
{
	StringInfoData out;
	const char *p = s;
	int			pairs = 0;

	initStringInfo(&out);
	while (*p)
	{
		const char *num = p;
		const char *unit;
		const char *tr;
		char	   *u;

		if (*p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
		appendBinaryStringInfo(&out, num, (int) (p - num));
		if (*p++ != ' ')
			return NULL;
		unit = p;
		while (*p >= 'a' && *p <= 'z')
			p++;
		u = pnstrdup(unit, p - unit);
		if (strcmp(u, "year") != 0 && strcmp(u, "years") != 0 && strcmp(u, "mon") != 0 &&
			strcmp(u, "mons") != 0 && strcmp(u, "day") != 0 && strcmp(u, "days") != 0)
			return NULL;
		if ((tr = translate_word("interval", u)) == NULL)
			return NULL;
		appendStringInfoString(&out, tr);
		pairs++;
		if (*p == ' ')
			p++;
		else if (*p != '\0')
			return NULL;
	}
	return pairs > 0 ? out.data : NULL;
}

/*
 * One argument: a word of the template, a sentence, an interval, or as it
 * is (score 0).
 */
static char *
translate_arg(const Template *t, const char *arg, int depth, int *score)
{
	const char *w;
	char	   *s;
	int			sub = 0;

	if ((w = translate_word(t->text, arg)) != NULL)
	{
		*score = 1;
		return pstrdup(w);
	}
	if (depth < MAX_DEPTH && (s = translate_sentence(arg, depth + 1, &sub)) != NULL)
	{
		*score = 1 + sub;
		return s;
	}
	if ((s = translate_interval(arg)) != NULL)
	{
		*score = 1;
		return s;
	}
	*score = 0;
	return pstrdup(arg);
}

/* The cut being tried and the best one so far. */
typedef struct Cuts
{
	const Template *t;
	const char *s;
	int			slen;
	int			depth;
	int			start[MAX_ARGS];
	int			len[MAX_ARGS];
	int			tried;
	int			best_score;		/* -1: none yet */
	char	   *best_args[MAX_ARGS];
} Cuts;

static void
cut_done(Cuts *c)
{
	int			nargs = c->t->nparts - 1;
	char	   *args[MAX_ARGS];
	int			total = 0;

	c->tried++;
	for (int i = 0; i < nargs; i++)
	{
		char	   *a = pnstrdup(c->s + c->start[i], c->len[i]);
		int			sc;

		args[i] = translate_arg(c->t, a, c->depth, &sc);
		total += sc;
	}
	if (total > c->best_score)
	{
		c->best_score = total;
		memcpy(c->best_args, args, sizeof(char *) * nargs);
	}
}

/* Argument k starts at pos: try every place where the next part follows. */
static void
cut_from(Cuts *c, int k, int pos)
{
	const Template *t = c->t;
	int			nargs = t->nparts - 1;
	const char *next = t->parts[k + 1];
	int			nlen = t->partlen[k + 1];

	if (c->tried >= MAX_CUTS)
		return;
	c->start[k] = pos;
	if (k == nargs - 1)
	{
		/* the last part ends the sentence; the argument takes the rest */
		if (c->slen - nlen < pos || strcmp(c->s + c->slen - nlen, next) != 0)
			return;
		c->len[k] = c->slen - nlen - pos;
		cut_done(c);
		return;
	}
	for (int q = pos; q + nlen <= c->slen && c->tried < MAX_CUTS; q++)
	{
		if (nlen == 0 ? q != pos : strncmp(c->s + q, next, nlen) != 0)
			continue;
		c->len[k] = q - pos;
		cut_from(c, k + 1, q + nlen);
	}
}

/* The translation of a template with the arguments: %s in order, or %N$s. */
static char *
fill(const char *tr, char **args, int nargs)
{
	StringInfoData out;
	int			next = 0;

	initStringInfo(&out);
	while (*tr)
	{
		if (tr[0] == '%' && tr[1] == '%')
		{
			appendStringInfoChar(&out, '%');
			tr += 2;
		}
		else if (tr[0] == '%' && tr[1] == 's')
		{
			if (next < nargs)
				appendStringInfoString(&out, args[next++]);
			tr += 2;
		}
		else if (tr[0] == '%' && tr[1] >= '1' && tr[1] <= '9')
		{
			const char *p = tr + 1;
			int			n = 0;

			while (*p >= '0' && *p <= '9')
				n = n * 10 + (*p++ - '0');
			if (p[0] == '$' && p[1] == 's' && n >= 1 && n <= nargs)
			{
				appendStringInfoString(&out, args[n - 1]);
				tr = p + 2;
			}
			else
				appendStringInfoChar(&out, *tr++);
		}
		else
			appendStringInfoChar(&out, *tr++);
	}
	return out.data;
}

/*
 * The sentence in the language of LC_MESSAGES, or NULL when it is not made
 * from a template that has a translation there.  *score: how much of it was
 * recognised (for the caller's choice of cuts).
 */
static char *
translate_sentence(const char *s, int depth, int *score)
{
	int			slen = strlen(s);

	load_templates();
	for (int i = 0; i < ntemplates; i++)
	{
		const Template *t = &templates[i];
		const char *tr;
		Cuts		c;

		if (t->literal_len > slen || strncmp(s, t->parts[0], t->partlen[0]) != 0)
			continue;
		tr = ISMAP_T(t->text);
		if (tr == t->text)
			continue;			/* no translation of this template */
		if (t->nparts == 1)
		{
			if (strcmp(s, t->text) != 0)
				continue;
			*score = 1;
			return pstrdup(tr);
		}
		memset(&c, 0, sizeof(c));
		c.t = t;
		c.s = s;
		c.slen = slen;
		c.depth = depth;
		c.best_score = -1;
		cut_from(&c, 0, t->partlen[0]);
		if (c.best_score < 0 || (t->weak && c.best_score == 0))
			continue;
		*score = c.best_score;
		return fill(tr, c.best_args, t->nparts - 1);
	}
	return NULL;
}

/*
 * ismap_internal.job_text(sentence): in the session's language (lc_messages);
 * the sentence as it is when it has no translation there.
 */
PG_FUNCTION_INFO_V1(ismap_job_text);
Datum
ismap_job_text(PG_FUNCTION_ARGS)
{
	text	   *in = PG_GETARG_TEXT_PP(0);
	char	   *s;
	char	   *tr;
	int			score = 0;

	load_templates();
	/* a session whose language has no translation: nothing to look for */
	if (ntemplates == 0 || ISMAP_T(templates[0].text) == templates[0].text)
		PG_RETURN_TEXT_P(in);
	s = text_to_cstring(in);
	tr = translate_sentence(s, 0, &score);
	if (tr == NULL)
		PG_RETURN_TEXT_P(in);
	PG_RETURN_TEXT_P(cstring_to_text(tr));
}

/*
 * ismap_internal.job_text_ja(sentence): in Japanese, whatever lc_messages
 * says (notice.detail_ja); NULL when the sentence is of no known form or no
 * Japanese locale exists on the server.  LC_MESSAGES is switched for the
 * call and put back.
 */
PG_FUNCTION_INFO_V1(ismap_job_text_ja);
Datum
ismap_job_text_ja(PG_FUNCTION_ARGS)
{
	static const char *const names[] = {"ja_JP.UTF-8", "ja_JP.utf8", "ja_JP.UTF8"};
	char	   *s = text_to_cstring(PG_GETARG_TEXT_PP(0));
	const char *cur = setlocale(LC_MESSAGES, NULL);
	char	   *saved = pstrdup(cur ? cur : "C");
	bool		switched = false;
	char	   *tr = NULL;
	int			score = 0;

	if (strncmp(saved, "ja", 2) != 0)
	{
		for (size_t i = 0; i < lengthof(names) && !switched; i++)
			switched = setlocale(LC_MESSAGES, names[i]) != NULL;
		if (!switched)
			PG_RETURN_NULL();
	}
	PG_TRY();
	{
		tr = translate_sentence(s, 0, &score);
	}
	PG_FINALLY();
	{
		if (switched)
			setlocale(LC_MESSAGES, saved);
	}
	PG_END_TRY();
	if (tr == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(tr));
}
