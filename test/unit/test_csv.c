/*
 * test_csv.c — unit tests of the CSV record reader (src/core/csv.c)
 */
#include "csv.h"
#include "unit.h"

static csv_record rec;

/* Parse all of s; return the number of records, or -(status) on error. */
static int
count_records(const char *s, size_t len, long *errline, size_t *errpos)
{
	csv_reader r;
	csv_status st;
	int			n = 0;

	csv_reader_init(&r, s, len);
	while ((st = csv_next(&r, &rec, errline, errpos)) == CSV_OK)
		n++;
	return st == CSV_END ? n : -(int) st;
}

/* field i of the last record read, NUL-terminated in a static buffer */
static const char *
field(int i)
{
	static char buf[256];
	size_t		n = rec.end[i] - rec.start[i];

	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, rec.text + rec.start[i], n);
	buf[n] = '\0';
	return buf;
}

TEST(simple_records)
{
	csv_reader r;
	long		el;
	size_t		ep;
	const char *s = "a,b,c\n1,,3\n";

	csv_reader_init(&r, s, strlen(s));
	CHECK(csv_next(&r, &rec, &el, &ep) == CSV_OK);
	CHECK(rec.nfields == 3 && rec.line == 1);
	CHECK(strcmp(field(0), "a") == 0 && strcmp(field(2), "c") == 0);
	CHECK(csv_next(&r, &rec, &el, &ep) == CSV_OK);
	CHECK(rec.nfields == 3 && rec.line == 2);
	CHECK(strcmp(field(1), "") == 0 && !rec.quoted[1]);
	CHECK(csv_next(&r, &rec, &el, &ep) == CSV_END);
	CHECK(csv_next(&r, &rec, &el, &ep) == CSV_END);
}

TEST(quoting)
{
	csv_reader r;
	long		el;
	size_t		ep;
	const char *s = "\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\",\"\"\r\nnext,1";

	csv_reader_init(&r, s, strlen(s));
	CHECK(csv_next(&r, &rec, &el, &ep) == CSV_OK);
	CHECK(rec.nfields == 4);
	CHECK(strcmp(field(0), "x, y") == 0);
	CHECK(strcmp(field(1), "say \"hi\"") == 0);
	CHECK(strcmp(field(2), "two\nlines") == 0);
	CHECK(strcmp(field(3), "") == 0 && rec.quoted[3]);
	/* the quoted line end counts: the next record starts on line 3 */
	CHECK(csv_next(&r, &rec, &el, &ep) == CSV_OK);
	CHECK(rec.line == 3 && rec.nfields == 2 && strcmp(field(1), "1") == 0);
	CHECK(csv_next(&r, &rec, &el, &ep) == CSV_END);
}

TEST(bom_blank_lines_and_crlf)
{
	long		el;
	size_t		ep;
	const char *s = "\xEF\xBB\xBFh1,h2\r\n\r\n\nv1,v2\r\n\n";
	csv_reader r;

	CHECK(count_records(s, strlen(s), &el, &ep) == 2);
	csv_reader_init(&r, s, strlen(s));
	CHECK(csv_next(&r, &rec, &el, &ep) == CSV_OK && strcmp(field(0), "h1") == 0);
	CHECK(csv_next(&r, &rec, &el, &ep) == CSV_OK && rec.line == 4);
	CHECK(count_records("", 0, &el, &ep) == 0);
	CHECK(count_records("\n\n", 2, &el, &ep) == 0);
	/* a line of one quoted empty field is a record, not a blank line */
	CHECK(count_records("\"\"\n", 3, &el, &ep) == 1);
}

TEST(syntax_errors_name_line_and_offset)
{
	long		el = 0;
	size_t		ep = 0;

	CHECK(count_records("a,b\nc\"d\n", 8, &el, &ep) == -CSV_QUOTE_IN_FIELD);
	CHECK(el == 2 && ep == 5);
	CHECK(count_records("\"ab\"c\n", 6, &el, &ep) == -CSV_TEXT_AFTER_QUOTE);
	CHECK(el == 1 && ep == 4);
	CHECK(count_records("x\n\"open\nstill", 13, &el, &ep) == -CSV_UNTERMINATED_QUOTE);
	CHECK(el == 3 && ep == 13);
	CHECK(count_records("a\rb", 3, &el, &ep) == -CSV_BARE_CR);
	/* a CR that ends the input ends the record (a CRLF file whose LF was cut) */
	CHECK(count_records("a,b\r\nc,d\r", 9, &el, &ep) == 2);
	CHECK(count_records("a\r\n\r", 4, &el, &ep) == 1);
	CHECK(count_records("\"a\"\r", 4, &el, &ep) == 1);
	CHECK(ep == 1);
	CHECK(count_records("\"a\"\rb", 5, &el, &ep) == -CSV_BARE_CR);
	CHECK(count_records("a\0b", 3, &el, &ep) == -CSV_NUL_BYTE);
	CHECK(ep == 1);
	CHECK(count_records("\"a\0\"", 4, &el, &ep) == -CSV_NUL_BYTE);
	CHECK(!csv_status_is_limit(CSV_QUOTE_IN_FIELD));
	CHECK(strlen(csv_status_text(CSV_BARE_CR)) > 0);
}

TEST(limits)
{
	static char buf[CSV_MAX_RECORD + 16];
	long		el;
	size_t		ep;
	int			i;

	/* exactly CSV_MAX_FIELDS fields pass, one more fails */
	for (i = 0; i < CSV_MAX_FIELDS - 1; i++)
		buf[i] = ',';
	CHECK(count_records(buf, CSV_MAX_FIELDS - 1, &el, &ep) == 1);
	CHECK(rec.nfields == CSV_MAX_FIELDS);
	buf[CSV_MAX_FIELDS - 1] = ',';
	CHECK(count_records(buf, CSV_MAX_FIELDS, &el, &ep) == -CSV_TOO_MANY_FIELDS);
	CHECK(csv_status_is_limit(CSV_TOO_MANY_FIELDS));

	memset(buf, 'x', CSV_MAX_RECORD);
	CHECK(count_records(buf, CSV_MAX_RECORD, &el, &ep) == 1);
	buf[CSV_MAX_RECORD] = 'x';
	CHECK(count_records(buf, CSV_MAX_RECORD + 1, &el, &ep) == -CSV_RECORD_TOO_LONG);
	CHECK(ep == CSV_MAX_RECORD);
}

TEST(write_field_round_trip)
{
	const char *fields[] = {"plain", "with, comma", "quote \"q\"", "", "two\nlines", "end\r\n"};
	char		line[512];
	size_t		n = 0;
	size_t		i;
	csv_reader r;
	long		el;
	size_t		ep;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
	{
		if (i > 0)
			line[n++] = ',';
		n += csv_write_field(fields[i], strlen(fields[i]), 0, line + n, sizeof(line) - n);
	}
	csv_reader_init(&r, line, n);
	CHECK(csv_next(&r, &rec, &el, &ep) == CSV_OK);
	CHECK(rec.nfields == 6);
	for (i = 0; i < 6; i++)
		CHECKF(strcmp(field((int) i), fields[i]) == 0, "field %zu is \"%s\"", i, field((int) i));
	/* a short buffer reports the size it needs and writes within bounds */
	CHECK(csv_write_field("a\"b", 3, 0, line, 2) == 6);
	CHECK(csv_write_field("ab", 2, 1, line, sizeof(line)) == 4 && memcmp(line, "\"ab\"", 4) == 0);
}

/* The mapping tables shipped in data/ parse completely, row counts as published. */
TEST(shipped_data_files)
{
	struct
	{
		const char *path;
		int			records;
		int			fields;
	}			files[] = {
		{"../../data/mappings/nist-sp800-53r5_to_iso27001-2013_table1.csv", 323, 5},
		{"../../data/mappings/nist-sp800-53r5_to_iso27001-2013_table1_pairs.csv", 579, 4},
		{"../../data/mappings/iso27001-2013_to_nist-sp800-53r5_table2.csv", 199, 4},
		{"../../data/mappings/iso27001-2013_to_nist-sp800-53r5_table2_pairs.csv", 406, 4},
	};
	size_t		i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
	{
		size_t		len;
		char	   *s = unit_slurp(files[i].path, &len);
		csv_reader r;
		csv_status st;
		long		el;
		size_t		ep;
		int			n = 0,
					width_ok = 1;

		CHECKF(s != NULL, "cannot read %s", files[i].path);
		if (!s)
			continue;
		csv_reader_init(&r, s, len);
		while ((st = csv_next(&r, &rec, &el, &ep)) == CSV_OK)
		{
			n++;
			if (rec.nfields != files[i].fields)
				width_ok = 0;
		}
		CHECKF(st == CSV_END && n == files[i].records && width_ok,
			   "%s: status %d, %d records", files[i].path, (int) st, n);
		free(s);
	}
}

int
main(void)
{
	RUN(simple_records);
	RUN(quoting);
	RUN(bom_blank_lines_and_crlf);
	RUN(syntax_errors_name_line_and_offset);
	RUN(limits);
	RUN(write_field_round_trip);
	RUN(shipped_data_files);
	return UNIT_DONE("unit csv");
}
