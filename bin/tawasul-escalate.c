/*
 * tawasul-escalate: the escalation of late open cases.
 *
 * Run every 5 minutes from cron (etc/crontab). Level 1 warns the
 * assigned officer (or the directorate's officers) once
 * Escalation.WarnPercent of the SLA has passed. Level 2 sends an SMS to
 * the directorate's heads once the case is overdue, and level 3 to the
 * executive role once it is overdue by Escalation.ExecutiveHours working
 * hours. Each level also e-mails the staff with an address when
 * Mail.SmtpUrl is set. Running it twice escalates nothing twice. The SMS
 * go out with bin/tawasul-sms-send, the e-mail with bin/tawasul-mail-send.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "tawasul.h"

#define PROGRAM    "tawasul-escalate"
#define EXIT_USAGE 2

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "debug", no_argument, NULL, 'd' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: " PROGRAM " [-dn] [-c CONFIG]\n"
	    "Escalates late open cases: level 1 to the officers when\n"
	    "Escalation.WarnPercent (default 75) percent of the SLA has\n"
	    "passed, level 2 to the directorate's heads when overdue, level 3\n"
	    "to the executive role when overdue by Escalation.ExecutiveHours\n"
	    "(default 24) working hours. Each level is reached once.\n"
	    "  -c, --config CONFIG  configuration file\n"
	    "                       (default /etc/tawasul/tawasul.hdf)\n"
	    "  -d, --debug          log debug lines\n"
	    "  -n, --dry-run        count the escalations, change nothing\n"
	    "  -h, --help           show this help and exit\n"
	    "Exit status: 0 on success, 1 on a failure, 2 on a usage error.\n");
}

/* Loads the configuration, the database and the SMS strings, then
 * escalates. Returns the exit status. */
static int
run(const char *config_path, int dry_run)
{
	struct tw_config *cfg = NULL;
	struct tw_db *db = NULL;
	HDF *strings[TW_LANG_MAX] = { NULL };
	struct tw_escalate_config conf = { 75, 24, dry_run, NULL };
	struct tw_escalate_counts counts = { 0, 0, 0 };
	enum tw_err err;

	if ((err = tw_config_load(config_path, &cfg)) == TW_OK) {
		conf.warn_percent =
		    hdf_get_int_value(cfg->hdf, "Escalation.WarnPercent", 75);
		conf.executive_hours = hdf_get_int_value(cfg->hdf,
		    "Escalation.ExecutiveHours", 24);
		if (tw_mail_configured(cfg))
			conf.mail_base_url = cfg->base_url;
	}
	if (err == TW_OK &&
	    (err = tw_locale_load(cfg->locale_dir, strings)) == TW_OK &&
	    (err = tw_db_open(cfg, &db)) == TW_OK)
		err = tw_escalate_run(db, strings, &conf, &counts);
	if (err == TW_OK)
		tw_log_info("%sescalations: %lu, SMS queued: %lu, e-mail "
		            "queued: %lu%s",
		    dry_run ? "dry run, " : "", counts.escalations, counts.sms,
		    counts.mail,
		    conf.mail_base_url ? "" : " (e-mail is not configured)");
	else if (err == TW_ERR_CONFIG)
		tw_log_error("failed: %s (Escalation.WarnPercent must be 1 to"
		             " 100, Escalation.ExecutiveHours 0 or more, and"
		             " work_week must have working hours)",
		    tw_strerror(err));
	else
		tw_log_error("failed: %s", tw_strerror(err));
	tw_db_close(db);
	tw_locale_free(strings);
	tw_config_free(cfg);
	return err == TW_OK ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const char *config_path = "/etc/tawasul/tawasul.hdf";
	int c, debug = 0, dry_run = 0;

	while (
	    (c = getopt_long(argc, argv, "c:dhn", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'n':
			dry_run = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	tw_log_init("escalate", debug);
	return run(config_path, dry_run);
}
