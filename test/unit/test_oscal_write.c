/*
 * test_oscal_write.c — unit tests of the OSCAL catalog writer
 * (src/core/oscal_write.c), read back with the core reader
 */
#include "oscal.h"
#include "oscal_write.h"
#include "unit.h"
#include "oscal_arena.h"

/* ------------------------------------------------ records of a walk */

typedef struct recs
{
	oscal_meta	meta;
	oscal_group *groups;
	int			ngroups;
	oscal_control *controls;
	int			ncontrols;
	oscal_param *params;
	int			nparams;
	int			cap;
} recs;

static void *
grow(void *p, int n, int *cap, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	return realloc(p, (size_t) *cap * size);
}

static int	gcap,
			ccap,
			pcap;

static int
on_meta(void *arg, const oscal_meta *m)
{
	((recs *) arg)->meta = *m;
	return 0;
}

static int
on_group(void *arg, const oscal_group *g)
{
	recs	   *r = arg;

	r->groups = grow(r->groups, r->ngroups, &gcap, sizeof(*g));
	r->groups[r->ngroups++] = *g;
	return 0;
}

static int
on_control(void *arg, const oscal_control *c)
{
	recs	   *r = arg;

	r->controls = grow(r->controls, r->ncontrols, &ccap, sizeof(*c));
	r->controls[r->ncontrols++] = *c;
	return 0;
}

static int
on_param(void *arg, const oscal_param *p)
{
	recs	   *r = arg;

	r->params = grow(r->params, r->nparams, &pcap, sizeof(*p));
	r->params[r->nparams++] = *p;
	return 0;
}

static const oscal_catalog_cb CCB = {on_meta, on_group, on_control, on_param};

static void
recs_free(recs *r)
{
	free(r->groups);
	free(r->controls);
	free(r->params);
	memset(r, 0, sizeof(*r));
	gcap = ccap = pcap = 0;
}

/* read and walk a catalog into r; strings live in arena a */
static oscal_status
read_catalog(const char *doc, size_t len, recs *r, arena *a)
{
	oscal_limits lim = OSCAL_DEFAULT_LIMITS;
	oscal_alloc al = {arena_alloc, a};
	oscal_error err;
	oscal_counts cnt;
	xmlDocPtr	d;
	oscal_status st;

	recs_free(r);
	a->cap = 256u << 20;
	st = oscal_read(doc, len, OSCAL_READ_QUIET, NULL, NULL, &d, &err);
	if (st != OSCAL_OK)
		return st;
	st = oscal_walk_catalog(d, &lim, &al, &CCB, r, &cnt, &err);
	oscal_free(d);
	return st;
}

/* ------------------------------------------------------ the writer */

typedef struct outbuf
{
	char	   *data;
	size_t		len;
	size_t		cap;
	long		calls;
	long		fail_after;		/* the sink refuses call n (0 = never) */
} outbuf;

static int
sink_write(void *ctx, const char *data, size_t len)
{
	outbuf	   *o = ctx;

	if (o->fail_after && ++o->calls >= o->fail_after)
		return 1;
	if (o->len + len + 1 > o->cap)
	{
		o->cap = (o->len + len + 1) * 2;
		o->data = realloc(o->data, o->cap);
	}
	memcpy(o->data + o->len, data, len);
	o->len += len;
	o->data[o->len] = '\0';
	return 0;
}

static outbuf OUT;
static arena WA;
static oscal_write_error WERR;

static oscal_write_status
write_doc(const oscal_catalog_doc *doc, const oscal_write_limits *lim)
{
	oscal_write_limits def = OSCAL_WRITE_DEFAULT_LIMITS;
	oscal_alloc al = {arena_alloc, &WA};
	oscal_sink sink = {sink_write, &OUT};

	arena_free_all(&WA);
	if (WA.cap == 0)
		WA.cap = 256u << 20;
	free(OUT.data);
	memset(&OUT, 0, sizeof(OUT));
	return oscal_write_catalog(doc, lim ? lim : &def, &al, &sink, &WERR);
}

static void
doc_from(oscal_catalog_doc *doc, const recs *r)
{
	memset(doc, 0, sizeof(*doc));
	doc->meta = r->meta;
	doc->publisher_uuid = "11111111-2222-4333-8444-555555555555";
	doc->groups = r->groups;
	doc->ngroups = r->ngroups;
	doc->controls = r->controls;
	doc->ncontrols = r->ncontrols;
	doc->params = r->params;
	doc->nparams = r->nparams;
}

static char *
copy_str(const char *s)
{
	size_t		n = strlen(s) + 1;
	char	   *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

static bool
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* every record of a equals the one of b at the same index */
static int
compare_recs(const recs *a, const recs *b)
{
	int			i,
				k,
				bad = 0;

	CHECK(same_str(a->meta.title, b->meta.title));
	CHECK(same_str(a->meta.uuid, b->meta.uuid));
	CHECK(same_str(a->meta.version, b->meta.version));
	CHECK(same_str(a->meta.oscal_version, b->meta.oscal_version));
	CHECK(same_str(a->meta.last_modified, b->meta.last_modified));
	CHECK(same_str(a->meta.publisher, b->meta.publisher));
	CHECK(a->ngroups == b->ngroups && a->ncontrols == b->ncontrols &&
		  a->nparams == b->nparams);
	if (a->ngroups != b->ngroups || a->ncontrols != b->ncontrols ||
		a->nparams != b->nparams)
		return 1;
	for (i = 0; i < a->ngroups; i++)
	{
		const oscal_group *x = &a->groups[i],
				   *y = &b->groups[i];

		if (!same_str(x->id, y->id) || !same_str(x->parent_id, y->parent_id) ||
			!same_str(x->title, y->title) || !same_str(x->class_, y->class_) ||
			x->depth != y->depth || x->order != y->order)
			bad++;
	}
	for (i = 0; i < a->ncontrols; i++)
	{
		const oscal_control *x = &a->controls[i],
				   *y = &b->controls[i];

		if (!same_str(x->id, y->id) || !same_str(x->parent_id, y->parent_id) ||
			!same_str(x->group_id, y->group_id) || !same_str(x->title, y->title) ||
			!same_str(x->class_, y->class_) || !same_str(x->label, y->label) ||
			!same_str(x->sort_id, y->sort_id) || !same_str(x->statement, y->statement) ||
			x->withdrawn != y->withdrawn || x->depth != y->depth || x->order != y->order)
		{
			if (bad++ < 3)
				fprintf(stderr, "  control %s differs\n", x->id);
		}
	}
	for (i = 0; i < a->nparams; i++)
	{
		const oscal_param *x = &a->params[i],
				   *y = &b->params[i];

		if (!same_str(x->id, y->id) || !same_str(x->control_id, y->control_id) ||
			!same_str(x->group_id, y->group_id) || !same_str(x->label, y->label) ||
			!same_str(x->how_many, y->how_many) || !same_str(x->value, y->value) ||
			x->nchoices != y->nchoices || x->order != y->order)
		{
			if (bad++ < 3)
				fprintf(stderr, "  param %s differs\n", x->id);
			continue;
		}
		for (k = 0; k < x->nchoices; k++)
			if (!same_str(x->choices[k], y->choices[k]))
				bad++;
	}
	CHECKF(bad == 0, "%d records differ", bad);
	return bad;
}

#define NS "xmlns=\"http://csrc.nist.gov/ns/oscal/1.0\""

/* a small catalog with every kind of record, in OSCAL's canonical order */
static const char *SMALL =
	"<?xml version=\"1.0\"?>\n"
	"<catalog " NS " uuid=\"7e1b2c3d-0000-4000-8000-000000000001\">"
	"<metadata><title>Small &amp; &lt;tested&gt; \"catalog\"</title>"
	"<last-modified>2024-01-01T00:00:00Z</last-modified><version>5.0</version>"
	"<oscal-version>1.1.2</oscal-version>"
	"<role id=\"publisher\"><title>Publisher</title></role>"
	"<party uuid=\"11111111-2222-4333-8444-555555555555\" type=\"organization\"><name>Body &amp; Co</name></party>"
	"<responsible-party role-id=\"publisher\"><party-uuid>11111111-2222-4333-8444-555555555555</party-uuid></responsible-party>"
	"</metadata>"
	"<param id=\"org\"><label>organization</label></param>"
	"<control id=\"gov-1\" class=\"gov&quot;ernance\"><title>Governance</title>"
	"<part name=\"statement\" id=\"gov-1_smt\"><p>Adopt a charter &amp; keep it.</p></part></control>"
	"<group id=\"op\" class=\"domain\"><title>Operations</title>"
	"<param id=\"op_v\"><label>x</label><value>42</value></param>"
	"<group id=\"op.log\"><title>Logging</title>"
	"<control id=\"op-2\"><title>Event &lt;Logging&gt;</title>"
	"<param id=\"op-02_odp.02\"><select how-many=\"one-or-more\"><choice>hourly</choice><choice>a &lt; b</choice></select></param>"
	"<param id=\"op-02_odp.03\"><select><choice>x</choice></select></param>"
	"<prop name=\"label\" value=\"OP-2 &quot;a&quot;\"/><prop name=\"sort-id\" value=\"op-02\"/>"
	"<part name=\"statement\" id=\"op-2_smt\"><p>Line one.</p><p>Line &lt;two&gt; &amp; \"three\"</p></part>"
	"<control id=\"op-2.1\"><title>Central</title><prop name=\"status\" value=\"withdrawn\"/></control>"
	"<control id=\"op-2.2\"><title>Integrity</title>"
	"<control id=\"op-2.2.1\"><title>Signed</title></control></control>"
	"</control></group></group></catalog>";

TEST(round_trip_small)
{
	static recs a, b;
	static arena ra, rb;
	oscal_catalog_doc doc;
	char	   *first;

	CHECK(read_catalog(SMALL, strlen(SMALL), &a, &ra) == OSCAL_OK);
	CHECK(a.ncontrols == 5 && a.ngroups == 2 && a.nparams == 4);
	doc_from(&doc, &a);
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_OK);
	CHECK(read_catalog(OUT.data, OUT.len, &b, &rb) == OSCAL_OK);
	compare_recs(&a, &b);
	/* writing the copy gives the same document */
	first = copy_str(OUT.data);
	doc_from(&doc, &b);
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_OK);
	CHECK(strcmp(first, OUT.data) == 0);
	/* the layout the regression test shows */
	CHECK(strncmp(OUT.data, "<?xml version=\"1.0\"?>\n<catalog xmlns=\"" OSCAL_NS
				  "\" uuid=\"7e1b2c3d-0000-4000-8000-000000000001\">\n  <metadata>\n"
				  "    <title>", 120) == 0);
	CHECK(strstr(OUT.data, "\n  <param id=\"org\">\n    <label>organization</label>\n  </param>\n"
				 "  <control id=\"gov-1\"") != NULL);
	free(first);
	recs_free(&a);
	recs_free(&b);
	arena_free_all(&ra);
	arena_free_all(&rb);
}

TEST(round_trip_nist_rev4)
{
	static recs a, b;
	static arena ra, rb;
	oscal_catalog_doc doc;
	size_t		len;
	char	   *xml = unit_slurp("../../data/oscal/NIST_SP-800-53_rev4_catalog.xml", &len);
	char	   *first;

	CHECK(xml != NULL);
	if (!xml)
		return;
	CHECK(read_catalog(xml, len, &a, &ra) == OSCAL_OK);
	CHECK(a.ncontrols > 900 && a.nparams > 800);
	doc_from(&doc, &a);
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_OK);
	CHECK(read_catalog(OUT.data, OUT.len, &b, &rb) == OSCAL_OK);
	compare_recs(&a, &b);
	first = copy_str(OUT.data);
	doc_from(&doc, &b);
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_OK);
	CHECK(strcmp(first, OUT.data) == 0);
	free(first);
	free(xml);
	recs_free(&a);
	recs_free(&b);
	arena_free_all(&ra);
	arena_free_all(&rb);
}

/* ------------------------------------------------------- characters */

TEST(text_check)
{
	long		pos,
				cp;
	size_t		off;
	int			c;
	char		s[16];
	/* well-formed UTF-8 that XML 1.0 can carry */
	static const char *ok[] = {
		"", "plain", "tab\there", "lf\nand\rcr", "\x7f del", "\xc2\x85 nel",
		"\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80",
		"\xef\xb7\x90 U+FDD0", "\xef\xbf\xbd", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbd",
		"\xf4\x8f\xbf\xbf", "\xe6\x97\xa5\xe6\x9c\xac", NULL
	};
	/* not UTF-8: stray continuation, overlong, surrogate, past U+10FFFF, cut */
	static const char *bad[] = {
		"\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf",
		"\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf",
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80", "\xfe", "\xff",
		"\xe3\x81", "\xc3", "\xf0\x90\x80", "\xe3\x81x", NULL
	};
	int			i;

	for (i = 0; ok[i]; i++)
		CHECKF(oscal_xml_text_check(ok[i], &pos, &off, &cp) == OSCAL_WRITE_OK, "ok[%d]", i);
	for (i = 0; bad[i]; i++)
	{
		snprintf(s, sizeof(s), "a\xc3\xa9%s", bad[i]);
		CHECKF(oscal_xml_text_check(s, &pos, &off, &cp) == OSCAL_WRITE_BAD_UTF8 &&
			   pos == 3 && off == 3 && cp == -1, "bad[%d]: pos %ld off %zu", i, pos, off);
	}
	/* every C0 control but tab, LF, CR */
	for (c = 1; c < 0x20; c++)
	{
		oscal_write_status st;

		snprintf(s, sizeof(s), "\xe6\x97\xa5x%cy", c);
		st = oscal_xml_text_check(s, &pos, &off, &cp);
		if (c == '\t' || c == '\n' || c == '\r')
			CHECK(st == OSCAL_WRITE_OK);
		else
			CHECKF(st == OSCAL_WRITE_CONTROL_CHAR && pos == 3 && off == 4 && cp == c,
				   "U+%04X: status %d pos %ld", c, (int) st, pos);
	}
	CHECK(oscal_xml_text_check("ab\xef\xbf\xbe", &pos, &off, &cp) == OSCAL_WRITE_NONCHARACTER &&
		  pos == 3 && off == 2 && cp == 0xFFFE);
	CHECK(oscal_xml_text_check("\xef\xbf\xbf", &pos, &off, &cp) == OSCAL_WRITE_NONCHARACTER &&
		  pos == 1 && off == 0 && cp == 0xFFFF);
}

/* one control with every writable field, for the refusal tests */
static oscal_group G1;
static oscal_control C1[2];
static oscal_param P1;
static const char *CH[2];

static void
tiny(oscal_catalog_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
	memset(&G1, 0, sizeof(G1));
	memset(C1, 0, sizeof(C1));
	memset(&P1, 0, sizeof(P1));
	doc->meta.uuid = "u-1";
	doc->meta.title = "Tiny";
	doc->meta.version = "1";
	doc->meta.last_modified = "2024-01-01T00:00:00Z";
	doc->meta.oscal_version = "1.1.2";
	doc->meta.publisher = "Pub";
	doc->publisher_uuid = "p-1";
	G1.id = "g";
	G1.title = "Group";
	G1.class_ = "family";
	G1.order = 1;
	C1[0].id = "AC-2";
	C1[0].group_id = "g";
	C1[0].title = "Account management";
	C1[0].class_ = "base";
	C1[0].label = "AC-2";
	C1[0].sort_id = "ac-02";
	C1[0].statement = "Manage accounts.\nReview them.";
	C1[0].order = 2;
	C1[1].id = "AC-2(1)";
	C1[1].parent_id = "AC-2";
	C1[1].title = "Automated";
	C1[1].order = 3;
	CH[0] = "monthly";
	CH[1] = "yearly";
	P1.id = "ac-2_prm";
	P1.control_id = "AC-2";
	P1.label = "frequency";
	P1.how_many = "one-or-more";
	P1.choices = CH;
	P1.nchoices = 2;
	doc->groups = &G1;
	doc->ngroups = 1;
	doc->controls = C1;
	doc->ncontrols = 2;
	doc->params = &P1;
	doc->nparams = 1;
}

/* a field, where it lives, and how the error names it */
typedef struct field_case
{
	const char **slot;
	const char *kind;
	long		index;
	const char *id;				/* expected id in the error ("" = none) */
	const char *field;
} field_case;

TEST(forbidden_characters_refused)
{
	oscal_catalog_doc doc;
	field_case	cases[] = {
		{&doc.meta.title, "catalog", -1, "", "title"},
		{&doc.meta.uuid, "catalog", -1, "", "uuid"},
		{&doc.meta.version, "catalog", -1, "", "version"},
		{&doc.meta.last_modified, "catalog", -1, "", "last-modified"},
		{&doc.meta.oscal_version, "catalog", -1, "", "oscal-version"},
		{&doc.meta.publisher, "catalog", -1, "", "publisher"},
		{&doc.publisher_uuid, "catalog", -1, "", "party-uuid"},
		{&G1.id, "group", 0, "", "id"},
		{&G1.title, "group", 0, "g", "title"},
		{&G1.class_, "group", 0, "g", "class"},
		{&C1[0].title, "control", 0, "AC-2", "title"},
		{&C1[0].class_, "control", 0, "AC-2", "class"},
		{&C1[0].label, "control", 0, "AC-2", "label"},
		{&C1[0].sort_id, "control", 0, "AC-2", "sort-id"},
		{&C1[0].statement, "control", 0, "AC-2", "statement"},
		{&C1[1].title, "control", 1, "AC-2(1)", "title"},
		{&P1.id, "param", 0, "", "id"},
		{&P1.label, "param", 0, "ac-2_prm", "label"},
		{&P1.how_many, "param", 0, "ac-2_prm", "how-many"},
		{&CH[1], "param", 0, "ac-2_prm", "choice"},
	};
	/* the bad character is always the 4th: "ab\xc3\xa9" + bad + "z" */
	struct
	{
		const char *bytes;
		oscal_write_status st;
		long		cp;
	}			chars[40];
	int			nchars = 0;
	int			c,
				i,
				k;
	static char buf[40][16];

	for (c = 1; c < 0x20; c++)
	{
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		snprintf(buf[nchars], sizeof(buf[0]), "%c", c);
		chars[nchars].bytes = buf[nchars];
		chars[nchars].st = OSCAL_WRITE_CONTROL_CHAR;
		chars[nchars++].cp = c;
	}
	chars[nchars].bytes = "\xef\xbf\xbe";
	chars[nchars].st = OSCAL_WRITE_NONCHARACTER;
	chars[nchars++].cp = 0xFFFE;
	chars[nchars].bytes = "\xef\xbf\xbf";
	chars[nchars].st = OSCAL_WRITE_NONCHARACTER;
	chars[nchars++].cp = 0xFFFF;
	chars[nchars].bytes = "\xc0\xaf";
	chars[nchars].st = OSCAL_WRITE_BAD_UTF8;
	chars[nchars++].cp = -1;
	chars[nchars].bytes = "\xed\xa0\x80";
	chars[nchars].st = OSCAL_WRITE_BAD_UTF8;
	chars[nchars++].cp = -1;
	chars[nchars].bytes = "\xff";
	chars[nchars].st = OSCAL_WRITE_BAD_UTF8;
	chars[nchars++].cp = -1;

	tiny(&doc);
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_OK);
	for (i = 0; i < (int) (sizeof(cases) / sizeof(cases[0])); i++)
	{
		for (k = 0; k < nchars; k++)
		{
			char		value[32];
			oscal_write_status st;

			tiny(&doc);
			snprintf(value, sizeof(value), "ab\xc3\xa9%sz", chars[k].bytes);
			*cases[i].slot = value;
			st = write_doc(&doc, NULL);
			CHECKF(st == chars[k].st && WERR.status == st,
				   "case %d char %d: status %d", i, k, (int) st);
			CHECKF(WERR.kind && strcmp(WERR.kind, cases[i].kind) == 0 &&
				   WERR.index == cases[i].index &&
				   strcmp(WERR.id, cases[i].id) == 0 &&
				   WERR.field && strcmp(WERR.field, cases[i].field) == 0,
				   "case %d: %s %ld \"%s\" %s", i, WERR.kind, WERR.index, WERR.id,
				   WERR.field ? WERR.field : "(null)");
			CHECKF(WERR.char_pos == 4 && WERR.byte_pos == 4 && WERR.codepoint == chars[k].cp,
				   "case %d char %d: pos %ld", i, k, WERR.char_pos);
			/* the error never holds the bad bytes */
			CHECK(strstr(WERR.id, chars[k].bytes) == NULL);
		}
	}
	/* a statement's position counts over its lines */
	tiny(&doc);
	C1[0].statement = "one\ntwo\x01";
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_CONTROL_CHAR && WERR.char_pos == 8);
}

TEST(escaping)
{
	static recs r;
	static arena ra;
	oscal_catalog_doc doc;

	tiny(&doc);
	doc.meta.title = "A & B <c> \"d\" ]]> e";
	G1.class_ = "x\"&<>'y";
	C1[0].title = "t\twith\ttabs";
	C1[0].label = "l\"&<>\tz";
	C1[0].statement = "s & <p> \"q\"\rcr";
	CH[0] = "a < b & c > \"d\"";
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_OK);
	CHECK(strstr(OUT.data, "<title>A &amp; B &lt;c&gt; \"d\" ]]&gt; e</title>") != NULL);
	CHECK(strstr(OUT.data, "<group id=\"g\" class=\"x&quot;&amp;&lt;&gt;'y\">") != NULL);
	CHECK(strstr(OUT.data, "<prop name=\"label\" value=\"l&quot;&amp;&lt;&gt;&#9;z\"/>") != NULL);
	CHECK(strstr(OUT.data, "<p>s &amp; &lt;p&gt; \"q\"&#13;cr</p>") != NULL);
	CHECK(strstr(OUT.data, "<choice>a &lt; b &amp; c &gt; \"d\"</choice>") != NULL);
	/* and the reader gets the values back */
	CHECK(read_catalog(OUT.data, OUT.len, &r, &ra) == OSCAL_OK);
	CHECK(r.ngroups == 1 && r.ncontrols == 2 && r.nparams == 1);
	if (r.ngroups == 1 && r.ncontrols == 2 && r.nparams == 1)
	{
		CHECK(strcmp(r.meta.title, "A & B <c> \"d\" ]]> e") == 0);
		CHECK(strcmp(r.groups[0].class_, "x\"&<>'y") == 0);
		CHECK(strcmp(r.controls[0].label, "l\"&<> z") == 0 ||
			  strcmp(r.controls[0].label, "l\"&<>\tz") == 0);
		CHECK(strcmp(r.params[0].choices[0], "a < b & c > \"d\"") == 0);
		CHECK(strcmp(r.controls[0].parent_id ? "" : r.controls[0].group_id, "g") == 0);
		CHECK(strcmp(r.controls[1].parent_id, "AC-2") == 0);
	}
	/* an attribute keeps a line end as a reference */
	tiny(&doc);
	G1.class_ = "a\nb\rc";
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_OK);
	CHECK(strstr(OUT.data, "class=\"a&#10;b&#13;c\"") != NULL);
	recs_free(&r);
	arena_free_all(&ra);
}

TEST(records_that_are_not_a_tree)
{
	oscal_catalog_doc doc;
	oscal_group gs[2];
	oscal_control cs[2];

	/* a control whose parent is itself */
	tiny(&doc);
	C1[1].parent_id = "AC-2(1)";
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_CYCLE);
	CHECK(strcmp(WERR.kind, "control") == 0 && strcmp(WERR.id, "AC-2(1)") == 0);
	/* two groups, each the other's parent */
	tiny(&doc);
	memset(gs, 0, sizeof(gs));
	gs[0].id = "a";
	gs[0].parent_id = "b";
	gs[0].title = "A";
	gs[1].id = "b";
	gs[1].parent_id = "a";
	gs[1].title = "B";
	doc.groups = gs;
	doc.ngroups = 2;
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_CYCLE);
	/* duplicate control ids */
	tiny(&doc);
	memset(cs, 0, sizeof(cs));
	cs[0].id = cs[1].id = "X-1";
	cs[0].title = cs[1].title = "X";
	doc.controls = cs;
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_DUPLICATE_ID);
	CHECK(strcmp(WERR.kind, "control") == 0 && strcmp(WERR.id, "X-1") == 0);
	/* a missing title */
	tiny(&doc);
	C1[1].title = NULL;
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_MISSING);
	CHECK(strcmp(WERR.field, "title") == 0 && WERR.index == 1);
	tiny(&doc);
	doc.publisher_uuid = NULL;
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_MISSING);
	/* a parent that is not there: the control goes to its group */
	tiny(&doc);
	C1[1].parent_id = "ZZ-9";
	C1[1].group_id = "g";
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_OK);
}

TEST(limits_and_sink)
{
	oscal_catalog_doc doc;
	oscal_write_limits lim = OSCAL_WRITE_DEFAULT_LIMITS;
	size_t		full;

	tiny(&doc);
	CHECK(write_doc(&doc, &lim) == OSCAL_WRITE_OK);
	full = OUT.len;
	lim.max_output = full;
	CHECK(write_doc(&doc, &lim) == OSCAL_WRITE_OK && OUT.len == full);
	lim.max_output = full - 1;
	CHECK(write_doc(&doc, &lim) == OSCAL_WRITE_TOO_LONG);
	lim = (oscal_write_limits) OSCAL_WRITE_DEFAULT_LIMITS;
	lim.max_items = 3;
	CHECK(write_doc(&doc, &lim) == OSCAL_WRITE_TOO_MANY);
	lim.max_items = 4;
	CHECK(write_doc(&doc, &lim) == OSCAL_WRITE_OK);
	/* group, control, enhancement: depth 3 */
	lim.max_depth = 2;
	CHECK(write_doc(&doc, &lim) == OSCAL_WRITE_TOO_DEEP);
	CHECK(strcmp(WERR.kind, "control") == 0 && strcmp(WERR.id, "AC-2(1)") == 0);
	lim.max_depth = 3;
	CHECK(write_doc(&doc, &lim) == OSCAL_WRITE_OK);
	/* the sink says stop */
	{
		oscal_write_limits def = OSCAL_WRITE_DEFAULT_LIMITS;
		oscal_alloc al = {arena_alloc, &WA};
		oscal_sink sink = {sink_write, &OUT};

		free(OUT.data);
		memset(&OUT, 0, sizeof(OUT));
		OUT.fail_after = 1;
		CHECK(oscal_write_catalog(&doc, &def, &al, &sink, &WERR) == OSCAL_WRITE_ABORTED);
		OUT.fail_after = 0;
	}
	/* no memory */
	WA.cap = 16;
	CHECK(write_doc(&doc, NULL) == OSCAL_WRITE_NO_MEMORY);
	WA.cap = 256u << 20;
	CHECK(oscal_write_status_text(OSCAL_WRITE_CONTROL_CHAR) != NULL);
}

int
main(void)
{
	RUN(round_trip_small);
	RUN(round_trip_nist_rev4);
	RUN(text_check);
	RUN(forbidden_characters_refused);
	RUN(escaping);
	RUN(records_that_are_not_a_tree);
	RUN(limits_and_sink);
	arena_free_all(&WA);
	free(OUT.data);
	return UNIT_DONE("test_oscal_write");
}
