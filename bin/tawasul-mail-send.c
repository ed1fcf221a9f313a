/*
 * tawasul-mail-send: sends the e-mail outbox through the SMTP relay of
 * Mail.SmtpUrl.
 *
 * Without --loop it sends every row that is due and exits, for cron
 * (etc/crontab runs it every minute). With --loop it keeps polling until
 * SIGTERM or SIGINT, then finishes the message in flight and puts its
 * other claimed rows back. Any number of copies may run at once: each
 * claims rows for itself (lib/mail.c). Each message gets one log line
 * with the row id and kind, never the address or the text. When
 * Mail.SmtpUrl is empty, e-mail is not configured and it exits at once.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tawasul.h"

#define PROGRAM    "tawasul-mail-send"
#define EXIT_USAGE 2

/* Messages in a row that found no relay before a run stops, so a relay
 * that is down costs a few timeouts instead of one per message. With
 * --loop the sender pauses this many seconds instead. */
#define UNREACHABLE_AFTER 3
#define UNREACHABLE_PAUSE 30

static volatile sig_atomic_t stopping;

struct options {
	const char *config_path;
	const char *log_path;
	int loop;
	int debug;
	long batch;
	double interval;
};

/* The state of one run. */
struct sender {
	const struct options *opt;
	struct tw_config *cfg;
	struct tw_mail_config conf;
	struct tw_db *db;
	struct tw_mailer *mailer;
	char claimer[24];
	unsigned long sent, failed, retried;
	int unreached; /* messages in a row that found no relay */
};

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "loop", no_argument, NULL, 'L' },
	{ "once", no_argument, NULL, 'O' },
	{ "batch", required_argument, NULL, 'b' },
	{ "interval", required_argument, NULL, 'i' },
	{ "log", required_argument, NULL, 'l' },
	{ "debug", no_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: " PROGRAM " -c CONFIG [--once | --loop] [options]\n"
	    "Sends the e-mail outbox through the SMTP relay of Mail.SmtpUrl.\n"
	    "\n"
	    "  -c, --config FILE   the HDF configuration file\n"
	    "      --once          send every row that is due, then exit\n"
	    "                      (the default)\n"
	    "      --loop          keep sending until SIGTERM or SIGINT\n"
	    "  -b, --batch N       rows claimed at a time, 1 to 500 (10)\n"
	    "  -i, --interval SEC  with --loop, seconds between two polls\n"
	    "                      of an empty outbox, 0.05 to 60 (1)\n"
	    "  -l, --log FILE      append the log to FILE, not standard error\n"
	    "  -d, --debug         debug logging\n"
	    "  -h, --help          this help\n"
	    "\n"
	    "Exit status: 0 when done, stopped, or e-mail is not configured\n"
	    "(Mail.SmtpUrl empty); 1 when the configuration or the database\n"
	    "failed; 2 for a usage error.\n");
}

/* Reads a number option into *out; returns 0, or EXIT_USAGE. */
static int
number_option(const char *name, const char *arg, double min, double max,
    double *out)
{
	char *end;

	*out = strtod(arg, &end);
	if (*end != '\0' || end == arg || !(*out >= min && *out <= max)) {
		fprintf(stderr,
		    PROGRAM ": invalid --%s: %s: give a number "
		            "from %g to %g\n",
		    name, arg, min, max);
		return EXIT_USAGE;
	}
	return 0;
}

/* Reads the command line; returns -1 to go on, or an exit status. */
static int
parse_options(int argc, char **argv, struct options *opt)
{
	double value;
	int c;

	memset(opt, 0, sizeof *opt);
	opt->config_path = getenv("TAWASUL_CONFIG");
	opt->batch = 10;
	opt->interval = 1.0;
	while ((c = getopt_long(argc, argv, "c:b:i:l:dh", long_options,
	            NULL)) != -1) {
		switch (c) {
		case 'c':
			opt->config_path = optarg;
			break;
		case 'L':
			opt->loop = 1;
			break;
		case 'O':
			opt->loop = 0;
			break;
		case 'b':
			if (number_option("batch", optarg, 1, 500, &value) ||
			    value != (long)value)
				return EXIT_USAGE;
			opt->batch = (long)value;
			break;
		case 'i':
			if (number_option("interval", optarg, 0.05, 60,
			        &opt->interval))
				return EXIT_USAGE;
			break;
		case 'l':
			opt->log_path = optarg;
			break;
		case 'd':
			opt->debug = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || opt->config_path == NULL) {
		fprintf(stderr, PROGRAM ": %s\n",
		    optind != argc ? "unexpected argument"
		                   : "missing -c CONFIG");
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

/* Sleeps for seconds, or less when a signal arrives. */
static void
pause_for(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	(void)nanosleep(&ts, NULL);
}

/* Puts back the claims of senders that have stopped. */
static void
recover(struct sender *s)
{
	unsigned long long n;

	if (tw_mail_recover(s->db, s->conf.lease_seconds, &n) != TW_OK)
		return;
	if (n > 0)
		tw_log_info(
		    "put back %llu rows claimed by a sender that stopped", n);
}

/* Counts and logs the stored result of one message. */
static void
log_result(struct sender *s, const struct tw_mail_out *row,
    const struct tw_mail_answer *a, const char *status)
{
	if (strcmp(status, "sent") == 0) {
		s->sent++;
		tw_log_info("mail id=%lld kind=%s sent: %s", row->id, row->kind,
		    a->text);
	} else if (strcmp(status, "queued") == 0) {
		s->retried++;
		tw_log_warn("mail id=%lld kind=%s attempt %ld failed, will "
		            "retry: %s",
		    row->id, row->kind, row->attempts + 1, a->text);
	} else {
		s->failed++;
		tw_log_error("mail id=%lld kind=%s failed for good after "
		             "attempt %ld: %s",
		    row->id, row->kind, row->attempts + 1, a->text);
	}
}

/* Sends one claimed row and stores the result. Returns 0, or -1 when
 * the database failed. */
static int
send_row(struct sender *s, const struct tw_mail_out *row)
{
	struct tw_mail_answer a;
	const char *status = NULL;
	enum tw_err err;

	if (tw_mail_send(s->mailer, row, &a) == TW_ERR_NOMEM) {
		a.verdict = TW_SMS_RETRY;
		a.connected = 1;
		snprintf(a.text, sizeof a.text, "out of memory");
	}
	s->unreached = a.connected ? 0 : s->unreached + 1;
	err = tw_mail_record(s->db, s->claimer, row, a.verdict, a.text,
	    s->conf.give_up_hours, &status);
	if (err == TW_ERR_CONFLICT) {
		tw_log_warn("mail id=%lld: another sender took over the claim; "
		            "this attempt was not recorded",
		    row->id);
		return 0;
	}
	if (err != TW_OK) {
		tw_log_error("mail id=%lld: storing the result failed: %s; the "
		             "row is sent again once its claim is recovered",
		    row->id, tw_strerror(err));
		return -1;
	}
	log_result(s, row, &a, status);
	return 0;
}

/*
 * Claims and sends one batch, and puts back what it did not send when it
 * is stopped or the relay cannot be reached. Returns the rows claimed,
 * or -1 when the database failed.
 */
static long
send_batch(struct sender *s)
{
	struct tw_mail_claim *claim;
	unsigned long long released;
	size_t i;

	if (tw_mail_sender_lock(s->db, s->claimer) != TW_OK ||
	    tw_mail_claim(s->db, s->claimer, (size_t)s->opt->batch, &claim) !=
	        TW_OK)
		return -1;
	for (i = 0;
	     i < claim->n && !stopping && s->unreached < UNREACHABLE_AFTER; i++)
		if (send_row(s, &claim->rows[i]) != 0)
			break;
	if (i < claim->n &&
	    tw_mail_release(s->db, s->claimer, &released) == TW_OK)
		tw_log_info("put back %llu claimed rows", released);
	i = claim->n;
	tw_mail_claim_free(claim);
	return (long)i;
}

/* Sends until nothing is due, or with --loop until SIGTERM or SIGINT.
 * Returns the exit status. */
static int
run(struct sender *s)
{
	long n;

	recover(s);
	while (!stopping) {
		if ((n = send_batch(s)) < 0) {
			if (!s->opt->loop)
				return 1;
			pause_for(5);
			continue;
		}
		if (s->unreached >= UNREACHABLE_AFTER) {
			tw_log_warn("the relay could not be reached for %d "
			            "messages in a row; %s",
			    s->unreached,
			    s->opt->loop ? "pausing"
			                 : "stopping until the "
			                   "next run");
			if (!s->opt->loop)
				break;
			pause_for(UNREACHABLE_PAUSE);
			s->unreached = 0;
			continue;
		}
		if (n > 0)
			continue;
		recover(s);
		if (!s->opt->loop)
			break;
		pause_for(s->opt->interval);
	}
	return 0;
}

/* Loads the configuration and connects. Returns 0, 1 when e-mail is not
 * configured, or -1. */
static int
start(struct sender *s, const struct options *opt)
{
	memset(s, 0, sizeof *s);
	s->opt = opt;
	if (tw_config_load(opt->config_path, &s->cfg) != TW_OK)
		return -1;
	if (!tw_mail_configured(s->cfg))
		return 1;
	tw_mail_config_read(s->cfg, &s->conf);
	if (tw_mailer_new(&s->conf, &s->mailer) != TW_OK ||
	    tw_db_open(s->cfg, &s->db) != TW_OK)
		return -1;
	if (tw_random_token(s->claimer, sizeof s->claimer, 16) != TW_OK) {
		tw_log_error("the random generator failed");
		return -1;
	}
	return 0;
}

static void
finish(struct sender *s)
{
	tw_db_close(s->db);
	tw_mailer_free(s->mailer);
	tw_config_free(s->cfg);
}

int
main(int argc, char **argv)
{
	struct options opt;
	struct sender s;
	struct sigaction sa;
	int status;

	if ((status = parse_options(argc, argv, &opt)) >= 0)
		return status;
	tw_log_init("mail-send", opt.debug);
	if (opt.log_path != NULL && tw_log_to_file(PROGRAM, opt.log_path) != 0)
		return 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop; /* no SA_RESTART: a stop ends a sleep */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	tw_mail_init();
	status = start(&s, &opt);
	if (status == 1) {
		tw_log_info("e-mail is not configured (Mail.SmtpUrl is empty); "
		            "nothing to send");
		status = 0;
	} else if (status == 0) {
		tw_log_info("started %s, claims as %s",
		    opt.loop ? "in a loop" : "once", s.claimer);
		status = run(&s);
		tw_log_info("stopped: %lu sent, %lu to retry, %lu failed",
		    s.sent, s.retried, s.failed);
	} else {
		status = 1;
	}
	finish(&s);
	return status;
}
