/*
 * validate.h — the rule engine behind ismap.validate_application (pure C)
 *
 * The backend fetches everything an application needs with a few set-based
 * queries and fills a vl_input; vl_validate() then evaluates every rule in
 * memory and reports each finding through a callback, in a fixed order
 * (application-level rules first, then controls in identifier order, then
 * platform dependencies, inherited controls, and last the disclosure).  Nothing here allocates: the caller owns every
 * array, and messages are formatted into a caller-visible fixed buffer.
 *
 * Dates are day numbers counted from 2000-01-01 (PostgreSQL's DateADT), so
 * the backend passes its dates unchanged; VL_NO_DATE marks "none".
 *
 * Controls are identified by their ctrlid key (see ctrlid.h): the array
 * must be sorted by key, without duplicates, so that the parent of a
 * detailed control (its key minus the last segment) is found by binary
 * search.
 */
#ifndef ISMAP_CORE_VALIDATE_H
#define ISMAP_CORE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VL_NO_DATE			INT32_MIN
#define VL_MESSAGE_MAX		1024

/* depth of a control objective and of a detailed control */
#define VL_OBJECTIVE_DEPTH	3
#define VL_DETAILED_DEPTH	4

typedef enum vl_severity
{
	VL_ERROR,
	VL_QUERY,
	VL_WARNING
} vl_severity;

/* The codes, in the order of the table in docs/validation.md ("The rules"). */
typedef enum vl_code
{
	VL_AUDIT_BODY_NOT_SELECTED,
	VL_LEAD_AUDITOR_UNQUALIFIED,
	VL_AUDIT_PERIOD_TOO_LONG,
	VL_REGISTRATION_WOULD_BE_EXPIRED,
	VL_SCOPE_MISMATCH,
	VL_LEVEL_NOT_AUDITED,
	VL_INTERNAL_REVIEW_NOT_ALLOWED,
	VL_CONTROL_NOT_STATED,
	VL_EXCLUSION_WITHOUT_REASON,
	VL_MANDATORY_EXCLUDED,
	VL_OBJECTIVE_EXCLUDED,
	VL_RESULT_MISSING,
	VL_OBJECTIVE_NOT_EFFECTIVE,
	VL_MANDATORY_NOT_EFFECTIVE,
	VL_SAMPLE_TOO_SMALL,
	VL_SAMPLE_LIMIT_EXCEEDED,
	VL_BASE_NOT_REGISTERED,
	VL_BASE_LEVEL_TOO_LOW,
	VL_SAAS_WITHOUT_PLATFORM,
	VL_REVIEW_FINDING_OPEN,
	VL_REMEDIATION_OVERDUE,
	VL_DISCLOSURE_MISSING,
	VL_INHERITED_FROM_UNREGISTERED,
	VL_INHERITED_NOT_STATED,
	VL_NCODES
} vl_code;

typedef enum vl_result
{
	VL_RESULT_NONE = 0,			/* no audit result recorded */
	VL_RESULT_EFFECTIVE,
	VL_RESULT_INEFFECTIVE,
	VL_RESULT_NOT_TESTED
} vl_result;

/* One control: of the required baseline, or stated, or both. */
typedef struct vl_control
{
	const uint8_t *key;
	size_t		keylen;
	const char *id;				/* spelling, NUL-terminated, for messages */
	int			depth;
	bool		required;		/* in a baseline of level <= requested */
	bool		mandatory;		/* control.mandatory */
	bool		stated;			/* has a statement item */
	bool		selected;
	bool		has_reason;		/* exclusion reason not blank */
	vl_result	result;
	bool		has_rationale;	/* audit_result.rationale not blank */
} vl_control;

/* One control test (sampling) of the audit. */
typedef struct vl_test
{
	const char *control_id;		/* spelling, for messages */
	const char *frequency;
	int64_t		population;		/* -1 when unknown */
	int32_t		sample_size;
	int32_t		deviations;
	int32_t		min_sample;		/* from the sample table; -1 unknown frequency */
	double		upper_limit;	/* achieved upper deviation limit, 0..1 */
	bool		result_effective;	/* the control's result says effective */
	/* SAMPLE_LIMIT_EXCEEDED needs deviations > 0: without any, the sample
	 * table alone decides whether the sample is enough */
} vl_test;

typedef struct vl_selection
{
	int32_t		valid_from;
	int32_t		valid_until;
	bool		counts;			/* status active or expired (not suspended/revoked) */
	const char *status;
} vl_selection;

typedef struct vl_qualification
{
	const char *name;
	int32_t		valid_until;	/* VL_NO_DATE: does not lapse */
} vl_qualification;

typedef struct vl_dependency
{
	int64_t		base_service_id;
	const char *base_name;
	bool		self_assessed;	/* assessed by the audit under validation */
	int			base_level;		/* level of the base's active registration, 0 none */
	const char *base_number;	/* its registration number, or NULL */
	const char *exempt_until;	/* end (YYYY-MM-DD) of a transitional exemption in force, or NULL */
} vl_dependency;

/* An unresolved finding of the technical review (DESIGN 3.13). */
typedef struct vl_finding
{
	int64_t		finding_id;
	const char *control_id;		/* spelling, or NULL */
	const char *addressed_to;	/* "csp" or "auditor" */
	int32_t		raised_on;
	bool		responded;
} vl_finding;

/* An overdue remediation plan of a registration of the service. */
typedef struct vl_remediation
{
	int64_t		remediation_id;
	const char *control_id;
	int32_t		due_on;
	const char *registration_number;
} vl_remediation;
/* One statement item whose control is inherited from a platform. */
typedef struct vl_inherited
{
	const char *control_id;		/* spelling, for messages */
	int64_t		platform_id;	/* the service inherited from */
	const char *platform_number;	/* its registration on the report date, or NULL */
	bool		self_assessed;	/* the platform was assessed in this audit */
	bool		platform_states;	/* the platform's statement selects the control */
} vl_inherited;

typedef struct vl_input
{
	/* application and audit */
	int			requested_level;
	int			target_level;
	bool		internal_review;
	int32_t		submitted_on;
	int32_t		period_start;
	int32_t		period_end;
	int32_t		report_date;
	int32_t		period_limit_end;	/* last day a period may end (policy) */
	const char *period_max;			/* the policy's maximum, as text */
	int32_t		registration_end;	/* period end + validity */
	const char *audit_scope;
	const char *service_scope;
	bool		saas;
	const char *audit_body;
	const vl_selection *selections;
	int			nselections;

	/* lead auditor and the policy's requirements */
	const char *auditor;
	const char *nationality;
	int			experience_years;
	const vl_qualification *qualifications;
	int			nqualifications;
	const char *const *accepted;	/* accepted qualifications */
	int			naccepted;
	int			min_experience;
	const char *required_nationality;	/* NULL: no rule */

	/* the statement */
	const vl_control *controls;		/* sorted by key */
	int			ncontrols;
	const vl_test *tests;
	int			ntests;
	double		tolerable_rate;
	double		confidence;

	/* platforms */
	const vl_dependency *deps;
	int			ndeps;

	/* unresolved review findings, in id order */
	const vl_finding *findings;
	int			nfindings;

	/* overdue remediation plans of the service's registrations */
	const vl_remediation *remediations;
	int			nremediations;

	/* disclosure: the missing items, comma separated; NULL or "" for none */
	const char *disclosure_missing;

	/* inherited controls, in control order */
	const vl_inherited *inherited;
	int			ninherited;

	/*
	 * The messages' language: NULL for English, else a lookup of a message
	 * template (and of the words put into one: a result, a status) in a
	 * catalogue.  The templates are marked ISMAP_N_ for xgettext; a
	 * translation takes the same arguments, reordered with %n$ if need be.
	 */
	const char *(*translate) (const char *msgid);
} vl_input;

typedef void (*vl_emit_fn) (void *arg, vl_code code, vl_severity severity,
							const char *control_id, const char *message);

extern const char *vl_code_name(vl_code code);
extern vl_severity vl_code_severity(vl_code code);	/* the usual severity */
extern const char *vl_severity_name(vl_severity s);
extern const char *vl_code_description(vl_code code);

/*
 * Evaluate every rule; calls emit once per finding and returns the number
 * of findings.
 */
extern int	vl_validate(const vl_input *in, vl_emit_fn emit, void *arg);

/* Scopes compare equal after trimming, collapsing white space and ASCII case. */
extern bool vl_same_scope(const char *a, const char *b);

/* Format a day number as YYYY-MM-DD into out (at least 16 bytes). */
extern void vl_format_date(int32_t day, char *out);

#endif							/* ISMAP_CORE_VALIDATE_H */
