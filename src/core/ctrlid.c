/*
 * ctrlid.c — parser and order-preserving key for control identifiers
 *
 * See ctrlid.h for the grammar and the key format.  Everything here works on
 * caller-owned fixed buffers and reports errors by status, so the backend
 * glue can map them to SQLSTATEs in one place and nothing can leak.
 */
#include "ctrlid.h"

#include <string.h>

/*
 * A status text for people: xgettext collects it (make po-update, keyword
 * ISMAP_N_) and the backend glue looks it up in the extension's catalogue
 * with ISMAP_T; here it is the text itself.
 */
#ifndef ISMAP_N_
#define ISMAP_N_(s) (s)
#endif

/* What the parser saw last; separators are only valid between segments. */
typedef enum
{
	TOK_NONE,
	TOK_SEGMENT,
	TOK_DOTDASH,
	TOK_SPACE,
	TOK_OPEN,
	TOK_CLOSE
} last_token;

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static inline char
to_upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char) (c - 'a' + 'A') : c;
}

/* Append the key bytes of the digit run text[s, e); returns a status. */
static ctrlid_status
encode_number(const char *text, size_t s, size_t e, ctrlid_parsed *out)
{
	size_t		d;
	size_t		i;

	/* Leading zeros carry no value: "01" and "1" are the same number. */
	while (s < e && text[s] == '0')
		s++;
	d = e - s;
	if (d > CTRLID_MAX_DIGITS)
		return CTRLID_NUMBER_TOO_LONG;

	out->key[out->keylen++] = (uint8_t) (CTRLID_TAG_NUMBER + d);
	for (i = 0; i < d; i += 2)
	{
		uint8_t		hi = (uint8_t) (text[s + i] - '0');
		uint8_t		lo = (i + 1 < d) ? (uint8_t) (text[s + i + 1] - '0') : 0;

		out->key[out->keylen++] = (uint8_t) ((hi << 4) | lo);
	}
	return CTRLID_OK;
}

/* Append the key bytes of the letter run text[s, e). */
static ctrlid_status
encode_word(const char *text, size_t s, size_t e, ctrlid_parsed *out)
{
	size_t		i;

	if (e - s > CTRLID_MAX_LETTERS)
		return CTRLID_WORD_TOO_LONG;
	out->key[out->keylen++] = CTRLID_TAG_WORD;
	for (i = s; i < e; i++)
		out->key[out->keylen++] = (uint8_t) to_upper(text[i]);
	/* 0x00 sorts below every letter, so "AB" < "ABC". */
	out->key[out->keylen++] = 0x00;
	return CTRLID_OK;
}

ctrlid_status
ctrlid_parse(const char *text, size_t len, ctrlid_parsed *out, size_t *errpos)
{
	size_t		pos = 0;
	last_token	prev = TOK_NONE;
	bool		in_paren = false;
	bool		dotdash_in_run = false;
	size_t		open_pos = 0;

#define FAIL(st, at) do { *errpos = (at); return (st); } while (0)

	out->nseg = 0;
	out->keylen = 0;

	if (len == 0)
		FAIL(CTRLID_EMPTY, 0);
	if (len > CTRLID_MAX_LEN)
		FAIL(CTRLID_TOO_LONG, CTRLID_MAX_LEN);

	while (pos < len)
	{
		char		c = text[pos];

		if (is_digit(c) || is_alpha(c))
		{
			bool		digits = is_digit(c);
			size_t		s = pos;
			ctrlid_status st;

			while (pos < len && (digits ? is_digit(text[pos]) : is_alpha(text[pos])))
				pos++;

			if (out->nseg == CTRLID_MAX_SEGMENTS)
				FAIL(CTRLID_TOO_MANY_SEGMENTS, s);
			/* "(1)" holds exactly one segment, so "(1a)" or "(1.2)" is wrong */
			if (in_paren && prev != TOK_OPEN)
				FAIL(CTRLID_PAREN_TWO_SEGMENTS, s);

			st = digits ? encode_number(text, s, pos, out)
				: encode_word(text, s, pos, out);
			if (st != CTRLID_OK)
				FAIL(st, s);

			out->seg_start[out->nseg] = (uint16_t) s;
			out->seg_end[out->nseg] = (uint16_t) pos;
			out->seg_in_paren[out->nseg] = in_paren;
			out->nseg++;
			prev = TOK_SEGMENT;
			dotdash_in_run = false;
			continue;
		}

		switch (c)
		{
			case '.':
			case '-':
				if (prev == TOK_NONE)
					FAIL(CTRLID_LEADING_SEPARATOR, pos);
				if (prev == TOK_OPEN)
					FAIL(CTRLID_EMPTY_PAREN, pos);
				if (dotdash_in_run)
					FAIL(CTRLID_DOUBLE_SEPARATOR, pos);
				dotdash_in_run = true;
				prev = TOK_DOTDASH;
				break;
			case ' ':
				if (prev == TOK_NONE)
					FAIL(CTRLID_LEADING_SEPARATOR, pos);
				if (prev == TOK_SPACE)
					FAIL(CTRLID_DOUBLE_SPACE, pos);
				if (prev == TOK_OPEN)
					FAIL(CTRLID_EMPTY_PAREN, pos);
				prev = TOK_SPACE;
				break;
			case '(':
				if (prev == TOK_NONE)
					FAIL(CTRLID_LEADING_SEPARATOR, pos);
				if (in_paren)
					FAIL(CTRLID_NESTED_PAREN, pos);
				in_paren = true;
				open_pos = pos;
				prev = TOK_OPEN;
				break;
			case ')':
				if (prev == TOK_NONE)
					FAIL(CTRLID_LEADING_SEPARATOR, pos);
				if (!in_paren)
					FAIL(CTRLID_UNMATCHED_CLOSE, pos);
				if (prev != TOK_SEGMENT)
					FAIL(CTRLID_EMPTY_PAREN, pos);
				in_paren = false;
				prev = TOK_CLOSE;
				break;
			default:
				FAIL(CTRLID_BAD_CHAR, pos);
		}
		pos++;
	}

	if (in_paren)
		FAIL(prev == TOK_OPEN ? CTRLID_EMPTY_PAREN : CTRLID_UNCLOSED_PAREN,
			 prev == TOK_OPEN ? open_pos : len);
	if (prev == TOK_DOTDASH || prev == TOK_SPACE)
		FAIL(CTRLID_TRAILING_SEPARATOR, len - 1);

#undef FAIL
	*errpos = 0;
	return CTRLID_OK;
}

bool
ctrlid_status_is_limit(ctrlid_status st)
{
	return st == CTRLID_TOO_LONG || st == CTRLID_TOO_MANY_SEGMENTS ||
		st == CTRLID_NUMBER_TOO_LONG || st == CTRLID_WORD_TOO_LONG;
}

const char *
ctrlid_status_text(ctrlid_status st)
{
	switch (st)
	{
		case CTRLID_OK:
			return ISMAP_N_("No error.");
		case CTRLID_EMPTY:
			return ISMAP_N_("A control identifier needs at least one segment.");
		case CTRLID_BAD_CHAR:
			return ISMAP_N_("Only ASCII letters, digits, \".\", \"-\", \"(\", \")\" and single spaces are allowed.");
		case CTRLID_LEADING_SEPARATOR:
			return ISMAP_N_("A control identifier must start with a letter or a digit.");
		case CTRLID_TRAILING_SEPARATOR:
			return ISMAP_N_("A control identifier must end with a segment or \")\".");
		case CTRLID_DOUBLE_SPACE:
			return ISMAP_N_("Segments are separated by single spaces only.");
		case CTRLID_DOUBLE_SEPARATOR:
			return ISMAP_N_("Only one \".\" or \"-\" may stand between two segments.");
		case CTRLID_NESTED_PAREN:
			return ISMAP_N_("Parentheses cannot be nested.");
		case CTRLID_UNMATCHED_CLOSE:
			return ISMAP_N_("\")\" has no matching \"(\".");
		case CTRLID_UNCLOSED_PAREN:
			return ISMAP_N_("\"(\" is never closed.");
		case CTRLID_EMPTY_PAREN:
			return ISMAP_N_("Parentheses must enclose exactly one segment, with nothing else inside.");
		case CTRLID_PAREN_TWO_SEGMENTS:
			return ISMAP_N_("Parentheses must enclose exactly one segment.");
		case CTRLID_TOO_LONG:
			return ISMAP_N_("A control identifier is at most 128 bytes long.");
		case CTRLID_TOO_MANY_SEGMENTS:
			return ISMAP_N_("A control identifier has at most 16 segments.");
		case CTRLID_NUMBER_TOO_LONG:
			return ISMAP_N_("A number segment has at most 18 significant digits.");
		case CTRLID_WORD_TOO_LONG:
			return ISMAP_N_("A word segment has at most 32 letters.");
	}
	return ISMAP_N_("Unknown error.");
}

int
ctrlid_key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t		n = alen < blen ? alen : blen;
	int			r = n ? memcmp(a, b, n) : 0;

	if (r != 0)
		return r < 0 ? -1 : 1;
	if (alen == blen)
		return 0;
	return alen < blen ? -1 : 1;
}

bool
ctrlid_key_is_prefix(const uint8_t *a, size_t alen,
					 const uint8_t *b, size_t blen)
{
	/*
	 * Segment encodings are self-delimiting, so a byte prefix always ends on
	 * a segment boundary of b.
	 */
	return alen <= blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

uint64_t
ctrlid_key_abbrev(const uint8_t *key, size_t keylen)
{
	uint64_t	out = 0;
	int			nbytes = 0;
	size_t		i = 0;

#define EMIT(b) do { out |= (uint64_t) (b) << (56 - 8 * nbytes); nbytes++; } while (0)

	while (i < keylen && nbytes < 8)
	{
		uint8_t		tag = key[i];

		if (tag == CTRLID_TAG_WORD)
		{
			/* tag, letters and terminator, as far as they fit */
			do
			{
				EMIT(key[i]);
			} while (key[i++] != 0x00 && i < keylen && nbytes < 8);
		}
		else
		{
			int			d = tag - CTRLID_TAG_NUMBER;
			unsigned	v = 0;
			int			k;

			for (k = 0; k < d && d <= 3; k++)
			{
				uint8_t		b = key[i + 1 + k / 2];

				v = v * 10 + ((k % 2 == 0) ? (b >> 4) : (b & 0x0F));
			}
			if (d > 3 || v >= 126)
			{
				/* larger numbers tie here; the full comparison decides */
				EMIT(0x7F);
				break;
			}
			EMIT(v + 1);
			i += 1 + (size_t) (d + 1) / 2;
		}
	}
#undef EMIT
	return out;
}

int
ctrlid_key_nseg(const uint8_t *key, size_t keylen)
{
	size_t		i = 0;
	int			n = 0;

	while (i < keylen)
	{
		uint8_t		tag = key[i];

		if (tag == CTRLID_TAG_WORD)
		{
			i++;
			while (i < keylen && key[i] != 0x00)
				i++;
			if (i == keylen)
				return -1;
			i++;
		}
		else if (tag >= CTRLID_TAG_NUMBER &&
				 tag <= CTRLID_TAG_NUMBER + CTRLID_MAX_DIGITS)
			i += 1 + (size_t) (tag - CTRLID_TAG_NUMBER + 1) / 2;
		else
			return -1;
		if (i > keylen)
			return -1;
		n++;
	}
	return n;
}

size_t
ctrlid_respell(const char *text, size_t len, const ctrlid_parsed *p,
			   int first, int count, char *out, size_t outcap)
{
	size_t		s;
	size_t		e;
	size_t		i;
	size_t		n = 0;
	int			depth = 0;

	if (count <= 0 || first < 0 || first + count > p->nseg)
		return 0;
	s = p->seg_start[first];
	e = p->seg_end[first + count - 1];
	if (e > len)
		return 0;

	for (i = s; i < e && n < outcap; i++)
	{
		char		c = text[i];

		if (c == '(')
			depth++;
		else if (c == ')')
		{
			/*
			 * Its "(" lies before the cut: drop it to stay balanced, but keep
			 * two segments apart ("1)2" must not become the one number 12).
			 */
			if (depth == 0)
			{
				if (n > 0 && i + 1 < e &&
					(is_digit(out[n - 1]) || is_alpha(out[n - 1])) &&
					(is_digit(text[i + 1]) || is_alpha(text[i + 1])))
					out[n++] = '.';
				continue;
			}
			depth--;
		}
		out[n++] = c;
	}
	if (depth > 0 && n < outcap)
		out[n++] = ')';
	return n;
}
