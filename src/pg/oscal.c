/*
 * oscal.c — ismap.import_oscal_catalog, import_oscal_profile,
 *           export_oscal_catalog, and the JSON importers
 *           import_oscal_catalog_json, import_oscal_profile_json
 *
 * The document is parsed and walked by src/core/oscal.c inside the pattern
 * of PostgreSQL's own xml.c: pg_xml_init(PG_XML_STRICTNESS_ALL), and a
 * PG_TRY whose PG_CATCH frees the document and calls pg_xml_done, so no
 * error — ours, libxml2's or an out-of-memory — leaks the tree or leaves
 * libxml2's error handler pointing at a dead context.  The callbacks only
 * copy records into palloc'd arrays; the database is written afterwards,
 * with libxml2 out of the picture, in a handful of set-based statements
 * (one per table, the rows passed as arrays).  Any error aborts the
 * statement, so an import is all or nothing.
 *
 * The export fetches the rows and hands them to the writer of
 * src/core/oscal_write.c, which refuses what XML 1.0 cannot carry.
 */
#include "ismap.h"

#include "oscal.h"
#include "oscal_write.h"

#include "access/detoast.h"
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "portability/instr_time.h"
#include "utils/memutils.h"
#include "utils/xml.h"

/* ismap.max_document_size, in kB (module.c defines the GUC) */
int			ismap_max_document_size = 64 * 1024;

/* ------------------------------------------------------------ reading */

static void *
pg_oscal_alloc(void *ctx, size_t size)
{
	return MemoryContextAllocHuge((MemoryContext) ctx, size);
}

/* growable array of fixed-size records in a memory context */
typedef struct recvec
{
	char	   *data;
	int			n;
	int			cap;
	size_t		size;
} recvec;

static void
recvec_push(recvec *v, const void *rec)
{
	if (v->n == v->cap)
	{
		v->cap = v->cap ? v->cap * 2 : 64;
		v->data = v->data ? repalloc_huge(v->data, v->size * v->cap)
			: palloc_extended(v->size * v->cap, MCXT_ALLOC_HUGE);
	}
	memcpy(v->data + v->size * v->n, rec, v->size);
	v->n++;
}

#define RECVEC_AT(v, type, i) (((type *) (v)->data)[i])

typedef struct walk_state
{
	oscal_meta	meta;
	recvec		groups;
	recvec		controls;
	recvec		params;
	recvec		selections;
	int			nimports;
	bool		json;			/* records from a JSON document: line = item */
} walk_state;

static int
cb_meta(void *arg, const oscal_meta *m)
{
	((walk_state *) arg)->meta = *m;
	return 0;
}

static int
cb_group(void *arg, const oscal_group *g)
{
	recvec_push(&((walk_state *) arg)->groups, g);
	return 0;
}

static int
cb_control(void *arg, const oscal_control *c)
{
	recvec_push(&((walk_state *) arg)->controls, c);
	return 0;
}

static int
cb_param(void *arg, const oscal_param *p)
{
	recvec_push(&((walk_state *) arg)->params, p);
	return 0;
}

static int
cb_import(void *arg, const char *href, int no, long line)
{
	/* the catalog is named by the caller: href is never followed */
	((walk_state *) arg)->nimports = no;
	return 0;
}

static int
cb_select(void *arg, const oscal_selection *s)
{
	recvec_push(&((walk_state *) arg)->selections, s);
	return 0;
}

/*
 * The document as UTF-8 after the size cap: the cap is checked on the raw
 * (possibly compressed) datum, so an oversized document is refused before
 * it is even decompressed.
 */
static char *
document_utf8(FunctionCallInfo fcinfo, size_t *lenp)
{
	Datum		d = PG_GETARG_DATUM(0);
	Size		raw = toast_raw_datum_size(d) - VARHDRSZ;
	text	   *t;
	char	   *s;
	int			len;

	if (raw > (Size) ismap_max_document_size * 1024)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("OSCAL document is too large"),
				 errdetail("The document has %zu bytes; ismap.max_document_size allows %zu.",
						   (size_t) raw, (size_t) ismap_max_document_size * 1024),
				 errhint("A superuser can raise ismap.max_document_size.")));
	t = DatumGetTextPP(d);
	len = VARSIZE_ANY_EXHDR(t);
	s = VARDATA_ANY(t);
	if (GetDatabaseEncoding() != PG_UTF8)
	{
		/* returns its input (not NUL-terminated) when there is nothing to do,
		 * e.g. from SQL_ASCII, else a converted NUL-terminated copy */
		char	   *conv = (char *) pg_do_encoding_conversion((unsigned char *) s, len,
															  GetDatabaseEncoding(), PG_UTF8);

		if (conv != s)
		{
			s = conv;
			len = strlen(conv);
		}
	}
	*lenp = (size_t) len;
	return s;
}

/*
 * Between two chunks of the parse (libxml2 is not on the stack): a
 * statement_timeout or pg_cancel_backend ends the import here, and the
 * PG_CATCH below frees the parser.
 */
static int
read_tick(void *arg)
{
	CHECK_FOR_INTERRUPTS();
	return 0;
}

/*
 * Parse and walk: a catalog when ccb is given, else a profile.  Records go
 * to st (allocated in the current memory context).
 */
static void
read_and_walk(const char *buf, size_t len, const oscal_catalog_cb *ccb,
			  const oscal_profile_cb *pcb, walk_state *st,
			  oscal_counts *counts)
{
	PgXmlErrorContext *volatile errcxt;
	volatile	xmlDocPtr doc = NULL;
	volatile	xmlParserCtxtPtr ctxt = NULL;
	oscal_limits lim = OSCAL_DEFAULT_LIMITS;
	oscal_alloc al = {pg_oscal_alloc, CurrentMemoryContext};
	oscal_read_opts opts = {0, 0, read_tick, NULL};
	oscal_error err;

	errcxt = pg_xml_init(PG_XML_STRICTNESS_ALL);
	PG_TRY();
	{
		xmlDocPtr	d;
		oscal_status s = oscal_read(buf, len, 0, &opts,
									(xmlParserCtxtPtr *) &ctxt, &d, &err);

		doc = d;
		if (s == OSCAL_XML_ERROR && !err.core_message &&
			pg_xml_error_occurred(errcxt))
			xml_ereport(errcxt, ERROR, ERRCODE_INVALID_XML_DOCUMENT,
						"could not parse OSCAL document");
		if (s != OSCAL_OK)
			ismap_oscal_error(&err, ccb ? "catalog" : "profile");
		if (ccb)
			s = oscal_walk_catalog(doc, &lim, &al, ccb, st, counts, &err);
		else
			s = oscal_walk_profile(doc, &lim, &al, pcb, st, &err);
		if (s != OSCAL_OK)
			ismap_oscal_error(&err, ccb ? "catalog" : "profile");
	}
	PG_CATCH();
	{
		/* an ereport from libxml2's error callback leaves the parser */
		oscal_read_abandon((xmlParserCtxtPtr *) &ctxt);
		oscal_free(doc);
		pg_xml_done(errcxt, true);
		PG_RE_THROW();
	}
	PG_END_TRY();
	oscal_free(doc);
	pg_xml_done(errcxt, false);
}

/* ------------------------------------------------------- JSON reading */

/*
 * The accessors of the core's JSON walk over a jsonb value.  A node is a
 * JsonbValue: a scalar, or jbvBinary for an object or array (the root, and
 * the members and elements found in a container).  The walk asks for tens
 * of thousands of them (rev4: a member or element for every key of every
 * part), and keeps some for as long as it walks a subtree (the params in
 * scope), so they are taken from blocks of a context of their own, without
 * a chunk header each, and that context goes as a whole once the walk is
 * over: the records hold copies of every string, never a node.  Its memory
 * is then there again for the writes (a fresh backend pays a page fault
 * for every page it touches first).
 */
#define JB_NODES_PER_BLOCK 1024

typedef struct jb_nodes
{
	MemoryContext cxt;
	JsonbValue *next;			/* the free slots of the current block */
	int			left;
} jb_nodes;

static JsonbValue *
jb_node(jb_nodes *a)
{
	if (a->left == 0)
	{
		a->next = MemoryContextAlloc(a->cxt, sizeof(JsonbValue) * JB_NODES_PER_BLOCK);
		a->left = JB_NODES_PER_BLOCK;
	}
	a->left--;
	return a->next++;
}

/* the last node taken, unused after all */
static void
jb_node_unget(jb_nodes *a)
{
	a->left++;
	a->next--;
}

static oscal_jkind
jb_kind(void *ctx, const void *node)
{
	const JsonbValue *v = node;

	switch (v->type)
	{
		case jbvNull:
			return OSCAL_J_NULL;
		case jbvBool:
			return OSCAL_J_BOOL;
		case jbvNumeric:
			return OSCAL_J_NUMBER;
		case jbvString:
			return OSCAL_J_STRING;
		case jbvBinary:
			return JsonContainerIsObject(v->val.binary.data) ? OSCAL_J_OBJECT : OSCAL_J_ARRAY;
		default:
			return OSCAL_J_NULL;	/* jbvArray/jbvObject/jbvDatetime never come out of a container */
	}
}

static const void *
jb_member(void *ctx, const void *object, const char *key)
{
	const JsonbValue *v = object;
	JsonbValue *res;

	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		return NULL;
	res = jb_node(ctx);
	if (getKeyJsonValueFromContainer(v->val.binary.data, key, (int) strlen(key), res) == NULL)
	{
		jb_node_unget(ctx);
		return NULL;
	}
	return res;
}

static int
jb_length(void *ctx, const void *array)
{
	const JsonbValue *v = array;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		return 0;
	return (int) JsonContainerSize(v->val.binary.data);
}

/*
 * Element i of an array, as getIthJsonbValueFromContainer gives it (its
 * fillJsonbValue is static to jsonb_util.c) but into a node of ours.
 */
static const void *
jb_element(void *ctx, const void *array, int i)
{
	const JsonbValue *v = array;
	JsonbContainer *c;
	uint32		n;
	char	   *base;
	uint32		off;
	JEntry		e;
	JsonbValue *res;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) || i < 0)
		return NULL;
	c = v->val.binary.data;
	n = JsonContainerSize(c);
	if ((uint32) i >= n)
		return NULL;
	base = (char *) &c->children[n];
	off = getJsonbOffset(c, i);
	e = c->children[i];
	res = jb_node(ctx);
	if (JBE_ISNULL(e))
		res->type = jbvNull;
	else if (JBE_ISSTRING(e))
	{
		res->type = jbvString;
		res->val.string.val = base + off;
		res->val.string.len = (int) getJsonbLength(c, i);
	}
	else if (JBE_ISNUMERIC(e))
	{
		res->type = jbvNumeric;
		res->val.numeric = (Numeric) (base + INTALIGN(off));
	}
	else if (JBE_ISBOOL_TRUE(e) || JBE_ISBOOL_FALSE(e))
	{
		res->type = jbvBool;
		res->val.boolean = JBE_ISBOOL_TRUE(e);
	}
	else
	{
		Assert(JBE_ISCONTAINER(e));
		res->type = jbvBinary;
		res->val.binary.data = (JsonbContainer *) (base + INTALIGN(off));
		res->val.binary.len = (int) (getJsonbLength(c, i) - (INTALIGN(off) - off));
	}
	return res;
}

static const char *
jb_string(void *ctx, const void *node, size_t *len)
{
	const JsonbValue *v = node;
	char	   *s = v->val.string.val;

	*len = (size_t) v->val.string.len;
	if (GetDatabaseEncoding() != PG_UTF8 && *len > 0)
	{
		/* the walk works in UTF-8, as the XML one does */
		char	   *conv = pg_server_to_any(s, (int) *len, PG_UTF8);

		if (conv != s)
		{
			s = conv;
			*len = strlen(conv);
		}
	}
	return s;
}

static int
jb_tick(void *ctx)
{
	CHECK_FOR_INTERRUPTS();
	return 0;
}

/*
 * The jsonb argument after the size cap, which is checked on the raw
 * (possibly compressed) datum as for XML.
 */
static Jsonb *
document_jsonb(FunctionCallInfo fcinfo)
{
	Datum		d = PG_GETARG_DATUM(0);
	Size		raw = toast_raw_datum_size(d) - VARHDRSZ;

	if (raw > (Size) ismap_max_document_size * 1024)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("OSCAL document is too large"),
				 errdetail("The document has %zu bytes; ismap.max_document_size allows %zu.",
						   (size_t) raw, (size_t) ismap_max_document_size * 1024),
				 errhint("A superuser can raise ismap.max_document_size.")));
	return DatumGetJsonbP(d);
}

/* walk a jsonb document: a catalog when ccb is given, else a profile */
static void
json_walk(Jsonb *jb, const oscal_catalog_cb *ccb, const oscal_profile_cb *pcb,
		  walk_state *st, oscal_counts *counts)
{
	JsonbValue	root;
	oscal_limits lim = OSCAL_DEFAULT_LIMITS;
	oscal_alloc al = {pg_oscal_alloc, CurrentMemoryContext};
	oscal_error err;
	oscal_status s;
	jb_nodes	nodes;
	oscal_jops	ops = {jb_kind, jb_member, jb_length, jb_element, jb_string, jb_tick, &nodes};

	/* blocks of 32 kB, below malloc's mmap threshold: freed for reuse */
	nodes.cxt = AllocSetContextCreate(CurrentMemoryContext, "OSCAL JSON nodes",
									  ALLOCSET_DEFAULT_SIZES);
	nodes.next = NULL;
	nodes.left = 0;
	root.type = jbvBinary;
	root.val.binary.data = &jb->root;
	root.val.binary.len = VARSIZE(jb) - VARHDRSZ;
	st->json = true;
	if (ccb)
		s = oscal_json_walk_catalog(&ops, &root, &lim, &al, ccb, st, counts, &err);
	else
		s = oscal_json_walk_profile(&ops, &root, &lim, &al, pcb, st, &err);
	if (s != OSCAL_OK)
		ismap_oscal_json_error(&err, ccb ? "catalog" : "profile");
	MemoryContextDelete(nodes.cxt);
}

static char *
sha256_hex(const char *buf, size_t len)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	char	   *hex = palloc(PG_SHA256_DIGEST_LENGTH * 2 + 1);
	int			i;

	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) buf, len) < 0 ||
		pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
		elog(ERROR, "could not compute SHA-256 digest");
	pg_cryptohash_free(ctx);
	for (i = 0; i < PG_SHA256_DIGEST_LENGTH; i++)
		sprintf(hex + 2 * i, "%02x", digest[i]);
	return hex;
}

/* framework and baseline ids: the tables' own check, with a clear error */
static void
check_id(const char *what, const char *id)
{
	size_t		n = strlen(id);
	size_t		i;
	bool		ok = n >= 1 && n <= 63 &&
		((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= '0' && id[0] <= '9'));

	for (i = 1; ok && i < n; i++)
		ok = (id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') ||
			id[i] == '_' || id[i] == '.' || id[i] == '-';
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s id: \"%s\"", what, id),
				 errdetail("An id is 1 to 63 characters: lower-case letters, digits, \"_\", \".\" and \"-\", starting with a letter or digit.")));
}

/* a framework id made from a catalog title: "nist-special-publication-800-53-..." */
static char *
slug(const char *title)
{
	char	   *out = palloc(64);
	int			n = 0;
	bool		dash = false;
	const char *p;

	for (p = title; *p && n < 63; p++)
	{
		char		c = *p;

		if (c >= 'A' && c <= 'Z')
			c = c - 'A' + 'a';
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.')
		{
			if (dash && n > 0 && n < 62)
				out[n++] = '-';
			dash = false;
			out[n++] = c;
		}
		else
			dash = true;
	}
	while (n > 0 && (out[n - 1] == '-' || out[n - 1] == '.'))
		n--;
	out[n] = '\0';
	if (n == 0 || out[0] == '.')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot derive a framework id from the catalog title \"%s\"", title),
				 errhint("Pass framework_id.")));
	return out;
}

/* ------------------------------------------------------- SPI helpers */

/* a string of the walk (libxml2 gives UTF-8) as text in the server encoding */
static Datum
utf8_text(const char *s)
{
	if (GetDatabaseEncoding() == PG_UTF8)
		return CStringGetTextDatum(s);
	return CStringGetTextDatum(pg_any_to_server(s, strlen(s), PG_UTF8));
}

/*
 * The strings as a text[] (NULL for a NULL pointer): in a UTF-8 database
 * the array is built in place, each string copied once, as
 * construct_md_array would lay it out (4-byte headers, int alignment).
 */
static Datum
text_array(const char **vals, int n)
{
	Datum	   *d;
	bool	   *nulls;
	int			dims[1] = {n};
	int			lbs[1] = {1};
	int			i;
	size_t	   *lens;
	Size		nbytes = 0;
	int			dataoffset;
	bool		hasnull = false;
	ArrayType  *a;
	char	   *p;
	bits8	   *bitmap;

	if (GetDatabaseEncoding() != PG_UTF8 || n == 0)
	{
		d = palloc(sizeof(Datum) * Max(n, 1));
		nulls = palloc(sizeof(bool) * Max(n, 1));
		for (i = 0; i < n; i++)
		{
			nulls[i] = vals[i] == NULL;
			d[i] = nulls[i] ? (Datum) 0 : utf8_text(vals[i]);
		}
		return PointerGetDatum(construct_md_array(d, nulls, 1, dims, lbs, TEXTOID,
												  -1, false, TYPALIGN_INT));
	}
	lens = palloc(sizeof(size_t) * n);
	for (i = 0; i < n; i++)
	{
		if (vals[i] == NULL)
		{
			hasnull = true;
			continue;
		}
		lens[i] = strlen(vals[i]);
		if (lens[i] > MaxAllocSize - VARHDRSZ)
			elog(ERROR, "string too long for an array element");
		nbytes = INTALIGN(nbytes + VARHDRSZ + lens[i]);
		if (!AllocSizeIsValid(nbytes))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("array size exceeds the maximum allowed (%d)",
							(int) MaxAllocSize)));
	}
	dataoffset = hasnull ? ARR_OVERHEAD_WITHNULLS(1, n) : 0;
	nbytes += hasnull ? dataoffset : ARR_OVERHEAD_NONULLS(1);
	a = (ArrayType *) palloc0(nbytes);
	SET_VARSIZE(a, nbytes);
	a->ndim = 1;
	a->dataoffset = dataoffset;
	a->elemtype = TEXTOID;
	memcpy(ARR_DIMS(a), dims, sizeof(int));
	memcpy(ARR_LBOUND(a), lbs, sizeof(int));
	p = ARR_DATA_PTR(a);
	bitmap = ARR_NULLBITMAP(a);
	for (i = 0; i < n; i++)
	{
		if (vals[i] == NULL)
			continue;
		if (bitmap)
			bitmap[i / 8] |= (bits8) (1 << (i % 8));
		SET_VARSIZE(p, VARHDRSZ + lens[i]);
		memcpy(p + VARHDRSZ, vals[i], lens[i]);
		p += INTALIGN(VARHDRSZ + lens[i]);
	}
	pfree(lens);
	return PointerGetDatum(a);
}

static Datum
int4_array(const int *vals, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		d[i] = Int32GetDatum(vals[i]);
	return PointerGetDatum(construct_array(d, n, INT4OID, 4, true, TYPALIGN_INT));
}

static Datum
bool_array(const bool *vals, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		d[i] = BoolGetDatum(vals[i]);
	return PointerGetDatum(construct_array(d, n, BOOLOID, 1, true, TYPALIGN_CHAR));
}

#define MAXARGS 12

/* run a statement with arguments; NULL arguments are given as NULL */
static void
spi_exec(const char *sql, int nargs, Oid *types, Datum *values,
		 const char *nulls, int expect)
{
	int			rc = SPI_execute_with_args(sql, nargs, types, values, nulls,
										   false, 0);

	if (rc != expect)
		elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
}

/*
 * The same for the statements that take the document's rows as arrays: a
 * generic plan, so that the planner does not fold the arrays into constants
 * of the plan (a copy of every string; the plan's shape does not depend on
 * them).
 */
static void
spi_exec_rows(const char *sql, int nargs, Oid *types, Datum *values,
			  const char *nulls, int expect)
{
	SPIPlanPtr	plan = SPI_prepare_cursor(sql, nargs, types, CURSOR_OPT_GENERIC_PLAN);
	int			rc;

	if (plan == NULL)
		elog(ERROR, "SPI_prepare_cursor failed: %s", SPI_result_code_string(SPI_result));
	rc = SPI_execute_plan(plan, values, nulls, false, 0);
	if (rc != expect)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
	SPI_freeplan(plan);
}

/*
 * An upsert statement, or for a framework created by this very import the
 * plain INSERT before its ON CONFLICT clause: there is nothing to conflict
 * with, and a plain insert skips the speculative-insertion work.
 */
static const char *
upsert(bool fresh, const char *sql)
{
	const char *oc = strstr(sql, " ON CONFLICT");

	return fresh && oc ? pnstrdup(sql, oc - sql) : sql;
}

/* ----------------------------------------------- duplicate detection */

typedef struct keyed
{
	const char *id;
	long		line;
	ctrlid_parsed *p;
} keyed;

static int
keyed_ctrlid_cmp(const void *a, const void *b)
{
	const keyed *x = a;
	const keyed *y = b;

	return ctrlid_key_cmp(x->p->key, x->p->keylen, y->p->key, y->p->keylen);
}

static int
keyed_str_cmp(const void *a, const void *b)
{
	return strcmp(((const keyed *) a)->id, ((const keyed *) b)->id);
}

static void
duplicate_error(const char *what, const keyed *a, const keyed *b, bool json)
{
	if (json)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("duplicate %s id \"%s\" in OSCAL JSON document", what, b->id),
				 errdetail("The %s that is item %ld of the document (\"%s\") and item %ld (\"%s\") have the same id.",
						   what, Min(a->line, b->line), a->line < b->line ? a->id : b->id,
						   Max(a->line, b->line), a->line < b->line ? b->id : a->id)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_XML_DOCUMENT),
			 errmsg("duplicate %s id \"%s\" in OSCAL document", what, b->id),
			 errdetail("The %s at line %ld (\"%s\") and the one at line %ld (\"%s\") have the same id.",
					   what, Min(a->line, b->line), a->line < b->line ? a->id : b->id,
					   Max(a->line, b->line), a->line < b->line ? b->id : a->id)));
}

/* ------------------------------------------------ import_oscal_catalog */

static const oscal_catalog_cb catalog_cb = {cb_meta, cb_group, cb_control, cb_param};
static const oscal_profile_cb profile_cb = {cb_meta, cb_import, cb_select};

/*
 * A framework this import creates is new to everyone: no row of another
 * table can refer to its groups, controls or parameters before the import
 * commits, and every reference among them comes from the document's nesting
 * (an enhancement's parent, a control's group, a parameter's control or
 * group).  So its rows are written with the per-row foreign-key checks off
 * (session_replication_role = replica, for these statements only: about
 * 4,000 single-row lookups for the rev4 catalog, a third of the import) and
 * the same references are then checked once, set-based, here.  The other
 * triggers of these tables fire always or do not exist.
 */
static void
check_catalog_references(const char *fw)
{
	Oid			types[1] = {TEXTOID};
	Datum		v[1];
	int64		bad;
	bool		isnull;

	v[0] = CStringGetTextDatum(fw);
	spi_exec("SELECT (SELECT pg_catalog.count(*) FROM ismap.control_group g WHERE g.framework_id OPERATOR(pg_catalog.=) $1"
			 "   AND g.parent_group_id IS NOT NULL AND NOT EXISTS (SELECT FROM ismap.control_group p"
			 "     WHERE p.framework_id OPERATOR(pg_catalog.=) $1 AND p.group_id OPERATOR(pg_catalog.=) g.parent_group_id))"
			 " OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM ismap.control c WHERE c.framework_id OPERATOR(pg_catalog.=) $1"
			 "   AND ((c.parent_id IS NOT NULL AND NOT EXISTS (SELECT FROM ismap.control p"
			 "         WHERE p.framework_id OPERATOR(pg_catalog.=) $1 AND p.control_id OPERATOR(ismap.=) c.parent_id))"
			 "     OR (c.group_id IS NOT NULL AND NOT EXISTS (SELECT FROM ismap.control_group g"
			 "         WHERE g.framework_id OPERATOR(pg_catalog.=) $1 AND g.group_id OPERATOR(pg_catalog.=) c.group_id))))"
			 " OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM ismap.control_param a WHERE a.framework_id OPERATOR(pg_catalog.=) $1"
			 "   AND ((a.control_id IS NOT NULL AND NOT EXISTS (SELECT FROM ismap.control c"
			 "         WHERE c.framework_id OPERATOR(pg_catalog.=) $1 AND c.control_id OPERATOR(ismap.=) a.control_id))"
			 "     OR (a.group_id IS NOT NULL AND NOT EXISTS (SELECT FROM ismap.control_group g"
			 "         WHERE g.framework_id OPERATOR(pg_catalog.=) $1 AND g.group_id OPERATOR(pg_catalog.=) a.group_id))))",
			 1, types, v, NULL, SPI_OK_SELECT);
	bad = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (bad > 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("OSCAL import of framework \"%s\" left %lld reference(s) to a missing group or control", fw, (long long) bad)));
}

static void
write_catalog(const char *fw, walk_state *st, const char *sha)
{
	int			ng = st->groups.n;
	int			nc = st->controls.n;
	int			np = st->params.n;
	int			i;
	Oid			types[MAXARGS];
	Datum		v[MAXARGS];
	char		nulls[MAXARGS];
	const char **a1, **a2, **a3, **a4, **a5, **a6, **a7, **a8;
	int		   *o;
	bool	   *wd;
	bool		fresh;
	bool		isnull;
	int			guc_nest = -1;

	/* the framework row */
	{
		const char *vals[8] = {fw, st->meta.title, st->meta.version,
			st->meta.publisher, st->meta.uuid, st->meta.oscal_version,
		st->meta.last_modified, sha};

		for (i = 0; i < 8; i++)
		{
			types[i] = TEXTOID;
			v[i] = vals[i] ? utf8_text(vals[i]) : (Datum) 0;
			nulls[i] = vals[i] ? ' ' : 'n';
		}
		spi_exec("INSERT INTO ismap.framework AS f (framework_id, title, version, publisher, source,"
				 " oscal_uuid, oscal_version, oscal_last_modified, document_sha256)"
				 " VALUES ($1, $2, $3, $4, 'OSCAL catalog', $5, $6, $7, $8)"
				 " ON CONFLICT (framework_id) DO UPDATE SET title = EXCLUDED.title,"
				 " version = EXCLUDED.version, publisher = EXCLUDED.publisher, source = EXCLUDED.source,"
				 " oscal_uuid = EXCLUDED.oscal_uuid, oscal_version = EXCLUDED.oscal_version,"
				 " oscal_last_modified = EXCLUDED.oscal_last_modified,"
				 " document_sha256 = EXCLUDED.document_sha256"
				 " RETURNING f.xmax OPERATOR(pg_catalog.=) 0",
				 8, types, v, nulls, SPI_OK_INSERT_RETURNING);
		/* a row inserted now (not updated) has xmax 0: nothing to merge with */
		fresh = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}
	/* a new framework: per-row foreign-key checks off, one check at the end */
	if (fresh)
	{
		guc_nest = NewGUCNestLevel();
		(void) set_config_option("session_replication_role", "replica", PGC_SUSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	}

	/* groups: upsert, parents first (document order) */
	a1 = palloc(sizeof(char *) * Max(ng, 1));
	a2 = palloc(sizeof(char *) * Max(ng, 1));
	a3 = palloc(sizeof(char *) * Max(ng, 1));
	a4 = palloc(sizeof(char *) * Max(ng, 1));
	o = palloc(sizeof(int) * Max(ng, 1));
	for (i = 0; i < ng; i++)
	{
		oscal_group *g = &RECVEC_AT(&st->groups, oscal_group, i);

		a1[i] = g->id;
		a2[i] = g->parent_id;
		a3[i] = g->title;
		a4[i] = g->class_;
		o[i] = g->order;
	}
	types[0] = TEXTOID;
	v[0] = CStringGetTextDatum(fw);
	for (i = 1; i <= 4; i++)
		types[i] = TEXTARRAYOID;
	types[5] = INT4ARRAYOID;
	v[1] = text_array(a1, ng);
	v[2] = text_array(a2, ng);
	v[3] = text_array(a3, ng);
	v[4] = text_array(a4, ng);
	v[5] = int4_array(o, ng);
	spi_exec_rows(upsert(fresh, "INSERT INTO ismap.control_group AS g (framework_id, group_id, parent_group_id, title, class, sort_order)"
			 " SELECT $1, u.* FROM ROWS FROM (pg_catalog.unnest($2), pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6)) AS u"
			 " ON CONFLICT (framework_id, group_id) DO UPDATE SET parent_group_id = EXCLUDED.parent_group_id,"
			 " title = EXCLUDED.title, class = EXCLUDED.class, sort_order = EXCLUDED.sort_order"
			 " WHERE (g.parent_group_id, g.title, g.class, g.sort_order) IS DISTINCT FROM"
			 " (EXCLUDED.parent_group_id, EXCLUDED.title, EXCLUDED.class, EXCLUDED.sort_order)"),
			 6, types, v, NULL, SPI_OK_INSERT);

	/* controls: upsert, so that baselines and mappings of kept controls stay */
	a1 = palloc(sizeof(char *) * Max(nc, 1));
	a2 = palloc(sizeof(char *) * Max(nc, 1));
	a3 = palloc(sizeof(char *) * Max(nc, 1));
	a4 = palloc(sizeof(char *) * Max(nc, 1));
	a5 = palloc(sizeof(char *) * Max(nc, 1));
	a6 = palloc(sizeof(char *) * Max(nc, 1));
	a7 = palloc(sizeof(char *) * Max(nc, 1));
	a8 = palloc(sizeof(char *) * Max(nc, 1));
	o = palloc(sizeof(int) * Max(nc, 1));
	wd = palloc(sizeof(bool) * Max(nc, 1));
	for (i = 0; i < nc; i++)
	{
		oscal_control *c = &RECVEC_AT(&st->controls, oscal_control, i);

		a1[i] = c->id;
		a2[i] = c->label;
		a3[i] = c->title;
		a4[i] = c->statement;
		a5[i] = c->parent_id;
		a6[i] = c->class_;
		a7[i] = c->group_id;
		a8[i] = c->sort_id;
		o[i] = c->order;
		wd[i] = c->withdrawn;
	}
	for (i = 1; i <= 8; i++)
		types[i] = TEXTARRAYOID;
	types[9] = BOOLARRAYOID;
	types[10] = INT4ARRAYOID;
	v[1] = text_array(a1, nc);
	v[2] = text_array(a2, nc);
	v[3] = text_array(a3, nc);
	v[4] = text_array(a4, nc);
	v[5] = text_array(a5, nc);
	v[6] = text_array(a6, nc);
	v[7] = text_array(a7, nc);
	v[8] = text_array(a8, nc);
	v[9] = bool_array(wd, nc);
	v[10] = int4_array(o, nc);
	if (!fresh)
		spi_exec_rows("DELETE FROM ismap.control c WHERE c.framework_id OPERATOR(pg_catalog.=) $1"
				 " AND NOT c.control_id OPERATOR(ismap.=) ANY (SELECT pg_catalog.unnest($2::ismap.ctrlid[]))",
				 2, types, v, NULL, SPI_OK_DELETE);
	spi_exec_rows(upsert(fresh, "INSERT INTO ismap.control AS c (framework_id, control_id, label, title, statement, parent_id,"
			 " class, group_id, sort_id, withdrawn, sort_order)"
			 " SELECT $1, u.id::ismap.ctrlid, u.label, u.title, u.statement, u.parent::ismap.ctrlid,"
			 " u.class, u.grp, u.sort_id, u.withdrawn, u.ord"
			 " FROM ROWS FROM (pg_catalog.unnest($2), pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6), pg_catalog.unnest($7), pg_catalog.unnest($8), pg_catalog.unnest($9), pg_catalog.unnest($10), pg_catalog.unnest($11))"
			 " AS u(id, label, title, statement, parent, class, grp, sort_id, withdrawn, ord)"
			 " ON CONFLICT (framework_id, control_id) DO UPDATE SET label = EXCLUDED.label,"
			 " title = EXCLUDED.title, statement = EXCLUDED.statement, parent_id = EXCLUDED.parent_id,"
			 " class = EXCLUDED.class, group_id = EXCLUDED.group_id, sort_id = EXCLUDED.sort_id,"
			 " withdrawn = EXCLUDED.withdrawn, sort_order = EXCLUDED.sort_order"
			 " WHERE (c.label, c.title, c.statement, c.parent_id::pg_catalog.text, c.class, c.group_id,"
			 " c.sort_id, c.withdrawn, c.sort_order) IS DISTINCT FROM (EXCLUDED.label, EXCLUDED.title,"
			 " EXCLUDED.statement, EXCLUDED.parent_id::pg_catalog.text, EXCLUDED.class, EXCLUDED.group_id,"
			 " EXCLUDED.sort_id, EXCLUDED.withdrawn, EXCLUDED.sort_order)"),
			 11, types, v, NULL, SPI_OK_INSERT);

	/* params: upsert, then drop those the document no longer has */
	if (np > 0)
	{
		a1 = palloc(sizeof(char *) * np);
		a2 = palloc(sizeof(char *) * np);
		a3 = palloc(sizeof(char *) * np);
		a4 = palloc(sizeof(char *) * np);
		a5 = palloc(sizeof(char *) * np);
		a6 = palloc(sizeof(char *) * np);
		a7 = palloc(sizeof(char *) * np);
		o = palloc(sizeof(int) * np);
		for (i = 0; i < np; i++)
		{
			oscal_param *p = &RECVEC_AT(&st->params, oscal_param, i);

			a1[i] = p->id;
			a2[i] = p->control_id;
			a3[i] = p->group_id;
			a4[i] = p->label;
			a5[i] = p->how_many;
			a7[i] = p->value;
			o[i] = p->order;
			a6[i] = NULL;
			if (p->nchoices > 0)
			{
				/* choices joined by U+001F, which XML text cannot contain */
				StringInfoData s;
				int			k;

				initStringInfo(&s);
				for (k = 0; k < p->nchoices; k++)
				{
					if (k)
						appendStringInfoChar(&s, '\x1f');
					appendStringInfoString(&s, p->choices[k]);
				}
				a6[i] = s.data;
			}
		}
	}
	for (i = 1; i <= 7; i++)
		types[i] = TEXTARRAYOID;
	types[8] = INT4ARRAYOID;
	v[1] = text_array(a1, np);
	v[2] = text_array(a2, np);
	v[3] = text_array(a3, np);
	v[4] = text_array(a4, np);
	v[5] = text_array(a5, np);
	v[6] = text_array(a6, np);
	v[7] = text_array(a7, np);
	v[8] = int4_array(o, np);
	if (!fresh)
		spi_exec_rows("DELETE FROM ismap.control_param p WHERE p.framework_id OPERATOR(pg_catalog.=) $1"
				 " AND NOT p.param_id OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2))",
				 2, types, v, NULL, SPI_OK_DELETE);
	spi_exec_rows(upsert(fresh, "INSERT INTO ismap.control_param AS p (framework_id, param_id, control_id, group_id, label,"
			 " how_many, choices, value, sort_order)"
			 " SELECT $1, u.id, u.ctl::ismap.ctrlid, u.grp, u.label, u.how_many,"
			 " pg_catalog.string_to_array(u.choices, E'\\x1f'), u.value, u.ord"
			 " FROM ROWS FROM (pg_catalog.unnest($2), pg_catalog.unnest($3), pg_catalog.unnest($4),"
			 " pg_catalog.unnest($5), pg_catalog.unnest($6), pg_catalog.unnest($7), pg_catalog.unnest($8),"
			 " pg_catalog.unnest($9)) AS u(id, ctl, grp, label, how_many, choices, value, ord)"
			 " ON CONFLICT (framework_id, param_id) DO UPDATE SET control_id = EXCLUDED.control_id,"
			 " group_id = EXCLUDED.group_id, label = EXCLUDED.label, how_many = EXCLUDED.how_many,"
			 " choices = EXCLUDED.choices, value = EXCLUDED.value, sort_order = EXCLUDED.sort_order"
			 " WHERE (p.control_id::pg_catalog.text, p.group_id, p.label, p.how_many, p.choices, p.value,"
			 " p.sort_order) IS DISTINCT FROM (EXCLUDED.control_id::pg_catalog.text, EXCLUDED.group_id,"
			 " EXCLUDED.label, EXCLUDED.how_many, EXCLUDED.choices, EXCLUDED.value, EXCLUDED.sort_order)"),
			 9, types, v, NULL, SPI_OK_INSERT);

	/* groups the document no longer has (their controls were moved above) */
	a1 = palloc(sizeof(char *) * Max(ng, 1));
	for (i = 0; i < ng; i++)
		a1[i] = RECVEC_AT(&st->groups, oscal_group, i).id;
	types[1] = TEXTARRAYOID;
	v[1] = text_array(a1, ng);
	if (!fresh)
		spi_exec_rows("DELETE FROM ismap.control_group g WHERE g.framework_id OPERATOR(pg_catalog.=) $1"
				 " AND NOT g.group_id OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2))",
				 2, types, v, NULL, SPI_OK_DELETE);
	if (fresh)
	{
		AtEOXact_GUC(true, guc_nest);
		check_catalog_references(fw);
	}
}

/* one id of another kind, looked up among the sorted ids of a kind */
static const keyed *
find_keyed(const keyed *sorted, int n, const keyed *key,
		   int (*cmp) (const void *, const void *))
{
	return bsearch(key, sorted, n, sizeof(keyed), cmp);
}

/* the same id for two kinds of item (a group and a control, ...) */
static void
cross_duplicate_error(const char *what1, const keyed *a, const char *what2,
					  const keyed *b, bool json)
{
	if (json)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("duplicate id \"%s\" in OSCAL JSON document: a %s and a %s", a->id, what1, what2),
				 errdetail("The %s that is item %ld (\"%s\") and the %s that is item %ld (\"%s\") have the same id; ids are unique across the groups, controls and parameters of a catalog.",
						   what1, a->line, a->id, what2, b->line, b->id)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_XML_DOCUMENT),
			 errmsg("duplicate id \"%s\" in OSCAL document: a %s and a %s", a->id, what1, what2),
			 errdetail("The %s at line %ld (\"%s\") and the %s at line %ld (\"%s\") have the same id; ids are unique across the groups, controls and parameters of a catalog.",
					   what1, a->line, a->id, what2, b->line, b->id)));
}

/*
 * Ids are unique in a catalog, across kinds: control ids as ctrlids (so
 * "ac-2.1" and "AC-2(1)" are the same), group and param ids as strings,
 * and a group or param id that is a ctrlid against the controls as one.
 */
static void
check_duplicates(walk_state *st)
{
	int			nc = st->controls.n;
	int			ng = st->groups.n;
	int			np = st->params.n;
	keyed	   *kc = palloc(sizeof(keyed) * Max(nc, 1));
	keyed	   *kg = palloc(sizeof(keyed) * Max(ng, 1));
	keyed	   *kp = palloc(sizeof(keyed) * Max(np, 1));
	int			i;

	for (i = 0; i < nc; i++)
	{
		oscal_control *c = &RECVEC_AT(&st->controls, oscal_control, i);
		size_t		errpos;

		kc[i].id = c->id;
		kc[i].line = c->line;
		kc[i].p = palloc(sizeof(ctrlid_parsed));
		if (ctrlid_parse(c->id, strlen(c->id), kc[i].p, &errpos) != CTRLID_OK)
			elog(ERROR, "control id \"%s\" passed the walker but does not parse", c->id);
	}
	qsort(kc, nc, sizeof(keyed), keyed_ctrlid_cmp);
	for (i = 1; i < nc; i++)
		if (keyed_ctrlid_cmp(&kc[i - 1], &kc[i]) == 0)
			duplicate_error("control", &kc[i - 1], &kc[i], st->json);

	for (i = 0; i < ng; i++)
	{
		kg[i].id = RECVEC_AT(&st->groups, oscal_group, i).id;
		kg[i].line = RECVEC_AT(&st->groups, oscal_group, i).line;
		kg[i].p = NULL;
	}
	qsort(kg, ng, sizeof(keyed), keyed_str_cmp);
	for (i = 1; i < ng; i++)
		if (strcmp(kg[i - 1].id, kg[i].id) == 0)
			duplicate_error("group", &kg[i - 1], &kg[i], st->json);

	for (i = 0; i < np; i++)
	{
		kp[i].id = RECVEC_AT(&st->params, oscal_param, i).id;
		kp[i].line = RECVEC_AT(&st->params, oscal_param, i).line;
		kp[i].p = NULL;
	}
	qsort(kp, np, sizeof(keyed), keyed_str_cmp);
	for (i = 1; i < np; i++)
		if (strcmp(kp[i - 1].id, kp[i].id) == 0)
			duplicate_error("param", &kp[i - 1], &kp[i], st->json);

	/* across kinds: each group, then each param, against the other kinds */
	for (i = 0; i < ng + np; i++)
	{
		bool		is_group = i < ng;
		keyed		k = is_group ? kg[i] : kp[i - ng];
		ctrlid_parsed parsed;
		size_t		errpos;
		const keyed *hit;

		if (ctrlid_parse(k.id, strlen(k.id), &parsed, &errpos) == CTRLID_OK)
		{
			k.p = &parsed;
			hit = find_keyed(kc, nc, &k, keyed_ctrlid_cmp);
			if (hit)
				cross_duplicate_error(is_group ? "group" : "param", &k, "control", hit, st->json);
		}
		if (!is_group && (hit = find_keyed(kg, ng, &k, keyed_str_cmp)) != NULL)
			cross_duplicate_error("group", hit, "param", &k, st->json);
	}
}

static void
walk_state_init(walk_state *st)
{
	memset(st, 0, sizeof(*st));
	st->groups.size = sizeof(oscal_group);
	st->controls.size = sizeof(oscal_control);
	st->params.size = sizeof(oscal_param);
	st->selections.size = sizeof(oscal_selection);
}

/* import_oscal_catalog (XML text) and import_oscal_catalog_json (jsonb) */
static Datum
import_catalog(FunctionCallInfo fcinfo, bool json)
{
	TupleDesc	tupdesc;
	size_t		len;
	char	   *buf;
	walk_state	st;
	oscal_counts counts;
	const char *fw;
	Datum		values[6];
	bool		nulls[6] = {false};
	MemoryContext work;
	MemoryContext old;
	instr_time	t0, t1, t2;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("OSCAL document must not be null")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	/* everything of the walk lives here and goes at the end */
	work = AllocSetContextCreate(CurrentMemoryContext, "OSCAL import",
								 ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(work);
	INSTR_TIME_SET_CURRENT(t0);
	walk_state_init(&st);
	if (json)
	{
		Jsonb	   *jb = document_jsonb(fcinfo);

		/* the digest of a jsonb document is that of its binary value */
		buf = (char *) jb;
		len = VARSIZE(jb);
		json_walk(jb, &catalog_cb, NULL, &st, &counts);
	}
	else
	{
		buf = document_utf8(fcinfo, &len);
		read_and_walk(buf, len, &catalog_cb, NULL, &st, &counts);
	}
	check_duplicates(&st);
	INSTR_TIME_SET_CURRENT(t1);

	fw = PG_ARGISNULL(1) ? slug(st.meta.title) : text_to_cstring(PG_GETARG_TEXT_PP(1));
	check_id("framework", fw);

	SPI_connect();
	write_catalog(fw, &st, sha256_hex(buf, len));
	SPI_finish();
	INSTR_TIME_SET_CURRENT(t2);
	INSTR_TIME_SUBTRACT(t2, t1);
	INSTR_TIME_SUBTRACT(t1, t0);
	elog(DEBUG1, "OSCAL %s catalog import: parse and walk %.1f ms, write %.1f ms",
		 json ? "JSON" : "XML", INSTR_TIME_GET_MILLISEC(t1), INSTR_TIME_GET_MILLISEC(t2));

	MemoryContextSwitchTo(old);
	values[0] = CStringGetTextDatum(fw);
	values[1] = Int32GetDatum((int32) counts.groups);
	values[2] = Int32GetDatum((int32) counts.controls);
	values[3] = Int32GetDatum((int32) counts.enhancements);
	values[4] = Int32GetDatum((int32) counts.withdrawn);
	values[5] = Int32GetDatum((int32) counts.params);
	MemoryContextDelete(work);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

PG_FUNCTION_INFO_V1(ismap_import_oscal_catalog);
Datum
ismap_import_oscal_catalog(PG_FUNCTION_ARGS)
{
	return import_catalog(fcinfo, false);
}

PG_FUNCTION_INFO_V1(ismap_import_oscal_catalog_json);
Datum
ismap_import_oscal_catalog_json(PG_FUNCTION_ARGS)
{
	return import_catalog(fcinfo, true);
}

/* ------------------------------------------------ import_oscal_profile */

/* an OSCAL matching pattern (a glob: * and ?) as a LIKE pattern */
static char *
glob_to_like(const char *g)
{
	StringInfoData s;

	initStringInfo(&s);
	for (; *g; g++)
	{
		if (*g == '*')
			appendStringInfoChar(&s, '%');
		else if (*g == '?')
			appendStringInfoChar(&s, '_');
		else
		{
			if (*g == '%' || *g == '_' || *g == '\\')
				appendStringInfoChar(&s, '\\');
			appendStringInfoChar(&s, *g);
		}
	}
	return s.data;
}

/* import_oscal_profile (XML text) and import_oscal_profile_json (jsonb) */
static Datum
import_profile(FunctionCallInfo fcinfo, bool json)
{
	TupleDesc	tupdesc;
	size_t		len;
	char	   *buf;
	walk_state	st;
	const char *baseline;
	const char *fw;
	Datum		values[2];
	bool		nulls[2] = {false};
	MemoryContext work;
	MemoryContext old;
	int			n, nid = 0, npat = 0, i;
	const char **ids, **pats;
	bool	   *id_inc, *id_ch, *pat_inc, *pat_ch;
	bool		all = false;
	Oid			types[MAXARGS];
	Datum		v[MAXARGS];
	char		vnulls[MAXARGS];
	uint64		selected;
	bool		isnull;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("document, baseline_id and framework_id must not be null")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	work = AllocSetContextCreate(CurrentMemoryContext, "OSCAL import",
								 ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(work);
	baseline = text_to_cstring(PG_GETARG_TEXT_PP(1));
	fw = text_to_cstring(PG_GETARG_TEXT_PP(2));
	check_id("baseline", baseline);

	walk_state_init(&st);
	if (json)
	{
		Jsonb	   *jb = document_jsonb(fcinfo);

		buf = (char *) jb;
		len = VARSIZE(jb);
		json_walk(jb, NULL, &profile_cb, &st, NULL);
	}
	else
	{
		buf = document_utf8(fcinfo, &len);
		read_and_walk(buf, len, NULL, &profile_cb, &st, NULL);
	}

	/* split the selections into ids (checked now) and patterns */
	n = st.selections.n;
	ids = palloc(sizeof(char *) * Max(n, 1));
	pats = palloc(sizeof(char *) * Max(n, 1));
	id_inc = palloc(sizeof(bool) * Max(n, 1));
	id_ch = palloc(sizeof(bool) * Max(n, 1));
	pat_inc = palloc(sizeof(bool) * Max(n, 1));
	pat_ch = palloc(sizeof(bool) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		oscal_selection *s = &RECVEC_AT(&st.selections, oscal_selection, i);
		ctrlid_parsed p;
		size_t		errpos;

		if (s->kind == OSCAL_SELECT_ALL)
			all = true;
		else if (s->kind == OSCAL_SELECT_PATTERN)
		{
			pats[npat] = glob_to_like(s->value);
			pat_inc[npat] = s->include;
			pat_ch[npat++] = s->with_children;
		}
		else
		{
			if (ctrlid_parse(s->value, strlen(s->value), &p, &errpos) != CTRLID_OK)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_OBJECT),
						 errmsg("control \"%s\" selected by the profile does not exist in framework \"%s\"",
								s->value, fw),
						 st.json ?
						 errdetail("The with-id that is item %ld of the profile is not a valid control identifier.", s->line) :
						 errdetail("The with-id at line %ld is not a valid control identifier.", s->line)));
			ids[nid] = s->value;
			id_inc[nid] = s->include;
			id_ch[nid++] = s->with_children;
		}
	}

	SPI_connect();
	types[0] = TEXTOID;
	v[0] = CStringGetTextDatum(fw);
	spi_exec("SELECT 1 FROM ismap.framework WHERE framework_id OPERATOR(pg_catalog.=) $1 FOR KEY SHARE",
			 1, types, v, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("framework \"%s\" does not exist", fw),
				 errhint("Import the catalog the profile names with ismap.import_oscal_catalog first.")));

	/* an unknown with-id is an error naming it (and its line) */
	types[1] = TEXTARRAYOID;
	v[1] = text_array(ids, nid);
	spi_exec("SELECT u.id, u.n FROM pg_catalog.unnest($2) WITH ORDINALITY AS u(id, n)"
			 " WHERE NOT EXISTS (SELECT 1 FROM ismap.control c WHERE c.framework_id OPERATOR(pg_catalog.=) $1"
			 " AND c.control_id OPERATOR(ismap.=) u.id::ismap.ctrlid) ORDER BY u.n LIMIT 1",
			 2, types, v, NULL, SPI_OK_SELECT);
	if (SPI_processed > 0)
	{
		char	   *missing = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		int64		no = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
		long		line = 0;
		int			k, seen = 0;

		for (k = 0; k < n; k++)
		{
			oscal_selection *s = &RECVEC_AT(&st.selections, oscal_selection, k);

			if (s->kind == OSCAL_SELECT_ID && ++seen == no)
				line = s->line;
		}
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("control \"%s\" selected by the profile does not exist in framework \"%s\"",
						missing, fw),
				 st.json ?
				 errdetail("The with-id is item %ld of the profile.", line) :
				 errdetail("The with-id is at line %ld of the profile.", line)));
	}

	/* the baseline row, then its controls (replaced) */
	types[1] = TEXTOID;
	types[2] = TEXTOID;
	types[3] = TEXTOID;
	types[4] = TEXTOID;
	v[1] = CStringGetTextDatum(baseline);
	v[2] = utf8_text(st.meta.title);
	v[3] = st.meta.uuid ? utf8_text(st.meta.uuid) : (Datum) 0;
	v[4] = CStringGetTextDatum(sha256_hex(buf, len));
	memset(vnulls, ' ', sizeof(vnulls));
	vnulls[3] = st.meta.uuid ? ' ' : 'n';
	spi_exec("DELETE FROM ismap.baseline_control WHERE baseline_id OPERATOR(pg_catalog.=) $2",
			 2, types, v, vnulls, SPI_OK_DELETE);
	spi_exec("INSERT INTO ismap.baseline AS b (baseline_id, framework_id, title, source, oscal_uuid, document_sha256)"
			 " VALUES ($2, $1, $3, 'OSCAL profile', $4, $5)"
			 " ON CONFLICT (baseline_id) DO UPDATE SET framework_id = EXCLUDED.framework_id,"
			 " title = EXCLUDED.title, source = EXCLUDED.source, oscal_uuid = EXCLUDED.oscal_uuid,"
			 " document_sha256 = EXCLUDED.document_sha256",
			 5, types, v, vnulls, SPI_OK_INSERT);

	types[2] = TEXTARRAYOID;
	types[3] = BOOLARRAYOID;
	types[4] = BOOLARRAYOID;
	types[5] = TEXTARRAYOID;
	types[6] = BOOLARRAYOID;
	types[7] = BOOLARRAYOID;
	types[8] = BOOLOID;
	v[2] = text_array(ids, nid);
	v[3] = bool_array(id_inc, nid);
	v[4] = bool_array(id_ch, nid);
	v[5] = text_array(pats, npat);
	v[6] = bool_array(pat_inc, npat);
	v[7] = bool_array(pat_ch, npat);
	v[8] = BoolGetDatum(all);

	/*
	 * Seeds are the controls each selection names; with-child-controls adds
	 * their descendants; the baseline is what is included and not excluded.
	 */
	spi_exec("WITH RECURSIVE seed(control_id, incl, ch) AS ("
			 "  SELECT c.control_id, u.incl, u.ch FROM ROWS FROM (pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5)) AS u(id, incl, ch)"
			 "  JOIN ismap.control c ON c.framework_id OPERATOR(pg_catalog.=) $1"
			 "   AND c.control_id OPERATOR(ismap.=) u.id::ismap.ctrlid"
			 "  UNION ALL"
			 "  SELECT c.control_id, u.incl, u.ch FROM ROWS FROM (pg_catalog.unnest($6), pg_catalog.unnest($7), pg_catalog.unnest($8)) AS u(pat, incl, ch)"
			 "  JOIN ismap.control c ON c.framework_id OPERATOR(pg_catalog.=) $1"
			 "   AND c.control_id::pg_catalog.text OPERATOR(pg_catalog.~~) u.pat"
			 "  UNION ALL"
			 "  SELECT c.control_id, true, false FROM ismap.control c"
			 "  WHERE $9 AND c.framework_id OPERATOR(pg_catalog.=) $1),"
			 " closure(control_id, incl, ch) AS ("
			 "  SELECT control_id, incl, ch FROM seed"
			 "  UNION"
			 "  SELECT c.control_id, k.incl, true FROM closure k"
			 "  JOIN ismap.control c ON c.framework_id OPERATOR(pg_catalog.=) $1"
			 "   AND c.parent_id OPERATOR(ismap.=) k.control_id WHERE k.ch)"
			 " INSERT INTO ismap.baseline_control (baseline_id, framework_id, control_id)"
			 " SELECT $2, $1, s.control_id FROM ("
			 "  SELECT control_id FROM closure WHERE incl"
			 "  EXCEPT SELECT control_id FROM closure WHERE NOT incl) AS s",
			 9, types, v, NULL, SPI_OK_INSERT);
	selected = SPI_processed;
	SPI_finish();

	MemoryContextSwitchTo(old);
	values[0] = CStringGetTextDatum(baseline);
	values[1] = Int32GetDatum((int32) selected);
	MemoryContextDelete(work);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

PG_FUNCTION_INFO_V1(ismap_import_oscal_profile);
Datum
ismap_import_oscal_profile(PG_FUNCTION_ARGS)
{
	return import_profile(fcinfo, false);
}

PG_FUNCTION_INFO_V1(ismap_import_oscal_profile_json);
Datum
ismap_import_oscal_profile_json(PG_FUNCTION_ARGS)
{
	return import_profile(fcinfo, true);
}

/* ------------------------------------------------- export_oscal_catalog */

/*
 * The catalog is written by the pure core (src/core/oscal_write.c); here
 * the rows are fetched, converted to UTF-8 and handed over as the records
 * the reader produces, and a refusal becomes an ereport in errors.c.
 */

/* sink of the writer: a StringInfo, checking for interrupts per chunk */
static int
export_sink(void *ctx, const char *data, size_t len)
{
	CHECK_FOR_INTERRUPTS();
	appendBinaryStringInfo((StringInfo) ctx, data, (int) len);
	return 0;
}

/* column n of a row as UTF-8, or NULL */
static const char *
col_utf8(HeapTuple tup, TupleDesc td, int n)
{
	char	   *s = SPI_getvalue(tup, td, n);

	if (s == NULL || GetDatabaseEncoding() == PG_UTF8)
		return s;
	/* from SQL_ASCII nothing is converted: the writer checks the bytes */
	return pg_server_to_any(s, strlen(s), PG_UTF8);
}

static int
col_int(HeapTuple tup, TupleDesc td, int n, int if_null)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, td, n, &isnull);

	return isnull ? if_null : DatumGetInt32(d);
}

PG_FUNCTION_INFO_V1(ismap_export_oscal_catalog);
Datum
ismap_export_oscal_catalog(PG_FUNCTION_ARGS)
{
	text	   *fwt = PG_GETARG_TEXT_PP(0);
	char	   *fw = text_to_cstring(fwt);
	Oid			types[1] = {TEXTOID};
	Datum		v[1];
	HeapTuple	row;
	TupleDesc	td;
	SPITupleTable *tt;
	oscal_catalog_doc doc;
	oscal_group *groups;
	oscal_control *controls;
	oscal_param *params;
	oscal_write_limits lim = OSCAL_WRITE_DEFAULT_LIMITS;
	oscal_alloc al = {pg_oscal_alloc, NULL};
	oscal_sink sink;
	oscal_write_error err;
	oscal_write_status st;
	StringInfoData out;
	char	   *doc_text;
	text	   *result;
	int			i;
	MemoryContext caller = CurrentMemoryContext;

	v[0] = PointerGetDatum(fwt);
	SPI_connect();
	memset(&doc, 0, sizeof(doc));
	spi_exec("SELECT f.title, f.version, f.publisher,"
			 " COALESCE(f.oscal_uuid, pg_catalog.md5(f.framework_id)::pg_catalog.uuid::pg_catalog.text),"
			 " COALESCE(f.oscal_version, '1.1.2'),"
			 " COALESCE(f.oscal_last_modified,"
			 "   pg_catalog.to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')),"
			 " pg_catalog.md5(COALESCE(f.oscal_uuid, f.framework_id) OPERATOR(pg_catalog.||) ':publisher')::pg_catalog.uuid::pg_catalog.text"
			 " FROM ismap.framework f WHERE f.framework_id OPERATOR(pg_catalog.=) $1",
			 1, types, v, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("framework \"%s\" does not exist", fw)));
	row = SPI_tuptable->vals[0];
	td = SPI_tuptable->tupdesc;
	doc.meta.title = col_utf8(row, td, 1);
	doc.meta.version = col_utf8(row, td, 2);
	doc.meta.publisher = col_utf8(row, td, 3);
	doc.meta.uuid = col_utf8(row, td, 4);
	doc.meta.oscal_version = col_utf8(row, td, 5);
	doc.meta.last_modified = col_utf8(row, td, 6);
	doc.publisher_uuid = col_utf8(row, td, 7);

	/* groups and controls each in document order; the writer merges them */
	spi_exec("SELECT g.group_id, g.parent_group_id, g.title, g.class, g.sort_order"
			 " FROM ismap.control_group g WHERE g.framework_id OPERATOR(pg_catalog.=) $1"
			 " ORDER BY g.sort_order, g.group_id",
			 1, types, v, NULL, SPI_OK_SELECT);
	tt = SPI_tuptable;
	doc.ngroups = (int) SPI_processed;
	groups = palloc0(sizeof(oscal_group) * Max(doc.ngroups, 1));
	for (i = 0; i < doc.ngroups; i++)
	{
		CHECK_FOR_INTERRUPTS();
		groups[i].id = col_utf8(tt->vals[i], tt->tupdesc, 1);
		groups[i].parent_id = col_utf8(tt->vals[i], tt->tupdesc, 2);
		groups[i].title = col_utf8(tt->vals[i], tt->tupdesc, 3);
		groups[i].class_ = col_utf8(tt->vals[i], tt->tupdesc, 4);
		groups[i].order = col_int(tt->vals[i], tt->tupdesc, 5, 0);
	}
	doc.groups = groups;

	spi_exec("SELECT c.control_id::pg_catalog.text, p.control_id::pg_catalog.text, c.title, c.class,"
			 " c.label, c.sort_id, c.statement, c.withdrawn, c.group_id, c.sort_order"
			 " FROM ismap.control c LEFT JOIN ismap.control p"
			 " ON p.framework_id OPERATOR(pg_catalog.=) c.framework_id AND p.control_id OPERATOR(ismap.=) c.parent_id"
			 " WHERE c.framework_id OPERATOR(pg_catalog.=) $1"
			 " ORDER BY c.sort_order NULLS LAST, c.control_id",
			 1, types, v, NULL, SPI_OK_SELECT);
	tt = SPI_tuptable;
	doc.ncontrols = (int) SPI_processed;
	controls = palloc0(sizeof(oscal_control) * Max(doc.ncontrols, 1));
	for (i = 0; i < doc.ncontrols; i++)
	{
		HeapTuple	t = tt->vals[i];
		bool		isnull;

		CHECK_FOR_INTERRUPTS();
		controls[i].id = col_utf8(t, tt->tupdesc, 1);
		controls[i].parent_id = col_utf8(t, tt->tupdesc, 2);
		controls[i].title = col_utf8(t, tt->tupdesc, 3);
		controls[i].class_ = col_utf8(t, tt->tupdesc, 4);
		controls[i].label = col_utf8(t, tt->tupdesc, 5);
		controls[i].sort_id = col_utf8(t, tt->tupdesc, 6);
		controls[i].statement = col_utf8(t, tt->tupdesc, 7);
		controls[i].withdrawn = DatumGetBool(SPI_getbinval(t, tt->tupdesc, 8, &isnull)) && !isnull;
		controls[i].group_id = col_utf8(t, tt->tupdesc, 9);
		controls[i].order = col_int(t, tt->tupdesc, 10, INT_MAX);
	}
	doc.controls = controls;

	spi_exec("SELECT p.param_id, p.control_id::pg_catalog.text, p.group_id, p.label, p.how_many,"
			 " p.choices, p.value FROM ismap.control_param p"
			 " WHERE p.framework_id OPERATOR(pg_catalog.=) $1 ORDER BY p.sort_order, p.param_id",
			 1, types, v, NULL, SPI_OK_SELECT);
	tt = SPI_tuptable;
	doc.nparams = (int) SPI_processed;
	params = palloc0(sizeof(oscal_param) * Max(doc.nparams, 1));
	for (i = 0; i < doc.nparams; i++)
	{
		HeapTuple	t = tt->vals[i];
		bool		isnull;
		Datum		choices = SPI_getbinval(t, tt->tupdesc, 6, &isnull);

		CHECK_FOR_INTERRUPTS();
		params[i].id = col_utf8(t, tt->tupdesc, 1);
		params[i].control_id = col_utf8(t, tt->tupdesc, 2);
		params[i].group_id = col_utf8(t, tt->tupdesc, 3);
		params[i].label = col_utf8(t, tt->tupdesc, 4);
		params[i].how_many = col_utf8(t, tt->tupdesc, 5);
		params[i].value = col_utf8(t, tt->tupdesc, 7);
		if (!isnull)
		{
			Datum	   *elems;
			bool	   *enulls;
			int			ne,
						k;
			const char **cs;

			deconstruct_array(DatumGetArrayTypeP(choices), TEXTOID, -1, false,
							  TYPALIGN_INT, &elems, &enulls, &ne);
			cs = palloc(sizeof(char *) * Max(ne, 1));
			for (k = 0; k < ne; k++)
			{
				cs[k] = NULL;
				if (!enulls[k])
				{
					char	   *c = TextDatumGetCString(elems[k]);

					cs[k] = GetDatabaseEncoding() == PG_UTF8 ? c :
						pg_server_to_any(c, strlen(c), PG_UTF8);
				}
			}
			params[i].choices = cs;
			params[i].nchoices = ne;
		}
	}
	doc.params = params;

	/* a text datum holds at most MaxAllocSize - VARHDRSZ bytes */
	lim.max_output = MaxAllocSize - VARHDRSZ - 1;
	al.ctx = CurrentMemoryContext;
	initStringInfo(&out);
	sink.write = export_sink;
	sink.ctx = &out;
	st = oscal_write_catalog(&doc, &lim, &al, &sink, &err);
	if (st != OSCAL_WRITE_OK)
		ismap_oscal_write_error(&err, fw);

	/* the document is UTF-8; the xml datum is in the database encoding */
	doc_text = out.data;
	if (GetDatabaseEncoding() != PG_UTF8)
		doc_text = pg_any_to_server(out.data, out.len, PG_UTF8);

	/* the result must outlive SPI's memory */
	{
		MemoryContext spi = MemoryContextSwitchTo(caller);

		result = cstring_to_text(doc_text);
		MemoryContextSwitchTo(spi);
	}
	SPI_finish();
	PG_RETURN_XML_P((xmltype *) result);
}
