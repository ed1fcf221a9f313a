/*
 * perm.c: what each staff role may see and do. This table is the only
 * place that decides it; every intranet handler calls tw_can before it
 * shows or changes anything, and templates only hide what it refused.
 */
#include <string.h>

#include "tawasul.h"

static const char *const role_names[TW_ROLE_MAX] = {
	[TW_ROLE_AGENT] = "agent",
	[TW_ROLE_OFFICER] = "officer",
	[TW_ROLE_FIELD] = "field",
	[TW_ROLE_QA] = "qa",
	[TW_ROLE_SUPERVISOR] = "supervisor",
	[TW_ROLE_HEAD] = "head",
	[TW_ROLE_EXECUTIVE] = "executive",
	[TW_ROLE_ADMIN] = "admin",
};

#define A(x) (1u << TW_ACT_##x)

/* Working a case: everything a follow-up officer does. */
#define CASE_WORK                                                              \
	(A(ROUTE) | A(ASSIGN) | A(START) | A(RESOLVE) | A(CONFIRM) |           \
	    A(REOPEN) | A(REJECT) | A(DUPLICATE) | A(PRIORITY) | A(CATEGORY) | \
	    A(NOTE) | A(REPLY) | A(REFER) | A(RESUME))

struct role_rights {
	unsigned int actions;
	/* 1 when case actions are limited to the staff's directorate. */
	int own_directorate;
};

/*
 * Field staff have no web login: their rights are what their SMS
 * commands may do to the cases of their directorate. Agents answer the
 * 1111 line, so they see every case and its caller but only register,
 * note, reply and record what the resident says. The chairman's office
 * watches and never sees residents' personal data.
 */
static const struct role_rights rights[TW_ROLE_MAX] = {
	[TW_ROLE_AGENT] = { A(QUEUE) | A(VIEW) | A(PERSONAL) | A(REGISTER) |
	        A(CONFIRM) | A(REOPEN) | A(NOTE) | A(REPLY) | A(PROCEDURE),
	    0 },
	[TW_ROLE_OFFICER] = { A(QUEUE) | A(VIEW) | A(PERSONAL) | CASE_WORK |
	        A(PROCEDURE),
	    1 },
	[TW_ROLE_FIELD] = { A(START) | A(RESOLVE) | A(NOTE) | A(HELP), 1 },
	[TW_ROLE_QA] = { A(QUEUE) | A(VIEW) | A(PERSONAL) | A(NOTE) | A(QA) |
	        A(REPORTS),
	    0 },
	[TW_ROLE_SUPERVISOR] = { A(QUEUE) | A(VIEW) | A(PERSONAL) |
	        A(REGISTER) | CASE_WORK | A(QA) | A(REPORTS) | A(PROCEDURE),
	    0 },
	/* A head's reports cover the own directorate only. */
	[TW_ROLE_HEAD] = { A(QUEUE) | A(VIEW) | A(PERSONAL) | CASE_WORK |
	        A(REPORTS),
	    1 },
	[TW_ROLE_EXECUTIVE] = { A(QUEUE) | A(VIEW) | A(REPORTS), 0 },
	/* Administrators also keep the service directory. */
	[TW_ROLE_ADMIN] = { A(QUEUE) | A(VIEW) | A(USERS) | A(SERVICES), 0 },
};

#undef A

/* Returns the name of a role as stored in the database. */
const char *
tw_role_name(enum tw_role role)
{
	if (role < 0 || role >= TW_ROLE_MAX)
		return "unknown";
	return role_names[role];
}

/* Reads a role name. Returns TW_OK or TW_ERR_INPUT. */
enum tw_err
tw_role_parse(const char *name, enum tw_role *role)
{
	for (int i = 0; name != NULL && i < TW_ROLE_MAX; i++)
		if (strcmp(name, role_names[i]) == 0) {
			*role = (enum tw_role)i;
			return TW_OK;
		}
	return TW_ERR_INPUT;
}

/* Returns 1 when the role must belong to a directorate. */
int
tw_role_needs_directorate(enum tw_role role)
{
	return role == TW_ROLE_OFFICER || role == TW_ROLE_HEAD ||
	    role == TW_ROLE_FIELD;
}

/*
 * Returns 1 when staff may take action on a case owned by directorate
 * case_dir, or on no particular case when case_dir is 0.
 */
int
tw_can(const struct tw_staff *staff, enum tw_action action, long long case_dir)
{
	const struct role_rights *r;

	if (staff == NULL || staff->role < 0 || staff->role >= TW_ROLE_MAX ||
	    action < 0 || action >= TW_ACT_MAX)
		return 0;
	r = &rights[staff->role];
	if (!(r->actions & (1u << action)))
		return 0;
	if (case_dir == 0 || !r->own_directorate)
		return 1;
	return staff->directorate_id == case_dir;
}

/* Returns 1 when the role limits the queue to its own directorate. */
int
tw_role_scoped(enum tw_role role)
{
	return role >= 0 && role < TW_ROLE_MAX && rights[role].own_directorate;
}
