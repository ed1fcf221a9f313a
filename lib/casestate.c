/*
 * casestate.c: the case lifecycle. This table is the only place that
 * says which state may follow which; every change of a case's state asks
 * tw_state_can_move first.
 */
#include <string.h>

#include "tawasul.h"

static const char *const state_names[TW_STATE_MAX] = {
	[TW_STATE_NEW] = "new",
	[TW_STATE_REGISTERED] = "registered",
	[TW_STATE_ASSIGNED] = "assigned",
	[TW_STATE_IN_PROGRESS] = "in_progress",
	[TW_STATE_RESOLVED] = "resolved",
	[TW_STATE_CLOSED] = "closed",
	[TW_STATE_REOPENED] = "reopened",
	[TW_STATE_REFERRED] = "referred",
	[TW_STATE_REJECTED] = "rejected",
};

#define S(x) (1u << TW_STATE_##x)

/*
 * Allowed next states, one bit per state. A case is closed only from
 * resolved, because only the resident's confirmation closes it; a
 * reassignment or a new routing keeps the state and is still an event.
 */
static const unsigned int next_states[TW_STATE_MAX] = {
	[TW_STATE_NEW] = S(REGISTERED) | S(REFERRED) | S(REJECTED),
	[TW_STATE_REGISTERED] = S(REGISTERED) | S(ASSIGNED) | S(IN_PROGRESS) |
	    S(RESOLVED) | S(REFERRED) | S(REJECTED),
	[TW_STATE_ASSIGNED] = S(REGISTERED) | S(ASSIGNED) | S(IN_PROGRESS) |
	    S(RESOLVED) | S(REFERRED) | S(REJECTED),
	[TW_STATE_IN_PROGRESS] = S(REGISTERED) | S(ASSIGNED) | S(RESOLVED) |
	    S(REFERRED),
	[TW_STATE_RESOLVED] = S(CLOSED) | S(REOPENED),
	[TW_STATE_CLOSED] = S(REOPENED),
	[TW_STATE_REOPENED] = S(REGISTERED) | S(ASSIGNED) | S(IN_PROGRESS) |
	    S(RESOLVED) | S(REFERRED),
	[TW_STATE_REFERRED] = S(REGISTERED) | S(RESOLVED),
	[TW_STATE_REJECTED] = S(REOPENED),
};

#undef S

/* Returns the name of a state as stored in the database. */
const char *
tw_state_name(enum tw_state state)
{
	if (state < 0 || state >= TW_STATE_MAX)
		return "unknown";
	return state_names[state];
}

/* Reads a state name. Returns TW_OK or TW_ERR_INPUT. */
enum tw_err
tw_state_parse(const char *name, enum tw_state *state)
{
	for (int i = 0; i < TW_STATE_MAX; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*state = (enum tw_state)i;
			return TW_OK;
		}
	return TW_ERR_INPUT;
}

/* Returns 1 when a case in state from may move to state to. */
int
tw_state_can_move(enum tw_state from, enum tw_state to)
{
	if (from < 0 || from >= TW_STATE_MAX || to < 0 || to >= TW_STATE_MAX)
		return 0;
	return (next_states[from] >> to) & 1u;
}
