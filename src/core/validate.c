/*
 * validate.c — the rule engine behind ismap.validate_application
 *
 * See validate.h.  Each rule reads the vl_input and reports what is wrong
 * and what would fix it; nothing stops at the first finding.
 */
#include "validate.h"

#include "ctrlid.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* the descriptions are marked for xgettext like the templates below */
#ifndef ISMAP_N_
#define ISMAP_N_(s) (s)
#endif

typedef struct vl_rule
{
	const char *name;
	vl_severity severity;
	const char *description;
} vl_rule;

static const vl_rule rules[VL_NCODES] = {
	[VL_AUDIT_BODY_NOT_SELECTED] = {"AUDIT_BODY_NOT_SELECTED", VL_ERROR,
	ISMAP_N_("No active selection of the audit body covers the audit's report date.")},
	[VL_LEAD_AUDITOR_UNQUALIFIED] = {"LEAD_AUDITOR_UNQUALIFIED", VL_ERROR,
	ISMAP_N_("The lead auditor fails the policy's qualification, experience or nationality rule at the report date.")},
	[VL_AUDIT_PERIOD_TOO_LONG] = {"AUDIT_PERIOD_TOO_LONG", VL_ERROR,
	ISMAP_N_("The audited period is longer than the policy's maximum.")},
	[VL_REGISTRATION_WOULD_BE_EXPIRED] = {"REGISTRATION_WOULD_BE_EXPIRED", VL_ERROR,
	ISMAP_N_("The audited period's end plus the registration validity falls before the submission date.")},
	[VL_SCOPE_MISMATCH] = {"SCOPE_MISMATCH", VL_ERROR,
	ISMAP_N_("The audited scope differs from the service's scope.")},
	[VL_LEVEL_NOT_AUDITED] = {"LEVEL_NOT_AUDITED", VL_ERROR,
	ISMAP_N_("The requested level is above the level the audit was performed for.")},
	[VL_INTERNAL_REVIEW_NOT_ALLOWED] = {"INTERNAL_REVIEW_NOT_ALLOWED", VL_ERROR,
	ISMAP_N_("A review of an internal audit supports level 1 only.")},
	[VL_CONTROL_NOT_STATED] = {"CONTROL_NOT_STATED", VL_ERROR,
	ISMAP_N_("A control of the requested level's baseline has no statement item.")},
	[VL_EXCLUSION_WITHOUT_REASON] = {"EXCLUSION_WITHOUT_REASON", VL_ERROR,
	ISMAP_N_("A control is left out of the statement without a reason.")},
	[VL_MANDATORY_EXCLUDED] = {"MANDATORY_EXCLUDED", VL_ERROR,
	ISMAP_N_("A mandatory detailed control is left out of the statement.")},
	[VL_OBJECTIVE_EXCLUDED] = {"OBJECTIVE_EXCLUDED", VL_QUERY,
	ISMAP_N_("A control objective is left out of the statement (with a reason): the registrar confirms it.")},
	[VL_RESULT_MISSING] = {"RESULT_MISSING", VL_ERROR,
	ISMAP_N_("A selected control has no audit result.")},
	[VL_OBJECTIVE_NOT_EFFECTIVE] = {"OBJECTIVE_NOT_EFFECTIVE", VL_ERROR,
	ISMAP_N_("A selected control objective is not effective.")},
	[VL_MANDATORY_NOT_EFFECTIVE] = {"MANDATORY_NOT_EFFECTIVE", VL_ERROR,
	ISMAP_N_("A mandatory detailed control is not effective (a query when its objective is effective and a rationale is recorded).")},
	[VL_SAMPLE_TOO_SMALL] = {"SAMPLE_TOO_SMALL", VL_ERROR,
	ISMAP_N_("A control test's sample is below the sample table's minimum for its frequency.")},
	[VL_SAMPLE_LIMIT_EXCEEDED] = {"SAMPLE_LIMIT_EXCEEDED", VL_WARNING,
	ISMAP_N_("The deviations found make the upper deviation limit exceed the tolerable rate while the result says effective.")},
	[VL_BASE_NOT_REGISTERED] = {"BASE_NOT_REGISTERED", VL_ERROR,
	ISMAP_N_("A platform the service runs on has no active registration and was not assessed in this audit.")},
	[VL_BASE_LEVEL_TOO_LOW] = {"BASE_LEVEL_TOO_LOW", VL_ERROR,
	ISMAP_N_("A platform the service runs on is registered below the requested level.")},
	[VL_SAAS_WITHOUT_PLATFORM] = {"SAAS_WITHOUT_PLATFORM", VL_WARNING,
	ISMAP_N_("A SaaS declares no platform it runs on.")},
	[VL_REVIEW_FINDING_OPEN] = {"REVIEW_FINDING_OPEN", VL_ERROR,
	ISMAP_N_("A finding of the technical review is not resolved.")},
	[VL_REMEDIATION_OVERDUE] = {"REMEDIATION_OVERDUE", VL_ERROR,
	ISMAP_N_("A remediation plan of the service's registration is past its due date and not done.")},
	[VL_DISCLOSURE_MISSING] = {"DISCLOSURE_MISSING", VL_ERROR,
	ISMAP_N_("An item of the service's disclosure (regions, governing law, court, capital relationships, third-party tests) is missing.")},
	[VL_INHERITED_FROM_UNREGISTERED] = {"INHERITED_FROM_UNREGISTERED", VL_ERROR,
	ISMAP_N_("A control is inherited from a platform that is not registered on the report date and was not assessed in this audit.")},
	[VL_INHERITED_NOT_STATED] = {"INHERITED_NOT_STATED", VL_ERROR,
	ISMAP_N_("A control is inherited from a platform whose registered statement does not select it.")},
};

const char *
vl_code_name(vl_code code)
{
	return (code >= 0 && code < VL_NCODES) ? rules[code].name : "UNKNOWN";
}

vl_severity
vl_code_severity(vl_code code)
{
	return (code >= 0 && code < VL_NCODES) ? rules[code].severity : VL_ERROR;
}

const char *
vl_code_description(vl_code code)
{
	return (code >= 0 && code < VL_NCODES) ? rules[code].description : "";
}

const char *
vl_severity_name(vl_severity s)
{
	switch (s)
	{
		case VL_ERROR:
			return "error";
		case VL_QUERY:
			return "query";
		case VL_WARNING:
			return "warning";
	}
	return "error";
}

/* civil date from a day number counted from 2000-01-01 */
void
vl_format_date(int32_t day, char *out)
{
	int64_t		z,
				era,
				doe,
				yoe,
				y,
				doy,
				mp,
				d,
				m;

	if (day == VL_NO_DATE)
	{
		strcpy(out, "(none)");
		return;
	}
	/* days from 0000-03-01 (proleptic Gregorian); 2000-01-01 is 730425 */
	z = (int64_t) day + 730425;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	if (y < 0 || y > 9999)
	{
		strcpy(out, "(out of range)");
		return;
	}
	snprintf(out, 16, "%04u-%02u-%02u", (unsigned) y % 10000u, (unsigned) m % 100u, (unsigned) d % 100u);
}

static const char *
skip_space(const char *s)
{
	while (*s && isspace((unsigned char) *s))
		s++;
	return s;
}

bool
vl_same_scope(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	a = skip_space(a);
	b = skip_space(b);
	for (;;)
	{
		bool		sa = isspace((unsigned char) *a) != 0;
		bool		sb = isspace((unsigned char) *b) != 0;

		if (sa || sb)
		{
			a = skip_space(a);
			b = skip_space(b);
			/* white space inside on one side only, or trailing on one side */
			if (!(sa && sb) && *a && *b)
				return false;
			continue;
		}
		if (*a == '\0' || *b == '\0')
			return *a == '\0' && *b == '\0';
		if (tolower((unsigned char) *a) != tolower((unsigned char) *b))
			return false;
		a++;
		b++;
	}
}

/*
 * Message templates are marked for xgettext (make po-update collects them
 * into po/ismap.pot); the backend passes vl_input.translate to look them up
 * in the extension's catalogue.
 */
#ifndef ISMAP_N_
#define ISMAP_N_(s) (s)
#endif

typedef struct vl_ctx
{
	const char *(*translate) (const char *msgid);
	vl_emit_fn	emit;
	void	   *arg;
	int			count;
	char		buf[VL_MESSAGE_MAX];
} vl_ctx;

/* a text in the messages' language */
static const char *
T(const vl_ctx *cx, const char *msgid)
{
	return cx->translate != NULL ? cx->translate(msgid) : msgid;
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void
report(vl_ctx *cx, vl_code code, vl_severity sev, const char *control_id,
	   const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
	/* the translation takes the arguments of the template (msgfmt --check) */
	vsnprintf(cx->buf, sizeof(cx->buf), T(cx, fmt), ap);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
	va_end(ap);
	cx->emit(cx->arg, code, sev, control_id, cx->buf);
	cx->count++;
}

/* the control whose key is exactly key[0..len), or NULL */
static const vl_control *
find_control(const vl_input *in, const uint8_t *key, size_t len)
{
	int			lo = 0,
				hi = in->ncontrols - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		const vl_control *c = &in->controls[mid];
		int			cmp = ctrlid_key_cmp(c->key, c->keylen, key, len);

		if (cmp == 0)
			return c;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* the objective a detailed control belongs to: its key minus the last segment */
static const vl_control *
parent_of(const vl_input *in, const vl_control *c)
{
	size_t		pos = 0,
				last = 0;

	/* walk the self-delimiting segments to find where the last one starts */
	while (pos < c->keylen)
	{
		last = pos;
		if (c->key[pos] == CTRLID_TAG_WORD)
		{
			pos++;
			while (pos < c->keylen && c->key[pos] != 0)
				pos++;
			pos++;
		}
		else
		{
			int			digits = c->key[pos] - CTRLID_TAG_NUMBER;

			pos += 1 + (digits + 1) / 2;
		}
	}
	if (last == 0)
		return NULL;
	return find_control(in, c->key, last);
}

static const char *
result_text(const vl_ctx *cx, vl_result r)
{
	switch (r)
	{
		case VL_RESULT_EFFECTIVE:
			return T(cx, ISMAP_N_("effective"));
		case VL_RESULT_INEFFECTIVE:
			return T(cx, ISMAP_N_("ineffective"));
		case VL_RESULT_NOT_TESTED:
			return T(cx, ISMAP_N_("not tested"));
		case VL_RESULT_NONE:
			break;
	}
	return T(cx, ISMAP_N_("without a result"));
}

/* a word of the data put into a message: a selection's status, a party */
static const char *
word(const vl_ctx *cx, const char *w)
{
	static const char *const known[] = {
		ISMAP_N_("suspended"), ISMAP_N_("revoked"), ISMAP_N_("active"), ISMAP_N_("expired"),
		ISMAP_N_("csp"), ISMAP_N_("auditor")
	};

	if (w == NULL)
		return "?";
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(w, known[i]) == 0)
			return T(cx, known[i]);
	return w;
}

static void
check_audit_body(const vl_input *in, vl_ctx *cx)
{
	char		d[16];
	bool		covered = false;
	const vl_selection *near = NULL;

	for (int i = 0; i < in->nselections; i++)
	{
		const vl_selection *s = &in->selections[i];

		if (s->valid_from <= in->report_date && in->report_date <= s->valid_until)
		{
			if (s->counts)
				covered = true;
			else
				near = s;
		}
	}
	if (covered)
		return;
	vl_format_date(in->report_date, d);
	if (near != NULL)
		report(cx, VL_AUDIT_BODY_NOT_SELECTED, VL_ERROR, NULL,
			   ISMAP_N_("audit body \"%s\" was %s on the report date %s; an audit by a body in good standing is needed"),
			   in->audit_body, word(cx, near->status), d);
	else
		report(cx, VL_AUDIT_BODY_NOT_SELECTED, VL_ERROR, NULL,
			   ISMAP_N_("no selection of audit body \"%s\" covers the report date %s; record its selection or have the service audited by a selected body"),
			   in->audit_body, d);
}

static void
check_lead_auditor(const vl_input *in, vl_ctx *cx)
{
	char		d[16];
	bool		qualified = false;

	vl_format_date(in->report_date, d);
	for (int i = 0; i < in->nqualifications && !qualified; i++)
	{
		const vl_qualification *q = &in->qualifications[i];

		if (q->valid_until != VL_NO_DATE && q->valid_until < in->report_date)
			continue;
		for (int j = 0; j < in->naccepted; j++)
			if (strcmp(q->name, in->accepted[j]) == 0)
			{
				qualified = true;
				break;
			}
	}
	if (!qualified && in->naccepted > 0)
		report(cx, VL_LEAD_AUDITOR_UNQUALIFIED, VL_ERROR, NULL,
			   ISMAP_N_("lead auditor \"%s\" held none of the accepted qualifications (policy auditor_qualifications) on the report date %s"),
			   in->auditor, d);
	if (in->experience_years < in->min_experience)
	{
		if (in->experience_years == 1)
			report(cx, VL_LEAD_AUDITOR_UNQUALIFIED, VL_ERROR, NULL,
				   ISMAP_N_("lead auditor \"%s\" has %d year of audit experience; the policy asks for at least %d"),
				   in->auditor, in->experience_years, in->min_experience);
		else
			report(cx, VL_LEAD_AUDITOR_UNQUALIFIED, VL_ERROR, NULL,
				   ISMAP_N_("lead auditor \"%s\" has %d years of audit experience; the policy asks for at least %d"),
				   in->auditor, in->experience_years, in->min_experience);
	}
	if (in->required_nationality != NULL && in->nationality != NULL &&
		strcmp(in->nationality, in->required_nationality) != 0)
		report(cx, VL_LEAD_AUDITOR_UNQUALIFIED, VL_ERROR, NULL,
			   ISMAP_N_("lead auditor \"%s\" has nationality %s; the policy asks for %s"),
			   in->auditor, in->nationality, in->required_nationality);
}

static void
check_application(const vl_input *in, vl_ctx *cx)
{
	char		d1[16],
				d2[16];

	check_audit_body(in, cx);
	check_lead_auditor(in, cx);

	if (in->period_end > in->period_limit_end)
	{
		vl_format_date(in->period_start, d1);
		vl_format_date(in->period_end, d2);
		report(cx, VL_AUDIT_PERIOD_TOO_LONG, VL_ERROR, NULL,
			   ISMAP_N_("the audited period %s to %s is longer than %s (policy audit_period_max); audit a shorter period"),
			   d1, d2, in->period_max);
	}
	if (in->registration_end < in->submitted_on)
	{
		vl_format_date(in->registration_end, d1);
		vl_format_date(in->submitted_on, d2);
		report(cx, VL_REGISTRATION_WOULD_BE_EXPIRED, VL_ERROR, NULL,
			   ISMAP_N_("a registration on this audit would have ended on %s, before the application was submitted on %s; a newer audit is needed"),
			   d1, d2);
	}
	if (!vl_same_scope(in->audit_scope, in->service_scope))
		report(cx, VL_SCOPE_MISMATCH, VL_ERROR, NULL,
			   ISMAP_N_("the audited scope \"%s\" differs from the service's scope \"%s\"; audit the service's scope or correct the service's record"),
			   in->audit_scope, in->service_scope);
	if (in->requested_level > in->target_level)
		report(cx, VL_LEVEL_NOT_AUDITED, VL_ERROR, NULL,
			   ISMAP_N_("level %d is requested but the audit was performed for level %d; request level %d or audit at level %d"),
			   in->requested_level, in->target_level, in->target_level, in->requested_level);
	if (in->internal_review && (in->requested_level > 1 || in->target_level > 1))
		report(cx, VL_INTERNAL_REVIEW_NOT_ALLOWED, VL_ERROR, NULL,
			   ISMAP_N_("a review of an internal audit supports level 1 only, but level %d is requested; an external audit is needed"),
			   in->requested_level > in->target_level ? in->requested_level : in->target_level);
}

static void
check_controls(const vl_input *in, vl_ctx *cx)
{
	for (int i = 0; i < in->ncontrols; i++)
	{
		const vl_control *c = &in->controls[i];

		if (!c->stated)
		{
			if (c->required)
				report(cx, VL_CONTROL_NOT_STATED, VL_ERROR, c->id,
					   ISMAP_N_("control %s of the level's baseline is missing from the statement; state it as selected, or as excluded with a reason"),
					   c->id);
			continue;
		}
		if (!c->selected)
		{
			if (!c->has_reason)
				report(cx, VL_EXCLUSION_WITHOUT_REASON, VL_ERROR, c->id,
					   ISMAP_N_("control %s is excluded from the statement without a reason; give the reason or select it"),
					   c->id);
			if (c->mandatory && c->depth == VL_DETAILED_DEPTH)
				report(cx, VL_MANDATORY_EXCLUDED, VL_ERROR, c->id,
					   ISMAP_N_("mandatory control %s cannot be excluded from the statement; select it and have it audited"),
					   c->id);
			if (c->depth == VL_OBJECTIVE_DEPTH && c->has_reason)
				report(cx, VL_OBJECTIVE_EXCLUDED, VL_QUERY, c->id,
					   ISMAP_N_("control objective %s is excluded from the statement; confirm the reason given is acceptable"),
					   c->id);
			continue;
		}
		if (c->result == VL_RESULT_NONE)
		{
			report(cx, VL_RESULT_MISSING, VL_ERROR, c->id,
				   ISMAP_N_("selected control %s has no audit result; the audit body must record one"),
				   c->id);
			continue;
		}
		if (c->result == VL_RESULT_EFFECTIVE)
			continue;
		if (c->depth == VL_OBJECTIVE_DEPTH)
			report(cx, VL_OBJECTIVE_NOT_EFFECTIVE, VL_ERROR, c->id,
				   ISMAP_N_("control objective %s is %s; it must be effective for registration"),
				   c->id, result_text(cx, c->result));
		else if (c->mandatory && c->depth == VL_DETAILED_DEPTH)
		{
			const vl_control *p = parent_of(in, c);
			bool		objective_ok = p != NULL && p->selected && p->result == VL_RESULT_EFFECTIVE;

			if (objective_ok && c->has_rationale)
				report(cx, VL_MANDATORY_NOT_EFFECTIVE, VL_QUERY, c->id,
					   ISMAP_N_("mandatory control %s is %s, but its objective %s is effective and the auditor recorded a rationale; confirm it is acceptable"),
					   c->id, result_text(cx, c->result), p->id);
			else if (objective_ok)
				report(cx, VL_MANDATORY_NOT_EFFECTIVE, VL_ERROR, c->id,
					   ISMAP_N_("mandatory control %s is %s and no rationale is recorded (its objective %s is effective); the auditor must record why the objective is still met"),
					   c->id, result_text(cx, c->result), p->id);
			else
				report(cx, VL_MANDATORY_NOT_EFFECTIVE, VL_ERROR, c->id,
					   ISMAP_N_("mandatory control %s is %s and its objective %s is not shown effective"),
					   c->id, result_text(cx, c->result), p != NULL ? p->id : T(cx, ISMAP_N_("(not in the statement)")));
		}
	}
}

static void
check_tests(const vl_input *in, vl_ctx *cx)
{
	for (int i = 0; i < in->ntests; i++)
	{
		const vl_test *t = &in->tests[i];

		if (t->min_sample >= 0 && t->sample_size < t->min_sample &&
			!(t->population >= 0 && t->sample_size >= t->population))
		{
			if (t->sample_size == 1)
				report(cx, VL_SAMPLE_TOO_SMALL, VL_ERROR, t->control_id,
					   ISMAP_N_("control %s was tested on %d item; the sample table asks for at least %d for a %s control; test more items"),
					   t->control_id, t->sample_size, t->min_sample, t->frequency);
			else
				report(cx, VL_SAMPLE_TOO_SMALL, VL_ERROR, t->control_id,
					   ISMAP_N_("control %s was tested on %d items; the sample table asks for at least %d for a %s control; test more items"),
					   t->control_id, t->sample_size, t->min_sample, t->frequency);
		}
		/* with no deviation found, the sample table alone decides */
		if (t->result_effective && t->deviations > 0 && t->upper_limit > in->tolerable_rate)
			report(cx, VL_SAMPLE_LIMIT_EXCEEDED, VL_WARNING, t->control_id,
				   ISMAP_N_("control %s is reported effective, but %d deviations in %d items give an upper deviation limit of %.1f%% at %.0f%% confidence, above the tolerable %.1f%%"),
				   t->control_id, t->deviations, t->sample_size, t->upper_limit * 100.0,
				   in->confidence * 100.0, in->tolerable_rate * 100.0);
	}
}

static void
check_platforms(const vl_input *in, vl_ctx *cx)
{
	for (int i = 0; i < in->ndeps; i++)
	{
		const vl_dependency *d = &in->deps[i];

		if (d->self_assessed)
			continue;
		/*
		 * a transitional exemption (the registrar's, dated) turns the
		 * refusal into a question the registrar acknowledges
		 */
		if (d->base_level == 0 && d->exempt_until != NULL)
			report(cx, VL_BASE_NOT_REGISTERED, VL_QUERY, NULL,
				   ISMAP_N_("the service runs on \"%s\" (service %lld), which has no active registration; a transitional exemption lets it stand on that platform until %s"),
				   d->base_name, (long long) d->base_service_id, d->exempt_until);
		else if (d->base_level == 0)
			report(cx, VL_BASE_NOT_REGISTERED, VL_ERROR, NULL,
				   ISMAP_N_("the service runs on \"%s\" (service %lld), which has no active registration; its platform must be registered or assessed in this audit"),
				   d->base_name, (long long) d->base_service_id);
		else if (d->base_level < in->requested_level)
			report(cx, VL_BASE_LEVEL_TOO_LOW, VL_ERROR, NULL,
				   ISMAP_N_("the service runs on \"%s\" (%s), registered at level %d, below the requested level %d"),
				   d->base_name, d->base_number ? d->base_number : "?", d->base_level, in->requested_level);
	}
	if (in->saas && in->ndeps == 0)
		report(cx, VL_SAAS_WITHOUT_PLATFORM, VL_WARNING, NULL,
			   ISMAP_N_("the service is a SaaS but declares no platform it runs on; record its IaaS/PaaS in service_dependency"));
}

static void
check_review(const vl_input *in, vl_ctx *cx)
{
	char		d[16];

	for (int i = 0; i < in->nfindings; i++)
	{
		const vl_finding *f = &in->findings[i];

		vl_format_date(f->raised_on, d);
		if (f->responded)
			report(cx, VL_REVIEW_FINDING_OPEN, VL_ERROR, f->control_id,
				   ISMAP_N_("review finding %lld to the %s, raised on %s, is not resolved (answered: the reviewer resolves it)"),
				   (long long) f->finding_id, word(cx, f->addressed_to), d);
		else
			report(cx, VL_REVIEW_FINDING_OPEN, VL_ERROR, f->control_id,
				   ISMAP_N_("review finding %lld to the %s, raised on %s, is not resolved (awaiting an answer)"),
				   (long long) f->finding_id, word(cx, f->addressed_to), d);
	}
}

static void
check_remediation(const vl_input *in, vl_ctx *cx)
{
	char		d[16];

	for (int i = 0; i < in->nremediations; i++)
	{
		const vl_remediation *m = &in->remediations[i];

		vl_format_date(m->due_on, d);
		report(cx, VL_REMEDIATION_OVERDUE, VL_ERROR, m->control_id,
			   ISMAP_N_("remediation %lld of control %s (registration %s) was due on %s and is not done; the provider completes it before the renewal"),
			   (long long) m->remediation_id, m->control_id ? m->control_id : "?",
			   m->registration_number ? m->registration_number : "?", d);
	}
}

static void
check_disclosure(const vl_input *in, vl_ctx *cx)
{
	if (in->disclosure_missing != NULL && in->disclosure_missing[0] != '\0')
		report(cx, VL_DISCLOSURE_MISSING, VL_ERROR, NULL,
			   ISMAP_N_("the service's disclosure lacks: %s; record them in service_disclosure"),
			   in->disclosure_missing);
}

static void
check_inherited(const vl_input *in, vl_ctx *cx)
{
	for (int i = 0; i < in->ninherited; i++)
	{
		const vl_inherited *h = &in->inherited[i];

		if (h->self_assessed)
			continue;
		if (h->platform_number == NULL)
			report(cx, VL_INHERITED_FROM_UNREGISTERED, VL_ERROR, h->control_id,
				   ISMAP_N_("control %s is inherited from service %lld, which has no registration on the audit's report date; the platform must be registered or assessed in this audit"),
				   h->control_id, (long long) h->platform_id);
		else if (!h->platform_states)
			report(cx, VL_INHERITED_NOT_STATED, VL_ERROR, h->control_id,
				   ISMAP_N_("control %s is inherited from service %lld (%s), whose registered statement does not select it; the provider carries it, or the platform's statement must"),
				   h->control_id, (long long) h->platform_id, h->platform_number);
	}
}

int
vl_validate(const vl_input *in, vl_emit_fn emit, void *arg)
{
	vl_ctx		cx;

	cx.translate = in->translate;
	cx.emit = emit;
	cx.arg = arg;
	cx.count = 0;
	check_application(in, &cx);
	check_controls(in, &cx);
	check_tests(in, &cx);
	check_platforms(in, &cx);
	check_review(in, &cx);
	check_remediation(in, &cx);
	check_inherited(in, &cx);
	check_disclosure(in, &cx);
	return cx.count;
}
