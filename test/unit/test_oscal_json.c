/*
 * test_oscal_json.c — the OSCAL JSON walk (src/core/oscal.c) over the tests'
 * own JSON tree (json_tree.h): the shipped rev4 catalog and profile, prose
 * and inserts, and refusals with their JSON pointers.
 */
#include "oscal.h"
#include "unit.h"
#include "oscal_arena.h"
#include "json_tree.h"

#include <string.h>

typedef struct collected
{
	oscal_meta	meta;
	const char *ac1_statement;
	const char *ac22_prm1_how;
	int			ac22_prm1_choices;
	long		selections;
	long		first_item;
} collected;

static int
c_meta(void *arg, const oscal_meta *m)
{
	((collected *) arg)->meta = *m;
	return 0;
}

static int
c_control(void *arg, const oscal_control *c)
{
	if (strcmp(c->id, "ac-1") == 0)
		((collected *) arg)->ac1_statement = c->statement;
	return 0;
}

static int
c_param(void *arg, const oscal_param *p)
{
	if (strcmp(p->id, "ac-2.2_prm_1") == 0)
	{
		((collected *) arg)->ac22_prm1_how = p->how_many;
		((collected *) arg)->ac22_prm1_choices = p->nchoices;
	}
	return 0;
}

static int
c_select(void *arg, const oscal_selection *s)
{
	collected  *c = arg;

	if (c->selections++ == 0)
		c->first_item = s->line;
	return 0;
}

static const oscal_catalog_cb CB = {c_meta, NULL, c_control, c_param};
static const oscal_profile_cb PB = {c_meta, NULL, c_select};

static arena A = {NULL, 0, 512u << 20};

static oscal_status
walk(const char *json, collected *c, oscal_counts *cnt, oscal_error *err)
{
	oscal_limits lim = OSCAL_DEFAULT_LIMITS;
	oscal_alloc al = {arena_alloc, &A};
	const jt_node *root = jt_parse(json, strlen(json), &A);

	memset(c, 0, sizeof(*c));
	if (root == NULL)
		return OSCAL_ABORTED;
	return oscal_json_walk_catalog(&jt_ops, root, &lim, &al, &CB, c, cnt, err);
}

TEST(nist_rev4_catalog)
{
	size_t		len;
	char	   *doc = unit_slurp("../../data/oscal-json/NIST_SP-800-53_rev4_catalog.json", &len);
	collected	c;
	oscal_counts cnt;
	oscal_error err;

	CHECK(doc != NULL);
	if (doc == NULL)
		return;
	CHECKF(walk(doc, &c, &cnt, &err) == OSCAL_OK, "%s at %s", err.name, err.detail);
	CHECK(cnt.groups == 18 && cnt.controls == 256 && cnt.enhancements == 666);
	CHECK(cnt.withdrawn == 96 && cnt.params == 853);
	CHECK(c.meta.publisher && strcmp(c.meta.publisher, "Joint Task Force, Transformation Initiative") == 0);
	CHECK(c.ac1_statement && strncmp(c.ac1_statement,
									 "The organization:\na. Develops, documents, and disseminates to [Assignment: organization-defined personnel or roles]:\n1. An access",
									 120) == 0);
	CHECK(c.ac22_prm1_how && strcmp(c.ac22_prm1_how, "one") == 0 && c.ac22_prm1_choices == 2);
	free(doc);
}

TEST(nist_rev4_profile)
{
	size_t		len;
	char	   *doc = unit_slurp("../../data/oscal-json/NIST_SP-800-53_rev4_LOW-baseline_profile.json", &len);
	oscal_limits lim = OSCAL_DEFAULT_LIMITS;
	oscal_alloc al = {arena_alloc, &A};
	const jt_node *root;
	collected	c;
	oscal_error err;

	CHECK(doc != NULL);
	if (doc == NULL)
		return;
	root = jt_parse(doc, len, &A);
	CHECK(root != NULL);
	memset(&c, 0, sizeof(c));
	CHECK(oscal_json_walk_profile(&jt_ops, root, &lim, &al, &PB, &c, &err) == OSCAL_OK);
	CHECK(c.selections == 124);
	free(doc);
}

TEST(prose)
{
	collected	c;
	oscal_counts cnt;
	oscal_error err;

	CHECK(walk("{\"catalog\": {\"metadata\": {\"title\": \" A \\n title \"}, \"controls\": [{\"id\": \"ac-1\", \"title\": \"T\","
			   " \"params\": [{\"id\": \"p\", \"label\": \"L\"}, {\"id\": \"q\", \"select\": {\"choice\": [\"x\", \"{{ insert: param, p }}\"]}}],"
			   " \"parts\": [{\"name\": \"statement\", \"props\": [{\"name\": \"label\", \"value\": \"1.\"}],"
			   " \"prose\": \"one {{ insert: param, q }}\\ntwo\\n\\n\\n  three {{insert:param,zz}} {{ not an insert }}\"}]}]}}",
			   &c, &cnt, &err) == OSCAL_OK);
	CHECK(strcmp(c.meta.title, "A title") == 0);
	CHECKF(c.ac1_statement && strcmp(c.ac1_statement,
									 "1. one [Selection: x; [Assignment: L]] two\nthree [zz] {{ not an insert }}") == 0,
		   "%s", c.ac1_statement ? c.ac1_statement : "(null)");
}

TEST(refusals)
{
	collected	c;
	oscal_counts cnt;
	oscal_error err;

	CHECK(walk("[]", &c, &cnt, &err) == OSCAL_WRONG_ROOT);
	CHECK(walk("{\"profile\": {}}", &c, &cnt, &err) == OSCAL_WRONG_ROOT && strcmp(err.name, "profile") == 0);
	CHECK(walk("{\"catalog\": {\"metadata\": {\"title\": \"t\"}, \"groups\": [{\"title\": \"g\", \"controls\": [{\"id\": \"a-1\", \"title\": 3}]}]}}",
			   &c, &cnt, &err) == OSCAL_WRONG_TYPE);
	CHECKF(strcmp(err.detail, "/catalog/groups/0/controls/0/title") == 0, "%s", err.detail);
	CHECK(walk("{\"catalog\": {\"metadata\": {\"title\": \"t\"}, \"controls\": [{\"id\": \"a b\", \"title\": \"x\"}]}}",
			   &c, &cnt, &err) == OSCAL_OK || err.status == OSCAL_BAD_CONTROL_ID);
	CHECK(walk("{\"catalog\": {\"metadata\": {\"title\": \"t\"}, \"controls\": [{\"id\": \"a-1!\", \"title\": \"x\"}]}}",
			   &c, &cnt, &err) == OSCAL_BAD_CONTROL_ID);
	CHECK(walk("{\"catalog\": {\"metadata\": {}}}", &c, &cnt, &err) == OSCAL_MISSING_TITLE);
	CHECK(walk("{\"catalog\": {\"metadata\": {\"title\": \"t\"}, \"params\": [{\"label\": \"x\"}]}}",
			   &c, &cnt, &err) == OSCAL_MISSING_ID && strcmp(err.detail, "/catalog/params/0") == 0);
	/* nine levels of controls: over the depth limit of 8 */
	CHECK(walk("{\"catalog\": {\"metadata\": {\"title\": \"t\"}, \"controls\": [{\"id\": \"a\", \"title\": \"t\", \"controls\": ["
			   "{\"id\": \"b\", \"title\": \"t\", \"controls\": [{\"id\": \"c\", \"title\": \"t\", \"controls\": ["
			   "{\"id\": \"d\", \"title\": \"t\", \"controls\": [{\"id\": \"e\", \"title\": \"t\", \"controls\": ["
			   "{\"id\": \"f\", \"title\": \"t\", \"controls\": [{\"id\": \"g\", \"title\": \"t\", \"controls\": ["
			   "{\"id\": \"h\", \"title\": \"t\", \"controls\": [{\"id\": \"i\", \"title\": \"t\"}]}]}]}]}]}]}]}]}]}}",
			   &c, &cnt, &err) == OSCAL_TOO_DEEP);
}

int
main(void)
{
	RUN(nist_rev4_catalog);
	RUN(nist_rev4_profile);
	RUN(prose);
	RUN(refusals);
	arena_free_all(&A);
	return UNIT_DONE("test_oscal_json");
}
