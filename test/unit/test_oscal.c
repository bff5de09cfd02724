/*
 * test_oscal.c — unit tests of the OSCAL tree walk (src/core/oscal.c)
 */
#include "oscal.h"
#include "unit.h"
#include "oscal_arena.h"

#define NS "xmlns=\"http://csrc.nist.gov/ns/oscal/1.0\""
#define MAXREC 4000

typedef struct rec
{
	oscal_meta	meta;
	oscal_group groups[64];
	int			ngroups;
	oscal_control controls[MAXREC];
	int			ncontrols;
	oscal_param params[MAXREC];
	int			nparams;
	oscal_selection sel[MAXREC];
	int			nsel;
	int			nimports;
} rec;

static rec R;
static arena A;
static const oscal_read_opts *OPTS;	/* of the reads of catalog() */

static int
on_meta(void *arg, const oscal_meta *m)
{
	((rec *) arg)->meta = *m;
	return 0;
}

static int
on_group(void *arg, const oscal_group *g)
{
	rec		   *r = arg;

	if (r->ngroups < 64)
		r->groups[r->ngroups++] = *g;
	return 0;
}

static int
on_control(void *arg, const oscal_control *c)
{
	rec		   *r = arg;

	if (r->ncontrols < MAXREC)
		r->controls[r->ncontrols++] = *c;
	return 0;
}

static int
on_param(void *arg, const oscal_param *p)
{
	rec		   *r = arg;

	if (r->nparams < MAXREC)
		r->params[r->nparams++] = *p;
	return 0;
}

static int
on_import(void *arg, const char *href, int no, long line)
{
	((rec *) arg)->nimports++;
	return 0;
}

static int
on_select(void *arg, const oscal_selection *s)
{
	rec		   *r = arg;

	if (r->nsel < MAXREC)
		r->sel[r->nsel++] = *s;
	return 0;
}

static const oscal_catalog_cb CCB = {on_meta, on_group, on_control, on_param};
static const oscal_profile_cb PCB = {on_meta, on_import, on_select};

/* read + walk a catalog; returns the status, counts in *cnt */
static oscal_status
catalog(const char *doc, size_t len, oscal_counts *cnt, oscal_error *err)
{
	oscal_limits lim = OSCAL_DEFAULT_LIMITS;
	oscal_alloc al = {arena_alloc, &A};
	xmlDocPtr	d;
	oscal_status st;
	oscal_counts dummy;

	memset(&R, 0, sizeof(R));
	arena_free_all(&A);
	A.cap = 256u << 20;
	st = oscal_read(doc, len, OSCAL_READ_QUIET, OPTS, NULL, &d, err);
	if (st != OSCAL_OK)
		return st;
	st = oscal_walk_catalog(d, &lim, &al, &CCB, &R, cnt ? cnt : &dummy, err);
	oscal_free(d);
	return st;
}

static oscal_status
cat_str(const char *doc, oscal_error *err)
{
	return catalog(doc, strlen(doc), NULL, err);
}

static oscal_status
profile(const char *doc, oscal_error *err)
{
	oscal_limits lim = OSCAL_DEFAULT_LIMITS;
	oscal_alloc al = {arena_alloc, &A};
	xmlDocPtr	d;
	oscal_status st;

	memset(&R, 0, sizeof(R));
	arena_free_all(&A);
	A.cap = 256u << 20;
	st = oscal_read(doc, strlen(doc), OSCAL_READ_QUIET, NULL, NULL, &d, err);
	if (st != OSCAL_OK)
		return st;
	st = oscal_walk_profile(d, &lim, &al, &PCB, &R, err);
	oscal_free(d);
	return st;
}

static const oscal_control *
find_control(const char *id)
{
	int			i;

	for (i = 0; i < R.ncontrols; i++)
		if (strcmp(R.controls[i].id, id) == 0)
			return &R.controls[i];
	return NULL;
}

#define META "<metadata><title>T</title><version>1</version><oscal-version>1.1.1</oscal-version></metadata>"

TEST(minimal_catalog)
{
	oscal_error err;
	oscal_counts cnt;
	const char *doc =
		"<?xml version=\"1.0\"?>\n<?xml-model href=\"http://example.invalid/x.xsd\"?>\n"
		"<catalog " NS " uuid=\"u-1\">" META
		"<group id=\"ac\" class=\"family\"><title>Access  Control</title>"
		"<control id=\"ac-1\" class=\"SP800-53\"><title>Policy</title>"
		"<param id=\"ac-1_prm_1\"><label>organization-defined roles</label></param>"
		"<param id=\"ac-1_prm_2\"><select how-many=\"one-or-more\"><choice>a</choice>"
		"<choice><insert type=\"param\" id-ref=\"ac-1_prm_1\"/></choice></select></param>"
		"<prop name=\"label\" class=\"sp800-53a\" value=\"AC-01\"/>"
		"<prop name=\"label\" value=\"AC-1\"/><prop name=\"sort-id\" value=\"ac-01\"/>"
		"<prop name=\"status\" ns=\"https://fedramp.gov/ns/oscal\" value=\"withdrawn\"/>"
		"<part name=\"statement\" id=\"ac-1_smt\"><p>The org:</p>"
		"<part name=\"item\"><prop name=\"label\" value=\"a.\"/><p>Gives\n   <insert type=\"param\" id-ref=\"ac-1_prm_1\"/> a <em>policy</em>;</p>"
		"<part name=\"item\"><prop name=\"label\" value=\"1.\"/><p>  <insert type=\"param\" id-ref=\"ac-1_prm_2\"/></p></part></part>"
		"<part name=\"item\"><prop name=\"label\" value=\"b.\"/></part>"
		"</part><part name=\"guidance\"><p>ignored</p></part>"
		"<control id=\"ac-1.1\"><title>Enh</title><prop name=\"status\" value=\"Withdrawn\"/></control>"
		"</control></group>"
		"<control id=\"x-1\"><title>Loose</title></control>"
		"</catalog>";
	const oscal_control *c;

	CHECK(catalog(doc, strlen(doc), &cnt, &err) == OSCAL_OK);
	CHECK(cnt.groups == 1 && cnt.controls == 2 && cnt.enhancements == 1);
	CHECK(cnt.withdrawn == 1 && cnt.params == 2);
	CHECK(strcmp(R.meta.title, "T") == 0 && strcmp(R.meta.uuid, "u-1") == 0);
	CHECK(strcmp(R.groups[0].title, "Access Control") == 0);
	c = find_control("ac-1");
	CHECK(c != NULL);
	if (c)
	{
		CHECK(strcmp(c->label, "AC-1") == 0);
		CHECK(strcmp(c->sort_id, "ac-01") == 0);
		CHECK(!c->withdrawn);	/* FedRAMP-namespaced prop does not count */
		CHECK(strcmp(c->group_id, "ac") == 0 && c->parent_id == NULL);
		CHECKF(strcmp(c->statement,
					  "The org:\n"
					  "a. Gives [Assignment: organization-defined roles] a policy;\n"
					  "1. [Selection (one or more): a; [Assignment: organization-defined roles]]\n"
					  "b.") == 0, "statement: <%s>", c->statement);
	}
	c = find_control("ac-1.1");
	CHECK(c && c->withdrawn && c->depth == 2 && strcmp(c->parent_id, "ac-1") == 0);
	CHECK(c && c->statement == NULL && c->label == NULL);
	c = find_control("x-1");
	CHECK(c && c->group_id == NULL && c->depth == 1);
	CHECK(R.nparams == 2 && R.params[1].nchoices == 2);
	CHECK(strcmp(R.params[1].how_many, "one-or-more") == 0);
	CHECK(strcmp(R.params[1].choices[1], "[Assignment: organization-defined roles]") == 0);
	/* document order: group, ac-1, ac-1.1, x-1 */
	CHECK(R.groups[0].order == 1 && R.controls[0].order == 2 && R.controls[2].order == 4);
}

TEST(nested_groups_and_anonymous)
{
	oscal_error err;
	oscal_counts cnt;

	CHECK(catalog("<catalog " NS ">" META "<group><title>A</title><group id=\"b\"><title>B</title>"
				  "<control id=\"b-1\"><title>t</title></control></group></group></catalog>",
				  0, &cnt, &err) == OSCAL_EMPTY);
	{
		const char *d = "<catalog " NS ">" META "<group><title>A</title><group id=\"b\"><title>B</title>"
			"<control id=\"b-1\"><title>t</title></control></group></group></catalog>";

		CHECK(catalog(d, strlen(d), &cnt, &err) == OSCAL_OK);
		CHECK(cnt.groups == 2 && R.ngroups == 2);
		CHECK(strcmp(R.groups[0].id, "group-1") == 0);
		CHECK(strcmp(R.groups[1].parent_id, "group-1") == 0);
		CHECK(strcmp(R.controls[0].group_id, "b") == 0);
	}
}

TEST(hostile_documents)
{
	oscal_error err;

	CHECK(cat_str("", &err) == OSCAL_EMPTY);
	CHECK(cat_str("  \n ", &err) == OSCAL_EMPTY);
	CHECK(catalog("<catalog " NS ">\0</catalog>", sizeof("<catalog " NS ">\0</catalog>") - 1, NULL, &err) == OSCAL_NUL_BYTE);
	CHECK(cat_str("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
				  "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
				  "<catalog " NS ">&lol2;</catalog>", &err) == OSCAL_DOCTYPE);
	CHECK(err.line == 2);
	CHECK(cat_str("<!DOCTYPE catalog SYSTEM \"file:///etc/passwd\"><catalog " NS "/>", &err) == OSCAL_DOCTYPE);
	CHECK(cat_str("<!DOCTYPE catalog [<!ENTITY % p SYSTEM \"http://example.invalid/p.dtd\"> %p;]>"
				  "<catalog " NS "/>", &err) == OSCAL_DOCTYPE);
	CHECK(cat_str("<catalog " NS ">", &err) == OSCAL_XML_ERROR);
	CHECK(err.line == 1 && err.name[0] != '\0');
	CHECK(cat_str("<catalog " NS "><metadata><title>t", &err) == OSCAL_XML_ERROR);
	CHECKF(err.core_message && strcmp(err.name, "Premature end of data in tag title") == 0, "%s", err.name);
	CHECK(cat_str("\n{\"catalog\": {}}", &err) == OSCAL_XML_ERROR);
	CHECK(err.core_message && err.line == 2 && strstr(err.name, "Start tag expected") != NULL);
	CHECK(cat_str("\xEF\xBB\xBF\n<catalog " NS ">" META "</catalog>", &err) == OSCAL_OK);
	CHECK(cat_str("<catalog " NS "/><catalog " NS "/>", &err) == OSCAL_XML_ERROR);
	CHECK(cat_str("<catalog " NS ">\xff\xfe</catalog>", &err) == OSCAL_XML_ERROR);
	CHECK(cat_str("<catalog " NS ">&ext;</catalog>", &err) == OSCAL_XML_ERROR);
	CHECK(cat_str("<catalog " NS "><x:y/></catalog>", &err) == OSCAL_FOREIGN_ELEMENT);
	CHECK(cat_str("<o:catalog xmlns:o=\"urn:x\"/>", &err) == OSCAL_WRONG_NAMESPACE);
	CHECK(cat_str("<catalog>" META "</catalog>", &err) == OSCAL_WRONG_NAMESPACE);
	CHECK(cat_str("<catalog xmlns=\"http://csrc.nist.gov/ns/oscal/0.9\">" META "</catalog>", &err) == OSCAL_WRONG_NAMESPACE);
	CHECK(strcmp(err.detail, "http://csrc.nist.gov/ns/oscal/0.9") == 0);
	CHECK(cat_str("<profile " NS ">" META "</profile>", &err) == OSCAL_WRONG_ROOT);
	CHECK(cat_str("<catalog " NS ">" META "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"/etc/passwd\" parse=\"text\"/></catalog>", &err) == OSCAL_FOREIGN_ELEMENT);
	CHECK(strcmp(err.name, "xi:include") == 0);
	CHECK(cat_str("<catalog " NS "><title>no metadata</title></catalog>", &err) == OSCAL_MISSING_TITLE);
	CHECK(cat_str("<catalog " NS ">" META "<control><title>t</title></control></catalog>", &err) == OSCAL_MISSING_ID);
	CHECK(cat_str("<catalog " NS ">" META "<control id=\"a_b\"><title>t</title></control></catalog>", &err) == OSCAL_BAD_CONTROL_ID);
	CHECK(strcmp(err.name, "a_b") == 0);
	CHECK(cat_str("<catalog " NS ">" META "<control id=\"a-1\"></control></catalog>", &err) == OSCAL_MISSING_TITLE);
	CHECK(cat_str("<catalog " NS ">" META "<control id=\"a-1\"><title> <em> </em>\n</title></control></catalog>", &err) == OSCAL_MISSING_TITLE);
	CHECK(cat_str("<catalog " NS ">" META "<group><title/></group></catalog>", &err) == OSCAL_MISSING_TITLE);
	CHECK(cat_str("<catalog " NS "><metadata><title> </title></metadata></catalog>", &err) == OSCAL_MISSING_TITLE);
}

TEST(limits)
{
	oscal_error err;
	char	   *doc = malloc(1 << 20);
	size_t		n = 0;
	int			i;

	/* controls nested 9 deep: over the depth limit of 8 */
	n += sprintf(doc + n, "<catalog " NS ">" META);
	for (i = 0; i < 9; i++)
		n += sprintf(doc + n, "<control id=\"c-%d\"><title>t</title>", i);
	for (i = 0; i < 9; i++)
		n += sprintf(doc + n, "</control>");
	n += sprintf(doc + n, "</catalog>");
	CHECK(catalog(doc, n, NULL, &err) == OSCAL_TOO_DEEP);
	CHECK(oscal_status_is_limit(err.status));

	/* 300 nested elements: libxml2's own depth limit (256) */
	n = (size_t) sprintf(doc, "<catalog " NS ">");
	for (i = 0; i < 300; i++)
		n += sprintf(doc + n, "<p>");
	CHECK(catalog(doc, n, NULL, &err) == OSCAL_XML_ERROR);
	free(doc);
}

TEST(profile_selections)
{
	oscal_error err;

	CHECK(profile("<profile " NS ">" META "<import href=\"#x\"><include-controls with-child-controls=\"yes\">"
				  "<with-id> ac-1 </with-id><matching pattern=\"ac-2*\"/></include-controls>"
				  "<exclude-controls><with-id>ac-2.1</with-id></exclude-controls></import>"
				  "<import href=\"y.xml\"><include-all/></import></profile>", &err) == OSCAL_OK);
	CHECK(R.nimports == 2 && R.nsel == 4);
	CHECK(R.sel[0].include && R.sel[0].kind == OSCAL_SELECT_ID && strcmp(R.sel[0].value, "ac-1") == 0);
	CHECK(R.sel[0].with_children);
	CHECK(R.sel[1].kind == OSCAL_SELECT_PATTERN && strcmp(R.sel[1].value, "ac-2*") == 0);
	CHECK(!R.sel[2].include && !R.sel[2].with_children);
	CHECK(R.sel[3].kind == OSCAL_SELECT_ALL && R.sel[3].import_no == 2);
	CHECK(profile("<profile " NS ">" META "</profile>", &err) == OSCAL_NO_IMPORT);
	CHECK(profile("<profile " NS ">" META "<import href=\"#x\"/></profile>", &err) == OSCAL_NO_SELECTION);
	CHECK(profile("<profile " NS ">" META "<import href=\"#x\"><include-controls><with-id/></include-controls></import></profile>", &err) == OSCAL_MISSING_ID);
	CHECK(profile("<catalog " NS ">" META "</catalog>", &err) == OSCAL_WRONG_ROOT);
	/* found by the fuzzer: an empty pattern */
	CHECK(profile("<profile " NS ">" META "<import href=\"#x\"><include-controls><matching pattern=\"\"/></include-controls></import></profile>", &err) == OSCAL_MISSING_ID);
}

/* the real NIST SP 800-53 rev4 catalog shipped in data/oscal */
TEST(nist_rev4_catalog)
{
	size_t		len;
	char	   *doc = unit_slurp("../../data/oscal/NIST_SP-800-53_rev4_catalog.xml", &len);
	oscal_error err;
	oscal_counts cnt;
	const oscal_control *c;

	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK(catalog(doc, len, &cnt, &err) == OSCAL_OK);
	CHECKF(cnt.groups == 18 && cnt.controls == 256 && cnt.enhancements == 666,
		   "%ld %ld %ld", cnt.groups, cnt.controls, cnt.enhancements);
	CHECK(cnt.withdrawn == 96 && cnt.params == 853);
	c = find_control("ac-2.2");
	CHECK(c && strcmp(c->label, "AC-2(2)") == 0);
	CHECK(c && strcmp(c->statement, "The information system automatically [Selection: removes; disables] "
					  "temporary and emergency accounts after [Assignment: organization-defined time period "
					  "for each type of account].") == 0);
	CHECK(R.meta.publisher && strcmp(R.meta.publisher, "Joint Task Force, Transformation Initiative") == 0);
	free(doc);
}

/* a catalog whose control carries n attributes (extra text in *pre) */
static char *
many_attributes(const char *pre, int n, const char *tag_extra, size_t *len)
{
	char	   *doc = malloc(64 + strlen(pre) + strlen(tag_extra) + (size_t) n * 16 + 1024);
	size_t		k;
	int			i;

	k = (size_t) sprintf(doc, "%s<catalog " NS ">" META "\n<control id=\"c-1\"%s", pre, tag_extra);
	for (i = 1; i < n; i++)		/* id is the first */
		k += (size_t) sprintf(doc + k, " a%d='%d'", i, i);
	k += (size_t) sprintf(doc + k, "><title>t</title></control></catalog>");
	*len = k;
	return doc;
}

/* M1: libxml2's work on one tag is quadratic in its attributes */
TEST(attribute_limit)
{
	oscal_error err;
	size_t		len;
	char	   *doc;

	doc = many_attributes("", OSCAL_MAX_ATTRIBUTES, "", &len);
	CHECK(catalog(doc, len, NULL, &err) == OSCAL_OK && R.ncontrols == 1);
	free(doc);
	doc = many_attributes("", OSCAL_MAX_ATTRIBUTES + 1, "", &len);
	CHECK(catalog(doc, len, NULL, &err) == OSCAL_TOO_MANY_ATTRIBUTES);
	CHECK(oscal_status_is_limit(err.status));
	CHECKF(err.line == 2 && strcmp(err.name, "control") == 0 && strcmp(err.detail, "256") == 0,
		   "%ld %s %s", err.line, err.name, err.detail);
	free(doc);
	/* the finding: 100,000 attributes (1 MB) are refused at once */
	doc = many_attributes("", 100000, "", &len);
	CHECK(len > 1000000);
	CHECK(catalog(doc, len, NULL, &err) == OSCAL_TOO_MANY_ATTRIBUTES);
	free(doc);
	/* namespace declarations count */
	doc = many_attributes("", OSCAL_MAX_ATTRIBUTES, " xmlns:x='urn:x'", &len);
	CHECK(catalog(doc, len, NULL, &err) == OSCAL_TOO_MANY_ATTRIBUTES);
	free(doc);
	/* ">" in a value does not end the count; neither does a stray quote
	 * that libxml2 would stop at (the count only errs upwards) */
	doc = many_attributes("", OSCAL_MAX_ATTRIBUTES, " gt='>'", &len);
	CHECK(catalog(doc, len, NULL, &err) == OSCAL_TOO_MANY_ATTRIBUTES);
	free(doc);
	doc = many_attributes("", OSCAL_MAX_ATTRIBUTES / 2, " \"", &len);
	CHECK(catalog(doc, len, NULL, &err) == OSCAL_XML_ERROR);
	free(doc);
	doc = many_attributes("", OSCAL_MAX_ATTRIBUTES * 2, " \"", &len);
	CHECK(catalog(doc, len, NULL, &err) == OSCAL_TOO_MANY_ATTRIBUTES);
	free(doc);
	/* what libxml2 refuses before the tag is reported first */
	doc = many_attributes("<!DOCTYPE catalog>", 1000, "", &len);
	CHECK(catalog(doc, len, NULL, &err) == OSCAL_DOCTYPE);
	free(doc);
	doc = many_attributes("<x/>", 1000, "", &len);
	CHECK(catalog(doc, len, NULL, &err) == OSCAL_WRONG_NAMESPACE);
	free(doc);
	doc = many_attributes("<!-- -- -->", 1000, "", &len);
	CHECK(catalog(doc, len, NULL, &err) == OSCAL_XML_ERROR);
	free(doc);
	/* wherever the chunks are cut: a tag of short segments is counted
	 * once its segment grows past the limit, from its "<" */
	{
		oscal_read_opts o = {0, 0, NULL, NULL};
		static const size_t sizes[] = {1, 2, 3, 7, 64, 255, 256, 257, 1000};
		size_t		k;

		OPTS = &o;
		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		{
			o.chunk = sizes[k];
			doc = many_attributes("", OSCAL_MAX_ATTRIBUTES, "", &len);
			CHECKF(catalog(doc, len, NULL, &err) == OSCAL_OK, "chunk %zu", o.chunk);
			free(doc);
			doc = many_attributes("", OSCAL_MAX_ATTRIBUTES + 1, "", &len);
			CHECKF(catalog(doc, len, NULL, &err) == OSCAL_TOO_MANY_ATTRIBUTES &&
				   err.line == 2 && strcmp(err.name, "control") == 0,
				   "chunk %zu: %ld %s", o.chunk, err.line, err.name);
			free(doc);
		}
		OPTS = NULL;
	}
	/* prose full of "=" after a tag is no attribute */
	{
		char		buf[8192];
		size_t		k = (size_t) sprintf(buf, "<catalog " NS ">" META "<control id=\"c-1\"><title>");

		memset(buf + k, '=', 3000);
		k += 3000;
		k += (size_t) sprintf(buf + k, "</title></control></catalog>");
		CHECK(catalog(buf, k, NULL, &err) == OSCAL_OK && strlen(R.controls[0].title) == 3000);
	}
}

static int	ticks;

static int
count_tick(void *arg)
{
	ticks++;
	return arg != NULL && ticks >= *(int *) arg;
}

/* the document is parsed in chunks; where they are cut changes nothing */
TEST(chunks)
{
	const char *doc =
		"<?xml version='1.0' encoding='UTF-8'?><!-- a comment <with> \"quotes\" -->\n"
		"<catalog " NS " uuid='u'>" META "<group id='g'><title>\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e &amp; &#x3042; "
		"<![CDATA[ <not> a=\"tag\" ]]></title><control id='g-1'><title>a &gt; b</title>"
		"<part name='statement'><p>x\xf0\x9f\x98\x80y <em a='1' b=\"2\">z</em></p></part>"
		"</control></group><?pi data?></catalog>\n";
	oscal_read_opts o = {0, 0, count_tick, NULL};
	oscal_error err;
	char		title[256];
	char		statement[256];
	int			stop = 3;
	size_t		len;
	char	   *big;

	OPTS = NULL;
	CHECK(cat_str(doc, &err) == OSCAL_OK);
	snprintf(title, sizeof(title), "%s", R.groups[0].title);
	snprintf(statement, sizeof(statement), "%s", R.controls[0].statement);
	CHECKF(strcmp(title, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e & \xe3\x81\x82 <not> a=\"tag\"") == 0, "%s", title);
	OPTS = &o;
	for (o.chunk = 1; o.chunk < 40; o.chunk++)
	{
		ticks = 0;
		CHECKF(cat_str(doc, &err) == OSCAL_OK && strcmp(R.groups[0].title, title) == 0 &&
			   strcmp(R.controls[0].statement, statement) == 0, "chunk %zu", o.chunk);
		CHECK(ticks > 0);
	}
	/* a tick that says stop stops the read, and nothing is left over */
	o.chunk = 8;
	o.tick_arg = &stop;
	ticks = 0;
	CHECK(cat_str(doc, &err) == OSCAL_ABORTED && ticks == 3);
	OPTS = NULL;

	/* the rev4 catalog: the caller gets control hundreds of times */
	big = unit_slurp("../../data/oscal/NIST_SP-800-53_rev4_catalog.xml", &len);
	CHECK(big != NULL);
	if (big)
	{
		o.chunk = 0;
		o.tick_arg = NULL;
		OPTS = &o;
		ticks = 0;
		CHECK(catalog(big, len, NULL, &err) == OSCAL_OK && R.ncontrols == 922);
		CHECKF(ticks >= (int) (len / OSCAL_READ_CHUNK), "%d ticks", ticks);
		OPTS = NULL;
		free(big);
	}
}

/*
 * White space directly in the catalog, groups, controls, params, selects and
 * statement parts is left out of the tree; in prose it stays, even inside
 * an element of one of those names, and every line reported stays exact.
 */
TEST(white_space)
{
	oscal_error err;
	char	   *doc;
	char	   *p;
	size_t		n;
	static const struct
	{
		size_t		newlines;
		const char *tail;
		long		line;		/* what the reader reported before the change */
	}			lines[] = {
		{70000, "<control id='c-3'>\n <prop name='a' value='b'/>\n</control></group></catalog>", 70002},
		{65530, "<control id='c-3'>\n\n\n\n\n\n\n\n <prop name='a' value='b'/>\n</control></group></catalog>", 65531},
		{65533, "<control id='c-3'><title>x</title></control>\n\n\n\n\n\n\n<control id='c-5'/>\n</group></catalog>", 65542},
		{65533, "<control id='c-3'><title>x</title></control>\n\n\n\n\n\n\n<control id='c-5'/></group></catalog>", 65541},
	};
	size_t		i;

	CHECK(cat_str("<catalog " NS ">" META "\n <group id='g'>\n  <title>a<group> </group>b</title>\n"
				  "  <control id='c-1'>\n   <title>t</title>\n   <part name='statement'>\n"
				  "    <p>a<control id='x'>\t</control>b<select>\n</select>c</p>\n   </part>\n"
				  "  </control>\n </group>\n</catalog>", &err) == OSCAL_OK);
	CHECKF(strcmp(R.groups[0].title, "a b") == 0, "%s", R.groups[0].title);
	CHECKF(R.ncontrols == 1 && strcmp(R.controls[0].statement, "a b c") == 0, "%s",
		   R.ncontrols ? R.controls[0].statement : "");

	doc = malloc(70000 + 1024);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
	{
		p = doc + sprintf(doc, "<catalog " NS ">" META "<group id='g'><title>g</title>");
		memset(p, '\n', lines[i].newlines);
		p += lines[i].newlines;
		n = (size_t) (p - doc) + (size_t) sprintf(p, "%s", lines[i].tail);
		CHECKF(catalog(doc, n, NULL, &err) == OSCAL_MISSING_TITLE && err.line == lines[i].line,
			   "case %zu: line %ld, want %ld", i, err.line, lines[i].line);
	}
	free(doc);
}

/* the namespace check remembers the OSCAL name it has seen; any other
 * namespace, declared before or after it, is still foreign */
TEST(namespace_again)
{
	oscal_error err;

	CHECK(cat_str("<catalog " NS ">" META "<group id='g' " NS "><title>g</title>"
				  "<control id='c-1'><title>t</title></control></group></catalog>", &err) == OSCAL_OK &&
		  R.ncontrols == 1);
	CHECK(cat_str("<catalog " NS ">" META "<group id='g' xmlns='http://csrc.nist.gov/ns/oscal/1.1'>"
				  "<title>g</title></group></catalog>", &err) == OSCAL_FOREIGN_ELEMENT &&
		  strcmp(err.detail, "http://csrc.nist.gov/ns/oscal/1.1") == 0);
	CHECK(cat_str("<catalog " NS ">" META "<group id='g'><title>g</title>"
				  "<o:control xmlns:o='http://csrc.nist.gov/ns/oscal/1.0' id='c-1'><o:title>t</o:title></o:control>"
				  "<x:control xmlns:x='urn:x' id='c-2'/></group></catalog>", &err) == OSCAL_FOREIGN_ELEMENT &&
		  strcmp(err.name, "x:control") == 0);
}

/* every hostile fixture of test/fixtures/oscal, as the core sees it */
TEST(fixtures)
{
	static const struct
	{
		const char *file;
		oscal_status want;		/* as a catalog */
	}			cases[] = {
		{"bad_control_id.xml", OSCAL_BAD_CONTROL_ID},
		{"billion_laughs.xml", OSCAL_DOCTYPE},
		{"deep_controls.xml", OSCAL_TOO_DEEP},
		{"deep_nesting.xml", OSCAL_XML_ERROR},
		/* duplicates are found by the backend glue, over ctrlid keys */
		{"duplicate_ids.xml", OSCAL_OK},
		{"duplicate_ids_spelling.xml", OSCAL_OK},
		{"duplicate_param_ids.xml", OSCAL_OK},
		{"duplicate_group_control.xml", OSCAL_OK},
		{"duplicate_group_param.xml", OSCAL_OK},
		{"empty.xml", OSCAL_EMPTY},
		{"external_dtd.xml", OSCAL_DOCTYPE},
		{"foreign_element.xml", OSCAL_FOREIGN_ELEMENT},
		{"invalid_utf8.xml", OSCAL_XML_ERROR},
		{"late_error.xml", OSCAL_OK},
		{"missing_id.xml", OSCAL_MISSING_ID},
		{"missing_namespace.xml", OSCAL_WRONG_NAMESPACE},
		{"missing_title.xml", OSCAL_MISSING_TITLE},
		{"not_xml.xml", OSCAL_XML_ERROR},
		{"nul_byte.xml", OSCAL_NUL_BYTE},
		{"parameter_entity.xml", OSCAL_DOCTYPE},
		{"profile_no_import.xml", OSCAL_WRONG_ROOT},
		{"profile_no_selection.xml", OSCAL_WRONG_ROOT},
		{"profile_unknown_id.xml", OSCAL_WRONG_ROOT},
		{"quadratic_blowup.xml", OSCAL_DOCTYPE},
		{"truncated.xml", OSCAL_XML_ERROR},
		{"two_roots.xml", OSCAL_XML_ERROR},
		{"undeclared_prefix.xml", OSCAL_FOREIGN_ELEMENT},
		{"undefined_entity.xml", OSCAL_XML_ERROR},
		{"wrong_namespace.xml", OSCAL_WRONG_NAMESPACE},
		{"wrong_root.xml", OSCAL_WRONG_ROOT},
		{"xinclude.xml", OSCAL_FOREIGN_ELEMENT},
		{"xxe_file.xml", OSCAL_DOCTYPE},
		{"xxe_url.xml", OSCAL_DOCTYPE},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		char		path[256];
		size_t		len = 0;
		char	   *doc;
		oscal_error err;
		oscal_status st;

		snprintf(path, sizeof(path), "../fixtures/oscal/%s", cases[i].file);
		doc = unit_slurp(path, &len);
		CHECKF(doc != NULL, "%s", path);
		if (!doc)
			continue;
		st = catalog(doc, len, NULL, &err);
		CHECKF(st == cases[i].want, "%s: status %d, want %d (%s)", cases[i].file,
			   (int) st, (int) cases[i].want, err.name);
		free(doc);
	}
	/* the profile fixtures as profiles */
	{
		size_t		len;
		char	   *doc = unit_slurp("../fixtures/oscal/profile_no_import.xml", &len);
		oscal_error err;

		CHECK(doc && profile(doc, &err) == OSCAL_NO_IMPORT);
		free(doc);
		doc = unit_slurp("../fixtures/oscal/profile_no_selection.xml", &len);
		CHECK(doc && profile(doc, &err) == OSCAL_NO_SELECTION);
		free(doc);
		doc = unit_slurp("../fixtures/oscal/profile_unknown_id.xml", &len);
		CHECK(doc && profile(doc, &err) == OSCAL_OK && R.nsel == 2);
		free(doc);
	}
}

int
main(void)
{
	RUN(minimal_catalog);
	RUN(nested_groups_and_anonymous);
	RUN(hostile_documents);
	RUN(limits);
	RUN(profile_selections);
	RUN(nist_rev4_catalog);
	RUN(attribute_limit);
	RUN(chunks);
	RUN(white_space);
	RUN(namespace_again);
	RUN(fixtures);
	arena_free_all(&A);
	return UNIT_DONE("test_oscal");
}
