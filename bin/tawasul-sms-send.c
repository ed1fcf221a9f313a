/*
 * tawasul-sms-send: sends the SMS outbox through the gateway.
 *
 * Without --loop it sends every row that is due and exits, for cron
 * (etc/crontab runs it every minute). With --loop it keeps polling until
 * SIGTERM or SIGINT. It then finishes the message in flight and puts its
 * other claimed rows back. Any number of copies may run at
 * once: each claims rows for itself (lib/sms.c), so none sends a row
 * another has. Each message gets one log line with the row id, never
 * the phone number or the text.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tawasul.h"

#define PROGRAM    "tawasul-sms-send"
#define EXIT_USAGE 2

/* Seconds between two searches for the claims of dead senders while
 * the outbox keeps this sender busy. */
#define RECOVER_SECONDS 10

/* Requests in a row that got no response at all before the sender stops
 * trying for a while, so a gateway that is down costs a few timeouts
 * instead of one per queued message. With --loop it pauses this many
 * seconds; without, it exits and leaves the rest to the next run. */
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
	struct tw_db *db;
	struct tw_smsgw *gw;
	char claimer[24];
	unsigned long sent, failed, retried;
	int unanswered; /* requests in a row without an HTTP response */
	time_t last_recover;
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
	    "Sends the SMS outbox through the gateway of the Sms section.\n"
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
	    "Exit status: 0 when done or stopped, 1 when the configuration\n"
	    "or the database failed, 2 for a usage error.\n");
}

/* Reads the command line; returns -1 to go on, or an exit status. */
static int
parse_options(int argc, char **argv, struct options *opt)
{
	char *end;
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
			opt->batch = strtol(optarg, &end, 10);
			if (*end != '\0' || opt->batch < 1 ||
			    opt->batch > 500) {
				fprintf(stderr,
				    PROGRAM ": invalid --batch: %s: give a "
				            "number from 1 to 500\n",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'i':
			opt->interval = strtod(optarg, &end);
			if (*end != '\0' ||
			    !(opt->interval >= 0.05 && opt->interval <= 60)) {
				fprintf(stderr,
				    PROGRAM ": invalid --interval: %s: give "
				            "seconds from 0.05 to 60\n",
				    optarg);
				return EXIT_USAGE;
			}
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

/* Returns milliseconds since start. */
static long
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)((now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000);
}

/* Puts back claims of senders that have died. */
static void
recover(struct sender *s)
{
	unsigned long long n;

	s->last_recover = time(NULL);
	if (tw_sms_recover(s->db, s->cfg->sms.lease_seconds, &n) != TW_OK)
		return;
	if (n > 0)
		tw_log_info(
		    "put back %llu rows claimed by a sender that stopped", n);
}

/* Counts and logs the stored result of one message. */
static void
log_result(struct sender *s, const struct tw_sms_out *row,
    const struct tw_sms_attempt *a, const char *status, long ms)
{
	const char *coding = a->coding == TW_SMS_UCS2 ? "ucs2" : "gsm7";

	if (strcmp(status, "sent") == 0) {
		s->sent++;
		tw_log_info("sms id=%lld kind=%s sent segments=%zu coding=%s "
		            "%ldms",
		    row->id, row->kind, a->segments, coding, ms);
	} else if (strcmp(status, "queued") == 0) {
		s->retried++;
		tw_log_warn("sms id=%lld kind=%s attempt %ld failed, will "
		            "retry: %s",
		    row->id, row->kind, row->attempts + 1,
		    a->error ? a->error : "?");
	} else {
		s->failed++;
		tw_log_error("sms id=%lld kind=%s failed for good after "
		             "attempt %ld: %s",
		    row->id, row->kind, row->attempts + 1,
		    a->error ? a->error : "?");
	}
}

/* Sends the text of a row, cut to the segment limit; fills a. */
static void
send_text(struct sender *s, const struct tw_sms_out *row,
    struct tw_sms_attempt *a, struct tw_smsgw_answer *ans)
{
	struct tw_sms_info info;
	char *text = NULL;

	if (tw_sms_shorten(row->body, (size_t)s->cfg->sms.max_segments, &text,
	        &a->shortened) != TW_OK ||
	    tw_sms_measure(text, &info) != TW_OK) {
		a->verdict = TW_SMS_REJECTED;
		a->error = "the text is empty or not valid UTF-8";
		free(text);
		return;
	}
	a->segments = info.segments;
	a->coding = info.coding;
	if (a->shortened)
		tw_log_warn("sms id=%lld kind=%s shortened at a word to %zu "
		            "segments, the limit of Sms.MaxSegments",
		    row->id, row->kind, info.segments);
	if (tw_smsgw_send(s->gw, row, text, info.coding, ans) != TW_OK) {
		a->verdict = TW_SMS_RETRY;
		a->error = "out of memory while building the request";
	} else {
		a->verdict = ans->verdict;
		a->answer = ans->status > 0 ? ans->text : NULL;
		a->error = ans->verdict == TW_SMS_SENT ? NULL : ans->text;
	}
	free(text);
}

/* Sends one claimed row and stores the result. Returns 0, or -1 when
 * the database failed. */
static int
send_row(struct sender *s, const struct tw_sms_out *row)
{
	struct tw_sms_attempt a = { 0 };
	struct tw_smsgw_answer ans;
	struct timespec start;
	const char *status = NULL;
	enum tw_err err;

	clock_gettime(CLOCK_MONOTONIC, &start);
	ans.status = 0;
	send_text(s, row, &a, &ans);
	if (a.verdict == TW_SMS_RETRY && ans.status == 0)
		s->unanswered++;
	else
		s->unanswered = 0;
	err = tw_sms_record(s->db, s->claimer, row, &a,
	    s->cfg->sms.give_up_hours, &status);
	if (err == TW_ERR_CONFLICT) {
		tw_log_warn("sms id=%lld: another sender took over the claim; "
		            "this attempt was not recorded",
		    row->id);
		return 0;
	}
	if (err != TW_OK) {
		tw_log_error("sms id=%lld: storing the result failed: %s; the "
		             "row is sent again once its claim is recovered",
		    row->id, tw_strerror(err));
		return -1;
	}
	log_result(s, row, &a, status, elapsed_ms(&start));
	return 0;
}

/*
 * Claims and sends one batch, and puts back what it did not send when it
 * is stopped or the gateway does not respond. Returns the rows claimed,
 * or -1 when the database failed.
 */
static long
send_batch(struct sender *s)
{
	struct tw_sms_claim *claim;
	unsigned long long released;
	size_t i;

	if (tw_sms_sender_lock(s->db, s->claimer) != TW_OK ||
	    tw_sms_claim(s->db, s->claimer, (size_t)s->opt->batch, &claim) !=
	        TW_OK)
		return -1;
	for (i = 0;
	     i < claim->n && !stopping && s->unanswered < UNREACHABLE_AFTER;
	     i++)
		if (send_row(s, &claim->rows[i]) != 0)
			break;
	if (i < claim->n &&
	    tw_sms_release(s->db, s->claimer, &released) == TW_OK)
		tw_log_info("put back %llu claimed rows", released);
	i = claim->n;
	tw_sms_claim_free(claim);
	return (long)i;
}

/* Sends until the outbox has nothing due, or with --loop until SIGTERM
 * or SIGINT. Returns the exit status. */
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
		if (s->unanswered >= UNREACHABLE_AFTER) {
			if (!s->opt->loop) {
				tw_log_warn("the gateway did not respond to %d "
				            "requests in a row; stopping until "
				            "the "
				            "next run",
				    s->unanswered);
				break;
			}
			tw_log_warn("the gateway did not respond to %d "
			            "requests in "
			            "a row; pausing for %d s",
			    s->unanswered, UNREACHABLE_PAUSE);
			pause_for(UNREACHABLE_PAUSE);
			s->unanswered = 0;
			continue;
		}
		if (n > 0 && time(NULL) - s->last_recover < RECOVER_SECONDS)
			continue;
		recover(s);
		if (n > 0)
			continue;
		if (!s->opt->loop)
			break;
		pause_for(s->opt->interval);
	}
	return 0;
}

/* Loads the configuration and connects. Returns 0 or -1. */
static int
start(struct sender *s, const struct options *opt)
{
	memset(s, 0, sizeof *s);
	s->opt = opt;
	if (tw_config_load(opt->config_path, &s->cfg) != TW_OK)
		return -1;
	if (tw_smsgw_new(s->cfg, &s->gw) != TW_OK ||
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
	tw_smsgw_free(s->gw);
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
	tw_log_init("sms-send", opt.debug);
	if (opt.log_path != NULL && tw_log_to_file(PROGRAM, opt.log_path) != 0)
		return 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop; /* no SA_RESTART: a stop ends a sleep */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	status = 1;
	if (start(&s, &opt) == 0) {
		tw_log_info("started %s, claims as %s",
		    opt.loop ? "in a loop" : "once", s.claimer);
		status = run(&s);
		tw_log_info("stopped: %lu sent, %lu to retry, %lu failed",
		    s.sent, s.retried, s.failed);
	}
	finish(&s);
	return status;
}
