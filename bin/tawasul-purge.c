/*
 * tawasul-purge: deletes rows that have served their short purpose.
 *
 * Run daily from cron (etc/crontab). It removes failed logins and
 * survey-link misses past their window, ended sessions, expired poll
 * codes (which keep a mobile number), and the IVR's stored step answers
 * and status lookups once no retry or limit needs them; lib/purge.c
 * lists the rules. Running it twice deletes nothing more.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "tawasul.h"

#define PROGRAM    "tawasul-purge"
#define EXIT_USAGE 2

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "debug", no_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: " PROGRAM " [-d] [-c CONFIG]\n"
	    "Deletes failed logins, survey-link misses, ended sessions,\n"
	    "expired poll codes and old IVR step answers and status lookups.\n"
	    "  -c, --config CONFIG  configuration file\n"
	    "                       (default /etc/tawasul/tawasul.hdf)\n"
	    "  -d, --debug          log debug lines\n"
	    "  -h, --help           show this help and exit\n"
	    "Exit status: 0 on success, 1 on a failure, 2 on a usage error.\n");
}

/* Loads the configuration and the database, then purges. Returns the
 * exit status. */
static int
run(const char *config_path)
{
	struct tw_config *cfg = NULL;
	struct tw_db *db = NULL;
	struct tw_purge_counts n;
	enum tw_err err;

	if ((err = tw_config_load(config_path, &cfg)) == TW_OK &&
	    (err = tw_db_open(cfg, &db)) == TW_OK)
		err = tw_purge(db, cfg, &n);
	if (err == TW_OK)
		tw_log_info("deleted: %llu failed logins, %llu survey misses, "
		            "%llu sessions, %llu poll codes, %llu IVR steps, "
		            "%llu IVR status lookups",
		    n.login_failures, n.survey_misses, n.sessions, n.poll_codes,
		    n.ivr_steps, n.ivr_lookups);
	else
		tw_log_error("failed: %s", tw_strerror(err));
	tw_db_close(db);
	tw_config_free(cfg);
	return err == TW_OK ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const char *config_path = "/etc/tawasul/tawasul.hdf";
	int c, debug = 0;

	while (
	    (c = getopt_long(argc, argv, "c:dh", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'd':
			debug = 1;
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
	tw_log_init("purge", debug);
	return run(config_path);
}
