/*
 * json_tree.h — a small JSON reader for the tests and the fuzz target of the
 * OSCAL JSON walk, and the walk's accessors over its tree.
 *
 * The backend hands the walk a jsonb value; without a server the tests need
 * a tree of their own.  This reader is strict JSON (RFC 8259) with a depth
 * limit; strings keep their bytes, with the escapes \" \\ \/ \b \f \n \r \t
 * decoded and \uXXXX decoded to UTF-8 (\u0000 is refused, as jsonb refuses
 * it).  Like jsonb, an object keeps the last of duplicated keys.  Memory
 * comes from an arena (oscal_arena.h), freed at once.
 */
#ifndef ISMAP_JSON_TREE_H
#define ISMAP_JSON_TREE_H

#include <stddef.h>
#include <string.h>

#include "oscal.h"
#include "oscal_arena.h"

#define JT_MAX_DEPTH 200

typedef struct jt_node
{
	oscal_jkind kind;
	const char *str;			/* STRING (not NUL-terminated), NUMBER text */
	size_t		len;
	int			n;				/* ARRAY elements, OBJECT members */
	const char **keys;			/* OBJECT: key i (NUL-terminated) */
	struct jt_node **items;		/* ARRAY: element i; OBJECT: value of key i */
} jt_node;

typedef struct jt_reader
{
	const char *p;
	const char *end;
	arena	   *a;
	int			depth;
} jt_reader;

static void
jt_ws(jt_reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int
jt_hex4(const char *s, unsigned *out)
{
	unsigned	v = 0;
	int			i;

	for (i = 0; i < 4; i++)
	{
		char		c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned) (c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned) (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned) (c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* a string at r->p (the opening quote); bytes in *s, *len */
static int
jt_string(jt_reader *r, const char **s, size_t *len)
{
	const char *q = r->p + 1;
	char	   *out;
	size_t		n = 0;

	/* the decoded form is never longer than the text */
	while (q < r->end && *q != '"')
		q += (*q == '\\' && q + 1 < r->end) ? 2 : 1;
	if (q >= r->end)
		return -1;
	out = arena_alloc(r->a, (size_t) (q - r->p) + 1);
	if (out == NULL)
		return -1;
	for (q = r->p + 1; *q != '"'; q++)
	{
		unsigned char c = (unsigned char) *q;

		if (c < 0x20)
			return -1;
		if (c != '\\')
		{
			out[n++] = (char) c;
			continue;
		}
		q++;
		switch (*q)
		{
			case '"': out[n++] = '"'; break;
			case '\\': out[n++] = '\\'; break;
			case '/': out[n++] = '/'; break;
			case 'b': out[n++] = '\b'; break;
			case 'f': out[n++] = '\f'; break;
			case 'n': out[n++] = '\n'; break;
			case 'r': out[n++] = '\r'; break;
			case 't': out[n++] = '\t'; break;
			case 'u':
				{
					unsigned	cp;

					/* "\uXXXX" is 6 bytes and at most 4 of UTF-8 */
					if (r->end - q < 5 || jt_hex4(q + 1, &cp) != 0 || cp == 0 ||
						(cp >= 0xD800 && cp <= 0xDFFF))
						return -1;
					q += 4;
					if (cp < 0x80)
						out[n++] = (char) cp;
					else if (cp < 0x800)
					{
						out[n++] = (char) (0xC0 | (cp >> 6));
						out[n++] = (char) (0x80 | (cp & 0x3F));
					}
					else
					{
						out[n++] = (char) (0xE0 | (cp >> 12));
						out[n++] = (char) (0x80 | ((cp >> 6) & 0x3F));
						out[n++] = (char) (0x80 | (cp & 0x3F));
					}
					break;
				}
			default:
				return -1;
		}
	}
	out[n] = '\0';
	r->p = q + 1;
	*s = out;
	*len = n;
	return 0;
}

static jt_node *jt_value(jt_reader *r);

/* grow a pair of parallel arrays held in the arena (old copies are left) */
static int
jt_grow(jt_reader *r, jt_node *nd, int *cap)
{
	int			nc = *cap ? *cap * 2 : 8;
	jt_node   **items = arena_alloc(r->a, sizeof(jt_node *) * (size_t) nc);
	const char **keys = arena_alloc(r->a, sizeof(char *) * (size_t) nc);

	if (items == NULL || keys == NULL)
		return -1;
	if (nd->n)
	{
		memcpy(items, nd->items, sizeof(jt_node *) * (size_t) nd->n);
		if (nd->keys)
			memcpy(keys, nd->keys, sizeof(char *) * (size_t) nd->n);
	}
	nd->items = items;
	if (nd->kind == OSCAL_J_OBJECT)
		nd->keys = keys;
	*cap = nc;
	return 0;
}

static jt_node *
jt_value(jt_reader *r)
{
	jt_node    *nd;
	int			cap = 0;

	jt_ws(r);
	if (r->p >= r->end)
		return NULL;
	nd = arena_alloc(r->a, sizeof(jt_node));
	if (nd == NULL)
		return NULL;
	memset(nd, 0, sizeof(*nd));
	if (*r->p == '{' || *r->p == '[')
	{
		char		close = *r->p == '{' ? '}' : ']';

		if (++r->depth > JT_MAX_DEPTH)
			return NULL;
		nd->kind = *r->p == '{' ? OSCAL_J_OBJECT : OSCAL_J_ARRAY;
		r->p++;
		jt_ws(r);
		if (r->p < r->end && *r->p == close)
		{
			r->p++;
			r->depth--;
			return nd;
		}
		for (;;)
		{
			const char *key = NULL;
			size_t		klen;
			jt_node    *v;
			int			i;

			jt_ws(r);
			if (nd->kind == OSCAL_J_OBJECT)
			{
				if (r->p >= r->end || *r->p != '"' || jt_string(r, &key, &klen) != 0 ||
					memchr(key, '\0', klen) != NULL)
					return NULL;
				jt_ws(r);
				if (r->p >= r->end || *r->p != ':')
					return NULL;
				r->p++;
			}
			if ((v = jt_value(r)) == NULL)
				return NULL;
			i = nd->n;
			if (key)
			{
				/* the last of duplicated keys wins, as in jsonb */
				for (i = 0; i < nd->n && strcmp(nd->keys[i], key) != 0; i++)
					;
			}
			if (i == nd->n)
			{
				if (nd->n == cap && jt_grow(r, nd, &cap) != 0)
					return NULL;
				nd->n++;
			}
			nd->items[i] = v;
			if (key)
				nd->keys[i] = key;
			jt_ws(r);
			if (r->p < r->end && *r->p == ',')
			{
				r->p++;
				continue;
			}
			if (r->p < r->end && *r->p == close)
			{
				r->p++;
				r->depth--;
				return nd;
			}
			return NULL;
		}
	}
	if (*r->p == '"')
	{
		nd->kind = OSCAL_J_STRING;
		return jt_string(r, &nd->str, &nd->len) == 0 ? nd : NULL;
	}
	if (r->end - r->p >= 4 && memcmp(r->p, "null", 4) == 0)
	{
		nd->kind = OSCAL_J_NULL;
		r->p += 4;
		return nd;
	}
	if (r->end - r->p >= 4 && memcmp(r->p, "true", 4) == 0)
	{
		nd->kind = OSCAL_J_BOOL;
		r->p += 4;
		return nd;
	}
	if (r->end - r->p >= 5 && memcmp(r->p, "false", 5) == 0)
	{
		nd->kind = OSCAL_J_BOOL;
		r->p += 5;
		return nd;
	}
	if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
	{
		const char *s = r->p;

		r->p++;
		while (r->p < r->end && ((*r->p >= '0' && *r->p <= '9') || *r->p == '.' ||
								 *r->p == 'e' || *r->p == 'E' || *r->p == '+' || *r->p == '-'))
			r->p++;
		nd->kind = OSCAL_J_NUMBER;
		nd->str = s;
		nd->len = (size_t) (r->p - s);
		return nd;
	}
	return NULL;
}

/* the whole buffer as one JSON value, or NULL */
static jt_node *
jt_parse(const char *buf, size_t len, arena *a)
{
	jt_reader	r = {buf, buf + len, a, 0};
	jt_node    *v = jt_value(&r);

	if (v == NULL)
		return NULL;
	jt_ws(&r);
	return r.p == r.end ? v : NULL;
}

/* ---- the walk's accessors */

static oscal_jkind
jt_kind(void *ctx, const void *node)
{
	return ((const jt_node *) node)->kind;
}

static const void *
jt_member(void *ctx, const void *object, const char *key)
{
	const jt_node *o = object;
	int			i;

	if (o->kind != OSCAL_J_OBJECT)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return o->items[i];
	return NULL;
}

static int
jt_length(void *ctx, const void *array)
{
	const jt_node *o = array;

	return o->kind == OSCAL_J_ARRAY ? o->n : 0;
}

static const void *
jt_element(void *ctx, const void *array, int i)
{
	const jt_node *o = array;

	return (o->kind == OSCAL_J_ARRAY && i >= 0 && i < o->n) ? o->items[i] : NULL;
}

static const char *
jt_str(void *ctx, const void *node, size_t *len)
{
	const jt_node *o = node;

	*len = o->len;
	return o->str ? o->str : "";
}

static const oscal_jops jt_ops = {jt_kind, jt_member, jt_length, jt_element, jt_str, NULL, NULL};

#endif
