/*
 * oscal.c — OSCAL XML catalog and profile tree walk (pure C + libxml2)
 *
 * See oscal.h for the contract and the security posture.  The walker is
 * written to the OSCAL model rather than to particular files: groups nest,
 * controls nest (enhancements, and their enhancements), a control may stand
 * directly in the catalog, labels and withdrawn status are props, and prose
 * is markup (p, lists, tables, inline emphasis, param inserts) that is
 * flattened to plain text here.
 */
#include "oscal.h"
#include "ctrlid.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>

/* props in no namespace or in NIST's own namespace are OSCAL's own */
#define OSCAL_PROP_NS "http://csrc.nist.gov/ns/oscal"

/* Lookups of inserted params walk up the tree; this caps their total work
 * so that a document of many params and many inserts stays linear-ish. */
#define OSCAL_LOOKUP_BUDGET 50000000L
/* a choice may insert a param whose choices insert params ... */
#define OSCAL_MAX_INSERT_DEPTH 4

/* ---------------------------------------------------------------- read */

static inline bool
xml_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

typedef struct read_state
{
	bool		doctype;
	long		doctype_line;
	bool		seen_root;
	oscal_status foreign;		/* WRONG_NAMESPACE or FOREIGN_ELEMENT */
	long		foreign_line;
	char		foreign_name[128];
	char		foreign_ns[128];
	bool		quiet;
	bool		have_error;
	oscal_error *err;
	long		skip_depth;		/* > 0 inside an element left out of the tree */
	const xmlChar *ns_ok;		/* a namespace name found to be OSCAL's */
} read_state;

/*
 * SAX internalSubset: called when "<!DOCTYPE name ..." has been read and
 * before the internal subset "[...]" is parsed.  Stopping here means no
 * entity, parameter entity or external subset is ever declared or loaded.
 */
static void
doctype_hook(void *ctx, const xmlChar *name, const xmlChar *external_id,
			 const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr) ctx;
	read_state *st = (read_state *) ctxt->_private;

	st->doctype = true;
	st->doctype_line = ctxt->input ? ctxt->input->line : 0;
	xmlStopParser(ctxt);
}

/*
 * Elements the walkers never read are left out of the tree: links,
 * back-matter, a profile's merge and modify, and a control's parts other
 * than its statement (guidance, assessment objectives and methods, which are
 * most of a catalog).  The parser still reads and checks every byte; only
 * the tree is smaller, so it is built and freed faster.
 */
static bool
left_out(xmlParserCtxtPtr ctxt, const xmlChar *localname, int nb_attributes,
		 const xmlChar **attributes)
{
	const char *name = (const char *) localname;
	const xmlNode *parent = ctxt->node;
	int			i;

	if (strcmp(name, "link") == 0 || strcmp(name, "back-matter") == 0)
		return true;
	if (parent == NULL || parent->type != XML_ELEMENT_NODE)
		return false;
	if ((strcmp(name, "modify") == 0 || strcmp(name, "merge") == 0) &&
		strcmp((const char *) parent->name, "profile") == 0)
		return true;
	if (strcmp(name, "part") != 0 || strcmp((const char *) parent->name, "control") != 0)
		return false;
	/* attributes come as (localname, prefix, URI, value, end) quintuples */
	for (i = 0; i < nb_attributes; i++)
	{
		const xmlChar **a = attributes + 5 * i;

		if (a[2] == NULL && strcmp((const char *) a[0], "name") == 0)
			return !((a[4] - a[3]) == 9 && memcmp(a[3], "statement", 9) == 0);
	}
	return false;
}

/*
 * Elements whose own text the walkers never read: the catalog, its groups,
 * controls and params, a param's select, a control's statement and its
 * sub-parts -- but only where they stand in that structure (a control
 * inside a paragraph is prose, and its text is read).  A mark in the
 * node's _private field says so; the white space between their children
 * (a pretty-printed catalog has more of it than it has elements) is then
 * left out of the tree.
 */
static const char structural_mark;

static bool
structural(const xmlNode *parent, const xmlChar *localname)
{
	const char *name = (const char *) localname;
	const char *pn;

	if (parent == NULL || parent->type != XML_ELEMENT_NODE)
		return strcmp(name, "catalog") == 0;
	if (parent->_private != &structural_mark)
		return false;
	pn = (const char *) parent->name;
	if (strcmp(pn, "part") == 0)
		return strcmp(name, "part") == 0;
	if (strcmp(pn, "control") == 0)
		return strcmp(name, "part") == 0 || strcmp(name, "control") == 0 ||
			strcmp(name, "param") == 0;
	if (strcmp(pn, "catalog") == 0 || strcmp(pn, "group") == 0)
		return strcmp(name, "group") == 0 || strcmp(name, "control") == 0 ||
			strcmp(name, "param") == 0;
	if (strcmp(pn, "param") == 0)
		return strcmp(name, "select") == 0;
	return false;
}

/*
 * SAX startElementNs: every element must be in the OSCAL namespace, so
 * nothing foreign (XInclude, XSLT, ...) ever reaches the tree and a typo in
 * the namespace shows at once.  Checking here, while the element is hot in
 * the cache, costs far less than a second pass over the tree.
 */
static void
element_hook(void *ctx, const xmlChar *localname, const xmlChar *prefix,
			 const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
			 int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr) ctx;
	read_state *st = (read_state *) ctxt->_private;

	/*
	 * libxml2 hands every element the namespace name interned in the
	 * parser's dictionary, which lives as long as the parse: once such a
	 * string has compared equal, the same pointer needs no strcmp.
	 */
	if (uri != NULL && uri != st->ns_ok && strcmp((const char *) uri, OSCAL_NS) == 0 &&
		ctxt->dict != NULL && xmlDictOwns(ctxt->dict, uri) == 1)
		st->ns_ok = uri;
	if (uri == NULL || (uri != st->ns_ok && strcmp((const char *) uri, OSCAL_NS) != 0))
	{
		st->foreign = st->seen_root ? OSCAL_FOREIGN_ELEMENT : OSCAL_WRONG_NAMESPACE;
		st->foreign_line = ctxt->input ? ctxt->input->line : 0;
		snprintf(st->foreign_name, sizeof(st->foreign_name), "%s%s%s",
				 prefix ? (const char *) prefix : "", prefix ? ":" : "",
				 (const char *) localname);
		snprintf(st->foreign_ns, sizeof(st->foreign_ns), "%s",
				 uri ? (const char *) uri : "");
		xmlStopParser(ctxt);
		return;
	}
	if (st->skip_depth > 0 ||
		(st->seen_root && left_out(ctxt, localname, nb_attributes, attributes)))
	{
		st->skip_depth++;
		return;
	}
	st->seen_root = true;
	{
		bool		mark = structural(ctxt->node, localname);

		xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces,
							  namespaces, nb_attributes, nb_defaulted, attributes);
		if (mark && ctxt->node != NULL)
			ctxt->node->_private = (void *) &structural_mark;
	}
}

static void
end_element_hook(void *ctx, const xmlChar *localname, const xmlChar *prefix,
				 const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr) ctx;
	read_state *st = (read_state *) ctxt->_private;

	if (st->skip_depth > 0)
		st->skip_depth--;
	else
		xmlSAX2EndElementNs(ctx, localname, prefix, uri);
}

/*
 * Text: none inside a left-out element, and no white space directly in a
 * structural element (above).  White space is kept where libxml2 can no
 * longer store the line in a node (from line 65535 on, XML_PARSE_BIG_LINES
 * keeps it in text nodes, and an element there takes the line of its first
 * child or next sibling): every line reported stays what it was.
 */
static void
characters_hook(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr) ctx;
	const xmlNode *parent = ctxt->node;
	int			i;

	if (((read_state *) ctxt->_private)->skip_depth > 0)
		return;
	if (parent != NULL && parent->_private == &structural_mark &&
		ctxt->input != NULL && ctxt->input->line < USHRT_MAX)
	{
		for (i = 0; i < len && xml_space(ch[i]); i++)
			;
		if (i == len)
			return;
	}
	xmlSAX2Characters(ctx, ch, len);
}

static void
cdata_hook(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr) ctx;

	if (((read_state *) ctxt->_private)->skip_depth == 0)
		xmlSAX2CDataBlock(ctx, ch, len);
}

static void
comment_hook(void *ctx, const xmlChar *value)
{
	xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr) ctx;

	if (((read_state *) ctxt->_private)->skip_depth == 0)
		xmlSAX2Comment(ctx, value);
}

static void
pi_hook(void *ctx, const xmlChar *target, const xmlChar *data)
{
	xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr) ctx;

	if (((read_state *) ctxt->_private)->skip_depth == 0)
		xmlSAX2ProcessingInstruction(ctx, target, data);
}

static void
copy_message(oscal_error *err, const xmlError *e)
{
	size_t		n;

	err->line = e->line;
	snprintf(err->name, sizeof(err->name), "%s", e->message ? e->message : "");
	n = strlen(err->name);
	while (n > 0 && (err->name[n - 1] == '\n' || err->name[n - 1] == ' '))
		err->name[--n] = '\0';
}

/* per-context structured error handler of quiet mode: keep the first */
static void
quiet_error(void *ud, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr) ud;
	read_state *st = (read_state *) ctxt->_private;

	if (st == NULL || st->have_error || e == NULL || e->level < XML_ERR_ERROR)
		return;
	st->have_error = true;
	copy_message(st->err, e);
}

static void
set_error(oscal_error *err, oscal_status st, long line, const char *name,
		  const char *detail)
{
	err->status = st;
	err->line = line;
	snprintf(err->name, sizeof(err->name), "%s", name ? name : "");
	snprintf(err->detail, sizeof(err->detail), "%s", detail ? detail : "");
}

/*
 * The attribute pre-scan.  libxml2 checks the attributes of one start tag
 * for duplicates pairwise (and looks each prefix up in every namespace in
 * scope), so a tag of 100,000 attributes costs minutes of work in one call
 * that nothing can interrupt.  Every chunk is scanned before libxml2 sees
 * it, and a tag with more than the limit of attributes is refused before
 * its end is handed over.
 *
 * The count is conservative, never lower than what libxml2 collects: a
 * start tag cannot contain a raw "<" (libxml2 ends the tag there, values
 * included), so every "<" starts a new candidate tag, wherever it stands
 * (text, comment, CDATA section); an attribute of libxml2 has exactly one
 * "=" outside quoted values, and a value begins only at a quote after "=";
 * after anything out of place (a stray quote, "=" not followed by a quote)
 * every "=" up to the next "<" counts.  So attribute-like text inside a
 * comment or CDATA section counts too; no OSCAL document comes near the
 * limit either way.
 */
enum
{
	SCAN_LT,					/* just after "<" */
	SCAN_TAG,					/* in a start tag, outside values */
	SCAN_EQ,					/* after "=", before the value's quote */
	SCAN_DQ,					/* in a "..." value */
	SCAN_SQ,					/* in a '...' value */
	SCAN_RAW,					/* something out of place: every "=" counts */
	SCAN_DONE					/* the tag has ended: nothing until "<" */
};

/*
 * A segment runs from one "<" to the next.  Counting its "=" bytes (a
 * memchr hop per "=") bounds its attributes from above; only a segment with
 * more "=" than the limit (say, long prose with "=" after a tag) is counted
 * again byte by byte, by the exact rules above.  A segment of no more bytes
 * than the limit (nearly all of them) cannot have that many "=", so its
 * bytes are counted only once it grows longer.
 */
typedef struct attr_scan
{
	bool		in_segment;		/* a "<" has been seen */
	bool		exact;			/* counting the segment byte by byte */
	int			state;			/* of the exact count */
	int			count;			/* "=" bytes, or attributes when exact */
	int			max;
	size_t		tag;			/* offset of the segment's "<" */
	size_t		counted;		/* "=" before this offset are counted */
} attr_scan;

/*
 * The exact count, from p up to the next "<" (excluded) or to; returns
 * where it stopped, or SIZE_MAX when the tag exceeds the limit.
 */
static size_t
scan_exact(attr_scan *sc, const char *buf, size_t p, size_t to)
{
	for (; p < to; p++)
	{
		unsigned char c = (unsigned char) buf[p];

		if (c == '<')
			return p;
		switch (sc->state)
		{
			case SCAN_LT:
				/* an end tag, comment, PI, DOCTYPE or no tag at all */
				if (c == '/' || c == '!' || c == '?' || c == '>' || c == '=' ||
					c == '"' || c == '\'' || xml_space(c))
					sc->state = SCAN_DONE;
				else
					sc->state = SCAN_TAG;
				break;
			case SCAN_TAG:
				if (c == '>')
					sc->state = SCAN_DONE;
				else if (c == '"' || c == '\'')
					sc->state = SCAN_RAW;
				else if (c == '=')
				{
					sc->count++;
					sc->state = SCAN_EQ;
				}
				break;
			case SCAN_EQ:
				if (c == '"')
					sc->state = SCAN_DQ;
				else if (c == '\'')
					sc->state = SCAN_SQ;
				else if (!xml_space(c))
				{
					sc->state = SCAN_RAW;
					if (c == '=')
						sc->count++;
				}
				break;
			case SCAN_DQ:
				if (c == '"')
					sc->state = SCAN_TAG;
				break;
			case SCAN_SQ:
				if (c == '\'')
					sc->state = SCAN_TAG;
				break;
			case SCAN_RAW:
				if (c == '=')
					sc->count++;
				break;
			case SCAN_DONE:
				{
					const char *lt = memchr(buf + p, '<', to - p);

					return lt ? (size_t) (lt - buf) : to;
				}
		}
		if (sc->count > sc->max)
			return SIZE_MAX;
	}
	return to;
}

/*
 * Scan buf[from, to); false when a tag exceeds the limit, its "<" in *bad.
 * The state carries over from one chunk to the next (the whole document
 * stays in memory, so a segment can be counted again from its start).
 */
static bool
scan_attributes(attr_scan *sc, const char *buf, size_t from, size_t to,
				size_t *bad)
{
	size_t		p = from;

	while (p < to)
	{
		const char *lt;
		size_t		seg_end;

		if (sc->exact)
		{
			p = scan_exact(sc, buf, p, to);
			if (p == SIZE_MAX)
			{
				*bad = sc->tag;
				return false;
			}
			if (p == to)
				return true;
			sc->exact = false;	/* at the next "<" */
			sc->counted = p;
		}
		lt = memchr(buf + p, '<', to - p);
		seg_end = lt ? (size_t) (lt - buf) : to;
		/* a segment no longer than the limit cannot hold more "=" */
		if (sc->in_segment && seg_end - sc->tag > (size_t) sc->max)
		{
			const char *eq;

			/* from where the count stopped (the "<" of a segment that was
			 * short so far) */
			p = sc->counted;
			while (p < seg_end && (eq = memchr(buf + p, '=', seg_end - p)) != NULL)
			{
				p = (size_t) (eq - buf) + 1;
				if (++sc->count > sc->max)
				{
					/* count this segment again, exactly, from its "<" */
					sc->exact = true;
					sc->state = SCAN_LT;
					sc->count = 0;
					p = sc->tag + 1;
					break;
				}
			}
			if (sc->exact)
				continue;
			sc->counted = seg_end;
		}
		if (lt == NULL)
			return true;
		sc->in_segment = true;
		sc->tag = seg_end;
		sc->counted = seg_end + 1;
		sc->count = 0;
		p = seg_end + 1;
	}
	return true;
}

/* line (1-based) of an offset, and the name of the tag starting there */
static void
describe_tag(const char *buf, size_t len, size_t at, oscal_error *err)
{
	const char *p = buf;
	const char *end = buf + at;
	long		line = 1;
	size_t		n = 0;

	while ((p = memchr(p, '\n', (size_t) (end - p))) != NULL)
	{
		line++;
		p++;
	}
	at++;						/* past the "<" */
	while (at + n < len && n < sizeof(err->name) - 1)
	{
		unsigned char c = (unsigned char) buf[at + n];

		if (xml_space(c) || c == '>' || c == '/' || c == '<' || c == '=' ||
			c == '"' || c == '\'')
			break;
		n++;
	}
	/* a name cut in the middle of a UTF-8 sequence loses the partial one */
	if (n == sizeof(err->name) - 1 && at + n < len)
		while (n > 0 && ((unsigned char) buf[at + n] & 0xC0) == 0x80)
			n--;
	err->line = line;
	memcpy(err->name, buf + at, n);
	err->name[n] = '\0';
}

/*
 * Where to end a chunk that would end at "end": just after the last ">"
 * in its second half (libxml2 never sees a tag cut in two), else before a
 * byte that starts a UTF-8 sequence.
 */
static size_t
chunk_end(const char *buf, size_t start, size_t end, size_t len)
{
	size_t		half = start + (end - start) / 2;
	size_t		p;

	if (end >= len)
		return len;
	for (p = end; p > half; p--)
		if (buf[p - 1] == '>')
			return p;
	while (end > start + 1 && ((unsigned char) buf[end] & 0xC0) == 0x80)
		end--;
	return end;
}

oscal_status
oscal_read(const char *buf, size_t len, int flags,
		   const oscal_read_opts *opts, xmlParserCtxtPtr *ctxtp,
		   xmlDocPtr *doc, oscal_error *err)
{
	xmlParserCtxtPtr ctxt;
	xmlParserCtxtPtr local = NULL;
	read_state	st;
	attr_scan	sc;
	size_t		chunk = OSCAL_READ_CHUNK;
	size_t		i;
	size_t		pos;
	size_t		bad = 0;
	bool		blank = true;
	bool		too_many = false;
	bool		aborted = false;

	*doc = NULL;
	memset(err, 0, sizeof(*err));
	if (memchr(buf, '\0', len) != NULL)
	{
		set_error(err, OSCAL_NUL_BYTE, 0, NULL, NULL);
		return OSCAL_NUL_BYTE;
	}
	for (i = 0; i < len && blank; i++)
		blank = (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r');
	if (blank)
	{
		set_error(err, OSCAL_EMPTY, 0, NULL, NULL);
		return OSCAL_EMPTY;
	}
	if (len > INT_MAX)
	{
		set_error(err, OSCAL_TEXT_TOO_LONG, 0, NULL, NULL);
		return OSCAL_TEXT_TOO_LONG;
	}
	/* a byte order mark and white space may come first, then "<" */
	i = 0;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && xml_space((unsigned char) buf[i]))
		i++;
	if (i >= len || buf[i] != '<')
	{
		const char *p = buf;
		long		line = 1;

		while ((p = memchr(p, '\n', (size_t) (buf + i - p))) != NULL)
		{
			line++;
			p++;
		}
		set_error(err, OSCAL_XML_ERROR, line, "Start tag expected, '<' not found", NULL);
		err->core_message = true;
		return OSCAL_XML_ERROR;
	}
	memset(&sc, 0, sizeof(sc));
	sc.max = OSCAL_MAX_ATTRIBUTES;
	if (opts != NULL && opts->chunk > 0)
		chunk = opts->chunk;
	if (opts != NULL && opts->max_attributes > 0)
		sc.max = opts->max_attributes;

	if (ctxtp == NULL)
		ctxtp = &local;
	/* published at once, so that a caller's error handler can free it */
	*ctxtp = ctxt = xmlCreatePushParserCtxt(NULL, NULL, NULL, 0, NULL);
	if (ctxt == NULL)
	{
		set_error(err, OSCAL_NO_MEMORY, 0, NULL, NULL);
		return OSCAL_NO_MEMORY;
	}
	memset(&st, 0, sizeof(st));
	st.err = err;
	st.quiet = (flags & OSCAL_READ_QUIET) != 0;
	ctxt->_private = &st;
	/* the input is UTF-8 already (the caller converted it) */
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_IGNORE_ENC |
					  XML_PARSE_BIG_LINES | XML_PARSE_COMPACT);
	/* ctxt->sax is this context's own copy: nothing global changes */
	ctxt->sax->internalSubset = doctype_hook;
	ctxt->sax->startElementNs = element_hook;
	ctxt->sax->endElementNs = end_element_hook;
	ctxt->sax->characters = characters_hook;
	ctxt->sax->ignorableWhitespace = characters_hook;
	ctxt->sax->cdataBlock = cdata_hook;
	ctxt->sax->comment = comment_hook;
	ctxt->sax->processingInstruction = pi_hook;
	if (st.quiet)
		ctxt->sax->serror = quiet_error;

	/*
	 * Chunk by chunk: scanned, then parsed, then the caller's tick (which
	 * may check for interrupts, or longjmp: libxml2 is not on the stack).
	 * Feeding stops at the first error, so nothing is parsed after it.
	 */
	for (pos = 0; pos < len;)
	{
		size_t		end = chunk_end(buf, pos, len - pos > chunk ? pos + chunk : len, len);

		if (!scan_attributes(&sc, buf, pos, end, &bad))
		{
			/* what comes before the tag may hold an error found first */
			if (bad > pos)
				xmlParseChunk(ctxt, buf + pos, (int) (bad - pos), 0);
			too_many = true;
			break;
		}
		xmlParseChunk(ctxt, buf + pos, (int) (end - pos), 0);
		pos = end;
		if (st.doctype || st.foreign != OSCAL_OK || !ctxt->wellFormed ||
			!ctxt->nsWellFormed || ctxt->instate == XML_PARSER_EOF)
			break;
		if (pos < len && opts != NULL && opts->tick != NULL &&
			opts->tick(opts->tick_arg) != 0)
		{
			aborted = true;
			break;
		}
	}

	/*
	 * All of it read: an element still open means a truncated document
	 * (the push parser would only say "Extra content at the end"); else
	 * the end of input lets libxml2 finish.
	 */
	if (pos == len && !too_many && !aborted && !st.doctype &&
		st.foreign == OSCAL_OK && ctxt->wellFormed && ctxt->nsWellFormed &&
		ctxt->instate != XML_PARSER_EOF)
	{
		if (ctxt->nameNr > 0 && ctxt->name != NULL)
		{
			snprintf(err->name, sizeof(err->name),
					 "Premature end of data in tag %s", (const char *) ctxt->name);
			err->line = ctxt->input ? ctxt->input->line : 0;
			err->core_message = true;
			ctxt->wellFormed = 0;
		}
		else
			xmlParseChunk(ctxt, NULL, 0, 1);
	}

	if (st.doctype)
	{
		if (ctxt->myDoc)
			xmlFreeDoc(ctxt->myDoc);
		ctxt->myDoc = NULL;
		*ctxtp = NULL;
		xmlFreeParserCtxt(ctxt);
		set_error(err, OSCAL_DOCTYPE, st.doctype_line, NULL, NULL);
		return OSCAL_DOCTYPE;
	}
	if (st.foreign != OSCAL_OK)
	{
		if (ctxt->myDoc)
			xmlFreeDoc(ctxt->myDoc);
		ctxt->myDoc = NULL;
		*ctxtp = NULL;
		xmlFreeParserCtxt(ctxt);
		set_error(err, st.foreign, st.foreign_line, st.foreign_name, st.foreign_ns);
		return st.foreign;
	}
	if (!ctxt->wellFormed || !ctxt->nsWellFormed ||
		(!too_many && !aborted && ctxt->myDoc == NULL))
	{
		if (!st.have_error && !err->core_message)
		{
			xmlErrorPtr e = xmlCtxtGetLastError(ctxt);

			if (e != NULL)
				copy_message(err, e);
		}
		err->status = OSCAL_XML_ERROR;
		if (ctxt->myDoc)
			xmlFreeDoc(ctxt->myDoc);
		ctxt->myDoc = NULL;
		*ctxtp = NULL;
		xmlFreeParserCtxt(ctxt);
		return OSCAL_XML_ERROR;
	}
	if (too_many || aborted)
	{
		if (ctxt->myDoc)
			xmlFreeDoc(ctxt->myDoc);
		ctxt->myDoc = NULL;
		*ctxtp = NULL;
		xmlFreeParserCtxt(ctxt);
		if (aborted)
		{
			set_error(err, OSCAL_ABORTED, 0, NULL, NULL);
			return OSCAL_ABORTED;
		}
		describe_tag(buf, len, bad, err);
		err->status = OSCAL_TOO_MANY_ATTRIBUTES;
		snprintf(err->detail, sizeof(err->detail), "%d", sc.max);
		return OSCAL_TOO_MANY_ATTRIBUTES;
	}
	*doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	*ctxtp = NULL;
	xmlFreeParserCtxt(ctxt);
	return OSCAL_OK;
}

void
oscal_read_abandon(xmlParserCtxtPtr *ctxtp)
{
	if (ctxtp == NULL || *ctxtp == NULL)
		return;
	if ((*ctxtp)->myDoc)
		xmlFreeDoc((*ctxtp)->myDoc);
	(*ctxtp)->myDoc = NULL;
	xmlFreeParserCtxt(*ctxtp);
	*ctxtp = NULL;
}

void
oscal_free(xmlDocPtr doc)
{
	if (doc != NULL)
		xmlFreeDoc(doc);
}

/* ----------------------------------------------------------- helpers */

typedef struct textbuf
{
	char	   *data;
	size_t		len;
	size_t		cap;
	size_t		line_start;		/* offset where the current line begins */
	bool		space_pending;
} textbuf;

typedef struct walker
{
	const oscal_limits *lim;
	const oscal_alloc *al;
	oscal_error *err;
	textbuf		tb;				/* scratch for the value being built */
	long		items;
	long		lookup_work;
	int			order;
	int			param_order;
	int			group_seq;
	oscal_counts counts;
	/* callbacks of a catalog walk */
	const oscal_catalog_cb *cb;
	void	   *arg;
	/* a JSON walk: the accessors, the JSON pointer of the current member,
	 * and the params arrays in scope (catalog, groups, controls) */
	const oscal_jops *j;
	char		path[1024];
	size_t		plen;
	const void *scope[2 * 8 + 2];
	int			nscope;
} walker;

static bool
is_oscal_elem(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL && n->ns->href != NULL &&
		strcmp((const char *) n->ns->href, OSCAL_NS) == 0;
}

static bool
is_elem(const xmlNode *n, const char *name)
{
	return is_oscal_elem(n) && strcmp((const char *) n->name, name) == 0;
}

static long
line_of(const xmlNode *n)
{
	return n ? xmlGetLineNo((xmlNodePtr) n) : 0;
}

/* value of an attribute in no namespace, without copying, or NULL */
static const char *
attr(const xmlNode *n, const char *name)
{
	const xmlAttr *a;

	/* only elements have attributes; with XML_PARSE_COMPACT a text node
	 * keeps its content where an element keeps its attributes */
	if (n->type != XML_ELEMENT_NODE)
		return NULL;
	for (a = n->properties; a != NULL; a = a->next)
	{
		if (a->ns == NULL && strcmp((const char *) a->name, name) == 0)
		{
			if (a->children && a->children->content)
				return (const char *) a->children->content;
			return "";
		}
	}
	return NULL;
}

static const xmlNode *
first_child(const xmlNode *n, const char *name)
{
	const xmlNode *c;

	for (c = n->children; c != NULL; c = c->next)
		if (is_elem(c, name))
			return c;
	return NULL;
}

static char *
dup_len(walker *w, const char *s, size_t len)
{
	char	   *p = w->al->alloc(w->al->ctx, len + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static oscal_status
fail(walker *w, oscal_status st, const xmlNode *n, const char *name,
	 const char *detail)
{
	set_error(w->err, st, line_of(n), name, detail);
	return st;
}

/* a copy of an attribute value or NULL; *st set on allocation failure */
static const char *
attr_dup(walker *w, const xmlNode *n, const char *name, oscal_status *st)
{
	const char *v = attr(n, name);
	char	   *p;

	if (v == NULL)
		return NULL;
	if (strlen(v) > w->lim->max_text)
	{
		*st = fail(w, OSCAL_TEXT_TOO_LONG, n, name, NULL);
		return NULL;
	}
	p = dup_len(w, v, strlen(v));
	if (p == NULL)
		*st = fail(w, OSCAL_NO_MEMORY, n, NULL, NULL);
	return p;
}

/* ---- the scratch text buffer: white space normalized, one line at a time */

static void
tb_reset(textbuf *tb)
{
	tb->len = 0;
	tb->line_start = 0;
	tb->space_pending = false;
}

static oscal_status
tb_reserve(walker *w, size_t extra)
{
	textbuf    *tb = &w->tb;
	size_t		need = tb->len + extra + 1;
	size_t		cap;
	char	   *p;

	if (need <= tb->cap)
		return OSCAL_OK;
	if (need > w->lim->max_text + 1)
		return OSCAL_TEXT_TOO_LONG;
	cap = tb->cap ? tb->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > w->lim->max_text + 1)
		cap = w->lim->max_text + 1;
	p = w->al->alloc(w->al->ctx, cap);
	if (p == NULL)
		return OSCAL_NO_MEMORY;
	if (tb->len)
		memcpy(p, tb->data, tb->len);
	tb->data = p;
	tb->cap = cap;
	return OSCAL_OK;
}

/* append text, collapsing runs of white space and dropping it at line starts */
static oscal_status
tb_text(walker *w, const char *s, size_t n)
{
	textbuf    *tb = &w->tb;
	size_t		i;
	oscal_status st;

	/* every space written stands for at least one white-space byte read,
	 * plus one pending from before: n + 1 bytes always suffice */
	if ((st = tb_reserve(w, n + 1)) != OSCAL_OK)
		return st;
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (xml_space(c))
		{
			if (tb->len > tb->line_start)
				tb->space_pending = true;
			continue;
		}
		if (tb->space_pending)
		{
			tb->data[tb->len++] = ' ';
			tb->space_pending = false;
		}
		tb->data[tb->len++] = (char) c;
	}
	return OSCAL_OK;
}

static oscal_status
tb_str(walker *w, const char *s)
{
	return tb_text(w, s, strlen(s));
}

/* begin a new line; returns the mark to pass to tb_end_line */
static size_t
tb_begin_line(walker *w, oscal_status *st)
{
	textbuf    *tb = &w->tb;
	size_t		mark = tb->len;

	tb->space_pending = false;
	if (tb->len > 0)
	{
		if ((*st = tb_reserve(w, 1)) != OSCAL_OK)
			return mark;
		tb->data[tb->len++] = '\n';
	}
	tb->line_start = tb->len;
	return mark;
}

/* end a line: an empty line is taken back */
static void
tb_end_line(walker *w, size_t mark)
{
	textbuf    *tb = &w->tb;

	if (tb->len == tb->line_start)
		tb->len = mark;
	tb->space_pending = false;
	tb->line_start = tb->len;
}

/* the buffer's contents as a fresh string (NULL for empty when allowed) */
static const char *
tb_take(walker *w, bool empty_is_null, oscal_status *st)
{
	char	   *p;

	if (w->tb.len == 0 && empty_is_null)
		return NULL;
	p = dup_len(w, w->tb.data ? w->tb.data : "", w->tb.len);
	if (p == NULL)
		*st = OSCAL_NO_MEMORY;
	return p;
}

/* ---- prose */

static oscal_status inline_text(walker *w, const xmlNode *n, int depth);

/* the param an insert names: searched in the enclosing elements' children */
static const xmlNode *
find_param(walker *w, const xmlNode *from, const char *id)
{
	const xmlNode *n;
	const xmlNode *c;

	for (n = from; n != NULL && n->type == XML_ELEMENT_NODE; n = n->parent)
	{
		for (c = n->children; c != NULL; c = c->next)
		{
			const char *pid;

			if (++w->lookup_work > OSCAL_LOOKUP_BUDGET)
				return NULL;
			if (!is_elem(c, "param"))
				continue;
			pid = attr(c, "id");
			if (pid && strcmp(pid, id) == 0)
				return c;
		}
	}
	return NULL;
}

/* "[Assignment: label]", "[Selection (one or more): a; b]" or "[id]" */
static oscal_status
render_param(walker *w, const xmlNode *param, const char *id, int depth)
{
	const xmlNode *label;
	const xmlNode *sel;
	oscal_status st;

	if (param == NULL || depth > OSCAL_MAX_INSERT_DEPTH)
	{
		if ((st = tb_str(w, "[")) != OSCAL_OK || (st = tb_str(w, id)) != OSCAL_OK)
			return st;
		return tb_str(w, "]");
	}
	label = first_child(param, "label");
	sel = first_child(param, "select");
	if (label == NULL && sel != NULL)
	{
		const char *how = attr(sel, "how-many");
		const xmlNode *c;
		bool		first = true;

		st = tb_str(w, how && strcmp(how, "one-or-more") == 0 ?
					"[Selection (one or more): " : "[Selection: ");
		if (st != OSCAL_OK)
			return st;
		for (c = sel->children; c != NULL; c = c->next)
		{
			if (!is_elem(c, "choice"))
				continue;
			if (!first && (st = tb_str(w, "; ")) != OSCAL_OK)
				return st;
			first = false;
			if ((st = inline_text(w, c, depth + 1)) != OSCAL_OK)
				return st;
		}
		return tb_str(w, "]");
	}
	if ((st = tb_str(w, "[Assignment: ")) != OSCAL_OK)
		return st;
	if (label != NULL)
		st = inline_text(w, label, depth + 1);
	else
		st = tb_str(w, id);
	if (st != OSCAL_OK)
		return st;
	return tb_str(w, "]");
}

/* text of an element's content: text nodes, inline markup, inserts */
static oscal_status
inline_text(walker *w, const xmlNode *n, int depth)
{
	const xmlNode *c;
	oscal_status st;

	for (c = n->children; c != NULL; c = c->next)
	{
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
		{
			if (c->content && (st = tb_str(w, (const char *) c->content)) != OSCAL_OK)
				return st;
		}
		else if (is_elem(c, "insert"))
		{
			const char *id = attr(c, "id-ref");

			if (id == NULL)
				id = attr(c, "param-id");	/* OSCAL 1.0 milestones */
			if (id == NULL)
				continue;
			if ((st = render_param(w, find_param(w, c, id), id, depth)) != OSCAL_OK)
				return st;
		}
		else if (c->type == XML_ELEMENT_NODE)
		{
			if ((st = inline_text(w, c, depth)) != OSCAL_OK)
				return st;
		}
	}
	return OSCAL_OK;
}

/* value of the OSCAL prop of that name; prefer one without a class */
static const char *
prop_value(const xmlNode *n, const char *name)
{
	const xmlNode *c;
	const char *found = NULL;

	for (c = n->children; c != NULL; c = c->next)
	{
		const char *pn;
		const char *ns;

		if (!is_elem(c, "prop"))
			continue;
		pn = attr(c, "name");
		ns = attr(c, "ns");
		if (pn == NULL || strcmp(pn, name) != 0)
			continue;
		if (ns != NULL && strcmp(ns, OSCAL_PROP_NS) != 0)
			continue;
		if (attr(c, "class") == NULL)
			return attr(c, "value");
		if (found == NULL)
			found = attr(c, "value");
	}
	return found;
}

static bool
is_prose_skip(const xmlNode *c)
{
	static const char *const skip[] = {"prop", "link", "title", "param", NULL};
	int			i;

	for (i = 0; skip[i]; i++)
		if (strcmp((const char *) c->name, skip[i]) == 0)
			return true;
	return false;
}

/*
 * A part as plain text lines: each paragraph (or list item, table row) is
 * a line; a labelled part's label starts its first line ("a. ...").
 */
static oscal_status
part_lines(walker *w, const xmlNode *part, int depth)
{
	const char *label = prop_value(part, "label");
	bool		label_done = (label == NULL || *label == '\0');
	const xmlNode *c;
	oscal_status st = OSCAL_OK;
	size_t		mark;

	for (c = part->children; c != NULL; c = c->next)
	{
		if (!is_oscal_elem(c) || is_prose_skip(c))
			continue;
		if (strcmp((const char *) c->name, "part") == 0)
		{
			if (!label_done)
			{
				mark = tb_begin_line(w, &st);
				if (st != OSCAL_OK || (st = tb_str(w, label)) != OSCAL_OK)
					return st;
				tb_end_line(w, mark);
				label_done = true;
			}
			if ((st = part_lines(w, c, depth + 1)) != OSCAL_OK)
				return st;
		}
		else if (strcmp((const char *) c->name, "ol") == 0 ||
				 strcmp((const char *) c->name, "ul") == 0 ||
				 strcmp((const char *) c->name, "table") == 0)
		{
			const xmlNode *li;

			for (li = c->children; li != NULL; li = li->next)
			{
				if (li->type != XML_ELEMENT_NODE)
					continue;
				mark = tb_begin_line(w, &st);
				if (st != OSCAL_OK || (st = inline_text(w, li, 0)) != OSCAL_OK)
					return st;
				tb_end_line(w, mark);
			}
		}
		else
		{
			mark = tb_begin_line(w, &st);
			if (st != OSCAL_OK)
				return st;
			if (!label_done)
			{
				if ((st = tb_str(w, label)) != OSCAL_OK || (st = tb_str(w, " ")) != OSCAL_OK)
					return st;
				w->tb.space_pending = true;
				label_done = true;
			}
			if ((st = inline_text(w, c, 0)) != OSCAL_OK)
				return st;
			tb_end_line(w, mark);
		}
	}
	if (!label_done)
	{
		mark = tb_begin_line(w, &st);
		if (st != OSCAL_OK || (st = tb_str(w, label)) != OSCAL_OK)
			return st;
		tb_end_line(w, mark);
	}
	return OSCAL_OK;
}

/* inline text of an element as a fresh string, white space normalized */
static const char *
text_of(walker *w, const xmlNode *n, oscal_status *st)
{
	oscal_status s;

	tb_reset(&w->tb);
	if ((s = inline_text(w, n, 0)) != OSCAL_OK)
	{
		*st = fail(w, s, n, (const char *) n->name, NULL);
		return NULL;
	}
	return tb_take(w, false, st);
}

/* ------------------------------------------------------- the tree walk */

static oscal_status
check_root(walker *w, const xmlNode *root, const char *want)
{
	if (root == NULL)
		return fail(w, OSCAL_WRONG_ROOT, NULL, "", NULL);
	if (root->ns == NULL || root->ns->href == NULL)
		return fail(w, OSCAL_WRONG_NAMESPACE, root, (const char *) root->name, "");
	if (strcmp((const char *) root->ns->href, OSCAL_NS) != 0)
		return fail(w, OSCAL_WRONG_NAMESPACE, root, (const char *) root->name,
					(const char *) root->ns->href);
	if (strcmp((const char *) root->name, want) != 0)
		return fail(w, OSCAL_WRONG_ROOT, root, (const char *) root->name, want);
	/* oscal_read refused any element outside the OSCAL namespace */
	return OSCAL_OK;
}

static oscal_status
count_item(walker *w, const xmlNode *n)
{
	if (++w->items > w->lim->max_items)
		return fail(w, OSCAL_TOO_MANY, n, (const char *) n->name, NULL);
	return OSCAL_OK;
}

/* a child element's text, or NULL when absent */
static const char *
child_text(walker *w, const xmlNode *n, const char *name, oscal_status *st)
{
	const xmlNode *c = first_child(n, name);

	return c ? text_of(w, c, st) : NULL;
}

static oscal_status
walk_meta(walker *w, const xmlNode *root, oscal_meta *m)
{
	const xmlNode *md = first_child(root, "metadata");
	oscal_status st = OSCAL_OK;
	const xmlNode *c;
	int			pass;

	memset(m, 0, sizeof(*m));
	m->uuid = attr_dup(w, root, "uuid", &st);
	if (md == NULL || first_child(md, "title") == NULL)
		return fail(w, OSCAL_MISSING_TITLE, md ? md : root, "metadata", NULL);
	m->title = child_text(w, md, "title", &st);
	if (st == OSCAL_OK && m->title[0] == '\0')
		return fail(w, OSCAL_MISSING_TITLE, md, "metadata", NULL);
	m->version = child_text(w, md, "version", &st);
	m->oscal_version = child_text(w, md, "oscal-version", &st);
	m->last_modified = child_text(w, md, "last-modified", &st);
	if (st != OSCAL_OK)
		return st;
	/* publisher: the party of role "publisher", else of role "creator" */
	for (pass = 0; pass < 2 && m->publisher == NULL; pass++)
	{
		const char *role = pass == 0 ? "publisher" : "creator";

		for (c = md->children; c != NULL && m->publisher == NULL; c = c->next)
		{
			const char *rid;
			const xmlNode *pu;
			const xmlNode *p;

			if (!is_elem(c, "responsible-party"))
				continue;
			rid = attr(c, "role-id");
			pu = first_child(c, "party-uuid");
			if (rid == NULL || strcmp(rid, role) != 0 || pu == NULL ||
				pu->children == NULL || pu->children->content == NULL)
				continue;
			for (p = md->children; p != NULL; p = p->next)
			{
				const char *uuid = attr(p, "uuid");
				char		want[64];
				size_t		k = 0;
				const char *s = (const char *) pu->children->content;

				/* trim the party-uuid text */
				while (*s && xml_space((unsigned char) *s))
					s++;
				while (s[k] && !xml_space((unsigned char) s[k]) && k < sizeof(want) - 1)
				{
					want[k] = s[k];
					k++;
				}
				want[k] = '\0';
				if (is_elem(p, "party") && uuid && strcmp(uuid, want) == 0 &&
					first_child(p, "name"))
				{
					m->publisher = child_text(w, p, "name", &st);
					break;
				}
			}
		}
	}
	return st;
}

static oscal_status
walk_param(walker *w, const xmlNode *n, const char *control_id,
		   const char *group_id)
{
	oscal_param p;
	oscal_status st = OSCAL_OK;
	const xmlNode *sel;

	if ((st = count_item(w, n)) != OSCAL_OK)
		return st;
	memset(&p, 0, sizeof(p));
	p.line = line_of(n);
	p.control_id = control_id;
	p.group_id = group_id;
	p.id = attr_dup(w, n, "id", &st);
	if (st != OSCAL_OK)
		return st;
	if (p.id == NULL || *p.id == '\0')
		return fail(w, OSCAL_MISSING_ID, n, "param", NULL);
	p.label = child_text(w, n, "label", &st);
	if (st != OSCAL_OK)
		return st;
	sel = first_child(n, "select");
	if (sel != NULL)
	{
		const xmlNode *c;
		int			k = 0;

		p.how_many = attr_dup(w, sel, "how-many", &st);
		if (p.how_many == NULL && st == OSCAL_OK)
			p.how_many = dup_len(w, "one", 3);
		for (c = sel->children; c != NULL; c = c->next)
			if (is_elem(c, "choice"))
				p.nchoices++;
		if (p.nchoices > 0)
		{
			p.choices = w->al->alloc(w->al->ctx, sizeof(char *) * (size_t) p.nchoices);
			if (p.choices == NULL)
				return fail(w, OSCAL_NO_MEMORY, n, NULL, NULL);
			for (c = sel->children; c != NULL && st == OSCAL_OK; c = c->next)
				if (is_elem(c, "choice"))
					p.choices[k++] = text_of(w, c, &st);
		}
	}
	if (st == OSCAL_OK)
		p.value = child_text(w, n, "value", &st);
	if (st != OSCAL_OK)
		return st;
	p.order = ++w->param_order;
	w->counts.params++;
	if (w->cb->param && w->cb->param(w->arg, &p) != 0)
		return fail(w, OSCAL_ABORTED, n, p.id, NULL);
	return OSCAL_OK;
}

static oscal_status
walk_params(walker *w, const xmlNode *n, const char *control_id,
			const char *group_id)
{
	const xmlNode *c;
	oscal_status st;

	for (c = n->children; c != NULL; c = c->next)
		if (is_elem(c, "param") &&
			(st = walk_param(w, c, control_id, group_id)) != OSCAL_OK)
			return st;
	return OSCAL_OK;
}

static oscal_status
walk_control(walker *w, const xmlNode *n, const char *parent_id,
			 const char *group_id, int depth)
{
	oscal_control c;
	oscal_status st = OSCAL_OK;
	const xmlNode *k;
	const char *status;
	const char *prop;
	ctrlid_parsed parsed;
	size_t		errpos;

	if (depth > w->lim->max_depth)
		return fail(w, OSCAL_TOO_DEEP, n, attr(n, "id"), NULL);
	if ((st = count_item(w, n)) != OSCAL_OK)
		return st;
	memset(&c, 0, sizeof(c));
	c.line = line_of(n);
	c.depth = depth;
	c.parent_id = parent_id;
	c.group_id = group_id;
	c.id = attr_dup(w, n, "id", &st);
	if (st != OSCAL_OK)
		return st;
	if (c.id == NULL || *c.id == '\0')
		return fail(w, OSCAL_MISSING_ID, n, "control", NULL);
	if (ctrlid_parse(c.id, strlen(c.id), &parsed, &errpos) != CTRLID_OK)
		return fail(w, OSCAL_BAD_CONTROL_ID, n, c.id, NULL);
	if (first_child(n, "title") == NULL)
		return fail(w, OSCAL_MISSING_TITLE, n, c.id, NULL);
	c.title = child_text(w, n, "title", &st);
	/* a title of nothing but white space or empty markup is no title */
	if (st == OSCAL_OK && c.title[0] == '\0')
		return fail(w, OSCAL_MISSING_TITLE, n, c.id, NULL);
	if (st == OSCAL_OK)
		c.class_ = attr_dup(w, n, "class", &st);
	if (st != OSCAL_OK)
		return st;
	if ((prop = prop_value(n, "label")) != NULL)
		c.label = dup_len(w, prop, strlen(prop));
	if ((prop = prop_value(n, "sort-id")) != NULL)
		c.sort_id = dup_len(w, prop, strlen(prop));
	status = prop_value(n, "status");
	c.withdrawn = status != NULL && strcasecmp(status, "withdrawn") == 0;

	/* the statement part (the first one, if a publisher repeats it) */
	for (k = n->children; k != NULL; k = k->next)
	{
		const char *name;

		if (!is_elem(k, "part"))
			continue;
		name = attr(k, "name");
		if (name && strcmp(name, "statement") == 0)
		{
			oscal_status s;

			tb_reset(&w->tb);
			if ((s = part_lines(w, k, 0)) != OSCAL_OK)
				return fail(w, s, k, c.id, NULL);
			c.statement = tb_take(w, true, &st);
			break;
		}
	}
	if (st != OSCAL_OK)
		return fail(w, st, n, c.id, NULL);

	c.order = ++w->order;
	if (depth == 1)
		w->counts.controls++;
	else
		w->counts.enhancements++;
	if (c.withdrawn)
		w->counts.withdrawn++;
	if (w->cb->control && w->cb->control(w->arg, &c) != 0)
		return fail(w, OSCAL_ABORTED, n, c.id, NULL);

	if ((st = walk_params(w, n, c.id, NULL)) != OSCAL_OK)
		return st;
	for (k = n->children; k != NULL; k = k->next)
		if (is_elem(k, "control") &&
			(st = walk_control(w, k, c.id, group_id, depth + 1)) != OSCAL_OK)
			return st;
	return OSCAL_OK;
}

static oscal_status
walk_group(walker *w, const xmlNode *n, const char *parent_id, int depth)
{
	oscal_group g;
	oscal_status st = OSCAL_OK;
	const xmlNode *k;

	if (depth > w->lim->max_depth)
		return fail(w, OSCAL_TOO_DEEP, n, attr(n, "id"), NULL);
	if ((st = count_item(w, n)) != OSCAL_OK)
		return st;
	memset(&g, 0, sizeof(g));
	g.line = line_of(n);
	g.depth = depth;
	g.parent_id = parent_id;
	g.id = attr_dup(w, n, "id", &st);
	if (st != OSCAL_OK)
		return st;
	w->group_seq++;
	if (g.id == NULL || *g.id == '\0')
	{
		char		buf[32];

		/* OSCAL makes a group's id optional; number the anonymous ones */
		snprintf(buf, sizeof(buf), "group-%d", w->group_seq);
		g.id = dup_len(w, buf, strlen(buf));
	}
	if (first_child(n, "title") == NULL)
		return fail(w, OSCAL_MISSING_TITLE, n, g.id, NULL);
	g.title = child_text(w, n, "title", &st);
	if (st == OSCAL_OK && g.title[0] == '\0')
		return fail(w, OSCAL_MISSING_TITLE, n, g.id, NULL);
	if (st == OSCAL_OK)
		g.class_ = attr_dup(w, n, "class", &st);
	if (st != OSCAL_OK)
		return st;
	g.order = ++w->order;
	w->counts.groups++;
	if (w->cb->group && w->cb->group(w->arg, &g) != 0)
		return fail(w, OSCAL_ABORTED, n, g.id, NULL);
	if ((st = walk_params(w, n, NULL, g.id)) != OSCAL_OK)
		return st;
	for (k = n->children; k != NULL; k = k->next)
	{
		if (is_elem(k, "group"))
			st = walk_group(w, k, g.id, depth + 1);
		else if (is_elem(k, "control"))
			st = walk_control(w, k, NULL, g.id, 1);
		if (st != OSCAL_OK)
			return st;
	}
	return OSCAL_OK;
}

static void
walker_init(walker *w, const oscal_limits *lim, const oscal_alloc *al,
			oscal_error *err)
{
	memset(w, 0, sizeof(*w));
	w->lim = lim;
	w->al = al;
	w->err = err;
	memset(err, 0, sizeof(*err));
}

oscal_status
oscal_walk_catalog(xmlDocPtr doc, const oscal_limits *lim,
				   const oscal_alloc *al, const oscal_catalog_cb *cb,
				   void *arg, oscal_counts *counts, oscal_error *err)
{
	walker		w;
	const xmlNode *root = xmlDocGetRootElement(doc);
	const xmlNode *k;
	oscal_meta	m;
	oscal_status st;

	walker_init(&w, lim, al, err);
	w.cb = cb;
	w.arg = arg;
	memset(counts, 0, sizeof(*counts));
	if ((st = check_root(&w, root, "catalog")) != OSCAL_OK)
		return st;
	if ((st = walk_meta(&w, root, &m)) != OSCAL_OK)
		return st;
	if (cb->meta && cb->meta(arg, &m) != 0)
		return fail(&w, OSCAL_ABORTED, root, "metadata", NULL);
	if ((st = walk_params(&w, root, NULL, NULL)) != OSCAL_OK)
		return st;
	for (k = root->children; k != NULL; k = k->next)
	{
		if (is_elem(k, "group"))
			st = walk_group(&w, k, NULL, 1);
		else if (is_elem(k, "control"))
			st = walk_control(&w, k, NULL, NULL, 1);
		if (st != OSCAL_OK)
			return st;
	}
	*counts = w.counts;
	return OSCAL_OK;
}

/* with-id text: trimmed; white space inside is kept (and then fails later) */
static const char *
id_text(walker *w, const xmlNode *n, oscal_status *st)
{
	const char *t = text_of(w, n, st);

	if (*st == OSCAL_OK && (t == NULL || *t == '\0'))
		*st = fail(w, OSCAL_MISSING_ID, n, "with-id", NULL);
	return t;
}

static oscal_status
walk_selection(walker *w, const oscal_profile_cb *cb, void *arg,
			   const xmlNode *n, bool include, int import_no)
{
	const char *wc = attr(n, "with-child-controls");
	bool		with_children = wc != NULL && strcmp(wc, "yes") == 0;
	const xmlNode *c;
	oscal_status st = OSCAL_OK;

	for (c = n->children; c != NULL; c = c->next)
	{
		oscal_selection s;

		memset(&s, 0, sizeof(s));
		s.include = include;
		s.with_children = with_children;
		s.import_no = import_no;
		s.line = line_of(c);
		if (is_elem(c, "with-id"))
		{
			s.kind = OSCAL_SELECT_ID;
			s.value = id_text(w, c, &st);
		}
		else if (is_elem(c, "matching"))
		{
			s.kind = OSCAL_SELECT_PATTERN;
			s.value = attr_dup(w, c, "pattern", &st);
			/* an empty pattern would select nothing, silently */
			if (st == OSCAL_OK && (s.value == NULL || *s.value == '\0'))
				st = fail(w, OSCAL_MISSING_ID, c, "matching", NULL);
		}
		else
			continue;
		if (st != OSCAL_OK)
			return st;
		if ((st = count_item(w, c)) != OSCAL_OK)
			return st;
		if (cb->select && cb->select(arg, &s) != 0)
			return fail(w, OSCAL_ABORTED, c, s.value, NULL);
	}
	return OSCAL_OK;
}

oscal_status
oscal_walk_profile(xmlDocPtr doc, const oscal_limits *lim,
				   const oscal_alloc *al, const oscal_profile_cb *cb,
				   void *arg, oscal_error *err)
{
	walker		w;
	const xmlNode *root = xmlDocGetRootElement(doc);
	const xmlNode *k;
	oscal_meta	m;
	oscal_status st;
	int			nimport = 0;

	walker_init(&w, lim, al, err);
	if ((st = check_root(&w, root, "profile")) != OSCAL_OK)
		return st;
	if ((st = walk_meta(&w, root, &m)) != OSCAL_OK)
		return st;
	if (cb->meta && cb->meta(arg, &m) != 0)
		return fail(&w, OSCAL_ABORTED, root, "metadata", NULL);
	for (k = root->children; k != NULL; k = k->next)
	{
		const xmlNode *c;
		bool		selects = false;
		const char *href;

		if (!is_elem(k, "import"))
			continue;
		nimport++;
		href = attr_dup(&w, k, "href", &st);
		if (st != OSCAL_OK)
			return st;
		if (cb->import && cb->import(arg, href ? href : "", nimport, line_of(k)) != 0)
			return fail(&w, OSCAL_ABORTED, k, href, NULL);
		for (c = k->children; c != NULL; c = c->next)
		{
			if (is_elem(c, "include-all"))
			{
				oscal_selection s;

				memset(&s, 0, sizeof(s));
				s.include = true;
				s.kind = OSCAL_SELECT_ALL;
				s.import_no = nimport;
				s.line = line_of(c);
				selects = true;
				if ((st = count_item(&w, c)) != OSCAL_OK)
					return st;
				if (cb->select && cb->select(arg, &s) != 0)
					return fail(&w, OSCAL_ABORTED, c, "include-all", NULL);
			}
			else if (is_elem(c, "include-controls"))
			{
				selects = true;
				st = walk_selection(&w, cb, arg, c, true, nimport);
			}
			else if (is_elem(c, "exclude-controls"))
				st = walk_selection(&w, cb, arg, c, false, nimport);
			if (st != OSCAL_OK)
				return st;
		}
		if (!selects)
			return fail(&w, OSCAL_NO_SELECTION, k, href, NULL);
	}
	if (nimport == 0)
		return fail(&w, OSCAL_NO_IMPORT, root, "profile", NULL);
	return OSCAL_OK;
}

const char *
oscal_status_text(oscal_status st)
{
	switch (st)
	{
		case OSCAL_OK:
			return "No error.";
		case OSCAL_XML_ERROR:
			return "The document is not well-formed XML.";
		case OSCAL_EMPTY:
			return "The document is empty.";
		case OSCAL_NUL_BYTE:
			return "The document contains a NUL byte.";
		case OSCAL_DOCTYPE:
			return "Documents with a DOCTYPE declaration are rejected, so that no entity is ever declared, expanded or loaded.";
		case OSCAL_WRONG_NAMESPACE:
			return "The root element must be in the OSCAL namespace \"" OSCAL_NS "\".";
		case OSCAL_WRONG_ROOT:
			return "The root element is not of the expected kind.";
		case OSCAL_FOREIGN_ELEMENT:
			return "Every element must be in the OSCAL namespace; foreign elements (XInclude among them) are never processed.";
		case OSCAL_MISSING_ID:
			return "A required identifier is missing.";
		case OSCAL_MISSING_TITLE:
			return "A required title is missing.";
		case OSCAL_BAD_CONTROL_ID:
			return "A control id must be a valid control identifier (segments of letters or digits separated by \".\", \"-\" or parentheses).";
		case OSCAL_NO_IMPORT:
			return "A profile must import a catalog.";
		case OSCAL_NO_SELECTION:
			return "An import must contain include-all or include-controls.";
		case OSCAL_WRONG_TYPE:
			return "A member of the JSON document has the wrong type for OSCAL.";
		case OSCAL_TOO_DEEP:
			return "Controls or groups are nested deeper than the limit.";
		case OSCAL_TOO_MANY:
			return "The document has more controls, groups, parameters and selections than the limit.";
		case OSCAL_TEXT_TOO_LONG:
			return "A text value is longer than the limit.";
		case OSCAL_TOO_MANY_ATTRIBUTES:
			return "A tag has more attributes (namespace declarations included) than the limit.";
		case OSCAL_NO_MEMORY:
			return "Out of memory.";
		case OSCAL_ABORTED:
			return "The walk was stopped by the caller.";
	}
	return "Unknown status.";
}

bool
oscal_status_is_limit(oscal_status st)
{
	return st == OSCAL_TOO_DEEP || st == OSCAL_TOO_MANY ||
		st == OSCAL_TEXT_TOO_LONG || st == OSCAL_TOO_MANY_ATTRIBUTES;
}

/* ============================================================ OSCAL JSON */

/*
 * The JSON walk builds the records of the XML walk with the same text
 * buffer, the same limits and the same order: a catalog's params, controls,
 * then groups (the order of OSCAL's XML schema); in a group its params,
 * controls, then sub-groups; in a control its params, then enhancements.
 * A JSON group cannot interleave controls and sub-groups as an XML one can.
 */

#define J_KIND(w, n)		((w)->j->kind((w)->j->ctx, (n)))
#define J_MEMBER(w, n, k)	((w)->j->member((w)->j->ctx, (n), (k)))
#define J_LENGTH(w, n)		((w)->j->length((w)->j->ctx, (n)))
#define J_ELEMENT(w, n, i)	((w)->j->element((w)->j->ctx, (n), (i)))

/* the JSON pointer: push a segment, pop back to a mark */
static size_t
jpath_push(walker *w, const char *key, int index)
{
	size_t		mark = w->plen;
	int			n;

	if (key)
		n = snprintf(w->path + w->plen, sizeof(w->path) - w->plen, "/%s", key);
	else
		n = snprintf(w->path + w->plen, sizeof(w->path) - w->plen, "/%d", index);
	if (n > 0)
		w->plen = w->plen + (size_t) n < sizeof(w->path) - 1 ?
			w->plen + (size_t) n : sizeof(w->path) - 1;
	return mark;
}

static void
jpath_pop(walker *w, size_t mark)
{
	w->plen = mark;
	w->path[mark] = '\0';
}

static oscal_status
jfail(walker *w, oscal_status st, const char *name)
{
	const char *p = w->plen ? w->path : "/";

	char		cut[sizeof(w->err->detail)];

	/* the end of a long pointer says more than its start: ".../a/b" */
	if (strlen(p) >= sizeof(cut))
	{
		const char *tail = p + strlen(p) - (sizeof(cut) - 5);

		while (*tail && *tail != '/')
			tail++;
		snprintf(cut, sizeof(cut), "...%s", tail);
		p = cut;
	}
	set_error(w->err, st, w->items, name, p);
	return st;
}

/* a member's value with the given key; wrong-type checks at the caller */
static oscal_status
jmember(walker *w, const void *obj, const char *key, oscal_jkind want,
		const void **out)
{
	const void *v = J_MEMBER(w, obj, key);
	oscal_status st;
	size_t		mark;

	*out = NULL;
	if (v == NULL || J_KIND(w, v) == OSCAL_J_NULL)
		return OSCAL_OK;
	if (J_KIND(w, v) != want)
	{
		mark = jpath_push(w, key, 0);
		st = jfail(w, OSCAL_WRONG_TYPE, key);
		jpath_pop(w, mark);
		return st;
	}
	*out = v;
	return OSCAL_OK;
}

/* a string node's bytes; NUL bytes are refused as in an XML document */
static oscal_status
jstring(walker *w, const void *node, const char *name, const char **s,
		size_t *len)
{
	if (J_KIND(w, node) != OSCAL_J_STRING)
		return jfail(w, OSCAL_WRONG_TYPE, name);
	*s = w->j->string(w->j->ctx, node, len);
	if (*len > 0 && memchr(*s, '\0', *len) != NULL)
		return jfail(w, OSCAL_NUL_BYTE, name);
	if (*len > w->lim->max_text)
		return jfail(w, OSCAL_TEXT_TOO_LONG, name);
	return OSCAL_OK;
}

/* a string member copied as is (ids, classes, prop values), or NULL */
static oscal_status
jcopy(walker *w, const void *obj, const char *key, const char **out)
{
	const void *v;
	const char *s;
	size_t		len;
	oscal_status st;
	size_t		mark;

	*out = NULL;
	if ((st = jmember(w, obj, key, OSCAL_J_STRING, &v)) != OSCAL_OK || v == NULL)
		return st;
	mark = jpath_push(w, key, 0);
	st = jstring(w, v, key, &s, &len);
	jpath_pop(w, mark);
	if (st != OSCAL_OK)
		return st;
	if ((*out = dup_len(w, s, len)) == NULL)
		return jfail(w, OSCAL_NO_MEMORY, key);
	return OSCAL_OK;
}

/* an array member, or NULL when absent; a lone object is an array of one
 * nowhere in OSCAL JSON, so it is the wrong type */
static oscal_status
jarray(walker *w, const void *obj, const char *key, const void **out, int *n)
{
	oscal_status st = jmember(w, obj, key, OSCAL_J_ARRAY, out);

	*n = (st == OSCAL_OK && *out) ? J_LENGTH(w, *out) : 0;
	return st;
}

/* element i of an array, which must be of the given kind */
static oscal_status
jelement(walker *w, const void *arr, int i, oscal_jkind want, const char *name,
		 const void **out)
{
	*out = J_ELEMENT(w, arr, i);
	if (*out == NULL || J_KIND(w, *out) != want)
		return jfail(w, OSCAL_WRONG_TYPE, name);
	return OSCAL_OK;
}

/* ---- prose: Markdown with param inserts */

static oscal_status jinline(walker *w, const char *s, size_t len, int depth);

/* the param of that id in scope, innermost first, or NULL */
static const void *
jfind_param(walker *w, const char *id, size_t idlen)
{
	int			k;

	for (k = w->nscope - 1; k >= 0; k--)
	{
		const void *arr = w->scope[k];
		int			n = J_LENGTH(w, arr);
		int			i;

		for (i = 0; i < n; i++)
		{
			const void *p = J_ELEMENT(w, arr, i);
			const void *pid;
			const char *s;
			size_t		len;

			if (++w->lookup_work > OSCAL_LOOKUP_BUDGET)
				return NULL;
			if (p == NULL || J_KIND(w, p) != OSCAL_J_OBJECT)
				continue;
			pid = J_MEMBER(w, p, "id");
			if (pid == NULL || J_KIND(w, pid) != OSCAL_J_STRING)
				continue;
			s = w->j->string(w->j->ctx, pid, &len);
			if (len == idlen && memcmp(s, id, len) == 0)
				return p;
		}
	}
	return NULL;
}

/* a string member rendered into the buffer as prose (label, choice) */
static oscal_status
jinline_node(walker *w, const void *node, int depth)
{
	const char *s;
	size_t		len;
	oscal_status st;

	if (J_KIND(w, node) != OSCAL_J_STRING)
		return OSCAL_WRONG_TYPE;
	s = w->j->string(w->j->ctx, node, &len);
	if (len > w->lim->max_text)
		return OSCAL_TEXT_TOO_LONG;
	if (len > 0 && memchr(s, '\0', len) != NULL)
		return OSCAL_NUL_BYTE;
	st = jinline(w, s, len, depth);
	return st;
}

/* as render_param: "[Assignment: label]", "[Selection: a; b]" or "[id]" */
static oscal_status
jrender_param(walker *w, const void *param, const char *id, size_t idlen,
			  int depth)
{
	const void *label = NULL;
	const void *sel = NULL;
	oscal_status st;

	if (param != NULL && depth <= OSCAL_MAX_INSERT_DEPTH)
	{
		label = J_MEMBER(w, param, "label");
		sel = J_MEMBER(w, param, "select");
		if (label && J_KIND(w, label) == OSCAL_J_NULL)
			label = NULL;
		if (sel && J_KIND(w, sel) != OSCAL_J_OBJECT)
			sel = NULL;
	}
	if (param == NULL || depth > OSCAL_MAX_INSERT_DEPTH)
	{
		if ((st = tb_str(w, "[")) != OSCAL_OK || (st = tb_text(w, id, idlen)) != OSCAL_OK)
			return st;
		return tb_str(w, "]");
	}
	if (label == NULL && sel != NULL)
	{
		const void *how = J_MEMBER(w, sel, "how-many");
		const void *choices = J_MEMBER(w, sel, "choice");
		bool		more = false;
		int			i,
					n;

		if (how && J_KIND(w, how) == OSCAL_J_STRING)
		{
			size_t		len;
			const char *h = w->j->string(w->j->ctx, how, &len);

			more = len == 11 && memcmp(h, "one-or-more", 11) == 0;
		}
		if ((st = tb_str(w, more ? "[Selection (one or more): " : "[Selection: ")) != OSCAL_OK)
			return st;
		n = (choices && J_KIND(w, choices) == OSCAL_J_ARRAY) ? J_LENGTH(w, choices) : 0;
		for (i = 0; i < n; i++)
		{
			if (i > 0 && (st = tb_str(w, "; ")) != OSCAL_OK)
				return st;
			if ((st = jinline_node(w, J_ELEMENT(w, choices, i), depth + 1)) != OSCAL_OK)
				return st;
		}
		return tb_str(w, "]");
	}
	if ((st = tb_str(w, "[Assignment: ")) != OSCAL_OK)
		return st;
	if (label != NULL)
		st = jinline_node(w, label, depth + 1);
	else
		st = tb_text(w, id, idlen);
	if (st != OSCAL_OK)
		return st;
	return tb_str(w, "]");
}

static bool
md_space(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * "{{ insert: TYPE, ID }}" at s (which starts with "{{"): the length of the
 * marker and the id, or 0 when the text is not one.
 */
static size_t
insert_marker(const char *s, size_t len, const char **id, size_t *idlen)
{
	size_t		i = 2;
	size_t		start;

#define SKIP_SPACE() while (i < len && md_space(s[i])) i++
	SKIP_SPACE();
	if (len - i < 7 || memcmp(s + i, "insert:", 7) != 0)
		return 0;
	i += 7;
	SKIP_SPACE();
	while (i < len && (isalnum((unsigned char) s[i]) || s[i] == '-' || s[i] == '_'))
		i++;
	SKIP_SPACE();
	if (i >= len || s[i] != ',')
		return 0;
	i++;
	SKIP_SPACE();
	start = i;
	while (i < len && !md_space(s[i]) && s[i] != '}' && s[i] != ',' &&
		   s[i] != '\n' && s[i] != '\r')
		i++;
	if (i == start)
		return 0;
	*id = s + start;
	*idlen = i - start;
	SKIP_SPACE();
	if (len - i < 2 || s[i] != '}' || s[i + 1] != '}')
		return 0;
#undef SKIP_SPACE
	return i + 2;
}

/* inline prose: text with white space normalized, inserts rendered */
static oscal_status
jinline(walker *w, const char *s, size_t len, int depth)
{
	size_t		from = 0;
	size_t		i = 0;
	oscal_status st;

	while (i + 1 < len)
	{
		const char *id;
		size_t		idlen;
		size_t		m;

		if (s[i] != '{' || s[i + 1] != '{' ||
			(m = insert_marker(s + i, len - i, &id, &idlen)) == 0)
		{
			i++;
			continue;
		}
		if ((st = tb_text(w, s + from, i - from)) != OSCAL_OK)
			return st;
		if ((st = jrender_param(w, jfind_param(w, id, idlen), id, idlen, depth)) != OSCAL_OK)
			return st;
		i += m;
		from = i;
	}
	return tb_text(w, s + from, len - from);
}

/* a string member as normalized inline text, or NULL when absent */
static oscal_status
jtext(walker *w, const void *obj, const char *key, const char **out)
{
	const void *v;
	const char *s;
	size_t		len;
	oscal_status st;
	size_t		mark;

	*out = NULL;
	if ((st = jmember(w, obj, key, OSCAL_J_STRING, &v)) != OSCAL_OK || v == NULL)
		return st;
	mark = jpath_push(w, key, 0);
	if ((st = jstring(w, v, key, &s, &len)) == OSCAL_OK)
	{
		tb_reset(&w->tb);
		if ((st = jinline(w, s, len, 0)) != OSCAL_OK)
			st = jfail(w, st, key);
		else if ((*out = tb_take(w, false, &st)) == NULL)
			st = jfail(w, OSCAL_NO_MEMORY, key);
	}
	jpath_pop(w, mark);
	return st;
}

/* the value of the OSCAL prop of that name; one without a class preferred */
static oscal_status
jprop(walker *w, const void *obj, const char *name, const char **out)
{
	const void *props;
	int			n,
				i;
	oscal_status st;
	const void *found = NULL;

	*out = NULL;
	if ((st = jarray(w, obj, "props", &props, &n)) != OSCAL_OK)
		return st;
	for (i = 0; i < n; i++)
	{
		const void *p;
		const char *pn;
		const char *ns;
		const char *cls;
		size_t		mark = jpath_push(w, "props", 0);

		jpath_push(w, NULL, i);
		if ((st = jelement(w, props, i, OSCAL_J_OBJECT, "prop", &p)) != OSCAL_OK ||
			(st = jcopy(w, p, "name", &pn)) != OSCAL_OK ||
			(st = jcopy(w, p, "ns", &ns)) != OSCAL_OK ||
			(st = jcopy(w, p, "class", &cls)) != OSCAL_OK)
			return st;
		jpath_pop(w, mark);
		if (pn == NULL || strcmp(pn, name) != 0)
			continue;
		if (ns != NULL && strcmp(ns, OSCAL_PROP_NS) != 0)
			continue;
		if (cls == NULL)
		{
			found = p;
			break;
		}
		if (found == NULL)
			found = p;
	}
	if (found == NULL)
		return OSCAL_OK;
	return jcopy(w, found, "value", out);
}

/* a part as lines, as part_lines: paragraphs of its prose, then sub-parts */
static oscal_status
jpart_lines(walker *w, const void *part, int depth)
{
	const char *label;
	bool		label_done;
	const void *prose;
	const void *parts;
	int			n,
				i;
	oscal_status st = OSCAL_OK;
	size_t		mark = 0;

	if (depth > OSCAL_JSON_MAX_PART_DEPTH)
		return jfail(w, OSCAL_TOO_DEEP, "part");
	if ((st = jprop(w, part, "label", &label)) != OSCAL_OK ||
		(st = jmember(w, part, "prose", OSCAL_J_STRING, &prose)) != OSCAL_OK ||
		(st = jarray(w, part, "parts", &parts, &n)) != OSCAL_OK)
		return st;
	label_done = (label == NULL || *label == '\0');
	if (prose != NULL)
	{
		const char *s;
		size_t		len;
		size_t		pos = 0;
		bool		in_par = false;

		if ((st = jstring(w, prose, "prose", &s, &len)) != OSCAL_OK)
			return st;
		/* line by line; a blank line ends a paragraph */
		while (pos < len)
		{
			size_t		eol = pos;
			size_t		k;
			bool		blank = true;

			while (eol < len && s[eol] != '\n')
				eol++;
			for (k = pos; k < eol; k++)
				if (!xml_space((unsigned char) s[k]))
					blank = false;
			if (blank)
			{
				if (in_par)
					tb_end_line(w, mark);
				in_par = false;
			}
			else
			{
				if (!in_par)
				{
					mark = tb_begin_line(w, &st);
					if (st != OSCAL_OK)
						return jfail(w, st, "prose");
					if (!label_done)
					{
						if ((st = tb_str(w, label)) != OSCAL_OK || (st = tb_str(w, " ")) != OSCAL_OK)
							return jfail(w, st, "prose");
						w->tb.space_pending = true;
						label_done = true;
					}
					in_par = true;
				}
				/* the line break inside a paragraph is white space */
				if ((st = jinline(w, s + pos, eol - pos, 0)) != OSCAL_OK ||
					(st = tb_str(w, " ")) != OSCAL_OK)
					return jfail(w, st, "prose");
			}
			pos = eol + 1;
		}
		if (in_par)
			tb_end_line(w, mark);
	}
	for (i = 0; i < n; i++)
	{
		const void *p;
		size_t		pmark = jpath_push(w, "parts", 0);

		jpath_push(w, NULL, i);
		if ((st = jelement(w, parts, i, OSCAL_J_OBJECT, "part", &p)) != OSCAL_OK)
			return st;
		if (!label_done)
		{
			mark = tb_begin_line(w, &st);
			if (st != OSCAL_OK || (st = tb_str(w, label)) != OSCAL_OK)
				return jfail(w, st, "part");
			tb_end_line(w, mark);
			label_done = true;
		}
		if ((st = jpart_lines(w, p, depth + 1)) != OSCAL_OK)
			return st;
		jpath_pop(w, pmark);
	}
	if (!label_done)
	{
		mark = tb_begin_line(w, &st);
		if (st != OSCAL_OK || (st = tb_str(w, label)) != OSCAL_OK)
			return jfail(w, st, "part");
		tb_end_line(w, mark);
	}
	return OSCAL_OK;
}

/* ---- the tree */

static oscal_status
jcount_item(walker *w, const char *name)
{
	if (++w->items > w->lim->max_items)
		return jfail(w, OSCAL_TOO_MANY, name);
	if (w->j->tick && w->j->tick(w->j->ctx) != 0)
		return jfail(w, OSCAL_ABORTED, name);
	return OSCAL_OK;
}

/* metadata: title (required), version, oscal-version, last-modified and
 * the publisher, as walk_meta */
static oscal_status
jwalk_meta(walker *w, const void *root, const char *kind, oscal_meta *m)
{
	const void *md;
	oscal_status st;
	size_t		mark;
	int			pass;

	memset(m, 0, sizeof(*m));
	if ((st = jcopy(w, root, "uuid", &m->uuid)) != OSCAL_OK ||
		(st = jmember(w, root, "metadata", OSCAL_J_OBJECT, &md)) != OSCAL_OK)
		return st;
	if (md == NULL)
		return jfail(w, OSCAL_MISSING_TITLE, "metadata");
	mark = jpath_push(w, "metadata", 0);
	if ((st = jtext(w, md, "title", &m->title)) != OSCAL_OK)
		return st;
	if (m->title == NULL || m->title[0] == '\0')
		return jfail(w, OSCAL_MISSING_TITLE, "metadata");
	if ((st = jtext(w, md, "version", &m->version)) != OSCAL_OK ||
		(st = jtext(w, md, "oscal-version", &m->oscal_version)) != OSCAL_OK ||
		(st = jtext(w, md, "last-modified", &m->last_modified)) != OSCAL_OK)
		return st;
	for (pass = 0; pass < 2 && m->publisher == NULL; pass++)
	{
		const char *role = pass == 0 ? "publisher" : "creator";
		const void *rps;
		const void *parties;
		int			nr,
					np,
					i,
					k;

		if ((st = jarray(w, md, "responsible-parties", &rps, &nr)) != OSCAL_OK ||
			(st = jarray(w, md, "parties", &parties, &np)) != OSCAL_OK)
			return st;
		for (i = 0; i < nr && m->publisher == NULL; i++)
		{
			const void *rp = J_ELEMENT(w, rps, i);
			const void *uuids;
			const void *u;
			const char *rid;
			const char *want;
			int			nu;

			if (rp == NULL || J_KIND(w, rp) != OSCAL_J_OBJECT)
				return jfail(w, OSCAL_WRONG_TYPE, "responsible-parties");
			if ((st = jcopy(w, rp, "role-id", &rid)) != OSCAL_OK ||
				(st = jarray(w, rp, "party-uuids", &uuids, &nu)) != OSCAL_OK)
				return st;
			if (rid == NULL || strcmp(rid, role) != 0 || nu == 0)
				continue;
			u = J_ELEMENT(w, uuids, 0);
			if (u == NULL || J_KIND(w, u) != OSCAL_J_STRING)
				return jfail(w, OSCAL_WRONG_TYPE, "party-uuids");
			{
				size_t		len;
				const char *s = w->j->string(w->j->ctx, u, &len);
				size_t		b = 0;
				size_t		e = len;

				while (b < e && xml_space((unsigned char) s[b]))
					b++;
				while (e > b && xml_space((unsigned char) s[e - 1]))
					e--;
				if ((want = dup_len(w, s + b, e - b)) == NULL)
					return jfail(w, OSCAL_NO_MEMORY, "party-uuids");
			}
			for (k = 0; k < np; k++)
			{
				const void *p = J_ELEMENT(w, parties, k);
				const char *uuid;

				if (p == NULL || J_KIND(w, p) != OSCAL_J_OBJECT)
					return jfail(w, OSCAL_WRONG_TYPE, "parties");
				if ((st = jcopy(w, p, "uuid", &uuid)) != OSCAL_OK)
					return st;
				if (uuid && strcmp(uuid, want) == 0 && J_MEMBER(w, p, "name"))
				{
					if ((st = jtext(w, p, "name", &m->publisher)) != OSCAL_OK)
						return st;
					break;
				}
			}
		}
	}
	jpath_pop(w, mark);
	return OSCAL_OK;
}

static oscal_status
jwalk_params(walker *w, const void *obj, const char *control_id,
			 const char *group_id)
{
	const void *arr;
	int			n,
				i;
	oscal_status st;
	size_t		mark;

	if ((st = jarray(w, obj, "params", &arr, &n)) != OSCAL_OK || arr == NULL)
		return st;
	mark = jpath_push(w, "params", 0);
	for (i = 0; i < n; i++)
	{
		const void *pn;
		const void *sel;
		const void *values;
		oscal_param p;
		size_t		imark = jpath_push(w, NULL, i);
		int			nv;

		if ((st = jelement(w, arr, i, OSCAL_J_OBJECT, "param", &pn)) != OSCAL_OK ||
			(st = jcount_item(w, "param")) != OSCAL_OK)
			return st;
		memset(&p, 0, sizeof(p));
		p.line = w->items;
		p.control_id = control_id;
		p.group_id = group_id;
		if ((st = jcopy(w, pn, "id", &p.id)) != OSCAL_OK)
			return st;
		if (p.id == NULL || *p.id == '\0')
			return jfail(w, OSCAL_MISSING_ID, "param");
		if ((st = jtext(w, pn, "label", &p.label)) != OSCAL_OK ||
			(st = jmember(w, pn, "select", OSCAL_J_OBJECT, &sel)) != OSCAL_OK)
			return st;
		if (sel != NULL)
		{
			const void *choices;
			int			k;
			size_t		smark = jpath_push(w, "select", 0);

			if ((st = jcopy(w, sel, "how-many", &p.how_many)) != OSCAL_OK ||
				(st = jarray(w, sel, "choice", &choices, &p.nchoices)) != OSCAL_OK)
				return st;
			if (p.how_many == NULL && (p.how_many = dup_len(w, "one", 3)) == NULL)
				return jfail(w, OSCAL_NO_MEMORY, "select");
			if (p.nchoices > 0)
			{
				p.choices = w->al->alloc(w->al->ctx, sizeof(char *) * (size_t) p.nchoices);
				if (p.choices == NULL)
					return jfail(w, OSCAL_NO_MEMORY, "choice");
				for (k = 0; k < p.nchoices; k++)
				{
					const void *c;
					size_t		cmark = jpath_push(w, "choice", 0);

					jpath_push(w, NULL, k);
					if ((st = jelement(w, choices, k, OSCAL_J_STRING, "choice", &c)) != OSCAL_OK)
						return st;
					tb_reset(&w->tb);
					if ((st = jinline_node(w, c, 0)) != OSCAL_OK)
						return jfail(w, st, "choice");
					if ((p.choices[k] = tb_take(w, false, &st)) == NULL)
						return jfail(w, OSCAL_NO_MEMORY, "choice");
					jpath_pop(w, cmark);
				}
			}
			jpath_pop(w, smark);
		}
		if ((st = jarray(w, pn, "values", &values, &nv)) != OSCAL_OK)
			return st;
		if (nv > 0)
		{
			const void *v;
			size_t		vmark = jpath_push(w, "values", 0);

			jpath_push(w, NULL, 0);
			if ((st = jelement(w, values, 0, OSCAL_J_STRING, "values", &v)) != OSCAL_OK)
				return st;
			tb_reset(&w->tb);
			if ((st = jinline_node(w, v, 0)) != OSCAL_OK)
				return jfail(w, st, "values");
			if ((p.value = tb_take(w, false, &st)) == NULL)
				return jfail(w, OSCAL_NO_MEMORY, "values");
			jpath_pop(w, vmark);
		}
		p.order = ++w->param_order;
		w->counts.params++;
		if (w->cb->param && w->cb->param(w->arg, &p) != 0)
			return jfail(w, OSCAL_ABORTED, p.id);
		jpath_pop(w, imark);
	}
	jpath_pop(w, mark);
	return OSCAL_OK;
}

static void
jscope_push(walker *w, const void *obj)
{
	const void *params = J_MEMBER(w, obj, "params");

	/* (the stack holds the depth limit's worth of groups and controls) */
	if (params && J_KIND(w, params) == OSCAL_J_ARRAY &&
		w->nscope < (int) (sizeof(w->scope) / sizeof(w->scope[0])))
		w->scope[w->nscope++] = params;
}

static oscal_status jwalk_controls(walker *w, const void *obj,
								   const char *parent_id, const char *group_id,
								   int depth);

static oscal_status
jwalk_control(walker *w, const void *n, const char *parent_id,
			  const char *group_id, int depth)
{
	oscal_control c;
	oscal_status st;
	const char *status;
	const void *parts;
	int			np,
				i;
	ctrlid_parsed parsed;
	size_t		errpos;
	int			saved_scope = w->nscope;

	if (depth > w->lim->max_depth)
		return jfail(w, OSCAL_TOO_DEEP, "control");
	if ((st = jcount_item(w, "control")) != OSCAL_OK)
		return st;
	memset(&c, 0, sizeof(c));
	c.line = w->items;
	c.depth = depth;
	c.parent_id = parent_id;
	c.group_id = group_id;
	if ((st = jcopy(w, n, "id", &c.id)) != OSCAL_OK)
		return st;
	if (c.id == NULL || *c.id == '\0')
		return jfail(w, OSCAL_MISSING_ID, "control");
	if (ctrlid_parse(c.id, strlen(c.id), &parsed, &errpos) != CTRLID_OK)
		return jfail(w, OSCAL_BAD_CONTROL_ID, c.id);
	jscope_push(w, n);
	if ((st = jtext(w, n, "title", &c.title)) != OSCAL_OK)
		return st;
	if (c.title == NULL || c.title[0] == '\0')
		return jfail(w, OSCAL_MISSING_TITLE, c.id);
	if ((st = jcopy(w, n, "class", &c.class_)) != OSCAL_OK ||
		(st = jprop(w, n, "label", &c.label)) != OSCAL_OK ||
		(st = jprop(w, n, "sort-id", &c.sort_id)) != OSCAL_OK ||
		(st = jprop(w, n, "status", &status)) != OSCAL_OK)
		return st;
	c.withdrawn = status != NULL && strcasecmp(status, "withdrawn") == 0;

	/* the statement part (the first one) */
	if ((st = jarray(w, n, "parts", &parts, &np)) != OSCAL_OK)
		return st;
	for (i = 0; i < np; i++)
	{
		const void *p;
		const char *name;
		size_t		mark = jpath_push(w, "parts", 0);

		jpath_push(w, NULL, i);
		if ((st = jelement(w, parts, i, OSCAL_J_OBJECT, "part", &p)) != OSCAL_OK ||
			(st = jcopy(w, p, "name", &name)) != OSCAL_OK)
			return st;
		if (name && strcmp(name, "statement") == 0)
		{
			tb_reset(&w->tb);
			if ((st = jpart_lines(w, p, 0)) != OSCAL_OK)
				return st;
			c.statement = tb_take(w, true, &st);
			if (st != OSCAL_OK)
				return jfail(w, st, c.id);
			jpath_pop(w, mark);
			break;
		}
		jpath_pop(w, mark);
	}

	c.order = ++w->order;
	if (depth == 1)
		w->counts.controls++;
	else
		w->counts.enhancements++;
	if (c.withdrawn)
		w->counts.withdrawn++;
	if (w->cb->control && w->cb->control(w->arg, &c) != 0)
		return jfail(w, OSCAL_ABORTED, c.id);
	if ((st = jwalk_params(w, n, c.id, NULL)) != OSCAL_OK ||
		(st = jwalk_controls(w, n, c.id, group_id, depth + 1)) != OSCAL_OK)
		return st;
	w->nscope = saved_scope;
	return OSCAL_OK;
}

static oscal_status
jwalk_controls(walker *w, const void *obj, const char *parent_id,
			   const char *group_id, int depth)
{
	const void *arr;
	int			n,
				i;
	oscal_status st;
	size_t		mark;

	if ((st = jarray(w, obj, "controls", &arr, &n)) != OSCAL_OK || arr == NULL)
		return st;
	mark = jpath_push(w, "controls", 0);
	for (i = 0; i < n; i++)
	{
		const void *c;
		size_t		imark = jpath_push(w, NULL, i);

		if ((st = jelement(w, arr, i, OSCAL_J_OBJECT, "control", &c)) != OSCAL_OK ||
			(st = jwalk_control(w, c, parent_id, group_id, depth)) != OSCAL_OK)
			return st;
		jpath_pop(w, imark);
	}
	jpath_pop(w, mark);
	return OSCAL_OK;
}

static oscal_status jwalk_groups(walker *w, const void *obj,
								 const char *parent_id, int depth);

static oscal_status
jwalk_group(walker *w, const void *n, const char *parent_id, int depth)
{
	oscal_group g;
	oscal_status st;
	int			saved_scope = w->nscope;

	if (depth > w->lim->max_depth)
		return jfail(w, OSCAL_TOO_DEEP, "group");
	if ((st = jcount_item(w, "group")) != OSCAL_OK)
		return st;
	memset(&g, 0, sizeof(g));
	g.line = w->items;
	g.depth = depth;
	g.parent_id = parent_id;
	if ((st = jcopy(w, n, "id", &g.id)) != OSCAL_OK)
		return st;
	w->group_seq++;
	if (g.id == NULL || *g.id == '\0')
	{
		char		buf[32];

		snprintf(buf, sizeof(buf), "group-%d", w->group_seq);
		if ((g.id = dup_len(w, buf, strlen(buf))) == NULL)
			return jfail(w, OSCAL_NO_MEMORY, "group");
	}
	jscope_push(w, n);
	if ((st = jtext(w, n, "title", &g.title)) != OSCAL_OK)
		return st;
	if (g.title == NULL || g.title[0] == '\0')
		return jfail(w, OSCAL_MISSING_TITLE, g.id);
	if ((st = jcopy(w, n, "class", &g.class_)) != OSCAL_OK)
		return st;
	g.order = ++w->order;
	w->counts.groups++;
	if (w->cb->group && w->cb->group(w->arg, &g) != 0)
		return jfail(w, OSCAL_ABORTED, g.id);
	if ((st = jwalk_params(w, n, NULL, g.id)) != OSCAL_OK ||
		(st = jwalk_controls(w, n, NULL, g.id, 1)) != OSCAL_OK ||
		(st = jwalk_groups(w, n, g.id, depth + 1)) != OSCAL_OK)
		return st;
	w->nscope = saved_scope;
	return OSCAL_OK;
}

static oscal_status
jwalk_groups(walker *w, const void *obj, const char *parent_id, int depth)
{
	const void *arr;
	int			n,
				i;
	oscal_status st;
	size_t		mark;

	if ((st = jarray(w, obj, "groups", &arr, &n)) != OSCAL_OK || arr == NULL)
		return st;
	mark = jpath_push(w, "groups", 0);
	for (i = 0; i < n; i++)
	{
		const void *g;
		size_t		imark = jpath_push(w, NULL, i);

		if ((st = jelement(w, arr, i, OSCAL_J_OBJECT, "group", &g)) != OSCAL_OK ||
			(st = jwalk_group(w, g, parent_id, depth)) != OSCAL_OK)
			return st;
		jpath_pop(w, imark);
	}
	jpath_pop(w, mark);
	return OSCAL_OK;
}

/* the document's one root member, "catalog" or "profile" */
static oscal_status
jroot(walker *w, const void *doc, const char *want, const void **root)
{
	const char *other = strcmp(want, "catalog") == 0 ? "profile" : "catalog";

	*root = NULL;
	if (doc == NULL || J_KIND(w, doc) != OSCAL_J_OBJECT)
		return jfail(w, OSCAL_WRONG_ROOT, "(not an object)");
	*root = J_MEMBER(w, doc, want);
	if (*root == NULL)
	{
		if (J_MEMBER(w, doc, other) != NULL)
			return jfail(w, OSCAL_WRONG_ROOT, other);
		return jfail(w, OSCAL_WRONG_ROOT, "(none)");
	}
	jpath_push(w, want, 0);
	if (J_KIND(w, *root) != OSCAL_J_OBJECT)
		return jfail(w, OSCAL_WRONG_TYPE, want);
	return OSCAL_OK;
}

static void
jwalker_init(walker *w, const oscal_jops *ops, const oscal_limits *lim,
			 const oscal_alloc *al, oscal_error *err)
{
	walker_init(w, lim, al, err);
	w->j = ops;
	w->path[0] = '\0';
}

oscal_status
oscal_json_walk_catalog(const oscal_jops *ops, const void *doc,
						const oscal_limits *lim, const oscal_alloc *al,
						const oscal_catalog_cb *cb, void *arg,
						oscal_counts *counts, oscal_error *err)
{
	walker		w;
	const void *root;
	oscal_meta	m;
	oscal_status st;

	jwalker_init(&w, ops, lim, al, err);
	w.cb = cb;
	w.arg = arg;
	memset(counts, 0, sizeof(*counts));
	if ((st = jroot(&w, doc, "catalog", &root)) != OSCAL_OK)
		return st;
	jscope_push(&w, root);
	if ((st = jwalk_meta(&w, root, "catalog", &m)) != OSCAL_OK)
		return st;
	if (cb->meta && cb->meta(arg, &m) != 0)
		return jfail(&w, OSCAL_ABORTED, "metadata");
	if ((st = jwalk_params(&w, root, NULL, NULL)) != OSCAL_OK ||
		(st = jwalk_controls(&w, root, NULL, NULL, 1)) != OSCAL_OK ||
		(st = jwalk_groups(&w, root, NULL, 1)) != OSCAL_OK)
		return st;
	*counts = w.counts;
	return OSCAL_OK;
}

/* the selections of one include-controls or exclude-controls entry */
static oscal_status
jwalk_selection(walker *w, const oscal_profile_cb *cb, void *arg,
				const void *sel, bool include, int import_no)
{
	const char *wc;
	const void *ids;
	const void *matching;
	int			nid,
				nm,
				i;
	oscal_status st;

	if ((st = jcopy(w, sel, "with-child-controls", &wc)) != OSCAL_OK ||
		(st = jarray(w, sel, "with-ids", &ids, &nid)) != OSCAL_OK ||
		(st = jarray(w, sel, "matching", &matching, &nm)) != OSCAL_OK)
		return st;
	for (i = 0; i < nid + nm; i++)
	{
		oscal_selection s;
		const void *e;
		size_t		mark = jpath_push(w, i < nid ? "with-ids" : "matching", 0);

		jpath_push(w, NULL, i < nid ? i : i - nid);
		memset(&s, 0, sizeof(s));
		s.include = include;
		s.with_children = wc != NULL && strcmp(wc, "yes") == 0;
		s.import_no = import_no;
		if ((st = jcount_item(w, i < nid ? "with-id" : "matching")) != OSCAL_OK)
			return st;
		s.line = w->items;
		if (i < nid)
		{
			const char *str;
			size_t		len;

			s.kind = OSCAL_SELECT_ID;
			if ((st = jelement(w, ids, i, OSCAL_J_STRING, "with-id", &e)) != OSCAL_OK ||
				(st = jstring(w, e, "with-id", &str, &len)) != OSCAL_OK)
				return st;
			tb_reset(&w->tb);
			if ((st = tb_text(w, str, len)) != OSCAL_OK)
				return jfail(w, st, "with-id");
			if ((s.value = tb_take(w, false, &st)) == NULL)
				return jfail(w, OSCAL_NO_MEMORY, "with-id");
			if (*s.value == '\0')
				return jfail(w, OSCAL_MISSING_ID, "with-id");
		}
		else
		{
			s.kind = OSCAL_SELECT_PATTERN;
			if ((st = jelement(w, matching, i - nid, OSCAL_J_OBJECT, "matching", &e)) != OSCAL_OK ||
				(st = jcopy(w, e, "pattern", &s.value)) != OSCAL_OK)
				return st;
			if (s.value == NULL || *s.value == '\0')
				return jfail(w, OSCAL_MISSING_ID, "matching");
		}
		if (cb->select && cb->select(arg, &s) != 0)
			return jfail(w, OSCAL_ABORTED, s.value);
		jpath_pop(w, mark);
	}
	return OSCAL_OK;
}

oscal_status
oscal_json_walk_profile(const oscal_jops *ops, const void *doc,
						const oscal_limits *lim, const oscal_alloc *al,
						const oscal_profile_cb *cb, void *arg,
						oscal_error *err)
{
	walker		w;
	const void *root;
	const void *imports;
	oscal_meta	m;
	oscal_status st;
	int			n,
				i;

	jwalker_init(&w, ops, lim, al, err);
	if ((st = jroot(&w, doc, "profile", &root)) != OSCAL_OK)
		return st;
	if ((st = jwalk_meta(&w, root, "profile", &m)) != OSCAL_OK)
		return st;
	if (cb->meta && cb->meta(arg, &m) != 0)
		return jfail(&w, OSCAL_ABORTED, "metadata");
	if ((st = jarray(&w, root, "imports", &imports, &n)) != OSCAL_OK)
		return st;
	if (n == 0)
		return jfail(&w, OSCAL_NO_IMPORT, "profile");
	for (i = 0; i < n; i++)
	{
		const void *imp;
		const char *href;
		const void *all;
		const void *inc;
		const void *exc;
		int			ninc,
					nexc,
					k;
		size_t		mark = jpath_push(&w, "imports", 0);

		jpath_push(&w, NULL, i);
		if ((st = jelement(&w, imports, i, OSCAL_J_OBJECT, "import", &imp)) != OSCAL_OK ||
			(st = jcopy(&w, imp, "href", &href)) != OSCAL_OK ||
			(st = jmember(&w, imp, "include-all", OSCAL_J_OBJECT, &all)) != OSCAL_OK ||
			(st = jarray(&w, imp, "include-controls", &inc, &ninc)) != OSCAL_OK ||
			(st = jarray(&w, imp, "exclude-controls", &exc, &nexc)) != OSCAL_OK)
			return st;
		if (cb->import && cb->import(arg, href ? href : "", i + 1, w.items) != 0)
			return jfail(&w, OSCAL_ABORTED, href);
		if (all == NULL && ninc == 0)
			return jfail(&w, OSCAL_NO_SELECTION, href ? href : "import");
		if (all != NULL)
		{
			oscal_selection s;

			memset(&s, 0, sizeof(s));
			s.include = true;
			s.kind = OSCAL_SELECT_ALL;
			s.import_no = i + 1;
			if ((st = jcount_item(&w, "include-all")) != OSCAL_OK)
				return st;
			s.line = w.items;
			if (cb->select && cb->select(arg, &s) != 0)
				return jfail(&w, OSCAL_ABORTED, "include-all");
		}
		for (k = 0; k < ninc + nexc; k++)
		{
			const void *sel;
			bool		include = k < ninc;
			size_t		smark = jpath_push(&w, include ? "include-controls" : "exclude-controls", 0);

			jpath_push(&w, NULL, include ? k : k - ninc);
			if ((st = jelement(&w, include ? inc : exc, include ? k : k - ninc,
							   OSCAL_J_OBJECT, "selection", &sel)) != OSCAL_OK ||
				(st = jwalk_selection(&w, cb, arg, sel, include, i + 1)) != OSCAL_OK)
				return st;
			jpath_pop(&w, smark);
		}
		jpath_pop(&w, mark);
	}
	return OSCAL_OK;
}
