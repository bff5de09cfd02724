/*
 * oscal_fuzzer.c — libFuzzer target for the OSCAL reader and tree walk
 *
 * Every input is read with oscal_read (the backend's options and SAX
 * hooks) and, when it parses, walked both as a catalog and as a profile.
 * Properties checked:
 *   - a refused document has a status text, and no document is left over;
 *   - every id handed to a callback is non-empty, every string fits the
 *     text limit, a control's depth agrees with its parent, an enhancement's
 *     parent was seen before it, orders strictly increase;
 *   - the counts equal the callbacks (controls + enhancements, groups,
 *     params, withdrawn <= total) and a second walk gives the same counts;
 *   - a limit status is only reported together with its line;
 *   - no memory is leaked (ASan) and the arena cap is never hit silently.
 */
#include "oscal.h"

#include <stdlib.h>
#include <string.h>

#include "../unit/oscal_arena.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)
#define MAXSEEN 256

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fstate
{
	long		controls;
	long		groups;
	long		params;
	long		withdrawn;
	long		selections;
	int			last_order;
	int			last_param_order;
	const char *seen[MAXSEEN];	/* ids of controls seen, for parent checks */
	int			nseen;
	size_t		max_text;
} fstate;

static void
check_str(const fstate *f, const char *s)
{
	if (s != NULL)
		REQUIRE(strlen(s) <= f->max_text);
}

static int
f_meta(void *arg, const oscal_meta *m)
{
	fstate	   *f = arg;

	REQUIRE(m->title != NULL);
	check_str(f, m->title);
	check_str(f, m->uuid);
	check_str(f, m->version);
	check_str(f, m->publisher);
	return 0;
}

static int
f_group(void *arg, const oscal_group *g)
{
	fstate	   *f = arg;

	REQUIRE(g->id && *g->id && g->title);
	REQUIRE(g->depth >= 1 && (g->depth == 1) == (g->parent_id == NULL));
	REQUIRE(g->order > f->last_order);
	f->last_order = g->order;
	check_str(f, g->title);
	f->groups++;
	return 0;
}

static int
f_control(void *arg, const oscal_control *c)
{
	fstate	   *f = arg;
	int			i;

	REQUIRE(c->id && *c->id && c->title);
	REQUIRE(c->depth >= 1 && (c->depth == 1) == (c->parent_id == NULL));
	REQUIRE(c->order > f->last_order);
	f->last_order = c->order;
	check_str(f, c->title);
	check_str(f, c->statement);
	check_str(f, c->label);
	/* a statement is trimmed lines: no empty line, no edge white space */
	if (c->statement)
	{
		size_t		n = strlen(c->statement);

		REQUIRE(n > 0 && c->statement[0] != ' ' && c->statement[0] != '\n');
		REQUIRE(c->statement[n - 1] != ' ' && c->statement[n - 1] != '\n');
		REQUIRE(strstr(c->statement, "\n\n") == NULL);
		REQUIRE(strstr(c->statement, "  ") == NULL);
	}
	if (c->parent_id)
	{
		bool		found = false;

		for (i = 0; i < f->nseen && !found; i++)
			found = strcmp(f->seen[i], c->parent_id) == 0;
		REQUIRE(found || f->nseen == MAXSEEN);
	}
	if (f->nseen < MAXSEEN)
		f->seen[f->nseen++] = c->id;
	f->controls++;
	if (c->withdrawn)
		f->withdrawn++;
	return 0;
}

static int
f_param(void *arg, const oscal_param *p)
{
	fstate	   *f = arg;
	int			i;

	REQUIRE(p->id && *p->id);
	REQUIRE(p->order > f->last_param_order);
	f->last_param_order = p->order;
	REQUIRE(p->nchoices >= 0 && (p->nchoices == 0 || p->choices != NULL));
	for (i = 0; i < p->nchoices; i++)
		check_str(f, p->choices[i]);
	check_str(f, p->label);
	f->params++;
	return 0;
}

static int
f_import(void *arg, const char *href, int no, long line)
{
	REQUIRE(href != NULL && no >= 1);
	return 0;
}

static int
f_select(void *arg, const oscal_selection *s)
{
	fstate	   *f = arg;

	REQUIRE(s->kind == OSCAL_SELECT_ALL ? s->value == NULL : (s->value && *s->value));
	REQUIRE(s->kind == OSCAL_SELECT_ALL ? s->include : true);
	f->selections++;
	return 0;
}

static const oscal_catalog_cb CCB = {f_meta, f_group, f_control, f_param};
static const oscal_profile_cb PCB = {f_meta, f_import, f_select};

static oscal_status
walk_catalog(xmlDocPtr doc, const oscal_limits *lim, fstate *f,
			 oscal_counts *cnt)
{
	arena		a = {NULL, 0, 64u << 20};
	oscal_alloc al = {arena_alloc, &a};
	oscal_error err;
	oscal_status st;

	memset(f, 0, sizeof(*f));
	f->max_text = lim->max_text;
	st = oscal_walk_catalog(doc, lim, &al, &CCB, f, cnt, &err);
	REQUIRE(st != OSCAL_NO_MEMORY);
	REQUIRE(err.status == st);
	REQUIRE(oscal_status_text(st) != NULL);
	if (oscal_status_is_limit(st))
		REQUIRE(err.line > 0 || st == OSCAL_TOO_MANY);
	if (st == OSCAL_OK)
	{
		REQUIRE(cnt->controls + cnt->enhancements == f->controls);
		REQUIRE(cnt->groups == f->groups && cnt->params == f->params);
		REQUIRE(cnt->withdrawn == f->withdrawn);
		REQUIRE(cnt->withdrawn <= cnt->controls + cnt->enhancements);
	}
	arena_free_all(&a);
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* small limits so that the fuzzer reaches them */
	oscal_limits lim = {3, 200, 2048};
	xmlDocPtr	doc = NULL;
	oscal_error err;
	oscal_status st;
	fstate		f1, f2;
	oscal_counts c1, c2;

	/* a small attribute limit, and tiny chunks so that tags, text, comments
	 * and UTF-8 sequences are cut at every kind of place */
	oscal_read_opts small = {7, 8, NULL, NULL};
	xmlDocPtr	doc2 = NULL;
	oscal_error err2;
	oscal_status st2;

	st = oscal_read((const char *) data, size, OSCAL_READ_QUIET, NULL, NULL, &doc, &err);
	REQUIRE(oscal_status_text(st) != NULL);
	/* where the document is cut into chunks changes nothing */
	small.max_attributes = OSCAL_MAX_ATTRIBUTES;
	st2 = oscal_read((const char *) data, size, OSCAL_READ_QUIET, &small, NULL, &doc2, &err2);
	REQUIRE(st2 == st);
	oscal_free(doc2);
	/* a tag over the limit is refused whatever the rest of the document */
	small.max_attributes = 8;
	st2 = oscal_read((const char *) data, size, OSCAL_READ_QUIET, &small, NULL, &doc2, &err2);
	REQUIRE(st2 == st || st2 == OSCAL_TOO_MANY_ATTRIBUTES);
	if (st2 == OSCAL_TOO_MANY_ATTRIBUTES)
		REQUIRE(doc2 == NULL && err2.line >= 1);
	oscal_free(doc2);
	if (st != OSCAL_OK)
	{
		REQUIRE(doc == NULL);
		REQUIRE(err.status == st);
		if (st == OSCAL_NUL_BYTE)
			REQUIRE(memchr(data, 0, size) != NULL);
		return 0;
	}
	REQUIRE(doc != NULL);

	/* as a catalog, twice: the walk is deterministic */
	st = walk_catalog(doc, &lim, &f1, &c1);
	if (walk_catalog(doc, &lim, &f2, &c2) != st)
		abort();
	if (st == OSCAL_OK)
		REQUIRE(memcmp(&c1, &c2, sizeof(c1)) == 0);

	/* as a profile */
	{
		arena		a = {NULL, 0, 64u << 20};
		oscal_alloc al = {arena_alloc, &a};
		fstate		f;

		memset(&f, 0, sizeof(f));
		f.max_text = lim.max_text;
		st = oscal_walk_profile(doc, &lim, &al, &PCB, &f, &err);
		REQUIRE(st != OSCAL_NO_MEMORY && err.status == st);
		arena_free_all(&a);
	}
	oscal_free(doc);
	return 0;
}
