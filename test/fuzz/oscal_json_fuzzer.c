/*
 * oscal_json_fuzzer.c — libFuzzer target for the OSCAL JSON walk
 *
 * Every input that is JSON (read by test/unit/json_tree.h) is walked as a
 * catalog and as a profile with small limits.  Properties checked:
 *   - a refused document has a status text and a JSON pointer starting
 *     with "/" (or "..." when cut); a limit status is a limit;
 *   - every id handed over is non-empty, every string fits the text limit,
 *     a statement is trimmed lines, a control's depth agrees with its
 *     parent, orders strictly increase;
 *   - the counts equal the callbacks, and a second walk gives the same;
 *   - no memory is leaked (ASan) and the arena cap is never hit.
 */
#include "oscal.h"

#include <stdlib.h>
#include <string.h>

#include "../unit/json_tree.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fstate
{
	long		controls;
	long		groups;
	long		params;
	long		withdrawn;
	int			last_order;
	int			last_param_order;
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
	REQUIRE(m->title != NULL && *m->title);
	check_str(arg, m->title);
	return 0;
}

static int
f_group(void *arg, const oscal_group *g)
{
	fstate	   *f = arg;

	REQUIRE(g->id && *g->id && g->title && *g->title);
	REQUIRE(g->depth >= 1 && (g->depth == 1) == (g->parent_id == NULL));
	REQUIRE(g->order > f->last_order);
	f->last_order = g->order;
	f->groups++;
	return 0;
}

static int
f_control(void *arg, const oscal_control *c)
{
	fstate	   *f = arg;

	REQUIRE(c->id && *c->id && c->title && *c->title);
	REQUIRE(c->depth >= 1 && (c->depth == 1) == (c->parent_id == NULL));
	REQUIRE(c->order > f->last_order);
	f->last_order = c->order;
	check_str(f, c->title);
	check_str(f, c->statement);
	if (c->statement)
	{
		size_t		n = strlen(c->statement);

		REQUIRE(n > 0 && c->statement[0] != ' ' && c->statement[0] != '\n');
		REQUIRE(c->statement[n - 1] != ' ' && c->statement[n - 1] != '\n');
		REQUIRE(strstr(c->statement, "\n\n") == NULL);
		REQUIRE(strstr(c->statement, "  ") == NULL);
	}
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
	REQUIRE(s->kind == OSCAL_SELECT_ALL ? s->value == NULL : (s->value && *s->value));
	return 0;
}

static const oscal_catalog_cb CCB = {f_meta, f_group, f_control, f_param};
static const oscal_profile_cb PCB = {f_meta, f_import, f_select};

static void
check_error(oscal_status st, const oscal_error *err)
{
	REQUIRE(err->status == st);
	REQUIRE(st != OSCAL_NO_MEMORY);
	REQUIRE(oscal_status_text(st) != NULL);
	if (st != OSCAL_OK)
		REQUIRE(err->detail[0] == '/' || strncmp(err->detail, "...", 3) == 0);
}

static oscal_status
walk_catalog(const jt_node *root, const oscal_limits *lim, fstate *f,
			 oscal_counts *cnt)
{
	arena		a = {NULL, 0, 64u << 20};
	oscal_alloc al = {arena_alloc, &a};
	oscal_error err;
	oscal_status st;

	memset(f, 0, sizeof(*f));
	f->max_text = lim->max_text;
	st = oscal_json_walk_catalog(&jt_ops, root, lim, &al, &CCB, f, cnt, &err);
	check_error(st, &err);
	if (st == OSCAL_OK)
	{
		REQUIRE(cnt->controls + cnt->enhancements == f->controls);
		REQUIRE(cnt->groups == f->groups && cnt->params == f->params);
		REQUIRE(cnt->withdrawn == f->withdrawn);
	}
	arena_free_all(&a);
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	oscal_limits lim = {3, 200, 2048};
	arena		doc = {NULL, 0, 64u << 20};
	const jt_node *root = jt_parse((const char *) data, size, &doc);
	fstate		f1, f2;
	oscal_counts c1, c2;
	oscal_status st;

	if (root == NULL)
	{
		arena_free_all(&doc);
		return 0;
	}
	st = walk_catalog(root, &lim, &f1, &c1);
	REQUIRE(walk_catalog(root, &lim, &f2, &c2) == st);
	if (st == OSCAL_OK)
		REQUIRE(memcmp(&c1, &c2, sizeof(c1)) == 0);
	{
		arena		a = {NULL, 0, 64u << 20};
		oscal_alloc al = {arena_alloc, &a};
		oscal_error err;
		fstate		f;

		memset(&f, 0, sizeof(f));
		f.max_text = lim.max_text;
		st = oscal_json_walk_profile(&jt_ops, root, &lim, &al, &PCB, &f, &err);
		check_error(st, &err);
		arena_free_all(&a);
	}
	arena_free_all(&doc);
	return 0;
}
