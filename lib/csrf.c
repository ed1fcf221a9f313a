/*
 * csrf.c: the CSRF defence of every state-changing form.
 *
 * The browser keeps a random cookie; each form carries an HMAC of that
 * cookie under the site secret. A forged cross-site post can neither
 * read the cookie nor compute the HMAC, and a cookie planted by another
 * site does not help without the secret.
 */
#include <string.h>

#include "tawasul.h"

#define CSRF_COOKIE "tw_csrf"

/* Returns 1 when a cookie value has the shape this file issues. */
static int
cookie_well_formed(const char *value)
{
	if (value == NULL || strlen(value) != 43)
		return 0;
	return strspn(value,
	           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
	           "vwxyz0123456789-_") == 43;
}

/*
 * Makes sure the browser has a CSRF cookie and puts the matching field
 * value in Form.Csrf for the template. Returns TW_OK or TW_ERR_IO.
 */
enum tw_err
tw_csrf_prepare(struct tw_req *req)
{
	const char *cookie =
	    hdf_get_value(req->hdf, "Cookie." CSRF_COOKIE, NULL);
	char fresh[64], field[44];

	if (!cookie_well_formed(cookie)) {
		if (tw_random_token(fresh, sizeof fresh, 32) != TW_OK)
			return TW_ERR_IO;
		tw_req_cookie(req, CSRF_COOKIE, fresh, 0);
		hdf_set_value(req->hdf, "Cookie." CSRF_COOKIE, fresh);
		cookie = hdf_get_value(req->hdf, "Cookie." CSRF_COOKIE, "");
	}
	tw_hmac_token(req->app->config->secret, "csrf", cookie, field,
	    sizeof field);
	hdf_set_value(req->hdf, "Form.Csrf", field);
	return TW_OK;
}

/* Returns 1 when field_value matches the request's CSRF cookie. */
int
tw_csrf_valid(struct tw_req *req, const char *field_value)
{
	const char *cookie =
	    hdf_get_value(req->hdf, "Cookie." CSRF_COOKIE, NULL);
	char expected[44];

	if (!cookie_well_formed(cookie) || field_value == NULL)
		return 0;
	tw_hmac_token(req->app->config->secret, "csrf", cookie, expected,
	    sizeof expected);
	return tw_token_equal(expected, field_value);
}
