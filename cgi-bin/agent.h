/*
 * agent.h: what the files of the intranet program share. agent.c has
 * the route table, the login and the case pages; agent-qa.c has the QA
 * review and the reports; agent-polls.c has the polls.
 */
#ifndef AGENT_H
#define AGENT_H

#include "tawasul.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

int require_staff(struct tw_req *, enum tw_err *);
int staff_csrf_ok(struct tw_req *, const struct tw_form *);
void form_start(struct tw_req *, struct tw_form *);

/* agent-qa.c */
enum tw_err qa_list(struct tw_req *);
enum tw_err qa_case_page(struct tw_req *);
enum tw_err qa_case_post(struct tw_req *);
enum tw_err reports(struct tw_req *);
void csv_field(STRING *, const char *, int last);

/* agent-figures.c */
enum tw_err figures(struct tw_req *);

/* agent-polls.c */
enum tw_err polls_list(struct tw_req *);
enum tw_err polls_new(struct tw_req *);
enum tw_err polls_create(struct tw_req *);
enum tw_err polls_edit(struct tw_req *);
enum tw_err polls_update(struct tw_req *);
enum tw_err polls_results(struct tw_req *);
/* agent-services.c */
enum tw_err services_index(struct tw_req *);
enum tw_err service_show(struct tw_req *);
enum tw_err service_send(struct tw_req *);
enum tw_err service_edit_form(struct tw_req *);
enum tw_err service_save(struct tw_req *);
enum tw_err service_history(struct tw_req *);
/* agent-spots.c */
enum tw_err spots(struct tw_req *);

/* agent-dashboard.c */
enum tw_err dashboard(struct tw_req *);

/* agent-calls.c */
enum tw_err calls(struct tw_req *);
enum tw_err call_returned(struct tw_req *);
/* agent-call-figures.c */
enum tw_err call_figures(struct tw_req *);
/* agent-attach.c */
enum tw_err attachment_download(struct tw_req *);
enum tw_err attachment_thumbnail(struct tw_req *);

#endif
