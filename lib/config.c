/*
 * config.c: settings from one HDF file, secrets from a second file that
 * only the service account may read. See etc/tawasul.hdf.sample for
 * every key and its default.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "tawasul.h"

/* Returns a required string setting, logging the key when it is missing. */
static const char *
required(HDF *hdf, const char *key, int *missing)
{
	const char *value = hdf_get_value(hdf, key, NULL);

	if (value == NULL || *value == '\0') {
		tw_log_error("config: %s is missing", key);
		(*missing)++;
	}
	return value;
}

/* Reads a decimal setting; returns 0 and logs when it is not a number. */
static int
decimal_setting(HDF *hdf, const char *key, const char *def, double *out)
{
	const char *value = hdf_get_value(hdf, key, def);

	if (tw_decimal_parse(value, out) != TW_OK) {
		tw_log_error("config: %s = \"%s\" is not a decimal number",
		    key, value);
		return 0;
	}
	return 1;
}

/* Loads the secrets file named by Paths.Secrets into the config. */
static enum tw_err
load_secrets(struct tw_config *cfg)
{
	const char *path = hdf_get_value(cfg->hdf, "Paths.Secrets", NULL);
	HDF *secrets = NULL;
	struct stat st;
	enum tw_err err = TW_ERR_CONFIG;

	if (path == NULL) {
		tw_log_error("config: Paths.Secrets is missing");
		return TW_ERR_CONFIG;
	}
	if (stat(path, &st) == 0 && (st.st_mode & 077) != 0)
		tw_log_warn("config: %s is readable by other users; "
			    "chmod 600 it", path);
	if (tw_err_from_neo(hdf_init(&secrets), "hdf_init") != TW_OK ||
	    tw_err_from_neo(hdf_read_file(secrets, path), path) != TW_OK)
		goto err;
	cfg->secret = strdup(hdf_get_value(secrets, "Secrets.Key", ""));
	cfg->db_password =
	    strdup(hdf_get_value(secrets, "Secrets.DatabasePassword", ""));
	if (cfg->secret == NULL || cfg->db_password == NULL)
		goto err;
	if (strlen(cfg->secret) < 32) {
		tw_log_error("config: Secrets.Key in %s is shorter than 32 "
			     "characters", path);
		goto err;
	}
	err = TW_OK;
err:
	hdf_destroy(&secrets);
	return err;
}

/* Reads the fields of cfg from its HDF. Returns the number missing. */
static int
read_settings(struct tw_config *cfg)
{
	HDF *h = cfg->hdf;
	int missing = 0;
	struct tw_area *a = &cfg->area;

	cfg->db_socket = required(h, "Database.Socket", &missing);
	cfg->db_name = hdf_get_value(h, "Database.Name", "tawasul");
	cfg->db_user = hdf_get_value(h, "Database.User", "tawasul");
	cfg->template_dir = required(h, "Paths.Templates", &missing);
	cfg->locale_dir = required(h, "Paths.Locale", &missing);
	cfg->base_url = hdf_get_value(h, "Site.BaseUrl", "");
	cfg->display_tz = hdf_get_value(h, "Site.DisplayTimeZone",
	    "Asia/Muscat");
	cfg->max_body = hdf_get_int_value(h, "Site.MaxBody", 65536);
	cfg->cookie_secure = hdf_get_int_value(h, "Site.CookieSecure", 1);
	cfg->login.window_minutes =
	    hdf_get_int_value(h, "Security.LoginWindowMinutes", 15);
	cfg->login.per_account =
	    hdf_get_int_value(h, "Security.LoginFailuresPerAccount", 5);
	cfg->login.per_address =
	    hdf_get_int_value(h, "Security.LoginFailuresPerAddress", 20);
	cfg->login.idle_seconds =
	    60L * hdf_get_int_value(h, "Security.SessionIdleMinutes", 30);
	cfg->login.max_seconds =
	    3600L * hdf_get_int_value(h, "Security.SessionMaxHours", 12);
	/* Muscat Governorate with a margin; see the sample config. */
	if (!decimal_setting(h, "ServiceArea.LatMin", "22.40", &a->lat_min) ||
	    !decimal_setting(h, "ServiceArea.LatMax", "23.90", &a->lat_max) ||
	    !decimal_setting(h, "ServiceArea.LonMin", "57.70", &a->lon_min) ||
	    !decimal_setting(h, "ServiceArea.LonMax", "59.40", &a->lon_max))
		missing++;
	return missing;
}

/*
 * Loads the configuration file at path. On TW_OK *out holds a config the
 * caller frees with tw_config_free; otherwise the reason is logged.
 */
enum tw_err
tw_config_load(const char *path, struct tw_config **out)
{
	struct tw_config *cfg;
	enum tw_err err;

	*out = NULL;
	if ((cfg = calloc(1, sizeof *cfg)) == NULL)
		return TW_ERR_NOMEM;
	err = tw_err_from_neo(hdf_init(&cfg->hdf), "hdf_init");
	if (err == TW_OK)
		err = tw_err_from_neo(hdf_read_file(cfg->hdf, path), path);
	if (err == TW_OK && read_settings(cfg) > 0)
		err = TW_ERR_CONFIG;
	if (err == TW_OK)
		err = load_secrets(cfg);
	if (err != TW_OK) {
		tw_config_free(cfg);
		return err == TW_ERR_TEMPLATE ? TW_ERR_CONFIG : err;
	}
	*out = cfg;
	return TW_OK;
}

/* Frees a configuration and wipes its secrets. Accepts NULL. */
void
tw_config_free(struct tw_config *cfg)
{
	if (cfg == NULL)
		return;
	if (cfg->secret != NULL)
		OPENSSL_cleanse(cfg->secret, strlen(cfg->secret));
	if (cfg->db_password != NULL)
		OPENSSL_cleanse(cfg->db_password, strlen(cfg->db_password));
	free(cfg->secret);
	free(cfg->db_password);
	hdf_destroy(&cfg->hdf);
	free(cfg);
}
