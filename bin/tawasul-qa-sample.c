/*
 * tawasul-qa-sample: draws the monthly quality-assurance sample.
 *
 * For a month (by default the last one in Asia/Muscat) it picks, per
 * agent who registered cases, a number or a percentage of that agent's
 * registered cases at random; the residents' own cases form one more
 * group, "portal". The seed is stored with the sample, so the draw can
 * be repeated and checked. A month is sampled once: running it again
 * prints the stored sample and changes nothing. A case already in an
 * earlier sample is never drawn again. etc/crontab runs it monthly.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "tawasul.h"

#define PROGRAM    "tawasul-qa-sample"
#define EXIT_USAGE 2

struct options {
	const char *config_path;
	const char *month;
	long per_agent; /* 0 when not given */
	double percent; /* 0 when not given */
	int has_seed;
	uint64_t seed;
	int dry_run;
};

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "month", required_argument, NULL, 'm' },
	{ "per-agent", required_argument, NULL, 'n' },
	{ "percent", required_argument, NULL, 'p' },
	{ "seed", required_argument, NULL, 's' },
	{ "dry-run", no_argument, NULL, 'D' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: " PROGRAM " -c CONFIG [options]\n"
	    "Draws the QA sample of a month's registered cases per agent.\n"
	    "\n"
	    "  -c, --config FILE   the HDF configuration file\n"
	    "      --month YYYY-MM the month the cases were created in,\n"
	    "                      Asia/Muscat time (default: last month)\n"
	    "      --per-agent N   cases per agent, 1 to 10000 (default:\n"
	    "                      Qa.PerAgent of the configuration, 10)\n"
	    "      --percent P     percent of each agent's cases, above 0\n"
	    "                      and up to 100, instead of --per-agent\n"
	    "                      (default: Qa.Percent when Qa.PerAgent\n"
	    "                      is 0)\n"
	    "      --seed N        the seed of a new sample, 0 to 2^64-1\n"
	    "                      (default: random)\n"
	    "      --dry-run       print the sample without storing it\n"
	    "  -h, --help          this help\n"
	    "\n"
	    "A month that has a sample already is printed and not drawn\n"
	    "again. Output: one line \"sample MONTH seed N ...\", then one\n"
	    "line per case: the case number and the agent's username or\n"
	    "\"portal\".\n"
	    "Exit status: 0 when done, 1 when the configuration or the\n"
	    "database failed, 2 for a usage error.\n");
}

/* Reads one option's number into opt; returns 0 or EXIT_USAGE. */
static int
read_number(int c, const char *arg, struct options *opt)
{
	char *end;

	if (c == 'n') {
		opt->per_agent = strtol(arg, &end, 10);
		if (*arg && *end == '\0' && opt->per_agent >= 1 &&
		    opt->per_agent <= 10000)
			return 0;
		fprintf(stderr,
		    PROGRAM ": invalid --per-agent: %s: give a "
		            "number from 1 to 10000\n",
		    arg);
	} else if (c == 'p') {
		opt->percent = strtod(arg, &end);
		if (*arg && *end == '\0' && opt->percent > 0 &&
		    opt->percent <= 100)
			return 0;
		fprintf(stderr,
		    PROGRAM ": invalid --percent: %s: give a "
		            "number above 0 and up to 100\n",
		    arg);
	} else {
		opt->seed = strtoull(arg, &end, 10);
		opt->has_seed = 1;
		if (*arg && *end == '\0' &&
		    strspn(arg, "0123456789") == strlen(arg) &&
		    strlen(arg) <= 20 &&
		    !(strlen(arg) == 20 &&
		        strcmp(arg, "18446744073709551615") > 0))
			return 0;
		fprintf(stderr,
		    PROGRAM ": invalid --seed: %s: give a "
		            "number from 0 to 18446744073709551615\n",
		    arg);
	}
	return EXIT_USAGE;
}

/* Reads the command line; returns -1 to go on, or an exit status. */
static int
parse_options(int argc, char **argv, struct options *opt)
{
	char start[20], end[20];
	int c;

	memset(opt, 0, sizeof *opt);
	opt->config_path = getenv("TAWASUL_CONFIG");
	while ((c = getopt_long(argc, argv, "c:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt->config_path = optarg;
			break;
		case 'm':
			opt->month = optarg;
			if (tw_qa_month_range(optarg, start, end) == TW_OK)
				break;
			fprintf(stderr,
			    PROGRAM ": invalid --month: %s: give "
			            "YYYY-MM, such as 2026-11\n",
			    optarg);
			return EXIT_USAGE;
		case 'n':
		case 'p':
		case 's':
			if (read_number(c, optarg, opt) != 0)
				return EXIT_USAGE;
			break;
		case 'D':
			opt->dry_run = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (opt->per_agent > 0 && opt->percent > 0) {
		fprintf(stderr,
		    PROGRAM ": give --per-agent or --percent, "
		            "not both\n");
		return EXIT_USAGE;
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

/* Prints a sample's header line and its cases. */
static enum tw_err
print_sample(struct tw_db *db, const struct tw_qa_sample *s, const char *what)
{
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_qa_sample_cases(db, s->id, &rows)) != TW_OK)
		return err;
	printf("sample %s seed %llu ", s->month, (unsigned long long)s->seed);
	if (s->per_agent > 0)
		printf("per-agent %ld", s->per_agent);
	else
		printf("percent %g", s->percent);
	printf(" cases %zu %s\n", rows->nrows, what);
	for (size_t i = 0; i < rows->nrows; i++)
		printf("%s %s\n", tw_rows_get(rows, i, 0),
		    tw_rows_get(rows, i, 1));
	tw_rows_free(rows);
	return TW_OK;
}

/* Fills a new sample's size and seed from the options and the
 * configuration. Returns TW_OK, TW_ERR_CONFIG or TW_ERR_IO. */
static enum tw_err
plan_sample(const struct options *opt, const struct tw_config *cfg,
    struct tw_qa_sample *s)
{
	unsigned char bytes[8];

	s->per_agent = opt->per_agent;
	s->percent = opt->percent;
	if (s->per_agent == 0 && s->percent == 0) {
		s->per_agent = hdf_get_int_value(cfg->hdf, "Qa.PerAgent", 10);
		s->percent = atof(hdf_get_value(cfg->hdf, "Qa.Percent", "0"));
		if (s->per_agent < 0 || s->per_agent > 10000 ||
		    (s->per_agent == 0 &&
		        !(s->percent > 0 && s->percent <= 100))) {
			tw_log_error("invalid Qa.PerAgent or Qa.Percent: give "
			             "Qa.PerAgent from 1 to 10000, or 0 and "
			             "Qa.Percent above 0 and up to 100");
			return TW_ERR_CONFIG;
		}
	}
	s->seed = opt->seed;
	if (!opt->has_seed) {
		if (RAND_bytes(bytes, sizeof bytes) != 1)
			return TW_ERR_IO;
		s->seed = 0;
		for (size_t i = 0; i < sizeof bytes; i++)
			s->seed = s->seed << 8 | bytes[i];
	}
	snprintf(s->created_by, sizeof s->created_by, PROGRAM);
	return TW_OK;
}

/* Draws a new sample, prints it, and commits it unless dry_run. */
static enum tw_err
draw(struct tw_db *db, const struct options *opt, struct tw_qa_sample *s)
{
	size_t drawn;
	enum tw_err err;

	if ((err = tw_db_begin(db)) != TW_OK)
		return err;
	err = tw_qa_sample_new(db, s, &drawn);
	if (err == TW_OK)
		err = print_sample(db, s, opt->dry_run ? "dry-run" : "new");
	if (err != TW_OK || opt->dry_run) {
		tw_db_rollback(db);
		return err;
	}
	if ((err = tw_db_commit(db)) == TW_OK)
		tw_log_info("sampled %zu cases of %s with seed %llu", drawn,
		    s->month, (unsigned long long)s->seed);
	return err;
}

/* Prints the month's sample, drawing it first when there is none. */
static enum tw_err
run(struct tw_db *db, const struct options *opt, const struct tw_config *cfg)
{
	struct tw_qa_sample s;
	enum tw_err err;

	memset(&s, 0, sizeof s);
	if (opt->month != NULL)
		snprintf(s.month, sizeof s.month, "%s", opt->month);
	else
		tw_qa_last_month(time(NULL), s.month);
	err = tw_qa_sample_find(db, s.month, &s);
	if (err == TW_OK) {
		if (opt->has_seed && opt->seed != s.seed)
			tw_log_warn("%s has a sample with seed %llu already; "
			            "--seed %llu is ignored",
			    s.month, (unsigned long long)s.seed,
			    (unsigned long long)opt->seed);
		return print_sample(db, &s, "existing");
	}
	if (err != TW_ERR_NOTFOUND)
		return err;
	if ((err = plan_sample(opt, cfg, &s)) != TW_OK)
		return err;
	err = draw(db, opt, &s);
	/* Another run stored the month's sample first: print that one. */
	if (err == TW_ERR_DUPLICATE &&
	    (err = tw_qa_sample_find(db, s.month, &s)) == TW_OK)
		return print_sample(db, &s, "existing");
	return err;
}

int
main(int argc, char **argv)
{
	struct options opt;
	struct tw_config *cfg = NULL;
	struct tw_db *db = NULL;
	enum tw_err err;
	int status;

	if ((status = parse_options(argc, argv, &opt)) >= 0)
		return status;
	tw_log_init(PROGRAM, 0);
	if ((err = tw_config_load(opt.config_path, &cfg)) != TW_OK) {
		tw_log_error("cannot load %s: %s", opt.config_path,
		    tw_strerror(err));
		return 1;
	}
	err = tw_db_open(cfg, &db);
	if (err == TW_OK)
		err = run(db, &opt, cfg);
	if (err != TW_OK)
		tw_log_error("QA sample failed: %s", tw_strerror(err));
	tw_db_close(db);
	tw_config_free(cfg);
	return err == TW_OK ? 0 : 1;
}
