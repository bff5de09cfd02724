/*
 * oscal_write.c — OSCAL XML catalog writer (pure C)
 *
 * See oscal_write.h for the contract.  The writer works in three steps:
 * link the records into a tree (sorted indexes, no hash table), measure
 * the tree (depth limit, every record reachable), then write it through a
 * small buffer to the caller's sink.  Every value is checked for
 * characters XML 1.0 cannot carry just before it is written, so a refusal
 * names exactly the value at fault.
 */
#include "oscal_write.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define OUTBUF_SIZE 4096

/* a group or a control of the tree, with its children in document order */
typedef struct wnode
{
	const oscal_group *group;	/* exactly one of group and control is set */
	const oscal_control *control;
	long		index;			/* index in its input array */
	struct wnode *first_child;
	struct wnode *last_child;
	struct wnode *next;
	long		first_param;	/* chain through param_next, -1 when none */
	long		last_param;
	bool		reached;		/* met by the measuring walk */
} wnode;

typedef struct writer
{
	const oscal_catalog_doc *doc;
	const oscal_write_limits *lim;
	const oscal_sink *sink;
	oscal_write_error *err;
	long	   *param_next;
	long		reached;		/* nodes met by the measuring walk */
	size_t		total;			/* bytes written so far */
	size_t		n;				/* bytes in buf */
	char		buf[OUTBUF_SIZE];
} writer;

/* ------------------------------------------------------- characters */

oscal_write_status
oscal_xml_text_check(const char *s, long *char_pos, size_t *byte_pos,
					 long *codepoint)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;
	long		chars = 0;

	while (p[i] != '\0')
	{
		unsigned char c = p[i];
		uint32_t	cp;
		int			len;
		int			k;
		oscal_write_status st = OSCAL_WRITE_OK;

		chars++;
		if (c < 0x80)
		{
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			{
				*char_pos = chars;
				*byte_pos = i;
				*codepoint = c;
				return OSCAL_WRITE_CONTROL_CHAR;
			}
			i++;
			continue;
		}
		/* lead byte: length and the smallest valid second byte range */
		if (c >= 0xC2 && c <= 0xDF)
			len = 2, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4, cp = c & 0x07;
		else
			len = 0, cp = 0;
		for (k = 1; k < len; k++)
		{
			if ((p[i + k] & 0xC0) != 0x80)	/* also stops at the NUL */
			{
				len = 0;
				break;
			}
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		/* overlong forms, surrogates and values past U+10FFFF */
		if (len == 0 ||
			(len == 3 && cp < 0x800) ||
			(len == 4 && cp < 0x10000) ||
			(cp >= 0xD800 && cp <= 0xDFFF) ||
			cp > 0x10FFFF)
		{
			*char_pos = chars;
			*byte_pos = i;
			*codepoint = -1;
			return OSCAL_WRITE_BAD_UTF8;
		}
		if (cp == 0xFFFE || cp == 0xFFFF)
			st = OSCAL_WRITE_NONCHARACTER;
		if (st != OSCAL_WRITE_OK)
		{
			*char_pos = chars;
			*byte_pos = i;
			*codepoint = (long) cp;
			return st;
		}
		i += len;
	}
	return OSCAL_WRITE_OK;
}

/* ----------------------------------------------------------- errors */

static void
set_where(writer *w, const char *kind, long index, const char *id,
		  const char *field)
{
	oscal_write_error *e = w->err;
	long		cpos;
	size_t		bpos;
	long		cp;

	e->kind = kind;
	e->index = index;
	e->field = field;
	e->id[0] = '\0';
	/* the id only when it is itself clean text, cut at a character */
	if (id != NULL && oscal_xml_text_check(id, &cpos, &bpos, &cp) == OSCAL_WRITE_OK)
	{
		size_t		n = strlen(id);

		if (n >= sizeof(e->id))
		{
			n = sizeof(e->id) - 1;
			while (n > 0 && ((unsigned char) id[n] & 0xC0) == 0x80)
				n--;
		}
		memcpy(e->id, id, n);
		e->id[n] = '\0';
	}
}

static oscal_write_status
fail(writer *w, oscal_write_status st, const char *kind, long index,
	 const char *id, const char *field)
{
	set_where(w, kind, index, id, field);
	w->err->status = st;
	return st;
}

/* ----------------------------------------------------------- output */

static oscal_write_status
flush(writer *w)
{
	if (w->n > 0 && w->sink->write(w->sink->ctx, w->buf, w->n) != 0)
	{
		w->n = 0;
		return fail(w, OSCAL_WRITE_ABORTED, "catalog", -1, NULL, NULL);
	}
	w->n = 0;
	return OSCAL_WRITE_OK;
}

static oscal_write_status
put(writer *w, const char *s, size_t len)
{
	if (len > w->lim->max_output - w->total)
		return fail(w, OSCAL_WRITE_TOO_LONG, "catalog", -1, NULL, NULL);
	w->total += len;
	while (len > 0)
	{
		size_t		room = OUTBUF_SIZE - w->n;
		size_t		k = len < room ? len : room;
		oscal_write_status st;

		memcpy(w->buf + w->n, s, k);
		w->n += k;
		s += k;
		len -= k;
		if (w->n == OUTBUF_SIZE && (st = flush(w)) != OSCAL_WRITE_OK)
			return st;
	}
	return OSCAL_WRITE_OK;
}

static oscal_write_status
puts_(writer *w, const char *s)
{
	return put(w, s, strlen(s));
}

static oscal_write_status
indent(writer *w, int depth)
{
	static const char spaces[] = "                                ";
	long		n = 2L * depth;
	oscal_write_status st = OSCAL_WRITE_OK;

	while (n > 0 && st == OSCAL_WRITE_OK)
	{
		long		k = n < (long) sizeof(spaces) - 1 ? n : (long) sizeof(spaces) - 1;

		st = put(w, spaces, (size_t) k);
		n -= k;
	}
	return st;
}

/*
 * s escaped for XML: & < > always; in an attribute also " and tab, LF, CR
 * as character references (so attribute value normalization keeps them);
 * in text a CR as &#13; (so line-end normalization keeps it).
 */
static oscal_write_status
put_escaped(writer *w, const char *s, size_t len, bool attr)
{
	size_t		start = 0;
	size_t		i;
	oscal_write_status st;

	for (i = 0; i < len; i++)
	{
		const char *rep = NULL;

		switch (s[i])
		{
			case '&':
				rep = "&amp;";
				break;
			case '<':
				rep = "&lt;";
				break;
			case '>':
				rep = "&gt;";
				break;
			case '"':
				rep = attr ? "&quot;" : NULL;
				break;
			case '\r':
				rep = "&#13;";
				break;
			case '\n':
				rep = attr ? "&#10;" : NULL;
				break;
			case '\t':
				rep = attr ? "&#9;" : NULL;
				break;
			default:
				break;
		}
		if (rep == NULL)
			continue;
		if ((st = put(w, s + start, i - start)) != OSCAL_WRITE_OK ||
			(st = puts_(w, rep)) != OSCAL_WRITE_OK)
			return st;
		start = i + 1;
	}
	return put(w, s + start, len - start);
}

/* check a value; on a bad character the error names record and field */
static oscal_write_status
check(writer *w, const char *kind, long index, const char *id,
	  const char *field, const char *value)
{
	oscal_write_status st;
	long		cpos;
	size_t		bpos;
	long		cp;

	st = oscal_xml_text_check(value, &cpos, &bpos, &cp);
	if (st == OSCAL_WRITE_OK)
		return st;
	fail(w, st, kind, index, id, field);
	w->err->char_pos = cpos;
	w->err->byte_pos = bpos;
	w->err->codepoint = cp;
	return st;
}

/* a required value that is NULL */
static oscal_write_status
need(writer *w, const char *kind, long index, const char *id,
	 const char *field, const char *value)
{
	if (value == NULL)
		return fail(w, OSCAL_WRITE_MISSING, kind, index, id, field);
	return OSCAL_WRITE_OK;
}

/* an attribute value, checked and escaped */
static oscal_write_status
attr_value(writer *w, const char *kind, long index, const char *id,
		   const char *field, const char *value)
{
	oscal_write_status st = check(w, kind, index, id, field, value);

	if (st == OSCAL_WRITE_OK)
		st = put_escaped(w, value, strlen(value), true);
	return st;
}

/* <name>text</name> on its own line at depth */
static oscal_write_status
elem(writer *w, int depth, const char *name, const char *kind, long index,
	 const char *id, const char *field, const char *text)
{
	oscal_write_status st;

	if ((st = check(w, kind, index, id, field, text)) != OSCAL_WRITE_OK ||
		(st = indent(w, depth)) != OSCAL_WRITE_OK ||
		(st = puts_(w, "<")) != OSCAL_WRITE_OK ||
		(st = puts_(w, name)) != OSCAL_WRITE_OK ||
		(st = puts_(w, ">")) != OSCAL_WRITE_OK ||
		(st = put_escaped(w, text, strlen(text), false)) != OSCAL_WRITE_OK ||
		(st = puts_(w, "</")) != OSCAL_WRITE_OK ||
		(st = puts_(w, name)) != OSCAL_WRITE_OK)
		return st;
	return puts_(w, ">\n");
}

/* <prop name="name" value="value"/> */
static oscal_write_status
prop(writer *w, int depth, const char *name, long index, const char *id,
	 const char *value)
{
	oscal_write_status st;

	if ((st = check(w, "control", index, id, name, value)) != OSCAL_WRITE_OK ||
		(st = indent(w, depth)) != OSCAL_WRITE_OK ||
		(st = puts_(w, "<prop name=\"")) != OSCAL_WRITE_OK ||
		(st = puts_(w, name)) != OSCAL_WRITE_OK ||
		(st = puts_(w, "\" value=\"")) != OSCAL_WRITE_OK ||
		(st = put_escaped(w, value, strlen(value), true)) != OSCAL_WRITE_OK)
		return st;
	return puts_(w, "\"/>\n");
}

/* ------------------------------------------------------------- tree */

typedef struct idx_entry
{
	const char *id;
	wnode	   *node;
} idx_entry;

static int
idx_cmp(const void *a, const void *b)
{
	return strcmp(((const idx_entry *) a)->id, ((const idx_entry *) b)->id);
}

static wnode *
idx_find(const idx_entry *idx, long n, const char *id)
{
	idx_entry	key;
	const idx_entry *e;

	if (id == NULL || n == 0)
		return NULL;
	key.id = id;
	key.node = NULL;
	e = bsearch(&key, idx, (size_t) n, sizeof(idx_entry), idx_cmp);
	return e ? e->node : NULL;
}

static void
add_child(wnode *parent, wnode *child)
{
	if (parent->last_child)
		parent->last_child->next = child;
	else
		parent->first_child = child;
	parent->last_child = child;
}

static void
link_param(writer *w, wnode *owner, long i)
{
	if (owner->first_param < 0)
		owner->first_param = i;
	else
		w->param_next[owner->last_param] = i;
	owner->last_param = i;
}

/* depth limit and reachability, before a byte is written */
static oscal_write_status
measure(writer *w, wnode *n, int depth)
{
	wnode	   *c;
	oscal_write_status st;

	if (depth > w->lim->max_depth)
		return fail(w, OSCAL_WRITE_TOO_DEEP,
					n->group ? "group" : "control", n->index,
					n->group ? n->group->id : n->control->id, NULL);
	w->reached++;
	n->reached = true;
	for (c = n->first_child; c; c = c->next)
		if ((st = measure(w, c, depth + 1)) != OSCAL_WRITE_OK)
			return st;
	return OSCAL_WRITE_OK;
}

/* ----------------------------------------------------------- writing */

static oscal_write_status
write_params(writer *w, long first, int depth)
{
	long		i;
	oscal_write_status st;

	for (i = first; i >= 0; i = w->param_next[i])
	{
		const oscal_param *p = &w->doc->params[i];

		if ((st = need(w, "param", i, p->id, "id", p->id)) != OSCAL_WRITE_OK ||
			(st = indent(w, depth)) != OSCAL_WRITE_OK ||
			(st = puts_(w, "<param id=\"")) != OSCAL_WRITE_OK ||
			(st = attr_value(w, "param", i, p->id, "id", p->id)) != OSCAL_WRITE_OK ||
			(st = puts_(w, "\">\n")) != OSCAL_WRITE_OK)
			return st;
		if (p->label &&
			(st = elem(w, depth + 1, "label", "param", i, p->id, "label", p->label)) != OSCAL_WRITE_OK)
			return st;
		if (p->how_many)
		{
			int			k;

			if ((st = indent(w, depth + 1)) != OSCAL_WRITE_OK)
				return st;
			if (strcmp(p->how_many, "one") == 0)
				st = puts_(w, "<select>\n");
			else if ((st = puts_(w, "<select how-many=\"")) == OSCAL_WRITE_OK &&
					 (st = attr_value(w, "param", i, p->id, "how-many", p->how_many)) == OSCAL_WRITE_OK)
				st = puts_(w, "\">\n");
			if (st != OSCAL_WRITE_OK)
				return st;
			for (k = 0; k < p->nchoices; k++)
				if (p->choices[k] &&
					(st = elem(w, depth + 2, "choice", "param", i, p->id, "choice",
							   p->choices[k])) != OSCAL_WRITE_OK)
					return st;
			if ((st = indent(w, depth + 1)) != OSCAL_WRITE_OK ||
				(st = puts_(w, "</select>\n")) != OSCAL_WRITE_OK)
				return st;
		}
		else if (p->value &&
				 (st = elem(w, depth + 1, "value", "param", i, p->id, "value", p->value)) != OSCAL_WRITE_OK)
			return st;
		if ((st = indent(w, depth)) != OSCAL_WRITE_OK ||
			(st = puts_(w, "</param>\n")) != OSCAL_WRITE_OK)
			return st;
	}
	return OSCAL_WRITE_OK;
}

/* the statement as a part of one p per non-empty line */
static oscal_write_status
write_statement(writer *w, const oscal_control *c, long index, int depth)
{
	const char *line = c->statement;
	oscal_write_status st;

	if ((st = check(w, "control", index, c->id, "statement", c->statement)) != OSCAL_WRITE_OK ||
		(st = indent(w, depth)) != OSCAL_WRITE_OK ||
		(st = puts_(w, "<part id=\"")) != OSCAL_WRITE_OK ||
		(st = attr_value(w, "control", index, c->id, "id", c->id)) != OSCAL_WRITE_OK ||
		(st = puts_(w, "_smt\" name=\"statement\">\n")) != OSCAL_WRITE_OK)
		return st;
	while (line)
	{
		const char *nl = strchr(line, '\n');
		size_t		len = nl ? (size_t) (nl - line) : strlen(line);

		if (len > 0 &&
			((st = indent(w, depth + 1)) != OSCAL_WRITE_OK ||
			 (st = puts_(w, "<p>")) != OSCAL_WRITE_OK ||
			 (st = put_escaped(w, line, len, false)) != OSCAL_WRITE_OK ||
			 (st = puts_(w, "</p>\n")) != OSCAL_WRITE_OK))
			return st;
		line = nl ? nl + 1 : NULL;
	}
	if ((st = indent(w, depth)) != OSCAL_WRITE_OK)
		return st;
	return puts_(w, "</part>\n");
}

static oscal_write_status
write_node(writer *w, const wnode *n, int depth)
{
	const char *kind = n->group ? "group" : "control";
	const char *id = n->group ? n->group->id : n->control->id;
	const char *cls = n->group ? n->group->class_ : n->control->class_;
	const char *title = n->group ? n->group->title : n->control->title;
	const wnode *c;
	oscal_write_status st;

	if ((st = need(w, kind, n->index, id, "title", title)) != OSCAL_WRITE_OK ||
		(st = indent(w, depth)) != OSCAL_WRITE_OK ||
		(st = puts_(w, n->group ? "<group id=\"" : "<control id=\"")) != OSCAL_WRITE_OK ||
		(st = attr_value(w, kind, n->index, id, "id", id)) != OSCAL_WRITE_OK)
		return st;
	if (cls &&
		((st = puts_(w, "\" class=\"")) != OSCAL_WRITE_OK ||
		 (st = attr_value(w, kind, n->index, id, "class", cls)) != OSCAL_WRITE_OK))
		return st;
	if ((st = puts_(w, "\">\n")) != OSCAL_WRITE_OK ||
		(st = elem(w, depth + 1, "title", kind, n->index, id, "title", title)) != OSCAL_WRITE_OK ||
		(st = write_params(w, n->first_param, depth + 1)) != OSCAL_WRITE_OK)
		return st;
	if (n->control)
	{
		const oscal_control *k = n->control;

		if (k->label &&
			(st = prop(w, depth + 1, "label", n->index, id, k->label)) != OSCAL_WRITE_OK)
			return st;
		if (k->sort_id &&
			(st = prop(w, depth + 1, "sort-id", n->index, id, k->sort_id)) != OSCAL_WRITE_OK)
			return st;
		if (k->withdrawn &&
			(st = prop(w, depth + 1, "status", n->index, id, "withdrawn")) != OSCAL_WRITE_OK)
			return st;
		if (k->statement &&
			(st = write_statement(w, k, n->index, depth + 1)) != OSCAL_WRITE_OK)
			return st;
	}
	for (c = n->first_child; c; c = c->next)
		if ((st = write_node(w, c, depth + 1)) != OSCAL_WRITE_OK)
			return st;
	if ((st = indent(w, depth)) != OSCAL_WRITE_OK)
		return st;
	return puts_(w, n->group ? "</group>\n" : "</control>\n");
}

static oscal_write_status
write_meta(writer *w)
{
	const oscal_meta *m = &w->doc->meta;
	const char *pu = w->doc->publisher_uuid;
	oscal_write_status st;

	if ((st = need(w, "catalog", -1, NULL, "uuid", m->uuid)) != OSCAL_WRITE_OK ||
		(st = need(w, "catalog", -1, NULL, "title", m->title)) != OSCAL_WRITE_OK ||
		(st = need(w, "catalog", -1, NULL, "last-modified", m->last_modified)) != OSCAL_WRITE_OK ||
		(st = need(w, "catalog", -1, NULL, "oscal-version", m->oscal_version)) != OSCAL_WRITE_OK ||
		(m->publisher &&
		 (st = need(w, "catalog", -1, NULL, "party-uuid", pu)) != OSCAL_WRITE_OK))
		return st;
	if ((st = puts_(w, "<?xml version=\"1.0\"?>\n<catalog xmlns=\"" OSCAL_NS "\" uuid=\"")) != OSCAL_WRITE_OK ||
		(st = attr_value(w, "catalog", -1, NULL, "uuid", m->uuid)) != OSCAL_WRITE_OK ||
		(st = puts_(w, "\">\n  <metadata>\n")) != OSCAL_WRITE_OK ||
		(st = elem(w, 2, "title", "catalog", -1, NULL, "title", m->title)) != OSCAL_WRITE_OK ||
		(st = elem(w, 2, "last-modified", "catalog", -1, NULL, "last-modified", m->last_modified)) != OSCAL_WRITE_OK ||
		(m->version &&
		 (st = elem(w, 2, "version", "catalog", -1, NULL, "version", m->version)) != OSCAL_WRITE_OK) ||
		(st = elem(w, 2, "oscal-version", "catalog", -1, NULL, "oscal-version", m->oscal_version)) != OSCAL_WRITE_OK)
		return st;
	if (m->publisher &&
		((st = puts_(w, "    <role id=\"publisher\">\n      <title>Publisher</title>\n"
					 "    </role>\n    <party uuid=\"")) != OSCAL_WRITE_OK ||
		 (st = attr_value(w, "catalog", -1, NULL, "party-uuid", pu)) != OSCAL_WRITE_OK ||
		 (st = puts_(w, "\" type=\"organization\">\n")) != OSCAL_WRITE_OK ||
		 (st = elem(w, 3, "name", "catalog", -1, NULL, "publisher", m->publisher)) != OSCAL_WRITE_OK ||
		 (st = puts_(w, "    </party>\n    <responsible-party role-id=\"publisher\">\n")) != OSCAL_WRITE_OK ||
		 (st = elem(w, 3, "party-uuid", "catalog", -1, NULL, "party-uuid", pu)) != OSCAL_WRITE_OK ||
		 (st = puts_(w, "    </responsible-party>\n")) != OSCAL_WRITE_OK))
		return st;
	return puts_(w, "  </metadata>\n");
}

oscal_write_status
oscal_write_catalog(const oscal_catalog_doc *doc, const oscal_write_limits *lim,
					const oscal_alloc *al, const oscal_sink *sink,
					oscal_write_error *err)
{
	writer		w;
	long		ng = doc->ngroups;
	long		nc = doc->ncontrols;
	long		np = doc->nparams;
	long		nn = ng + nc;
	long		gi = 0,
				ci = 0,
				i;
	wnode	   *nodes;
	wnode		root;
	idx_entry  *gidx;
	idx_entry  *cidx;
	oscal_write_status st;

	memset(err, 0, sizeof(*err));
	err->index = -1;
	err->codepoint = -1;
	memset(&w, 0, sizeof(w));
	w.doc = doc;
	w.lim = lim;
	w.sink = sink;
	w.err = err;

	if (ng < 0 || nc < 0 || np < 0 || nn + np > lim->max_items)
		return fail(&w, OSCAL_WRITE_TOO_MANY, "catalog", -1, NULL, NULL);

	/* max_items bounds every size below, so none of them overflows */
	nodes = al->alloc(al->ctx, sizeof(wnode) * (size_t) (nn > 0 ? nn : 1));
	gidx = al->alloc(al->ctx, sizeof(idx_entry) * (size_t) (ng > 0 ? ng : 1));
	cidx = al->alloc(al->ctx, sizeof(idx_entry) * (size_t) (nc > 0 ? nc : 1));
	w.param_next = al->alloc(al->ctx, sizeof(long) * (size_t) (np > 0 ? np : 1));
	if (!nodes || !gidx || !cidx || !w.param_next)
		return fail(&w, OSCAL_WRITE_NO_MEMORY, "catalog", -1, NULL, NULL);

	/* nodes in document order: groups and controls merged by order */
	for (i = 0; i < nn; i++)
	{
		wnode	   *x = &nodes[i];

		memset(x, 0, sizeof(*x));
		x->first_param = x->last_param = -1;
		if (gi < ng && (ci >= nc || doc->groups[gi].order <= doc->controls[ci].order))
		{
			x->group = &doc->groups[gi];
			x->index = gi;
			if ((st = need(&w, "group", gi, x->group->id, "id", x->group->id)) != OSCAL_WRITE_OK)
				return st;
			gidx[gi].id = x->group->id;
			gidx[gi++].node = x;
		}
		else
		{
			x->control = &doc->controls[ci];
			x->index = ci;
			if ((st = need(&w, "control", ci, x->control->id, "id", x->control->id)) != OSCAL_WRITE_OK)
				return st;
			cidx[ci].id = x->control->id;
			cidx[ci++].node = x;
		}
	}
	qsort(gidx, (size_t) ng, sizeof(idx_entry), idx_cmp);
	qsort(cidx, (size_t) nc, sizeof(idx_entry), idx_cmp);
	for (i = 1; i < ng; i++)
		if (strcmp(gidx[i - 1].id, gidx[i].id) == 0)
			return fail(&w, OSCAL_WRITE_DUPLICATE_ID, "group", gidx[i].node->index,
						gidx[i].id, "id");
	for (i = 1; i < nc; i++)
		if (strcmp(cidx[i - 1].id, cidx[i].id) == 0)
			return fail(&w, OSCAL_WRITE_DUPLICATE_ID, "control", cidx[i].node->index,
						cidx[i].id, "id");

	/* the tree: a control under its parent control, else its group */
	memset(&root, 0, sizeof(root));
	root.first_param = root.last_param = -1;
	for (i = 0; i < nn; i++)
	{
		wnode	   *x = &nodes[i];
		wnode	   *parent;

		if (x->group)
			parent = idx_find(gidx, ng, x->group->parent_id);
		else
		{
			parent = idx_find(cidx, nc, x->control->parent_id);
			if (parent == NULL)
				parent = idx_find(gidx, ng, x->control->group_id);
		}
		add_child(parent ? parent : &root, x);
	}
	for (i = 0; i < np; i++)
	{
		const oscal_param *p = &doc->params[i];
		wnode	   *owner = idx_find(cidx, nc, p->control_id);

		if (owner == NULL)
			owner = idx_find(gidx, ng, p->group_id);
		w.param_next[i] = -1;
		link_param(&w, owner ? owner : &root, i);
	}

	/* a record the walk from the catalog does not reach is in a cycle */
	{
		wnode	   *c;

		for (c = root.first_child; c; c = c->next)
			if ((st = measure(&w, c, 1)) != OSCAL_WRITE_OK)
				return st;
	}
	if (w.reached != nn)
	{
		for (i = 0; i < nn && nodes[i].reached; i++)
			;
		if (i < nn && nodes[i].group)
			return fail(&w, OSCAL_WRITE_CYCLE, "group", nodes[i].index,
						nodes[i].group->id, "parent");
		if (i < nn)
			return fail(&w, OSCAL_WRITE_CYCLE, "control", nodes[i].index,
						nodes[i].control->id, "parent");
		return fail(&w, OSCAL_WRITE_CYCLE, "catalog", -1, NULL, NULL);
	}

	/* catalog: params, then its own controls, then groups (OSCAL's order) */
	if ((st = write_meta(&w)) != OSCAL_WRITE_OK ||
		(st = write_params(&w, root.first_param, 1)) != OSCAL_WRITE_OK)
		return st;
	for (i = 0; i < 2; i++)
	{
		const wnode *c;

		for (c = root.first_child; c; c = c->next)
			if ((c->group != NULL) == (i == 1) &&
				(st = write_node(&w, c, 1)) != OSCAL_WRITE_OK)
				return st;
	}
	if ((st = puts_(&w, "</catalog>\n")) != OSCAL_WRITE_OK)
		return st;
	return flush(&w);
}

const char *
oscal_write_status_text(oscal_write_status st)
{
	switch (st)
	{
		case OSCAL_WRITE_OK:
			return "No error.";
		case OSCAL_WRITE_CONTROL_CHAR:
			return "XML 1.0 allows no control characters other than tab, line feed and carriage return, not even as character references.";
		case OSCAL_WRITE_NONCHARACTER:
			return "XML 1.0 does not allow the characters U+FFFE and U+FFFF, not even as character references.";
		case OSCAL_WRITE_BAD_UTF8:
			return "The text is not valid UTF-8.";
		case OSCAL_WRITE_MISSING:
			return "A required value is missing.";
		case OSCAL_WRITE_DUPLICATE_ID:
			return "Two groups or two controls have the same id.";
		case OSCAL_WRITE_CYCLE:
			return "A group or control is its own ancestor.";
		case OSCAL_WRITE_TOO_DEEP:
			return "Groups and controls are nested deeper than the limit.";
		case OSCAL_WRITE_TOO_MANY:
			return "The catalog has more groups, controls and parameters than the limit.";
		case OSCAL_WRITE_TOO_LONG:
			return "The document would be longer than the limit.";
		case OSCAL_WRITE_NO_MEMORY:
			return "Out of memory.";
		case OSCAL_WRITE_ABORTED:
			return "The writing was stopped by the caller.";
	}
	return "Unknown status.";
}
