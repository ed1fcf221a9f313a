/*
 * main.c: start-up shared by every FastCGI program.
 *
 * spawn-fcgi starts one process per program with the socket on standard
 * input; that process forks the workers, restarts any that dies and
 * stops them all on SIGTERM. A crash in one request therefore costs one
 * worker a restart, never the route group.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tawasul.h"

#define MAX_WORKERS 64

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
usage(const char *program)
{
	fprintf(stderr,
	    "usage: %s -c CONFIG [-w WORKERS] [-l LOGFILE] [-d]\n"
	    "  -c CONFIG   the HDF configuration file (see "
	    "etc/tawasul.hdf.sample)\n"
	    "  -w WORKERS  worker processes sharing the socket (default 4)\n"
	    "  -l LOGFILE  append the log to this file instead of standard "
	    "error\n"
	    "  -d          debug logging\n",
	    program);
}

/* Loads configuration and strings, opens the database and serves. */
static int
run_worker(struct tw_app *app, const char *config_path)
{
	int status;

	if (tw_config_load(config_path, &app->config) != TW_OK)
		return 1;
	if (tw_locale_load(app->config->locale_dir, app->strings) != TW_OK) {
		tw_config_free(app->config);
		return 1;
	}
	if (tw_db_open(app->config, &app->db) != TW_OK) {
		tw_locale_free(app->strings);
		tw_config_free(app->config);
		return 1;
	}
	status = tw_serve(app);
	tw_db_close(app->db);
	tw_locale_free(app->strings);
	tw_config_free(app->config);
	return status;
}

/* Forks a worker; returns its pid, or -1. The child never returns. */
static pid_t
start_worker(struct tw_app *app, const char *config_path)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		_exit(run_worker(app, config_path));
	}
	if (pid < 0)
		tw_log_error("fork failed: %s", strerror(errno));
	return pid;
}

/* Keeps nworkers running until SIGTERM, then stops them. */
static int
supervise(struct tw_app *app, const char *config_path, int nworkers)
{
	pid_t pids[MAX_WORKERS];
	int status;

	for (int i = 0; i < nworkers; i++)
		pids[i] = start_worker(app, config_path);
	tw_log_info("started %d workers", nworkers);
	while (!stopping) {
		pid_t dead = wait(&status);

		if (dead < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < nworkers && !stopping; i++)
			if (pids[i] == dead) {
				tw_log_warn("worker %d exited with status %d; "
				            "restarting",
				    (int)dead, status);
				sleep(1); /* a worker that cannot start */
				pids[i] = start_worker(app, config_path);
			}
	}
	for (int i = 0; i < nworkers; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	while (wait(&status) > 0 || errno == EINTR)
		;
	tw_log_info("stopped");
	return 0;
}

/*
 * The main function of a FastCGI program: parses -c, -w and -d, checks
 * the configuration once so a mistake stops start-up with a message,
 * then supervises the workers.
 */
int
tw_main(int argc, char **argv, struct tw_app *app)
{
	const char *config_path = getenv("TAWASUL_CONFIG");
	struct tw_config *check = NULL;
	struct sigaction sa;
	const char *log_path = NULL;
	int nworkers = 4, debug = 0, opt, fd;

	while ((opt = getopt(argc, argv, "c:w:l:dh")) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			break;
		case 'w':
			nworkers = atoi(optarg);
			break;
		case 'd':
			debug = 1;
			break;
		case 'l':
			log_path = optarg;
			break;
		default:
			usage(argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	tw_log_init(app->program, debug);
	/* spawn-fcgi points standard error at /dev/null. */
	if (log_path != NULL) {
		fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		    0640);
		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0) {
			fprintf(stderr, "%s: cannot open %s: %s\n", argv[0],
			    log_path, strerror(errno));
			return 1;
		}
		close(fd);
	}
	if (config_path == NULL || nworkers < 1 || nworkers > MAX_WORKERS) {
		usage(argv[0]);
		return 2;
	}
	if (tw_config_load(config_path, &check) != TW_OK)
		return 1;
	tw_config_free(check);
	/* No SA_RESTART, so a signal interrupts wait(2) in supervise. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return supervise(app, config_path, nworkers);
}
