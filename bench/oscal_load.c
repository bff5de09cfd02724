/*
 * oscal_load.c — helper of bench/oscal-import: send a file to the server
 * as one text parameter, as a loader would, and run one statement on it.
 *
 *   oscal_load FILE parse|import|import-json|count
 *
 * Connects with the usual PG* environment, reads FILE, sends it with
 * PQexecParams (no SQL literal to quote or lex), checks the result and
 * prints the statement's round-trip time in microseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

static long long
usec(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long) t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int
main(int argc, char **argv)
{
	FILE	   *f;
	long		n;
	char	   *buf;
	const char *sql;
	const char *values[1];
	PGconn	   *conn;
	PGresult   *res;
	long long	t0, t1;

	if (argc != 3)
	{
		fprintf(stderr, "usage: oscal_load FILE parse|import|import-json|count\n");
		return 1;
	}
	if (strcmp(argv[2], "parse") == 0)
		sql = "SELECT pg_catalog.xml_is_well_formed_document($1)";
	else if (strcmp(argv[2], "import") == 0)
		sql = "SELECT framework_id FROM ismap.import_oscal_catalog($1, 'bench')";
	else if (strcmp(argv[2], "import-json") == 0)
		sql = "SELECT framework_id FROM ismap.import_oscal_catalog_json($1::pg_catalog.jsonb, 'bench-json')";
	else
		sql = "SELECT pg_catalog.length($1)";
	f = fopen(argv[1], "rb");
	if (!f)
	{
		perror(argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t) n + 1);
	if (!buf || fread(buf, 1, (size_t) n, f) != (size_t) n)
	{
		fprintf(stderr, "oscal_load: could not read %s\n", argv[1]);
		return 1;
	}
	buf[n] = '\0';
	fclose(f);

	conn = PQconnectdb("fallback_application_name=oscal_load");
	if (PQstatus(conn) != CONNECTION_OK)
	{
		fprintf(stderr, "oscal_load: %s", PQerrorMessage(conn));
		return 1;
	}
	values[0] = buf;
	t0 = usec();
	res = PQexecParams(conn, sql, 1, NULL, values, NULL, NULL, 0);
	t1 = usec();
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		fprintf(stderr, "oscal_load: %s", PQerrorMessage(conn));
		return 1;
	}
	printf("%lld\n", t1 - t0);
	PQclear(res);
	PQfinish(conn);
	free(buf);
	return 0;
}
