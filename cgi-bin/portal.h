/*
 * portal.h: what the files of the portal program share. portal.c has
 * the route table, the complaint form, tracking and the survey;
 * portal-services.c has the service directory.
 */
#ifndef PORTAL_H
#define PORTAL_H

#include "tawasul.h"

/* portal-services.c */
enum tw_err services_list(struct tw_req *);
enum tw_err service_page(struct tw_req *);

#endif
