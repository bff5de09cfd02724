/*
 * oscal.h — OSCAL XML catalog and profile tree walk (pure C + libxml2)
 *
 * Reading is split in two so that a backend can free the document from an
 * error handler whatever happens in between:
 *   oscal_read()   parses a buffer with safe options into an xmlDoc;
 *   oscal_walk_catalog() / oscal_walk_profile() visit the tree and hand
 *                  each group, control, parameter and selection to the
 *                  caller's callbacks;
 *   oscal_free()   frees the document.
 *
 * Security posture of oscal_read (see docs/oscal-import.md):
 *   - options XML_PARSE_NONET | XML_PARSE_IGNORE_ENC | XML_PARSE_BIG_LINES;
 *     never NOENT, DTDLOAD, DTDATTR, XINCLUDE or HUGE, so libxml2 keeps its
 *     depth, name and text length limits and never loads anything;
 *   - a DOCTYPE stops the parser in the SAX internalSubset callback, before
 *     a single entity declaration is read (status OSCAL_DOCTYPE);
 *   - NUL bytes are refused before parsing;
 *   - the document goes to libxml2's push parser in chunks; each chunk is
 *     first scanned for a tag of more than OSCAL_MAX_ATTRIBUTES attributes
 *     (refused before libxml2's quadratic duplicate check sees it), and
 *     between chunks the caller's tick may check for interrupts; feeding
 *     stops at libxml2's first error;
 *   - no global libxml2 state is changed: the SAX hooks live in the
 *     parser context's own handler copy.
 * The walker then insists that every element is in the OSCAL namespace
 * (so XInclude and other foreign elements are refused, never processed)
 * and applies the limits of oscal_limits.
 *
 * Strings handed to callbacks are NUL-terminated copies made with the
 * caller's allocator (which never frees: a backend memory context or an
 * arena); they stay valid after oscal_free().  The allocator returns NULL
 * on failure (status OSCAL_NO_MEMORY) or does not return at all.
 */
#ifndef ISMAP_CORE_OSCAL_H
#define ISMAP_CORE_OSCAL_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define OSCAL_NS "http://csrc.nist.gov/ns/oscal/1.0"

typedef enum oscal_status
{
	OSCAL_OK = 0,
	/* not well-formed or refused by libxml2 (2200M; details from libxml2) */
	OSCAL_XML_ERROR,
	OSCAL_EMPTY,				/* zero bytes or only white space */
	OSCAL_NUL_BYTE,				/* a NUL byte in the document */
	OSCAL_DOCTYPE,				/* a DOCTYPE declaration */
	/* not an OSCAL document of the expected kind (2200M) */
	OSCAL_WRONG_NAMESPACE,		/* root not in the OSCAL namespace */
	OSCAL_WRONG_ROOT,			/* root is not catalog / profile */
	OSCAL_FOREIGN_ELEMENT,		/* an element outside the OSCAL namespace */
	OSCAL_MISSING_ID,			/* control/param/with-id without an id */
	OSCAL_MISSING_TITLE,		/* control or catalog without a title */
	OSCAL_BAD_CONTROL_ID,		/* a control id that is not a ctrlid */
	OSCAL_NO_IMPORT,			/* a profile without an import */
	OSCAL_NO_SELECTION,			/* an import with neither include-all nor include-controls */
	OSCAL_WRONG_TYPE,			/* JSON: a member of the wrong type (22P02) */
	/* limits (54000) */
	OSCAL_TOO_DEEP,				/* controls or groups nested too deep */
	OSCAL_TOO_MANY,				/* too many controls, params or selections */
	OSCAL_TEXT_TOO_LONG,		/* one text value over the limit */
	OSCAL_TOO_MANY_ATTRIBUTES,	/* a tag with more than max_attributes */
	/* other */
	OSCAL_NO_MEMORY,
	OSCAL_ABORTED				/* a callback returned non-zero */
} oscal_status;

typedef struct oscal_limits
{
	int			max_depth;		/* control or group nesting (1 = flat) */
	long		max_items;		/* controls + groups + params + selections */
	size_t		max_text;		/* bytes of one title, statement, label */
} oscal_limits;

#define OSCAL_DEFAULT_LIMITS {8, 1000000, 1024 * 1024}

typedef struct oscal_alloc
{
	void	   *(*alloc) (void *ctx, size_t size);
	void	   *ctx;
} oscal_alloc;

/* Where and why the walk stopped.  line is 0 when unknown. */
typedef struct oscal_error
{
	oscal_status status;
	long		line;
	char		name[128];		/* element, id or value concerned */
	char		detail[128];	/* e.g. the namespace found */
	/* OSCAL_XML_ERROR: name is the reader's own message, not libxml2's */
	bool		core_message;
} oscal_error;

/* metadata common to catalogs and profiles */
typedef struct oscal_meta
{
	const char *uuid;
	const char *title;
	const char *version;
	const char *oscal_version;
	const char *last_modified;
	const char *publisher;		/* party of role publisher, else creator */
} oscal_meta;

typedef struct oscal_group
{
	const char *id;				/* synthesized "group-N" when absent */
	const char *parent_id;		/* enclosing group, or NULL */
	const char *title;
	const char *class_;
	int			depth;			/* 1 for a top-level group */
	int			order;			/* document order among groups and controls */
	long		line;
} oscal_group;

typedef struct oscal_control
{
	const char *id;
	const char *parent_id;		/* enclosing control, NULL for a base control */
	const char *group_id;		/* nearest enclosing group, or NULL */
	const char *title;
	const char *class_;
	const char *label;			/* prop label (one without class preferred) */
	const char *sort_id;		/* prop sort-id */
	const char *statement;		/* part statement as plain text, or NULL */
	bool		withdrawn;		/* prop status = withdrawn, any case */
	int			depth;			/* 1 for a base control, 2 for an enhancement */
	int			order;
	long		line;
} oscal_control;

typedef struct oscal_param
{
	const char *id;
	const char *control_id;		/* owning control, or NULL */
	const char *group_id;		/* owning group when not in a control */
	const char *label;
	const char *how_many;		/* select/@how-many; "one" for a bare select */
	const char **choices;		/* nchoices plain-text choices */
	int			nchoices;
	const char *value;			/* first value, or NULL */
	int			order;
	long		line;
} oscal_param;

typedef struct oscal_catalog_cb
{
	int			(*meta) (void *arg, const oscal_meta *m);
	int			(*group) (void *arg, const oscal_group *g);
	int			(*control) (void *arg, const oscal_control *c);
	int			(*param) (void *arg, const oscal_param *p);
} oscal_catalog_cb;

typedef enum oscal_select_kind
{
	OSCAL_SELECT_ALL,			/* include-all */
	OSCAL_SELECT_ID,			/* with-id */
	OSCAL_SELECT_PATTERN		/* matching/@pattern (a glob) */
} oscal_select_kind;

typedef struct oscal_selection
{
	bool		include;		/* include-* (true) or exclude-controls */
	oscal_select_kind kind;
	const char *value;			/* id or pattern; NULL for ALL */
	bool		with_children;	/* @with-child-controls="yes" */
	int			import_no;		/* 1-based import it belongs to */
	long		line;
} oscal_selection;

typedef struct oscal_profile_cb
{
	int			(*meta) (void *arg, const oscal_meta *m);
	int			(*import) (void *arg, const char *href, int import_no, long line);
	int			(*select) (void *arg, const oscal_selection *s);
} oscal_profile_cb;

/* Totals of a catalog walk. */
typedef struct oscal_counts
{
	long		groups;
	long		controls;		/* directly in a group or the catalog */
	long		enhancements;	/* nested in a control */
	long		withdrawn;
	long		params;
} oscal_counts;

/* oscal_read flags */
#define OSCAL_READ_QUIET	0x01	/* collect libxml2 errors in the error
									 * struct instead of the global handler */

/*
 * Attributes allowed in one tag (namespace declarations count).  OSCAL
 * elements carry a handful; libxml2's work on one tag grows with the square
 * of its attributes, so a tag over the limit is refused before libxml2
 * reads its end (status OSCAL_TOO_MANY_ATTRIBUTES, err->detail the limit).
 */
#define OSCAL_MAX_ATTRIBUTES 256
/* bytes handed to libxml2 at a time (tens of microseconds of parsing;
 * measured best for speed too: larger chunks cost libxml2 more copying) */
#define OSCAL_READ_CHUNK 4096

/* options of oscal_read; NULL or zero fields mean the defaults above */
typedef struct oscal_read_opts
{
	size_t		chunk;			/* bytes per chunk */
	int			max_attributes; /* attributes per tag */
	/*
	 * Called between two chunks, with libxml2 off the stack: a backend
	 * checks for interrupts here (and may longjmp; see ctxtp below).  A
	 * non-zero return stops the read with OSCAL_ABORTED.
	 */
	int			(*tick) (void *arg);
	void	   *tick_arg;
} oscal_read_opts;

/*
 * ctxtp (may be NULL) holds the parser context while oscal_read runs and is
 * NULL again when it returns.  A caller whose error handler can longjmp out
 * of libxml2 (a backend: the error callbacks may ereport) passes it and
 * calls oscal_read_abandon(ctxtp) in its handler, so nothing leaks.
 */
extern oscal_status oscal_read(const char *buf, size_t len, int flags,
							   const oscal_read_opts *opts,
							   xmlParserCtxtPtr *ctxtp, xmlDocPtr *doc,
							   oscal_error *err);
extern void oscal_read_abandon(xmlParserCtxtPtr *ctxtp);
extern void oscal_free(xmlDocPtr doc);

extern oscal_status oscal_walk_catalog(xmlDocPtr doc, const oscal_limits *lim,
									   const oscal_alloc *al,
									   const oscal_catalog_cb *cb, void *arg,
									   oscal_counts *counts, oscal_error *err);
extern oscal_status oscal_walk_profile(xmlDocPtr doc, const oscal_limits *lim,
									   const oscal_alloc *al,
									   const oscal_profile_cb *cb, void *arg,
									   oscal_error *err);

/*
 * OSCAL JSON.  The same records, from a JSON tree that the caller owns (a
 * backend's jsonb, a test's own tree): the walker reaches it only through
 * these accessors, so it never parses JSON text itself.  A node is the
 * caller's opaque handle; member() returns NULL for an absent key; string()
 * returns the bytes of a string (UTF-8, not NUL-terminated).  tick (may be
 * NULL) is called once per group, control and selection; non-zero stops the
 * walk (OSCAL_ABORTED).
 *
 * The rules are those of the XML walk: a record of a JSON catalog equals the
 * record of the same catalog in XML.  Prose is OSCAL's Markdown: a blank
 * line separates paragraphs (each one line of a statement, like XML's <p>),
 * "{{ insert: param, id }}" is rendered like <insert>, other Markdown is
 * kept as written.  For errors, err->line is the item number (document
 * order, 0 when none) and err->detail the JSON pointer of the member
 * concerned ("/catalog/groups/0/controls/3/title").  Records carry the
 * item number as their line.
 */
typedef enum oscal_jkind
{
	OSCAL_J_NULL,
	OSCAL_J_BOOL,
	OSCAL_J_NUMBER,
	OSCAL_J_STRING,
	OSCAL_J_ARRAY,
	OSCAL_J_OBJECT
} oscal_jkind;

typedef struct oscal_jops
{
	oscal_jkind (*kind) (void *ctx, const void *node);
	const void *(*member) (void *ctx, const void *object, const char *key);
	int			(*length) (void *ctx, const void *array);
	const void *(*element) (void *ctx, const void *array, int i);
	const char *(*string) (void *ctx, const void *node, size_t *len);
	int			(*tick) (void *ctx);
	void	   *ctx;
} oscal_jops;

/* part nesting allowed in a JSON statement (rev4 nests 6 deep) */
#define OSCAL_JSON_MAX_PART_DEPTH 64

extern oscal_status oscal_json_walk_catalog(const oscal_jops *ops, const void *root,
											const oscal_limits *lim,
											const oscal_alloc *al,
											const oscal_catalog_cb *cb, void *arg,
											oscal_counts *counts, oscal_error *err);
extern oscal_status oscal_json_walk_profile(const oscal_jops *ops, const void *root,
											const oscal_limits *lim,
											const oscal_alloc *al,
											const oscal_profile_cb *cb, void *arg,
											oscal_error *err);

/* A sentence describing the status, for an error detail. */
extern const char *oscal_status_text(oscal_status st);
/* true for the limit statuses (54000) */
extern bool oscal_status_is_limit(oscal_status st);

#endif							/* ISMAP_CORE_OSCAL_H */
