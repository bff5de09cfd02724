/*
 * jobs/common.c — messages, JSON strings and date checks for ismap-jobs.
 *
 * Messages follow the PostgreSQL client programs (vacuumdb, pg_dump):
 * "prog: error: text", then "prog: detail: ..." and "prog: hint: ...".
 */
#include "common.h"

#include <locale.h>
#include <stdarg.h>
#include <string.h>

#ifndef ISMAP_JOBS_LOCALEDIR
#define ISMAP_JOBS_LOCALEDIR "/usr/share/locale"
#endif

const char *progname = "ismap-jobs";

void
init_nls(void)
{
	setlocale(LC_ALL, "");
	/* numbers and dates printed for scripts keep the C conventions */
	setlocale(LC_NUMERIC, "C");
	bindtextdomain(ISMAP_JOBS_TEXTDOMAIN, ISMAP_JOBS_LOCALEDIR);
	bind_textdomain_codeset(ISMAP_JOBS_TEXTDOMAIN, "UTF-8");
	textdomain(ISMAP_JOBS_TEXTDOMAIN);
}

static void
log_with(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", progname, level[0] ? _(level) : "");
	vfprintf(stderr, _(fmt), ap);
	fputc('\n', stderr);
}

void
log_error(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	log_with(N_("error: "), fmt, ap);
	va_end(ap);
}

void
log_detail(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	log_with(N_("detail: "), fmt, ap);
	va_end(ap);
}

void
log_hint(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	log_with(N_("hint: "), fmt, ap);
	va_end(ap);
}

void
log_warning(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	log_with(N_("warning: "), fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	log_with("", fmt, ap);
	va_end(ap);
}

const char *
trim_message(const char *msg, char *buf, size_t size)
{
	size_t		len;

	if (msg == NULL)
		msg = "";
	len = strlen(msg);
	/* libpq ends its messages with a newline; ours add one themselves */
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(buf, msg, len);
	buf[len] = '\0';
	return buf;
}

void
json_string(FILE *out, const char *s)
{
	/* the bytes a JSON string escapes: quote, backslash, control characters */
	static const char escaped[] = "\"\\"
		"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
		"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f";
	const char *p = s ? s : "";

	fputc('"', out);
	for (;;)
	{
		/* the run up to the next byte to escape in one write; UTF-8 passes through */
		size_t		n = strcspn(p, escaped);

		if (n > 0)
			fwrite(p, 1, n, out);
		p += n;
		switch (*p)
		{
			case '\0':
				fputc('"', out);
				return;
			case '"':
				fputs("\\\"", out);
				break;
			case '\\':
				fputs("\\\\", out);
				break;
			case '\n':
				fputs("\\n", out);
				break;
			case '\r':
				fputs("\\r", out);
				break;
			case '\t':
				fputs("\\t", out);
				break;
			default:
				/* other control characters as \u00XX */
				fprintf(out, "\\u%04x", (unsigned char) *p);
		}
		p++;
	}
}

bool
valid_iso_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			y,
				m,
				d,
				i;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	/* 29 February only in leap years */
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	return true;
}
