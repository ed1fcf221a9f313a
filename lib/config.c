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
		tw_log_error("config: %s = \"%s\" is not a decimal number", key,
		    value);
		return 0;
	}
	return 1;
}

/*
 * Copies the SMS secrets: the gateway password and one token per gateway
 * that may post inbound messages (Secrets.SmsInbound.<name> = token).
 * Returns TW_OK or TW_ERR_NOMEM.
 */
static enum tw_err
load_sms_secrets(struct tw_config *cfg, HDF *secrets)
{
	struct tw_sms_config *sms = &cfg->sms;
	HDF *item = hdf_get_child(secrets, "Secrets.SmsInbound");

	sms->password =
	    strdup(hdf_get_value(secrets, "Secrets.SmsGatewayPassword", ""));
	if (sms->password == NULL)
		return TW_ERR_NOMEM;
	for (; item != NULL; item = hdf_obj_next(item)) {
		struct tw_sms_token *t = &sms->inbound[sms->ninbound];
		const char *value = hdf_obj_value(item);

		if (value == NULL || strlen(value) < 16) {
			tw_log_warn("config: Secrets.SmsInbound.%s is shorter "
			            "than 16 characters; it is ignored",
			    hdf_obj_name(item));
			continue;
		}
		if (sms->ninbound == TW_SMS_GATEWAYS_MAX) {
			tw_log_warn("config: more than %d SmsInbound tokens; "
			            "the rest are ignored",
			    TW_SMS_GATEWAYS_MAX);
			break;
		}
		t->gateway = strdup(hdf_obj_name(item));
		t->token = strdup(value);
		sms->ninbound++;
		if (t->gateway == NULL || t->token == NULL)
			return TW_ERR_NOMEM;
	}
	return TW_OK;
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
		            "chmod 600 it",
		    path);
	if (tw_err_from_neo(hdf_init(&secrets), "hdf_init") != TW_OK ||
	    tw_err_from_neo(hdf_read_file(secrets, path), path) != TW_OK)
		goto err;
	cfg->secret = strdup(hdf_get_value(secrets, "Secrets.Key", ""));
	cfg->db_password =
	    strdup(hdf_get_value(secrets, "Secrets.DatabasePassword", ""));
	if (cfg->secret == NULL || cfg->db_password == NULL ||
	    load_sms_secrets(cfg, secrets) != TW_OK)
		goto err;
	if (strlen(cfg->secret) < 32) {
		tw_log_error("config: Secrets.Key in %s is shorter than 32 "
		             "characters",
		    path);
		goto err;
	}
	err = TW_OK;
err:
	hdf_destroy(&secrets);
	return err;
}

/*
 * Reads the Sms section. Only bin/tawasul-sms-send needs the gateway's
 * address, so it checks that; every value here has a default.
 */
static void
read_sms_settings(struct tw_config *cfg)
{
	struct tw_sms_config *sms = &cfg->sms;
	HDF *h = cfg->hdf;

	sms->gateway_url = hdf_get_value(h, "Sms.GatewayUrl", "");
	sms->username = hdf_get_value(h, "Sms.Username", "");
	sms->sender = hdf_get_value(h, "Sms.Sender", "");
	sms->dlr_url = hdf_get_value(h, "Sms.DeliveryReportUrl", "");
	sms->max_segments = hdf_get_int_value(h, "Sms.MaxSegments", 5);
	sms->give_up_hours = hdf_get_int_value(h, "Sms.GiveUpHours", 48);
	sms->connect_timeout = hdf_get_int_value(h, "Sms.ConnectTimeout", 5);
	sms->timeout = hdf_get_int_value(h, "Sms.Timeout", 20);
	sms->lease_seconds = hdf_get_int_value(h, "Sms.ClaimLeaseSeconds", 120);
	if (sms->max_segments < 1)
		sms->max_segments = 1;
}

/* Reads the Survey section; a value below one day becomes one day. */
static void
read_survey_settings(struct tw_config *cfg)
{
	struct tw_survey_config *survey = &cfg->survey;

	survey->expiry_days =
	    hdf_get_int_value(cfg->hdf, "Survey.ExpiryDays", 14);
	survey->reminder_days =
	    hdf_get_int_value(cfg->hdf, "Survey.ReminderDays", 3);
	survey->call_after_days =
	    hdf_get_int_value(cfg->hdf, "Survey.CallAfterDays", 7);
	if (survey->expiry_days < 1)
		survey->expiry_days = 1;
	if (survey->reminder_days < 1)
		survey->reminder_days = 1;
	if (survey->call_after_days < 1)
		survey->call_after_days = 1;
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
	cfg->display_tz =
	    hdf_get_value(h, "Site.DisplayTimeZone", "Asia/Muscat");
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
	read_sms_settings(cfg);
	read_survey_settings(cfg);
	/* Muscat Governorate with a margin; see the sample config. */
	if (!decimal_setting(h, "ServiceArea.LatMin", "22.40", &a->lat_min) ||
	    !decimal_setting(h, "ServiceArea.LatMax", "23.90", &a->lat_max) ||
	    !decimal_setting(h, "ServiceArea.LonMin", "57.70", &a->lon_min) ||
	    !decimal_setting(h, "ServiceArea.LonMax", "59.40", &a->lon_max))
		missing++;
	return missing;
}

/*
 * Loads the configuration file at path. On TW_OK *out is a config the
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

/* Wipes and frees the SMS secrets. */
static void
sms_config_clear(struct tw_sms_config *sms)
{
	if (sms->password != NULL)
		OPENSSL_cleanse(sms->password, strlen(sms->password));
	free(sms->password);
	for (size_t i = 0; i < sms->ninbound; i++) {
		if (sms->inbound[i].token != NULL)
			OPENSSL_cleanse(sms->inbound[i].token,
			    strlen(sms->inbound[i].token));
		free(sms->inbound[i].token);
		free(sms->inbound[i].gateway);
	}
	sms->ninbound = 0;
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
	sms_config_clear(&cfg->sms);
	hdf_destroy(&cfg->hdf);
	free(cfg);
}
