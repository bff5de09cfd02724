/*
 * oscal_write_fuzzer.c — libFuzzer target for the OSCAL catalog writer
 *
 * The input is cut at NUL bytes into strings; the first bytes choose the
 * shape (how many groups, controls and params, which parent each has,
 * which optional fields are NULL) and the strings fill the fields, so any
 * byte — control characters, U+FFFE, broken UTF-8, markup — reaches any
 * field.  Properties checked on every input:
 *   - the writer returns OK exactly when no string it writes fails
 *     oscal_xml_text_check, unless the records are not a tree (a cycle, a
 *     duplicate id) or a required value is NULL;
 *   - a refusal is reported in the error with a status text, a character
 *     status carries a position within the value, and the id in the error
 *     is itself clean text (never the bad bytes);
 *   - on success the output is a well-formed OSCAL document (the core
 *     reader accepts it); when the reader's walk accepts it too, it finds
 *     as many groups, controls and params as were written;
 *   - writing the same records twice gives the same bytes.
 */
#include "oscal.h"
#include "oscal_write.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/oscal_arena.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)
#define MAXG 4
#define MAXC 8
#define MAXP 4
#define MAXCH 3

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct outbuf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} outbuf;

static int
sink_write(void *ctx, const char *d, size_t len)
{
	outbuf	   *o = ctx;

	if (o->len + len + 1 > o->cap)
	{
		o->cap = (o->len + len + 1) * 2;
		o->data = realloc(o->data, o->cap);
		REQUIRE(o->data != NULL);
	}
	memcpy(o->data + o->len, d, len);
	o->len += len;
	o->data[o->len] = '\0';
	return 0;
}

/* strings of the input, handed out in turn; NULL when they run out */
typedef struct strings
{
	const char *s[256];
	int			n;
	int			next;
} strings;

static const char *
take(strings *ss)
{
	return ss->next < ss->n ? ss->s[ss->next++] : NULL;
}

static bool
clean(const char *s)
{
	long		pos,
				cp;
	size_t		off;

	return s == NULL || oscal_xml_text_check(s, &pos, &off, &cp) == OSCAL_WRITE_OK;
}

static int
count_control(void *arg, const oscal_control *c)
{
	(*(long *) arg)++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *buf;
	strings		ss;
	uint8_t		shape[8] = {0};
	size_t		i,
				start;
	int			ng,
				nc,
				np,
				k;
	oscal_catalog_doc doc;
	oscal_group groups[MAXG];
	oscal_control controls[MAXC];
	oscal_param params[MAXP];
	const char *choices[MAXP][MAXCH];
	bool		all_clean = true;
	oscal_write_limits lim = OSCAL_WRITE_DEFAULT_LIMITS;
	arena		a = {NULL, 0, 1u << 24};
	oscal_alloc al = {arena_alloc, &a};
	outbuf		out = {NULL, 0, 0};
	outbuf		again = {NULL, 0, 0};
	oscal_sink sink = {sink_write, &out};
	oscal_write_error err;
	oscal_write_status st;

	if (size > 1 << 16)
		return 0;
	memcpy(shape, data, size < sizeof(shape) ? size : sizeof(shape));
	start = size < sizeof(shape) ? size : sizeof(shape);
	buf = malloc(size - start + 1);
	REQUIRE(buf != NULL);
	memcpy(buf, data + start, size - start);
	buf[size - start] = '\0';
	ss.n = ss.next = 0;
	ss.s[ss.n++] = buf;
	for (i = 0; i < size - start && ss.n < 256; i++)
		if (buf[i] == '\0')
			ss.s[ss.n++] = buf + i + 1;

	ng = shape[0] % (MAXG + 1);
	nc = shape[1] % (MAXC + 1);
	np = shape[2] % (MAXP + 1);
	memset(&doc, 0, sizeof(doc));
	memset(groups, 0, sizeof(groups));
	memset(controls, 0, sizeof(controls));
	memset(params, 0, sizeof(params));

	/* metadata: required values fall back to constants */
	doc.meta.title = take(&ss);
	if (doc.meta.title == NULL)
		doc.meta.title = "T";
	doc.meta.uuid = "u";
	doc.meta.last_modified = "2024-01-01T00:00:00Z";
	doc.meta.oscal_version = "1.1.2";
	doc.meta.version = (shape[3] & 1) ? take(&ss) : NULL;
	doc.meta.publisher = (shape[3] & 2) ? take(&ss) : NULL;
	doc.publisher_uuid = "p";
	if (doc.meta.publisher == NULL)
		doc.publisher_uuid = NULL;

	for (k = 0; k < ng; k++)
	{
		groups[k].id = take(&ss);
		if (groups[k].id == NULL)
			groups[k].id = k == 0 ? "g0" : k == 1 ? "g1" : k == 2 ? "g2" : "g3";
		groups[k].title = "G";
		groups[k].class_ = (shape[4] >> k) & 1 ? take(&ss) : NULL;
		/* parent: an earlier group, so no cycle */
		groups[k].parent_id = k > 0 && ((shape[5] >> k) & 1) ? groups[k - 1].id : NULL;
		groups[k].order = 2 * k;
	}
	for (k = 0; k < nc; k++)
	{
		static const char *ids[MAXC] = {"a-1", "a-2", "a-3", "a-4", "a-5", "a-6", "a-7", "a-8"};
		uint8_t		b = (uint8_t) (shape[6] + 37 * k);

		controls[k].id = ids[k];
		controls[k].title = take(&ss);
		if (controls[k].title == NULL)
			controls[k].title = "C";
		controls[k].class_ = (b & 1) ? take(&ss) : NULL;
		controls[k].label = (b & 2) ? take(&ss) : NULL;
		controls[k].sort_id = (b & 4) ? take(&ss) : NULL;
		controls[k].statement = (b & 8) ? take(&ss) : NULL;
		controls[k].withdrawn = (b & 16) != 0;
		controls[k].parent_id = k > 0 && (b & 32) ? ids[k - 1] : NULL;
		controls[k].group_id = ng > 0 && (b & 64) ? groups[k % ng].id : NULL;
		controls[k].order = 2 * k + 1;
	}
	for (k = 0; k < np; k++)
	{
		uint8_t		b = (uint8_t) (shape[7] + 53 * k);
		int			c;

		params[k].id = take(&ss);
		if (params[k].id == NULL)
			params[k].id = "p";
		params[k].label = (b & 1) ? take(&ss) : NULL;
		params[k].how_many = (b & 2) ? ((b & 4) ? "one" : take(&ss)) : NULL;
		params[k].value = (b & 8) ? take(&ss) : NULL;
		params[k].control_id = nc > 0 && (b & 16) ? controls[k % nc].id : NULL;
		params[k].group_id = ng > 0 && (b & 32) ? groups[k % ng].id : NULL;
		params[k].nchoices = (b >> 6) % (MAXCH + 1);
		for (c = 0; c < params[k].nchoices; c++)
			choices[k][c] = take(&ss);
		params[k].choices = choices[k];
	}
	doc.groups = groups;
	doc.ngroups = ng;
	doc.controls = controls;
	doc.ncontrols = nc;
	doc.params = params;
	doc.nparams = np;

	/* which values the writer will write */
	all_clean = clean(doc.meta.title) && clean(doc.meta.version) &&
		clean(doc.meta.publisher);
	for (k = 0; k < ng; k++)
		all_clean = all_clean && clean(groups[k].id) && clean(groups[k].class_);
	for (k = 0; k < nc; k++)
		all_clean = all_clean && clean(controls[k].title) &&
			clean(controls[k].class_) && clean(controls[k].label) &&
			clean(controls[k].sort_id) && clean(controls[k].statement);
	for (k = 0; k < np; k++)
	{
		int			c;

		all_clean = all_clean && clean(params[k].id) && clean(params[k].label);
		if (params[k].how_many)
		{
			all_clean = all_clean && clean(params[k].how_many);
			for (c = 0; c < params[k].nchoices; c++)
				all_clean = all_clean && clean(choices[k][c]);
		}
		else
			all_clean = all_clean && clean(params[k].value);
	}

	st = oscal_write_catalog(&doc, &lim, &al, &sink, &err);
	REQUIRE(err.status == st);
	REQUIRE(oscal_write_status_text(st) != NULL);
	if (st == OSCAL_WRITE_CONTROL_CHAR || st == OSCAL_WRITE_NONCHARACTER ||
		st == OSCAL_WRITE_BAD_UTF8)
	{
		REQUIRE(!all_clean);
		REQUIRE(err.char_pos >= 1 && err.field != NULL && err.kind != NULL);
		REQUIRE((st == OSCAL_WRITE_BAD_UTF8) == (err.codepoint == -1));
		REQUIRE(clean(err.id));
	}
	else if (st == OSCAL_WRITE_OK)
	{
		oscal_limits rlim = OSCAL_DEFAULT_LIMITS;
		oscal_catalog_cb cb = {NULL, NULL, NULL, NULL};
		oscal_counts cnt;
		oscal_error rerr;
		xmlDocPtr	xd = NULL;
		long		seen = 0;

		REQUIRE(all_clean);
		REQUIRE(out.data != NULL && out.len == strlen(out.data));
		/* well-formed, no DOCTYPE, every element in the OSCAL namespace */
		REQUIRE(oscal_read(out.data, out.len, OSCAL_READ_QUIET, NULL, NULL, &xd, &rerr) == OSCAL_OK);
		cb.control = count_control;
		if (oscal_walk_catalog(xd, &rlim, &al, &cb, &seen, &cnt, &rerr) == OSCAL_OK)
		{
			REQUIRE(cnt.groups == ng);
			REQUIRE(cnt.controls + cnt.enhancements == nc && seen == nc);
			REQUIRE(cnt.params == np);
		}
		oscal_free(xd);
		/* the same records give the same bytes */
		sink.ctx = &again;
		REQUIRE(oscal_write_catalog(&doc, &lim, &al, &sink, &err) == OSCAL_WRITE_OK);
		REQUIRE(again.len == out.len && memcmp(again.data, out.data, out.len) == 0);
	}
	else
	{
		/* the shapes above make no cycle; duplicates come from the input */
		REQUIRE(st == OSCAL_WRITE_DUPLICATE_ID || st == OSCAL_WRITE_MISSING);
	}
	free(out.data);
	free(again.data);
	free(buf);
	arena_free_all(&a);
	return 0;
}
