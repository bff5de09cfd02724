/*
 * test_validate.c — unit tests of the validation rule engine
 */
#include "ctrlid.h"
#include "unit.h"
#include "validate.h"

#define MAXF 64

typedef struct found
{
	int			n;
	vl_code		code[MAXF];
	vl_severity sev[MAXF];
	char		ctrl[MAXF][32];
	char		msg[MAXF][VL_MESSAGE_MAX];
} found;

static void
collect(void *arg, vl_code code, vl_severity sev, const char *control_id, const char *message)
{
	found	   *f = arg;

	if (f->n >= MAXF)
		return;
	f->code[f->n] = code;
	f->sev[f->n] = sev;
	snprintf(f->ctrl[f->n], sizeof(f->ctrl[0]), "%s", control_id ? control_id : "");
	snprintf(f->msg[f->n], sizeof(f->msg[0]), "%s", message);
	f->n++;
}

static int
count(const found *f, vl_code code, vl_severity sev)
{
	int			n = 0;

	for (int i = 0; i < f->n; i++)
		if (f->code[i] == code && f->sev[i] == sev)
			n++;
	return n;
}

/* controls parsed into keys kept alive for the test */
static ctrlid_parsed parsed[16];

static vl_control
ctl(int slot, const char *id)
{
	vl_control	c;
	size_t		errpos;

	memset(&c, 0, sizeof(c));
	ctrlid_parse(id, strlen(id), &parsed[slot], &errpos);
	c.key = parsed[slot].key;
	c.keylen = parsed[slot].keylen;
	c.depth = parsed[slot].nseg;
	c.id = id;
	return c;
}

static const char *const accepted[] = {"CISA", "CISSP"};
static const vl_qualification quals[] = {{"CISA", VL_NO_DATE}};
static const vl_selection sel[] = {{0, 20000, true, "active"}};

/* an application that passes every rule: 2025-04-01..2026-03-31 */
static vl_input
clean(void)
{
	vl_input	in;

	memset(&in, 0, sizeof(in));
	in.requested_level = 2;
	in.target_level = 2;
	in.period_start = 9222;		/* 2025-04-01 */
	in.period_end = 9586;		/* 2026-03-31 */
	in.report_date = 9630;
	in.period_limit_end = 9586;
	in.period_max = "1 year";
	in.registration_end = 10073;
	in.submitted_on = 9650;
	in.audit_scope = "Mail service";
	in.service_scope = "mail  service";
	in.audit_body = "Audit LLC";
	in.selections = sel;
	in.nselections = 1;
	in.auditor = "Sato";
	in.nationality = "JP";
	in.experience_years = 10;
	in.qualifications = quals;
	in.nqualifications = 1;
	in.accepted = accepted;
	in.naccepted = 2;
	in.min_experience = 3;
	in.required_nationality = "JP";
	in.tolerable_rate = 0.10;
	in.confidence = 0.90;
	return in;
}

TEST(clean_application_has_no_findings)
{
	vl_input	in = clean();
	found		f = {0};

	CHECK(vl_validate(&in, collect, &f) == 0);
	CHECK(f.n == 0);
}

TEST(dates_format_as_iso)
{
	char		d[16];

	vl_format_date(0, d);
	CHECK(strcmp(d, "2000-01-01") == 0);
	vl_format_date(9222, d);
	CHECKF(strcmp(d, "2025-04-01") == 0, "%s", d);
	vl_format_date(-1, d);
	CHECK(strcmp(d, "1999-12-31") == 0);
	vl_format_date(59, d);
	CHECK(strcmp(d, "2000-02-29") == 0);
	vl_format_date(VL_NO_DATE, d);
	CHECK(strcmp(d, "(none)") == 0);
}

TEST(scopes_compare_after_normalizing)
{
	CHECK(vl_same_scope("Mail service", "  mail\tSERVICE "));
	CHECK(vl_same_scope("", "   "));
	CHECK(!vl_same_scope("Mail service", "Mailservice"));
	CHECK(!vl_same_scope("Mail service", "Mail service Tokyo"));
	CHECK(!vl_same_scope("Mail", "Mail x"));
	CHECK(!vl_same_scope(NULL, "x"));
	CHECK(vl_same_scope(NULL, NULL));
}

TEST(application_rules)
{
	vl_input	in = clean();
	found		f = {0};
	static const vl_selection suspended[] = {{0, 20000, false, "suspended"}};
	static const vl_qualification lapsed[] = {{"CISA", 9000}};

	in.selections = suspended;
	in.qualifications = lapsed;
	in.experience_years = 1;
	in.nationality = "US";
	in.period_end = 9600;
	in.registration_end = 9000;
	in.audit_scope = "other";
	in.requested_level = 3;
	in.internal_review = true;
	vl_validate(&in, collect, &f);
	CHECK(count(&f, VL_AUDIT_BODY_NOT_SELECTED, VL_ERROR) == 1);
	CHECK(count(&f, VL_LEAD_AUDITOR_UNQUALIFIED, VL_ERROR) == 3);
	CHECK(count(&f, VL_AUDIT_PERIOD_TOO_LONG, VL_ERROR) == 1);
	CHECK(count(&f, VL_REGISTRATION_WOULD_BE_EXPIRED, VL_ERROR) == 1);
	CHECK(count(&f, VL_SCOPE_MISMATCH, VL_ERROR) == 1);
	CHECK(count(&f, VL_LEVEL_NOT_AUDITED, VL_ERROR) == 1);
	CHECK(count(&f, VL_INTERNAL_REVIEW_NOT_ALLOWED, VL_ERROR) == 1);
	CHECK(f.n == 9);
	CHECK(strstr(f.msg[0], "suspended") != NULL);
}

TEST(no_selection_at_all)
{
	vl_input	in = clean();
	found		f = {0};

	in.nselections = 0;
	vl_validate(&in, collect, &f);
	CHECK(f.n == 1 && f.code[0] == VL_AUDIT_BODY_NOT_SELECTED);
	CHECK(strstr(f.msg[0], "no selection") != NULL);
}

TEST(control_rules_use_the_hierarchy)
{
	vl_input	in = clean();
	found		f = {0};
	vl_control	c[8];

	/* sorted by key: 5.1.1 < 5.1.1.1 < 5.1.1.2 < 5.1.2 < 5.1.2.1 < 5.1.2.2 < 5.1.3 < 5.1.10 */
	c[0] = ctl(0, "5.1.1");
	c[0].required = c[0].stated = c[0].selected = true;
	c[0].result = VL_RESULT_EFFECTIVE;
	c[1] = ctl(1, "5.1.1.1");	/* mandatory, ineffective, rationale: query */
	c[1].required = c[1].stated = c[1].selected = c[1].mandatory = c[1].has_rationale = true;
	c[1].result = VL_RESULT_INEFFECTIVE;
	c[2] = ctl(2, "5.1.1.2");	/* required, not stated */
	c[2].required = true;
	c[3] = ctl(3, "5.1.2");		/* objective excluded with reason: query */
	c[3].stated = true;
	c[3].has_reason = true;
	c[4] = ctl(4, "5.1.2.1");	/* mandatory excluded, no reason: two errors */
	c[4].stated = c[4].mandatory = true;
	c[5] = ctl(5, "5.1.2.2");	/* mandatory, not tested, objective excluded: error */
	c[5].stated = c[5].selected = c[5].mandatory = c[5].has_rationale = true;
	c[5].result = VL_RESULT_NOT_TESTED;
	c[6] = ctl(6, "5.1.3");		/* selected objective without result */
	c[6].stated = c[6].selected = true;
	c[7] = ctl(7, "5.1.10");	/* objective not effective */
	c[7].stated = c[7].selected = true;
	c[7].result = VL_RESULT_INEFFECTIVE;
	for (int i = 1; i < 8; i++)
		CHECK(ctrlid_key_cmp(c[i - 1].key, c[i - 1].keylen, c[i].key, c[i].keylen) < 0);
	in.controls = c;
	in.ncontrols = 8;
	vl_validate(&in, collect, &f);
	CHECK(count(&f, VL_MANDATORY_NOT_EFFECTIVE, VL_QUERY) == 1);
	CHECK(count(&f, VL_MANDATORY_NOT_EFFECTIVE, VL_ERROR) == 1);
	CHECK(count(&f, VL_CONTROL_NOT_STATED, VL_ERROR) == 1);
	CHECK(count(&f, VL_OBJECTIVE_EXCLUDED, VL_QUERY) == 1);
	CHECK(count(&f, VL_EXCLUSION_WITHOUT_REASON, VL_ERROR) == 1);
	CHECK(count(&f, VL_MANDATORY_EXCLUDED, VL_ERROR) == 1);
	CHECK(count(&f, VL_RESULT_MISSING, VL_ERROR) == 1);
	CHECK(count(&f, VL_OBJECTIVE_NOT_EFFECTIVE, VL_ERROR) == 1);
	CHECK(f.n == 8);
	/* in identifier order, naming the control */
	CHECK(strcmp(f.ctrl[0], "5.1.1.1") == 0);
	CHECK(strcmp(f.ctrl[f.n - 1], "5.1.10") == 0);
	CHECK(strstr(f.msg[0], "5.1.1 is effective") != NULL);
}

TEST(sampling_rules)
{
	vl_input	in = clean();
	found		f = {0};
	vl_test		t[3] = {
		{"5.1.1.1", "daily", -1, 20, 0, 25, 0.05, true},	/* too small */
		{"5.1.1.2", "daily", 10, 10, 0, 25, 0.05, true},	/* whole population: fine */
		{"5.1.2.1", "weekly", -1, 30, 2, 5, 0.17, true},	/* limit exceeded */
	};

	in.tests = t;
	in.ntests = 3;
	vl_validate(&in, collect, &f);
	CHECK(count(&f, VL_SAMPLE_TOO_SMALL, VL_ERROR) == 1);
	CHECK(count(&f, VL_SAMPLE_LIMIT_EXCEEDED, VL_WARNING) == 1);
	CHECK(f.n == 2);
	CHECKF(strstr(f.msg[1], "17.0%") != NULL, "%s", f.msg[1]);
	/* not effective anyway: no warning */
	t[2].result_effective = false;
	f.n = 0;
	vl_validate(&in, collect, &f);
	CHECK(f.n == 1);
}

TEST(platform_rules)
{
	vl_input	in = clean();
	found		f = {0};
	vl_dependency d[3] = {
		{1, "P", false, 0, NULL, NULL},		/* not registered */
		{2, "Q", false, 1, "C26-0002-1", NULL},	/* too low */
		{3, "R", true, 0, NULL, NULL},		/* self-assessed in this audit */
	};

	in.saas = true;
	in.deps = d;
	in.ndeps = 3;
	vl_validate(&in, collect, &f);
	CHECK(count(&f, VL_BASE_NOT_REGISTERED, VL_ERROR) == 1);
	CHECK(count(&f, VL_BASE_LEVEL_TOO_LOW, VL_ERROR) == 1);
	CHECK(f.n == 2);
	/* a transitional exemption in force: the same finding, as a query
	 * naming its end */
	d[0].exempt_until = "2027-03-31";
	f.n = 0;
	vl_validate(&in, collect, &f);
	CHECK(count(&f, VL_BASE_NOT_REGISTERED, VL_ERROR) == 0);
	CHECK(count(&f, VL_BASE_NOT_REGISTERED, VL_QUERY) == 1);
	CHECK(f.n == 2);
	CHECKF(strstr(f.msg[0], "until 2027-03-31") != NULL || strstr(f.msg[1], "until 2027-03-31") != NULL, "%s", f.msg[0]);
	d[0].exempt_until = NULL;
	in.ndeps = 0;
	f.n = 0;
	vl_validate(&in, collect, &f);
	CHECK(f.n == 1 && f.code[0] == VL_SAAS_WITHOUT_PLATFORM && f.sev[0] == VL_WARNING);
}

TEST(open_review_findings_block)
{
	vl_input	in = clean();
	found		f = {0};
	vl_finding	r[2] = {
		{7, NULL, "csp", 9653, false},
		{9, "5.1.1.1", "auditor", 9654, true},
	};

	in.findings = r;
	in.nfindings = 2;
	vl_validate(&in, collect, &f);
	CHECK(count(&f, VL_REVIEW_FINDING_OPEN, VL_ERROR) == 2);
	CHECK(f.n == 2);
	CHECK(strcmp(f.ctrl[0], "") == 0 && strcmp(f.ctrl[1], "5.1.1.1") == 0);
	CHECKF(strstr(f.msg[0], "review finding 7 to the csp") != NULL && strstr(f.msg[0], "awaiting an answer") != NULL, "%s", f.msg[0]);
	CHECKF(strstr(f.msg[1], "answered") != NULL, "%s", f.msg[1]);
	/* resolved ones are not passed in: nothing to report */
	in.nfindings = 0;
	f.n = 0;
	vl_validate(&in, collect, &f);
	CHECK(f.n == 0);
}

TEST(inherited_and_disclosure_rules)
{
	vl_input	in = clean();
	found		f = {0};
	vl_inherited h[4] = {
		{"A.5.1.1", 7, NULL, false, false},		/* platform not registered */
		{"A.5.1.2", 7, NULL, true, false},		/* not registered, assessed here */
		{"A.6.1.1", 8, "C26-0008-2", false, false},	/* not in the platform's statement */
		{"A.6.1.2", 8, "C26-0008-2", false, true},	/* carried by the platform */
	};

	in.inherited = h;
	in.ninherited = 4;
	vl_validate(&in, collect, &f);
	CHECK(f.n == 2);
	CHECK(f.code[0] == VL_INHERITED_FROM_UNREGISTERED && f.sev[0] == VL_ERROR);
	CHECK(f.code[1] == VL_INHERITED_NOT_STATED && f.sev[1] == VL_ERROR);
	CHECKF(strstr(f.msg[1], "C26-0008-2") != NULL, "%s", f.msg[1]);
	in.ninherited = 0;
	in.disclosure_missing = "regions, governing_law";
	f.n = 0;
	vl_validate(&in, collect, &f);
	CHECK(f.n == 1 && f.code[0] == VL_DISCLOSURE_MISSING && f.sev[0] == VL_ERROR);
	CHECKF(strstr(f.msg[0], "regions, governing_law") != NULL, "%s", f.msg[0]);
	in.disclosure_missing = "";
	f.n = 0;
	vl_validate(&in, collect, &f);
	CHECK(f.n == 0);
}

TEST(overdue_remediation_blocks)
{
	vl_input	in = clean();
	found		f = {0};
	vl_remediation m[1] = {{3, "5.1.1.1", 9700, "C26-0001-1"}};

	in.remediations = m;
	in.nremediations = 1;
	vl_validate(&in, collect, &f);
	CHECK(f.n == 1 && f.code[0] == VL_REMEDIATION_OVERDUE && f.sev[0] == VL_ERROR);
	CHECK(strcmp(f.ctrl[0], "5.1.1.1") == 0);
	CHECKF(strstr(f.msg[0], "remediation 3 of control 5.1.1.1 (registration C26-0001-1)") != NULL, "%s", f.msg[0]);
}

TEST(rule_table_is_complete)
{
	for (int c = 0; c < VL_NCODES; c++)
	{
		CHECK(vl_code_name((vl_code) c) != NULL && strcmp(vl_code_name((vl_code) c), "UNKNOWN") != 0);
		CHECK(strlen(vl_code_description((vl_code) c)) > 10);
	}
	CHECK(strcmp(vl_code_name(VL_NCODES), "UNKNOWN") == 0);
	CHECK(vl_code_severity(VL_OBJECTIVE_EXCLUDED) == VL_QUERY);
	CHECK(vl_code_severity(VL_SAAS_WITHOUT_PLATFORM) == VL_WARNING);
}

int
main(void)
{
	RUN(clean_application_has_no_findings);
	RUN(dates_format_as_iso);
	RUN(scopes_compare_after_normalizing);
	RUN(application_rules);
	RUN(no_selection_at_all);
	RUN(control_rules_use_the_hierarchy);
	RUN(sampling_rules);
	RUN(platform_rules);
	RUN(open_review_findings_block);
	RUN(overdue_remediation_blocks);
	RUN(inherited_and_disclosure_rules);
	RUN(rule_table_is_complete);
	return UNIT_DONE("validate");
}
