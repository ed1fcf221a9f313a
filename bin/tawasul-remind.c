/*
 * tawasul-remind: the follow-up of unanswered resident surveys.
 *
 * Run hourly from cron (etc/crontab). For each unanswered survey of a
 * case still resolved, it queues one reminder SMS with a new link after
 * Survey.ReminderDays, and sets a call task for the agents' queue after
 * Survey.CallAfterDays. Running it twice sends nothing twice. It never
 * closes a case. The SMS go out with bin/tawasul-sms-send.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "tawasul.h"

#define PROGRAM    "tawasul-remind"
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
	    "Sends one reminder SMS for each unanswered survey older than\n"
	    "Survey.ReminderDays and sets a call task in the agents' queue\n"
	    "for those older than Survey.CallAfterDays.\n"
	    "  -c, --config CONFIG  configuration file\n"
	    "                       (default /etc/tawasul/tawasul.hdf)\n"
	    "  -d, --debug          log debug lines\n"
	    "  -h, --help           show this help and exit\n"
	    "Exit status: 0 on success, 1 on a failure, 2 on a usage error.\n");
}

/* Loads the configuration, the database and the SMS strings, then
 * works the surveys. Returns the exit status. */
static int
run(const char *config_path)
{
	struct tw_config *cfg = NULL;
	struct tw_db *db = NULL;
	HDF *strings[TW_LANG_MAX] = { NULL };
	struct tw_remind_counts counts;
	enum tw_err err;

	if ((err = tw_config_load(config_path, &cfg)) == TW_OK &&
	    (err = tw_locale_load(cfg->locale_dir, strings)) == TW_OK &&
	    (err = tw_db_open(cfg, &db)) == TW_OK)
		err = tw_survey_remind(db, strings, &counts);
	if (err == TW_OK)
		tw_log_info("reminders queued: %lu, call tasks set: %lu",
		    counts.reminded, counts.call_tasks);
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
	tw_log_init("remind", debug);
	return run(config_path);
}
