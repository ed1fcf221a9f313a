/*
 * portal-services.c: the service directory of the portal. Residents
 * browse the services by directorate, search them by words in Arabic
 * or English, and read each procedure on a page that prints and reads
 * well on a phone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portal.h"
#include "tawasul.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* The longest search a person may type, in characters. */
#define SEARCH_MAX 100

static const struct tw_field search_fields[] = {
	{ "q", TW_FIELD_LINE, 0, 0, SEARCH_MAX },
	{ "d", TW_FIELD_CODE, 0, 0, 32 },
};

/*
 * GET /{lang}/services[?q=WORDS][&d=DIRECTORATE]: the directory. With q,
 * the services whose names or descriptions contain every word; without
 * it, every service grouped by directorate, or one directorate's with
 * d. 200; 422 for a search longer than SEARCH_MAX characters or a
 * malformed directorate code, with the message and the text typed.
 * Changes nothing.
 */
enum tw_err
services_list(struct tw_req *req)
{
	struct tw_form form;
	const char *words, *directorate;
	enum tw_err err = TW_OK;
	int status = 200;

	memset(&form, 0, sizeof form);
	form.strings = req->app->strings[req->lang];
	if (tw_form_read(&form, search_fields, nitems(search_fields),
	        req->hdf) != TW_OK)
		status = 422;
	words = tw_form_value(&form, "q");
	directorate = tw_form_value(&form, "d");
	hdf_set_valuef(req->hdf, "Directory.Base=/%s/services",
	    tw_lang_code(req->lang));
	if (status == 200 && words != NULL) {
		hdf_set_value(req->hdf, "Directory.Searched", "1");
		err = tw_services_search(req->app->db, req->lang, words, 0,
		    req->hdf);
	} else if (status == 200) {
		err = tw_services_browse(req->app->db, req->lang, directorate,
		    0, req->hdf);
		if (directorate != NULL)
			hdf_set_value(req->hdf, "Directory.Filtered", "1");
	}
	tw_form_free(&form);
	if (err != TW_OK)
		return err;
	hdf_set_value(req->hdf, "Page.Title",
	    tw_req_string(req, "Directory.Title"));
	return tw_render(req, status, "services.cs");
}

/*
 * GET /{lang}/services/CODE: the procedure of one active service. 200;
 * 404 in the page's language for a malformed, unknown or inactive code.
 * Changes nothing.
 */
enum tw_err
service_page(struct tw_req *req)
{
	enum tw_err err;

	if (!tw_service_code_valid(req->arg))
		return tw_render_error(req, 404);
	err = tw_service_page(req->app->db, req->arg, req->lang, 0,
	    req->app->config->display_tz, req->hdf);
	if (err == TW_ERR_NOTFOUND)
		return tw_render_error(req, 404);
	if (err != TW_OK)
		return err;
	hdf_set_valuef(req->hdf, "Directory.Base=/%s/services",
	    tw_lang_code(req->lang));
	hdf_set_value(req->hdf, "Page.Title",
	    hdf_get_value(req->hdf, "Service.Name", ""));
	return tw_render(req, 200, "service.cs");
}
