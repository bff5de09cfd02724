/*
 * jobs/publish.c — the files of "ismap-jobs publish --out DIR"
 *
 * The published list of a day as people read it (docs/jobs.md, "publish"):
 * index.html (Japanese) and index.en.html, list.csv (UTF-8 with a BOM and
 * the Japanese header, which Excel opens as UTF-8), list.xlsx (written with
 * libxlsxwriter: header row frozen, filters on), list.json, changes.csv
 * (since the previous successful publish), timeline.svg (each
 * registration's validity as a bar) and crm/<registration_number>.csv (the
 * customer responsibility matrix of each registration).  The ISMAP list goes into DIR, the
 * ISMAP-LIU list with the same files into DIR/liu.
 *
 * Atomic: everything is written into a new sibling directory first
 * (DIR.new-<pid>); only when every file is complete does it replace DIR,
 * with renameat2(RENAME_EXCHANGE) when DIR exists (a reader sees the old
 * set or the new one, never a mix), then the old set is removed.  On any
 * error the sibling is removed and DIR is left as it was.  A DIR that is a
 * symbolic link is refused (the exchange would swap the link); removing a
 * set never follows one; the sets a killed run left (DIR.new-<pid> of a
 * process gone) are removed by the next successful run.
 *
 * Everything is read inside the job's transaction, in one snapshot (the
 * caller begins it REPEATABLE READ), so the files and the run recorded in
 * ismap.job_run agree even when a registration changes meanwhile: the
 * lists before the job's step
 * (publish_prepare, which starts the workbooks), the rest after it
 * (publish_build).  Values come only through
 * PQexecParams; every text is escaped for the format it goes into.
 */
#define _GNU_SOURCE
#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <xlsxwriter.h>

/* a list as read from the server: column names, labels, rows */
typedef struct PubList
{
	PGresult   *rows;			/* published_list() */
	const char *labels_ja[64];
	const char *labels_en[64];
	PGresult   *ja;
	PGresult   *en;
	int			ncols;
} PubList;

static bool
query(PGconn *conn, PGresult **out, const char *sql, int nparams, const char *const *params, char *err, size_t errsize)
{
	PGresult   *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		snprintf(err, errsize, "%s", PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ?
				 PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage(conn));
		PQclear(res);
		return false;
	}
	*out = res;
	return true;
}

static bool
load_list(PGconn *conn, const char *as_of, const char *program, PubList *l, char *err, size_t errsize)
{
	const char *params[2] = {as_of, program};
	const char *ja[1] = {"ja"};
	const char *en[1] = {"en"};

	memset(l, 0, sizeof(*l));
	if (!query(conn, &l->rows, "SELECT * FROM ismap.published_list($1::pg_catalog.date, $2)", 2, params, err, errsize))
		return false;
	if (!query(conn, &l->ja, "SELECT column_name, label FROM ismap.published_list_labels($1)", 1, ja, err, errsize) ||
		!query(conn, &l->en, "SELECT column_name, label FROM ismap.published_list_labels($1)", 1, en, err, errsize))
		return false;
	l->ncols = PQnfields(l->rows);
	if (l->ncols > 64 || PQntuples(l->ja) != l->ncols || PQntuples(l->en) != l->ncols)
	{
		snprintf(err, errsize, _("the labels of the published list do not match its columns"));
		return false;
	}
	for (int c = 0; c < l->ncols; c++)
	{
		/* labels in the list's column order, by name */
		l->labels_ja[c] = l->labels_en[c] = PQfname(l->rows, c);
		for (int r = 0; r < l->ncols; r++)
		{
			if (strcmp(PQgetvalue(l->ja, r, 0), PQfname(l->rows, c)) == 0)
				l->labels_ja[c] = PQgetvalue(l->ja, r, 1);
			if (strcmp(PQgetvalue(l->en, r, 0), PQfname(l->rows, c)) == 0)
				l->labels_en[c] = PQgetvalue(l->en, r, 1);
		}
	}
	return true;
}

static void
free_list(PubList *l)
{
	PQclear(l->rows);
	PQclear(l->ja);
	PQclear(l->en);
}

static FILE *
open_in(const char *dir, const char *name, char *err, size_t errsize)
{
	char		path[4096];
	FILE	   *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL)
		snprintf(err, errsize, _("could not create file \"%s\": %s"), path, strerror(errno));
	else
	{
		setvbuf(f, NULL, _IOFBF, 1 << 20);	/* whole megabytes per write(2) */
		/*
		 * held by this thread until close_file: with the workbook's thread
		 * running, every stdio call would otherwise take the stream's lock
		 */
		flockfile(f);
	}
	return f;
}

static bool
close_file(FILE *f, const char *name, char *err, size_t errsize)
{
	bool		ok = !ferror(f);

	funlockfile(f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		ok = false;
	if (fclose(f) != 0)
		ok = false;
	if (!ok)
		snprintf(err, errsize, _("could not write file \"%s\": %s"), name, strerror(errno));
	return ok;
}

/*
 * HTML and XML (timeline.svg) text and attribute values.  The runs between
 * the characters to escape go out in one fwrite each: a list of 20,000
 * rows is some ten megabytes per file, too many for a call per byte.  A
 * character that XML 1.0 does not allow at all — a C0 control other than
 * tab, line feed and carriage return, or the noncharacters U+FFFE and
 * U+FFFF (EF BF BE, EF BF BF), which a text of the server may hold — is
 * written as U+FFFD: one such character in a name would otherwise make
 * the whole timeline.svg unreadable (an XML parse error) and is a parse
 * error in HTML too.  The other files (list.csv, list.json) keep the text
 * as it is.
 */
static const char markup_special[] = "&<>\"'\xEF"
	"\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
	"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f";

static void
html_text(FILE *f, const char *s)
{
	for (;;)
	{
		size_t		n = strcspn(s, markup_special);

		if (n > 0)
			fwrite(s, 1, n, f);
		s += n;
		switch (*s)
		{
			case '\0':
				return;
			case '&':
				fputs("&amp;", f);
				break;
			case '<':
				fputs("&lt;", f);
				break;
			case '>':
				fputs("&gt;", f);
				break;
			case '"':
				fputs("&quot;", f);
				break;
			case '\'':
				fputs("&#39;", f);
				break;
			case '\xEF':
				/* U+F000..U+FFFF: only U+FFFE and U+FFFF are replaced */
				if ((unsigned char) s[1] == 0xBF && ((unsigned char) s[2] == 0xBE || (unsigned char) s[2] == 0xBF))
				{
					fputs("\xEF\xBF\xBD", f);
					s += 2;
				}
				else
					fputc(*s, f);
				break;
			default:			/* a C0 control */
				fputs("\xEF\xBF\xBD", f);
				break;
		}
		s++;
	}
}

/*
 * The text of a workbook cell.  libxlsxwriter writes C0 controls as
 * _xHHHH_ but U+FFFE and U+FFFF as they are, which leaves the sheet's XML
 * ill-formed (a spreadsheet reports the file as damaged): those two become
 * U+FFFD.  A cell holds at most 32,767 characters (UTF-16 units, as Excel
 * counts them; libxlsxwriter refuses a longer text and the cell would be
 * missing): a longer text is cut to 32,766 and ends in U+2026 (…).  S
 * itself when neither applies, else a copy in *BUF; NULL when no memory.
 */
#define XLSX_CELL_MAX 32767

static const char *
xlsx_text(const char *s, char **buf, size_t *cap)
{
	size_t		len = strlen(s),
				keep = len,
				units = 0;
	char	   *p;
	bool		cut = false;

	/* a character is at most 2 units and 4 bytes: short texts fit */
	if (len > XLSX_CELL_MAX)
	{
		for (const unsigned char *u = (const unsigned char *) s; *u; u++)
		{
			if ((*u & 0xC0) == 0x80)
				continue;		/* a continuation byte */
			units += *u >= 0xF0 ? 2 : 1;
			if (units > XLSX_CELL_MAX - 1 && !cut)
			{
				keep = (const char *) u - s;	/* this character starts past the room */
				cut = true;
			}
		}
		cut = units > XLSX_CELL_MAX;
		if (!cut)
			keep = len;
	}
	if (!cut && strstr(s, "\xEF\xBF\xBE") == NULL && strstr(s, "\xEF\xBF\xBF") == NULL)
		return s;
	if (*cap < keep + 4)
	{
		char	   *grown = realloc(*buf, keep + 4);

		if (grown == NULL)
			return NULL;
		*buf = grown;
		*cap = keep + 4;
	}
	memcpy(*buf, s, keep);
	if (cut)
		memcpy(*buf + keep, "\xE2\x80\xA6", 4);	/* …, and the terminator */
	else
		(*buf)[keep] = '\0';
	for (p = *buf; (p = strstr(p, "\xEF\xBF")) != NULL; p += 2)
		if ((unsigned char) p[2] == 0xBE || (unsigned char) p[2] == 0xBF)
			p[2] = (char) 0xBD;
	return *buf;
}

/* a CSV field (RFC 4180): quoted when it holds a separator, quote or line break */
static void
csv_field(FILE *f, const char *s)
{
	const char *q;

	/*
	 * what a spreadsheet may read as the start of a formula: the same rule
	 * as ismap_internal.csv_field, which wrote the crm files' lines
	 */
	bool		formula = s[0] != '\0' && strchr("=+-@", s[0]) != NULL;

	if (strpbrk(s, ",\"\r\n") == NULL && !formula)
	{
		fputs(s, f);
		return;
	}
	fputc('"', f);
	/* a leading formula character is kept as text by a leading quote mark */
	if (formula)
		fputc('\'', f);
	/* each quote doubled: the text up to and including it, then one more */
	while ((q = strchr(s, '"')) != NULL)
	{
		fwrite(s, 1, q - s + 1, f);
		fputc('"', f);
		s = q + 1;
	}
	fputs(s, f);
	fputc('"', f);
}

static bool
write_html(const char *dir, const char *name, const PubList *l, bool ja, const char *as_of,
		   const char *program, char *err, size_t errsize)
{
	FILE	   *f = open_in(dir, name, err, errsize);
	int			n = PQntuples(l->rows);

	if (f == NULL)
		return false;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", ja ? "ja" : "en");
	fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", f);
	if (ja)
		fprintf(f, "<title>%s登録簿 %s時点（%d件）</title>\n", program, as_of, n);
	else
		fprintf(f, "<title>%s register as of %s (%d services)</title>\n", program, as_of, n);
	fputs("<style>\n"
		  "body{font-family:\"Noto Sans CJK JP\",\"Noto Sans JP\",sans-serif;margin:1rem;color:#111}\n"
		  "table{border-collapse:collapse;font-size:.85rem}\n"
		  "th,td{border:1px solid #888;padding:.25rem .4rem;vertical-align:top;text-align:left}\n"
		  "thead th{background:#e8eef6;position:sticky;top:0}\n"
		  "tbody tr:nth-child(even){background:#f6f6f6}\n"
		  "</style>\n</head>\n<body>\n", f);
	if (ja)
		fprintf(f, "<h1>%s登録簿</h1>\n<p>%s時点の登録サービス：%d件。<a href=\"index.en.html\" hreflang=\"en\" lang=\"en\">English</a></p>\n",
				program, as_of, n);
	else
		fprintf(f, "<h1>%s register</h1>\n<p>Registered services as of %s: %d. <a href=\"index.html\" hreflang=\"ja\" lang=\"ja\">日本語</a></p>\n",
				program, as_of, n);
	fputs("<table id=\"published-list\">\n", f);
	if (ja)
		fprintf(f, "<caption>%s登録簿（%s時点）</caption>\n", program, as_of);
	else
		fprintf(f, "<caption>%s register as of %s</caption>\n", program, as_of);
	fputs("<thead>\n<tr>", f);
	for (int c = 0; c < l->ncols; c++)
	{
		fprintf(f, "<th scope=\"col\" id=\"col-%s\">", PQfname(l->rows, c));
		html_text(f, ja ? l->labels_ja[c] : l->labels_en[c]);
		fputs("</th>", f);
	}
	fputs("</tr>\n</thead>\n<tbody>\n", f);
	for (int r = 0; r < n; r++)
	{
		fputs("<tr>", f);
		for (int c = 0; c < l->ncols; c++)
		{
			/* the registration number heads its row */
			fputs(c == 0 ? "<th scope=\"row\">" : "<td>", f);
			html_text(f, PQgetvalue(l->rows, r, c));
			fputs(c == 0 ? "</th>" : "</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n</body>\n</html>\n", f);
	return close_file(f, name, err, errsize);
}

static bool
write_csv(const char *dir, const PubList *l, char *err, size_t errsize)
{
	FILE	   *f = open_in(dir, "list.csv", err, errsize);

	if (f == NULL)
		return false;
	fputs("\xEF\xBB\xBF", f);	/* the BOM: Excel reads UTF-8 */
	for (int c = 0; c < l->ncols; c++)
	{
		if (c)
			fputc(',', f);
		csv_field(f, l->labels_ja[c]);
	}
	fputs("\r\n", f);
	for (int r = 0; r < PQntuples(l->rows); r++)
	{
		for (int c = 0; c < l->ncols; c++)
		{
			if (c)
				fputc(',', f);
			csv_field(f, PQgetvalue(l->rows, r, c));
		}
		fputs("\r\n", f);
	}
	return close_file(f, "list.csv", err, errsize);
}

static bool
write_json(const char *dir, const PubList *l, const char *as_of, const char *program, char *err, size_t errsize)
{
	FILE	   *f = open_in(dir, "list.json", err, errsize);

	if (f == NULL)
		return false;
	fputs("{\"format\": \"pg_ismap published list 1\", \"program\": ", f);
	json_string(f, program);
	fprintf(f, ", \"as_of\": \"%s\", \"count\": %d, \"registrations\": [", as_of, PQntuples(l->rows));
	for (int r = 0; r < PQntuples(l->rows); r++)
	{
		fputs(r ? ",\n  {" : "\n  {", f);
		for (int c = 0; c < l->ncols; c++)
		{
			if (c)
				fputs(", ", f);
			json_string(f, PQfname(l->rows, c));
			fputs(": ", f);
			if (PQgetisnull(l->rows, r, c))
				fputs("null", f);
			else
				json_string(f, PQgetvalue(l->rows, r, c));
		}
		fputc('}', f);
	}
	fputs("\n]}\n", f);
	return close_file(f, "list.json", err, errsize);
}

static bool
write_xlsx(const char *dir, const PubList *l, const char *program, char *err, size_t errsize)
{
	char		path[4096];
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head;
	lxw_error	rc = LXW_NO_ERROR;
	int			n = PQntuples(l->rows);
	char	   *text = NULL;	/* a cell's text made fit for XML (xlsx_text) */
	size_t		textcap = 0;

	/*
	 * constant_memory: each row goes out to the sheet as it is written, its
	 * strings inline, instead of every cell kept in memory and every string
	 * in the shared strings table until the close (a tree of 320,000
	 * strings for 16,000 rows: the whole publish took 1.2 s instead of
	 * 0.85 s); the rows are written in order, as that mode needs.
	 */
	lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};

	snprintf(path, sizeof(path), "%s/list.xlsx", dir);
	wb = workbook_new_opt(path, &opts);
	if (wb == NULL)
	{
		snprintf(err, errsize, _("could not create file \"%s\""), path);
		return false;
	}
	ws = workbook_add_worksheet(wb, program);
	head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xE8EEF6);
	/* a cell refused would be missing from the sheet: the job fails instead */
	for (int c = 0; c < l->ncols && rc == LXW_NO_ERROR; c++)
	{
		const char *t = xlsx_text(l->labels_ja[c], &text, &textcap);

		rc = t == NULL ? LXW_ERROR_MEMORY_MALLOC_FAILED : worksheet_write_string(ws, 0, (lxw_col_t) c, t, head);
		worksheet_set_column(ws, (lxw_col_t) c, (lxw_col_t) c, c == 1 || c == 7 ? 36 : 18, NULL);
	}
	for (int r = 0; r < n && rc == LXW_NO_ERROR; r++)
		for (int c = 0; c < l->ncols && rc == LXW_NO_ERROR; c++)
		{
			const char *t = xlsx_text(PQgetvalue(l->rows, r, c), &text, &textcap);

			rc = t == NULL ? LXW_ERROR_MEMORY_MALLOC_FAILED :
				worksheet_write_string(ws, (lxw_row_t) (r + 1), (lxw_col_t) c, t, NULL);
		}
	free(text);
	if (rc != LXW_NO_ERROR)
	{
		snprintf(err, errsize, _("could not write file \"%s\": %s"), path, lxw_strerror(rc));
		workbook_close(wb);
		return false;
	}
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_autofilter(ws, 0, 0, (lxw_row_t) n, (lxw_col_t) (l->ncols - 1));
	rc = workbook_close(wb);
	if (rc != LXW_NO_ERROR)
	{
		snprintf(err, errsize, _("could not write file \"%s\": %s"), path, lxw_strerror(rc));
		return false;
	}
	return true;
}

static bool
write_changes(PGconn *conn, const char *dir, const char *prev, const char *as_of, const char *program,
			  char *err, size_t errsize)
{
	const char *params[3] = {prev, as_of, program};
	PGresult   *res;
	FILE	   *f;

	if (!query(conn, &res,
			   "SELECT change, registration_number, service_name, COALESCE(changed_columns, '')"
			   " FROM ismap.published_list_changes(LEAST($1::pg_catalog.date, $2::pg_catalog.date), $2::pg_catalog.date, $3)",
			   3, params, err, errsize))
		return false;
	f = open_in(dir, "changes.csv", err, errsize);
	if (f == NULL)
	{
		PQclear(res);
		return false;
	}
	fputs("\xEF\xBB\xBF" "変更,登録番号,クラウドサービスの名称,変更された項目\r\n", f);
	for (int r = 0; r < PQntuples(res); r++)
	{
		for (int c = 0; c < 4; c++)
		{
			if (c)
				fputc(',', f);
			csv_field(f, PQgetvalue(res, r, c));
		}
		fputs("\r\n", f);
	}
	PQclear(res);
	return close_file(f, "changes.csv", err, errsize);
}

/* days since 1970-01-01 of a YYYY-MM-DD date (civil calendar) */
static long
day_number(const char *s)
{
	int			y = atoi(s),
				m = atoi(s + 5),
				d = atoi(s + 8);
	long		era,
				yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * timeline.svg: one bar per registration on the list, from its
 * registration day to its last valid day, the as-of day as a line, a tick
 * per year; drawn by hand (no Graphviz needed), with a CJK-capable font
 */
static bool
write_timeline(const char *dir, const PubList *l, const char *as_of, const char *program, char *err, size_t errsize)
{
	FILE	   *f = open_in(dir, "timeline.svg", err, errsize);
	int			n = PQntuples(l->rows);
	int			c_num = -1,
				c_name = -1,
				c_from = -1,
				c_to = -1;
	long		lo,
				hi;
	const int	left = 320,
				width = 640,
				row = 18,
				top = 40;
	double		scale;

	if (f == NULL)
		return false;
	for (int c = 0; c < l->ncols; c++)
	{
		const char *name = PQfname(l->rows, c);

		if (strcmp(name, "registration_number") == 0)
			c_num = c;
		else if (strcmp(name, "service_name") == 0)
			c_name = c;
		else if (strcmp(name, "registered_on") == 0)
			c_from = c;
		else if (strcmp(name, "valid_until") == 0)
			c_to = c;
	}
	lo = hi = day_number(as_of);
	for (int r = 0; r < n && c_from >= 0 && c_to >= 0; r++)
	{
		long		a = day_number(PQgetvalue(l->rows, r, c_from));
		long		b = day_number(PQgetvalue(l->rows, r, c_to));

		lo = a < lo ? a : lo;
		hi = b > hi ? b : hi;
	}
	if (hi == lo)
		hi = lo + 1;
	scale = (double) width / (double) (hi - lo);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" aria-labelledby=\"t\""
			" font-family=\"Noto Sans CJK JP, Noto Sans JP, sans-serif\" font-size=\"11\">\n",
			left + width + 20, top + row * n + 40);
	fprintf(f, "<title id=\"t\">%s: registrations and their validity as of %s (%d)</title>\n", program, as_of, n);
	fprintf(f, "<text x=\"8\" y=\"20\" font-size=\"14\">%s 登録と有効期限 / registrations and expiries, as of %s (%d)</text>\n",
			program, as_of, n);
	/* a tick per year */
	for (int y = atoi(as_of) - 12; y <= atoi(as_of) + 12; y++)
	{
		char		jan1[16];
		long		d;

		snprintf(jan1, sizeof(jan1), "%04d-01-01", y);
		d = day_number(jan1);
		if (d < lo || d > hi)
			continue;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ccc\"/>"
				"<text x=\"%.1f\" y=\"%d\" fill=\"#555\">%d</text>\n",
				left + (d - lo) * scale, top - 6, left + (d - lo) * scale, top + row * n,
				left + (d - lo) * scale + 2, top + row * n + 14, y);
	}
	for (int r = 0; r < n && c_from >= 0 && c_to >= 0; r++)
	{
		long		a = day_number(PQgetvalue(l->rows, r, c_from));
		long		b = day_number(PQgetvalue(l->rows, r, c_to));
		int			y = top + r * row;

		fprintf(f, "<g><title>");
		html_text(f, PQgetvalue(l->rows, r, c_num));
		fprintf(f, " %s – %s</title>", PQgetvalue(l->rows, r, c_from), PQgetvalue(l->rows, r, c_to));
		fprintf(f, "<text x=\"8\" y=\"%d\">", y + 12);
		html_text(f, PQgetvalue(l->rows, r, c_num));
		fputs(" ", f);
		if (c_name >= 0)
			html_text(f, PQgetvalue(l->rows, r, c_name));
		fprintf(f, "</text><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#4a7ab8\"/></g>\n",
				left + (a - lo) * scale, y + 3, (b - a + 1) * scale, row - 6);
	}
	fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\" stroke-width=\"2\"/>\n",
			left + (day_number(as_of) - lo) * scale, top - 10, left + (day_number(as_of) - lo) * scale, top + row * n);
	fputs("</svg>\n", f);
	return close_file(f, "timeline.svg", err, errsize);
}

/*
 * crm/<registration_number>.csv: the customer responsibility matrix of
 * each registration on the list, one file per listed registration (a
 * header alone when its statement selects nothing), UTF-8 with a BOM and a
 * Japanese header like list.csv.  The lines below the header come from the
 * server as they were formatted when the registration's content was frozen
 * (ismap.published_crm_csv: one text per registration, in number order,
 * COLLATE "C": byte order, as strcmp), one row at a time; each
 * file is one writev(2) of the header and the text.  The files are not
 * fsynced one by one: syncfs() of their file system once at the end
 * (thousands of fsyncs would be most of the job's time).
 */
static const char crm_head[] = "\xEF\xBB\xBF" "登録番号,管理策,実施主体,継承元のサービス,継承元の登録番号\r\n";

/* a registration number as a file name: what its CHECK allows, nothing else */
static bool
crm_name_ok(const char *number)
{
	if (number[0] == '\0' || strlen(number) > 32)
		return false;
	for (const char *p = number; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

/*
 * A file of the live set taken over instead of written anew: a matrix is
 * frozen with its registration, so most files of a set are, byte for
 * byte, the files of the previous one.  Making a file and, after the swap,
 * removing the old one frees and allocates an inode and its blocks each
 * time (on a file system mounted with discard, each freed block is
 * trimmed: milliseconds a file); a second link to the old file and the
 * removal of the first cost a directory entry each.  The old file is taken
 * only when it is a regular file of ours with no other link (another name
 * for it elsewhere would be a way to change the publication), writable by
 * nobody else, and
 * holds exactly the bytes this set needs (read and compared); the link is
 * made to the file opened and compared (through /proc/self/fd), not to
 * whatever the name may point at by then.  Anything else (no such file,
 * other bytes, another file system, no /proc): written anew.
 */
static char *crm_compare;		/* read back for the comparison */
static uid_t crm_euid;			/* ours: geteuid() once */
static size_t crm_compare_size;

static bool
reuse_crm_file(int livefd, int dirfd, const char *name, const char *lines, size_t len)
{
	size_t		head = sizeof(crm_head) - 1,
				want = head + len,
				got = 0;
	struct stat st;
	char		proc[64];
	bool		same = false;
	int			fd;

	fd = openat(livefd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 || st.st_uid != crm_euid ||
		(st.st_mode & (S_IWGRP | S_IWOTH)) != 0 || (size_t) st.st_size != want)
	{
		close(fd);
		return false;
	}
	if (crm_compare_size < want)
	{
		char	   *p = realloc(crm_compare, want);

		if (p == NULL)
		{
			close(fd);
			return false;
		}
		crm_compare = p;
		crm_compare_size = want;
	}
	/* the size was right: its bytes (a regular file reads whole) */
	while (got < want)
	{
		ssize_t		n = read(fd, crm_compare + got, want - got);

		if (n <= 0)
			break;
		got += (size_t) n;
	}
	if (got == want && memcmp(crm_compare, crm_head, head) == 0 && memcmp(crm_compare + head, lines, len) == 0)
	{
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		same = linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW) == 0;
	}
	close(fd);
	return same;
}

/* one file of the set: the header and the lines, all or an error */
static bool
write_crm_file(int dirfd, int livefd, const char *subdir, const char *number, const char *lines, size_t len,
			   char *err, size_t errsize)
{
	char		name[64],
				path[4200];
	struct iovec iov[2];
	ssize_t		n;
	int			fd;

	snprintf(name, sizeof(name), "%s.csv", number);
	if (livefd >= 0 && reuse_crm_file(livefd, dirfd, name, lines, len))
		return true;
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
	{
		int			e = errno;

		snprintf(path, sizeof(path), "%s/%s", subdir, name);
		snprintf(err, errsize, _("could not create file \"%s\": %s"), path, strerror(e));
		return false;
	}
	iov[0].iov_base = (void *) crm_head;
	iov[0].iov_len = sizeof(crm_head) - 1;
	iov[1].iov_base = (void *) lines;
	iov[1].iov_len = len;
	/* a short write to a regular file (a full disk): go on from where it stopped */
	while ((n = writev(fd, iov, 2)) >= 0 && (size_t) n < iov[0].iov_len + iov[1].iov_len)
	{
		size_t		skip = (size_t) n < iov[0].iov_len ? (size_t) n : iov[0].iov_len;

		iov[0].iov_base = (char *) iov[0].iov_base + skip;
		iov[0].iov_len -= skip;
		iov[1].iov_base = (char *) iov[1].iov_base + ((size_t) n - skip);
		iov[1].iov_len -= (size_t) n - skip;
		if (n == 0)
		{
			errno = ENOSPC;
			n = -1;
			break;
		}
	}
	if (n < 0 || close(fd) != 0)
	{
		int			e = errno;

		if (n < 0)
			close(fd);
		snprintf(path, sizeof(path), "%s/%s", subdir, name);
		snprintf(err, errsize, _("could not write file \"%s\": %s"), path, strerror(e));
		return false;
	}
	return true;
}

/*
 * The matrices are asked for before the set's other files are written, so
 * that the server finds them while this process writes the pages; they
 * come one row at a time (single-row mode: memory for one text, however
 * many), and write_crm takes them.  crm_drain reads whatever is left, so
 * that the connection can be used again after an error.
 */
static bool
crm_send(PGconn *conn, const char *as_of, const char *program, char *err, size_t errsize)
{
	const char *params[2] = {as_of, program};

	if (!PQsendQueryParams(conn, "SELECT registration_number, csv FROM ismap.published_crm_csv($1::pg_catalog.date, $2)",
						   2, NULL, params, NULL, NULL, 0) ||
		!PQsetSingleRowMode(conn))
	{
		snprintf(err, errsize, "%s", PQerrorMessage(conn));
		return false;
	}
	return true;
}

static void
crm_drain(PGconn *conn)
{
	PGresult   *res;

	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
}

static bool
write_crm(PGconn *conn, const char *dir, const char *live, const PubList *l, char *err, size_t errsize)
{
	char		sub[4096];
	PGresult   *res = NULL;
	int			numcol = PQfnumber(l->rows, "registration_number");
	int			nlist = PQntuples(l->rows);
	bool		ok = true,
				over = false;	/* the last row came */
	int			dfd,
				livefd;

	err[0] = '\0';
	snprintf(sub, sizeof(sub), "%s/crm", dir);
	if (mkdir(sub, 0755) != 0 || (dfd = open(sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
	{
		snprintf(err, errsize, _("could not create directory \"%s\": %s"), sub, strerror(errno));
		crm_drain(conn);
		return false;
	}
	if (numcol < 0)
	{
		snprintf(err, errsize, _("the published list has no registration_number column"));
		close(dfd);
		crm_drain(conn);
		return false;
	}
	/* the live set's files, if any, to take over where unchanged */
	/*
	 * neither the set (liu/ of DIR) nor its crm/ followed if a link: a
	 * file taken over from where it pointed would stay linked there
	 */
	livefd = open(live, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (livefd >= 0)
	{
		int			setfd = livefd;

		livefd = openat(setfd, "crm", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(setfd);
	}
	crm_euid = geteuid();

	/* the list's registrations and the matrices' rows go in step */
	for (int next = 0; ok && next <= nlist; next++)
	{
		const char *number = next < nlist ? PQgetvalue(l->rows, next, numcol) : NULL;

		res = PQgetResult(conn);
		if (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK)
			over = true;		/* no more rows */
		else if (res == NULL || PQresultStatus(res) != PGRES_SINGLE_TUPLE)
		{
			snprintf(err, errsize, "%s", res != NULL && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ?
					 PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage(conn));
			ok = false;
		}
		if (ok && number == NULL && !over)
		{
			snprintf(err, errsize, _("the matrix of %s is not on the published list"), PQgetvalue(res, 0, 0));
			ok = false;
		}
		else if (ok && number != NULL && over)
		{
			snprintf(err, errsize, _("no matrix came for %s of the published list"), number);
			ok = false;
		}
		else if (ok && number != NULL && !crm_name_ok(number))
		{
			snprintf(err, errsize, _("registration number \"%s\" cannot name a file"), number);
			ok = false;
		}
		else if (ok && number != NULL && strcmp(PQgetvalue(res, 0, 0), number) != 0)
		{
			snprintf(err, errsize, _("the matrix of %s is not on the published list"), PQgetvalue(res, 0, 0));
			ok = false;
		}
		else if (ok && number != NULL)
			ok = write_crm_file(dfd, livefd, sub, number, PQgetvalue(res, 0, 1), PQgetlength(res, 0, 1), err, errsize);
		PQclear(res);
		if (over)
			break;
	}
	crm_drain(conn);
	/* the files' data on disk before the set is swapped in */
	if (ok && (syncfs(dfd) != 0 || fsync(dfd) != 0))
	{
		snprintf(err, errsize, _("could not write file \"%s\": %s"), sub, strerror(errno));
		ok = false;
	}
	close(dfd);
	if (livefd >= 0)
		close(livefd);
	return ok;
}

/* the workbook, written by a thread of its own (prepare_set) */
typedef struct XlsxJob
{
	const char *dir;
	const PubList *l;
	const char *program;
	bool		ok;
	char		err[1024];
} XlsxJob;

static void *
xlsx_thread(void *arg)
{
	XlsxJob    *job = arg;

	job->ok = write_xlsx(job->dir, job->l, job->program, job->err, sizeof(job->err));
	return NULL;
}

/*
 * A publish under way: both programs' lists read, their workbooks being
 * written by threads of their own (most of the work: libxlsxwriter
 * compresses each sheet with zlib) while the caller goes on (the job's
 * step, then the other files).  The threads read the rows only; the
 * connection is the caller's alone.  One per process.
 */
typedef struct PubSet
{
	PubList		l;
	XlsxJob		job;
	pthread_t	thread;
	bool		threaded;
	char		dir[4096];		/* where it is written (the staged set) */
	char		live[4096];		/* the set it replaces, if any */
} PubSet;

static PubSet pub_sets[2];
static bool pub_prepared = false;
static char pub_staged[4096];

static void
unprepare(void)
{
	for (int i = 0; i < 2; i++)
	{
		if (pub_sets[i].threaded)
			pthread_join(pub_sets[i].thread, NULL);
		pub_sets[i].threaded = false;
		free_list(&pub_sets[i].l);
		memset(&pub_sets[i].l, 0, sizeof(pub_sets[i].l));
	}
	pub_prepared = false;
}

/* one program's list read, its workbook started */
static bool
prepare_set(PGconn *conn, PubSet *set, const char *dir, const char *live, const char *as_of,
			const char *program, char *err, size_t errsize)
{
	memset(set, 0, sizeof(*set));
	snprintf(set->dir, sizeof(set->dir), "%s", dir);
	snprintf(set->live, sizeof(set->live), "%s", live);
	if (!load_list(conn, as_of, program, &set->l, err, errsize))
		return false;
	set->job.dir = set->dir;
	set->job.l = &set->l;
	set->job.program = program;
	set->threaded = pthread_create(&set->thread, NULL, xlsx_thread, &set->job) == 0;
	if (!set->threaded)			/* no thread to be had: in turn */
		xlsx_thread(&set->job);
	return true;
}

/* the rest of one program's files, then its workbook awaited */
static bool
finish_set(PGconn *conn, PubSet *set, const char *as_of, const char *prev, const char *program,
		   int *count, char *err, size_t errsize)
{
	const PubList *l = &set->l;
	const char *dir = set->dir;
	bool		ok;

	*count = PQntuples(l->rows);
	/* the changes, then the matrices asked for while the pages are written */
	ok = write_changes(conn, dir, prev, as_of, program, err, errsize) &&
		crm_send(conn, as_of, program, err, errsize);
	ok = ok &&
		write_html(dir, "index.html", l, true, as_of, program, err, errsize) &&
		write_html(dir, "index.en.html", l, false, as_of, program, err, errsize) &&
		write_csv(dir, l, err, errsize) &&
		write_json(dir, l, as_of, program, err, errsize) &&
		write_timeline(dir, l, as_of, program, err, errsize) &&
		write_crm(conn, dir, set->live, l, err, errsize);
	crm_drain(conn);
	if (set->threaded)
		pthread_join(set->thread, NULL);
	set->threaded = false;
	if (ok && !set->job.ok)
	{
		snprintf(err, errsize, "%s", set->job.err);
		ok = false;
	}
	return ok;
}

/*
 * Remove NAME in the directory PARENT (an open descriptor): a directory
 * with everything in it, anything else unlinked; true when it is gone.  A
 * symbolic link is never followed, neither at the top nor below (each
 * directory is opened with O_NOFOLLOW relative to its parent's
 * descriptor): a link planted at the staging name, or in the set being
 * removed, goes as a link and the tree it points at stays.  A directory of
 * ours made read-only (chmod a-w DIR) is made writable again first: the
 * set belongs to the job.  A set is two levels deep (liu/crm/); anything
 * deeper than 16 is left.
 */
static bool
remove_at(int parent, const char *name, int depth)
{
	int			fd;
	DIR		   *d;
	struct dirent *e;
	struct stat st;
	bool		all = true;

	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
	{
		/* not a directory (or a link to one): the name alone goes */
		if (errno == ENOTDIR || errno == ELOOP)
			return unlinkat(parent, name, 0) == 0;
		return errno == ENOENT;
	}
	if (fstat(fd, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & S_IRWXU) != S_IRWXU)
		(void) fchmod(fd, (st.st_mode & 07777) | S_IRWXU);
	if (depth > 16 || (d = fdopendir(fd)) == NULL)
	{
		close(fd);
		return false;
	}
	while ((e = readdir(d)) != NULL)
	{
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		/*
		 * A file (or a symbolic link) goes with one unlinkat, without a
		 * stat first: a set has thousands of crm files.  A directory
		 * refuses it (EISDIR) and is emptied first.
		 */
		if (e->d_type != DT_DIR && unlinkat(dirfd(d), e->d_name, 0) == 0)
			continue;
		if (e->d_type == DT_DIR || errno == EISDIR)
			all = remove_at(dirfd(d), e->d_name, depth + 1) && all;
		else
			all = false;
	}
	closedir(d);
	return unlinkat(parent, name, AT_REMOVEDIR) == 0 && all;
}

/* PATH without its trailing slashes, split into its directory and its last name */
static bool
split_path(const char *path, char *dir, size_t dirsize, char *base, size_t basesize)
{
	char		trimmed[4096];
	char	   *slash;

	if (snprintf(trimmed, sizeof(trimmed), "%s", path) >= (int) sizeof(trimmed))
		return false;
	while (strlen(trimmed) > 1 && trimmed[strlen(trimmed) - 1] == '/')
		trimmed[strlen(trimmed) - 1] = '\0';
	slash = strrchr(trimmed, '/');
	/* a name cut short could be another file's */
	if (strlen(slash == NULL ? trimmed : slash + 1) >= basesize || strlen(trimmed) >= dirsize)
		return false;
	if (slash == NULL)
	{
		snprintf(dir, dirsize, ".");
		snprintf(base, basesize, "%s", trimmed);
	}
	else
	{
		snprintf(base, basesize, "%s", slash + 1);
		if (slash == trimmed)
			snprintf(dir, dirsize, "/");
		else
		{
			*slash = '\0';
			snprintf(dir, dirsize, "%s", trimmed);
		}
	}
	return true;
}

/* remove a tree we wrote (the staged set, or the old set after the swap); true when it is gone */
static bool
remove_tree(const char *path)
{
	char		dir[4096],
				base[NAME_MAX + 1];
	int			fd;
	bool		gone;

	if (!split_path(path, dir, sizeof(dir), base, sizeof(base)) || base[0] == '\0' ||
		strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strcmp(base, "/") == 0)
		return false;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	gone = remove_at(fd, base, 0);
	close(fd);
	return gone;
}

/*
 * The staged sets that runs killed before their swap left beside DIR
 * (DIR.new-<pid>): directories of ours whose process is gone.  Called
 * once the job holds its lock, so no other publish of this database is
 * writing one; a staged set of a live process (another database's
 * publish to the same DIR) stays.  The process is looked for on this
 * machine, in this pid namespace: a run of another machine or container
 * writing into the same directory is not seen.
 */
static void
remove_leftovers(const char *out)
{
	char		dir[4096],
				base[NAME_MAX + 1];
	size_t		blen;
	int			fd;
	DIR		   *d;
	struct dirent *e;

	if (!split_path(out, dir, sizeof(dir), base, sizeof(base)))
		return;
	blen = strlen(base);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if ((d = fdopendir(fd)) == NULL)
	{
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL)
	{
		const char *p = e->d_name + blen + 5;
		char	   *end;
		long		pid;
		struct stat st;

		if (strncmp(e->d_name, base, blen) != 0 || strncmp(e->d_name + blen, ".new-", 5) != 0 ||
			*p < '1' || *p > '9')
			continue;
		errno = 0;
		pid = strtol(p, &end, 10);
		if (errno != 0 || *end != '\0' || pid <= 0 || pid == (long) getpid() || (pid_t) pid != pid)
			continue;
		if (kill((pid_t) pid, 0) == 0 || errno != ESRCH)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
			st.st_uid != geteuid())
			continue;
		remove_at(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

bool
publish_check_out(const char *out, char *err, size_t errsize)
{
	struct stat st;
	char		parent[4096],
				base[NAME_MAX + 1],
				trimmed[4096];

	if (out == NULL || out[0] == '\0')
	{
		snprintf(err, errsize, _("publish needs --out DIR"));
		return false;
	}
	/*
	 * room for the longest name of the staged set
	 * (DIR.new-<pid>/liu/crm/<number>.csv) in the job's buffers, and for
	 * ".new-<pid>" after DIR's last name
	 */
	if (strlen(out) > sizeof(trimmed) - 80 ||
		!split_path(out, parent, sizeof(parent), base, sizeof(base)) ||
		strlen(base) + sizeof(".new-2147483647") - 1 > NAME_MAX)
	{
		snprintf(err, errsize, _("output path \"%s\" is too long"), out);
		return false;
	}
	snprintf(trimmed, sizeof(trimmed), "%s", out);
	while (strlen(trimmed) > 1 && trimmed[strlen(trimmed) - 1] == '/')
		trimmed[strlen(trimmed) - 1] = '\0';
	if (lstat(trimmed, &st) == 0 && S_ISLNK(st.st_mode))
	{
		/* the swap would replace the link, and the set it points at would go */
		snprintf(err, errsize, _("output path \"%s\" is a symbolic link"), out);
		return false;
	}
	if (stat(trimmed, &st) == 0 && !S_ISDIR(st.st_mode))
	{
		snprintf(err, errsize, _("output path \"%s\" exists and is not a directory"), out);
		return false;
	}
	if (base[0] == '\0' || strcmp(base, "/") == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
	{
		snprintf(err, errsize, _("output path \"%s\" does not name a directory of its own"), out);
		return false;
	}
	if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode))
	{
		snprintf(err, errsize, _("directory \"%s\" of the output path does not exist"), parent);
		return false;
	}
	if (access(parent, W_OK | X_OK) != 0)
	{
		snprintf(err, errsize, _("cannot write into directory \"%s\": %s"), parent, strerror(errno));
		return false;
	}
	return true;
}

bool
publish_prepare(PGconn *conn, const char *out, const char *as_of, char *staged, size_t stagedsize,
				char *err, size_t errsize)
{
	char		liu[4096],
				liveliu[4096];
	char		trimmed[4096];

	if (pub_prepared)
		publish_discard(pub_staged);
	snprintf(trimmed, sizeof(trimmed), "%s", out);
	while (strlen(trimmed) > 1 && trimmed[strlen(trimmed) - 1] == '/')
		trimmed[strlen(trimmed) - 1] = '\0';
	snprintf(staged, stagedsize, "%s.new-%ld", trimmed, (long) getpid());
	remove_tree(staged);
	snprintf(liu, sizeof(liu), "%s/liu", staged);
	if (mkdir(staged, 0755) != 0 || mkdir(liu, 0755) != 0)
	{
		snprintf(err, errsize, _("could not create directory \"%s\": %s"), staged, strerror(errno));
		remove_tree(staged);
		return false;
	}
	snprintf(liveliu, sizeof(liveliu), "%s/liu", trimmed);
	if (!prepare_set(conn, &pub_sets[0], staged, trimmed, as_of, "ISMAP", err, errsize) ||
		!prepare_set(conn, &pub_sets[1], liu, liveliu, as_of, "ISMAP-LIU", err, errsize))
	{
		unprepare();
		remove_tree(staged);
		return false;
	}
	snprintf(pub_staged, sizeof(pub_staged), "%s", staged);
	pub_prepared = true;
	return true;
}

bool
publish_build(PGconn *conn, const char *out, const char *as_of, const char *run_id,
			  char *staged, size_t stagedsize, int *count, int *count_liu, char *err, size_t errsize)
{
	const char *params[1] = {run_id};
	PGresult   *res;
	char		prev[32] = "-infinity";
	bool		ok;

	if (!pub_prepared && !publish_prepare(conn, out, as_of, staged, stagedsize, err, errsize))
		return false;
	snprintf(staged, stagedsize, "%s", pub_staged);
	/* the previous successful publish (none: every row is "added") */
	if (!query(conn, &res,
			   "SELECT pg_catalog.to_char(r.as_of, 'YYYY-MM-DD') FROM ismap.job_run r"
			   " WHERE r.job OPERATOR(pg_catalog.=) 'publish' AND r.status OPERATOR(pg_catalog.=) 'succeeded'"
			   "   AND r.run_id IS DISTINCT FROM $1::pg_catalog.int8"
			   " ORDER BY r.finished_at DESC, r.run_id DESC LIMIT 1", 1, params, err, errsize))
	{
		publish_discard(staged);
		return false;
	}
	if (PQntuples(res) > 0)
		snprintf(prev, sizeof(prev), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);

	ok = finish_set(conn, &pub_sets[0], as_of, prev, "ISMAP", count, err, errsize) &&
		finish_set(conn, &pub_sets[1], as_of, prev, "ISMAP-LIU", count_liu, err, errsize);
	unprepare();
	if (!ok)
		remove_tree(staged);
	return ok;
}

bool
publish_swap(const char *staged, const char *out, char *err, size_t errsize)
{
	char		trimmed[4096];
	struct stat st;

	snprintf(trimmed, sizeof(trimmed), "%s", out);
	while (strlen(trimmed) > 1 && trimmed[strlen(trimmed) - 1] == '/')
		trimmed[strlen(trimmed) - 1] = '\0';
	if (lstat(trimmed, &st) == 0)
	{
		if (S_ISLNK(st.st_mode))
		{
			snprintf(err, errsize, _("output path \"%s\" is a symbolic link"), trimmed);
			remove_tree(staged);
			return false;
		}
		if (!S_ISDIR(st.st_mode))
		{
			snprintf(err, errsize, _("output path \"%s\" exists and is not a directory"), trimmed);
			remove_tree(staged);
			return false;
		}
		/* both names stay valid throughout: the old set, then the new one */
		if (renameat2(AT_FDCWD, staged, AT_FDCWD, trimmed, RENAME_EXCHANGE) != 0)
		{
			snprintf(err, errsize, _("could not replace directory \"%s\": %s"), trimmed, strerror(errno));
			remove_tree(staged);
			return false;
		}
		/* now the old set: the publication is in place whatever is left of it */
		if (!remove_tree(staged))
			log_warning("the previous set could not be removed entirely: what is left of it is in \"%s\"", staged);
		remove_leftovers(trimmed);
		return true;
	}
	if (rename(staged, trimmed) != 0)
	{
		snprintf(err, errsize, _("could not rename \"%s\" to \"%s\": %s"), staged, trimmed, strerror(errno));
		remove_tree(staged);
		return false;
	}
	remove_leftovers(trimmed);
	return true;
}

void
publish_discard(const char *staged)
{
	if (pub_prepared)
		unprepare();
	if (staged != NULL && staged[0] != '\0')
		remove_tree(staged);
}
