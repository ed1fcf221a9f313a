/*
 * portal.h: what the files of the portal program share. portal.c has
 * the route table, the complaint, tracking and survey pages;
 * portal-polls.c has the polls and questionnaires, portal-services.c
 * the service directory.
 */
#ifndef PORTAL_H
#define PORTAL_H

#include "tawasul.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* portal-polls.c */
enum tw_err polls_index(struct tw_req *);
enum tw_err poll_page(struct tw_req *);
enum tw_err poll_post(struct tw_req *);
enum tw_err poll_code_post(struct tw_req *);

/* portal-services.c */
enum tw_err services_list(struct tw_req *);
enum tw_err service_page(struct tw_req *);

#endif
