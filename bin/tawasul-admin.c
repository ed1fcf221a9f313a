/*
 * tawasul-admin: staff accounts from the command line.
 *
 * Option table, command table and help, then one function per command.
 * A command reads its options, calls lib/staff.c and prints one line:
 * the result on standard output, or "tawasul-admin: what failed: value:
 * what to do" on standard error. The exit status is 0 on success, 1 on
 * failure and 2 on a usage error. Passwords are generated or read from
 * standard input, never taken from the command line, where ps(1) and
 * the shell history would show them.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tawasul.h"

#define PROGRAM    "tawasul-admin"
#define EXIT_USAGE 2

/* A password read from standard input: 128 characters of 4 bytes. */
#define PASSWORD_BUF 520

/* The largest CSV file import reads, far above 10,000 rows. */
#define IMPORT_MAX_BYTES (16L * 1024 * 1024)

#define CSV_FIELDS 8

static const char *const csv_header[CSV_FIELDS] = { "username", "display_name",
	"role", "directorate", "mobile", "email", "lang", "password" };

struct command;

/* The options and operands of one command, as given. */
struct args {
	const struct command *cmd;
	const char *name;
	const char *role;
	const char *directorate;
	const char *mobile;
	const char *email;
	const char *lang;
	const char *summary;
	int password_stdin;
	int clear;
	int tsv;
	int print_passwords;
	char **operands;
	int noperands;
};

/* The configuration and database, opened once a command needs them. */
struct admin {
	const char *config_path;
	struct tw_config *config;
	struct tw_db *db;
};

struct command {
	const char *name;
	int (*run)(struct admin *, const struct args *);
	const char *options; /* the option letters it accepts */
	int min_operands;
	int max_operands;
	const char *help;
};

static int cmd_create(struct admin *, const struct args *);
static int cmd_disable(struct admin *, const struct args *);
static int cmd_enable(struct admin *, const struct args *);
static int cmd_set_role(struct admin *, const struct args *);
static int cmd_set_directorate(struct admin *, const struct args *);
static int cmd_set_mobile(struct admin *, const struct args *);
static int cmd_reset_password(struct admin *, const struct args *);
static int cmd_list(struct admin *, const struct args *);
static int cmd_import(struct admin *, const struct args *);

static const struct option global_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The options of all commands; a command accepts those it lists. */
static const struct option command_options[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "role", required_argument, NULL, 'r' },
	{ "directorate", required_argument, NULL, 'd' },
	{ "mobile", required_argument, NULL, 'm' },
	{ "email", required_argument, NULL, 'e' },
	{ "lang", required_argument, NULL, 'l' },
	{ "password-stdin", no_argument, NULL, 'P' },
	{ "clear", no_argument, NULL, 'C' },
	{ "tsv", no_argument, NULL, 't' },
	{ "print-passwords", no_argument, NULL, 'p' },
	{ "summary", required_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct command commands[] = {
	{ "create", cmd_create, "nrdmelP", 1, 1,
	    "  create USERNAME --name NAME --role ROLE [OPTIONS]\n"
	    "      Creates an active account and prints its generated\n"
	    "      password. Field staff get no password: they work by SMS.\n"
	    "      USERNAME is 3 to 64 characters of a-z, 0-9, . _ and -.\n"
	    "      --name NAME         display name, 1 to 100 characters\n"
	    "      --role ROLE         agent, officer, field, qa, supervisor,\n"
	    "                          head, executive or admin\n"
	    "      --directorate CODE  directorate code, such as roads;\n"
	    "                          required for officer, head and field\n"
	    "      --mobile NUMBER     Omani mobile number; required for "
	    "field\n"
	    "      --email ADDRESS     e-mail address (optional)\n"
	    "      --lang ar|en        interface language (default ar)\n"
	    "      --password-stdin    read the password, 10 to 128\n"
	    "                          characters, from the first line of\n"
	    "                          standard input instead of generating\n"
	    "                          one\n" },
	{ "disable", cmd_disable, "", 1, 1,
	    "  disable USERNAME\n"
	    "      Disables the account and deletes its sessions, which logs\n"
	    "      it out.\n" },
	{ "enable", cmd_enable, "", 1, 1,
	    "  enable USERNAME\n"
	    "      Enables a disabled account.\n" },
	{ "set-role", cmd_set_role, "d", 2, 2,
	    "  set-role USERNAME ROLE [--directorate CODE]\n"
	    "      Changes the role. Officer, head and field need a\n"
	    "      directorate.\n"
	    "      --directorate CODE  also set the directorate to CODE\n"
	    "      A move to field needs a mobile number and removes the\n"
	    "      password and the sessions.\n" },
	{ "set-directorate", cmd_set_directorate, "C", 1, 2,
	    "  set-directorate USERNAME CODE\n"
	    "  set-directorate --clear USERNAME\n"
	    "      Sets the directorate by its code.\n"
	    "      --clear             remove the directorate instead (not\n"
	    "                          for officer, head and field)\n" },
	{ "set-mobile", cmd_set_mobile, "C", 1, 2,
	    "  set-mobile USERNAME NUMBER\n"
	    "  set-mobile --clear USERNAME\n"
	    "      Sets the mobile number.\n"
	    "      --clear             remove the mobile number instead (not\n"
	    "                          for field staff)\n" },
	{ "reset-password", cmd_reset_password, "P", 1, 1,
	    "  reset-password USERNAME [--password-stdin]\n"
	    "      Sets a generated password and prints it. Also deletes the\n"
	    "      sessions and the failed logins of the account, which\n"
	    "      unlocks it.\n"
	    "      --password-stdin    read the password, 10 to 128\n"
	    "                          characters, from the first line of\n"
	    "                          standard input instead of generating\n"
	    "                          one\n" },
	{ "list", cmd_list, "trd", 0, 0,
	    "  list [--tsv] [--role ROLE] [--directorate CODE]\n"
	    "      Lists the accounts, ordered by username, as a table.\n"
	    "      --tsv               print tab-separated values with a\n"
	    "                          header line instead\n"
	    "      --role ROLE         only the accounts with this role\n"
	    "      --directorate CODE  only the accounts of this "
	    "directorate\n" },
	{ "import", cmd_import, "ps", 1, 1,
	    "  import FILE [--print-passwords] [--summary FILE]\n"
	    "      Creates an account for each row of a UTF-8 CSV file whose\n"
	    "      first line is the header\n"
	    "      "
	    "username,display_name,role,directorate,mobile,email,lang,"
	    "password\n"
	    "      A field that contains a comma or a quote goes in double\n"
	    "      quotes, with each quote doubled. Each row is checked like\n"
	    "      create and inserted in its own transaction. An invalid or\n"
	    "      duplicate row is rejected and the others are still\n"
	    "      imported. An empty password is generated, except for\n"
	    "      field staff. Progress goes to standard error. The summary\n"
	    "      gives the number of rows accepted and, for each row\n"
	    "      rejected, its line number and the reason. The exit status\n"
	    "      is 1 when any row was rejected.\n"
	    "      --print-passwords   add the generated passwords to the\n"
	    "                          summary\n"
	    "      --summary FILE      write the summary to FILE, created\n"
	    "                          with mode 0600, instead of standard\n"
	    "                          output\n" },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void
print_help(FILE *out, const struct command *only)
{
	if (only != NULL) {
		fprintf(out, "usage: " PROGRAM " [-c FILE] %s",
		    only->help + strspn(only->help, " "));
		return;
	}
	fputs("usage: " PROGRAM " [-c FILE] COMMAND [OPTIONS] [ARGUMENTS]\n"
	      "\n"
	      "Creates and changes the staff accounts in the Tawasul "
	      "database.\n"
	      "Passwords are generated or read from standard input, never\n"
	      "taken from the command line.\n"
	      "\n"
	      "  -c, --config FILE       the HDF configuration file; default:\n"
	      "                          $TAWASUL_CONFIG\n"
	      "  -h, --help              print this help and exit\n"
	      "\n"
	      "Commands (COMMAND --help prints the help of one):\n",
	    out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fputs(commands[i].help, out);
	fputs("\nExit status: 0 on success, 1 on failure, 2 on a usage "
	      "error.\n",
	    out);
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "tawasul-admin: " and the message on standard error; returns 1. */
static int
fail(const char *fmt, ...)
{
	va_list ap;

	fputs(PROGRAM ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAILURE;
}

/* Reports a mistake in the command line; returns 2. */
static int
usage_error(const struct command *cmd, const char *what, const char *value)
{
	fprintf(stderr,
	    PROGRAM ": %s: \"%s\": run \"" PROGRAM "%s%s --help\"\n", what,
	    value, cmd != NULL ? " " : "", cmd != NULL ? cmd->name : "");
	return EXIT_USAGE;
}

/* Reports the option getopt_long rejected; returns 2. */
static int
bad_option(const struct command *cmd, char **argv, int opt)
{
	char shown[3] = { '-', (char)optopt, '\0' };
	const char *name = opt != ':' && optopt != 0 ? shown : argv[optind - 1];

	if (opt == ':')
		return usage_error(cmd, "missing value of option", name);
	return usage_error(cmd, "unknown option", name);
}

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* Stores one option of a command in args. */
static void
store_option(struct args *args, int opt)
{
	switch (opt) {
	case 'n':
		args->name = optarg;
		break;
	case 'r':
		args->role = optarg;
		break;
	case 'd':
		args->directorate = optarg;
		break;
	case 'm':
		args->mobile = optarg;
		break;
	case 'e':
		args->email = optarg;
		break;
	case 'l':
		args->lang = optarg;
		break;
	case 's':
		args->summary = optarg;
		break;
	case 'P':
		args->password_stdin = 1;
		break;
	case 'C':
		args->clear = 1;
		break;
	case 't':
		args->tsv = 1;
		break;
	case 'p':
		args->print_passwords = 1;
		break;
	}
}

/* Returns the command option named exactly name[0..len), or NULL. */
static const struct option *
find_option(const char *name, size_t len)
{
	for (const struct option *o = command_options; o->name != NULL; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

/*
 * Rejects long options that are not spelled in full. getopt_long accepts
 * any unambiguous prefix, so "--password SECRET" would otherwise turn
 * into --password-stdin. Returns -1 when every option is known, else 2.
 */
static int
check_option_names(const struct command *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *arg = argv[i];
		size_t len = strcspn(arg + 2, "=");
		const struct option *o;
		char name[40];

		if (strncmp(arg, "--", 2) != 0)
			continue;
		if ((o = find_option(arg + 2, len)) == NULL) {
			/* Without its "=value", which may be a password. */
			snprintf(name, sizeof name, "%.*s", (int)len + 2, arg);
			return usage_error(cmd, "unknown option", name);
		}
		if (o->has_arg == required_argument && arg[2 + len] == '\0')
			i++; /* skip its value */
	}
	return -1;
}

/*
 * Reads the options and operands of a command; argv[0] is its name.
 * Returns -1 when the command should run, 0 after printing its help,
 * or 2 after a usage error.
 */
static int
parse_args(const struct command *cmd, int argc, char **argv, struct args *args)
{
	int opt, index = -1, status;
	char name[40];

	memset(args, 0, sizeof *args);
	args->cmd = cmd;
	if ((status = check_option_names(cmd, argc, argv)) >= 0)
		return status;
	optind = 0; /* glibc: start over with a new argv */
	while ((opt = getopt_long(argc, argv, ":h", command_options, &index)) !=
	    -1) {
		if (opt == 'h') {
			print_help(stdout, cmd);
			return 0;
		}
		if (opt == '?' || opt == ':')
			return bad_option(cmd, argv, opt);
		if (strchr(cmd->options, opt) == NULL) {
			snprintf(name, sizeof name, "--%s",
			    command_options[index].name);
			return usage_error(cmd, "option not valid here", name);
		}
		store_option(args, opt);
	}
	args->operands = argv + optind;
	args->noperands = argc - optind;
	if (args->noperands < cmd->min_operands)
		return usage_error(cmd, "missing argument", cmd->name);
	if (args->noperands > cmd->max_operands)
		return usage_error(cmd, "unexpected argument",
		    args->operands[cmd->max_operands]);
	for (int i = 0; i < args->noperands; i++)
		if (args->operands[i][0] == '\0')
			return usage_error(cmd, "empty argument", "");
	return -1;
}

/* Loads the configuration and opens the database. Returns 0, 1 or 2. */
static int
open_database(struct admin *admin)
{
	if (admin->config_path == NULL) {
		fprintf(stderr,
		    PROGRAM ": missing configuration: no -c FILE "
		            "and TAWASUL_CONFIG is not set: give -c with "
		            "the path of tawasul.hdf\n");
		return EXIT_USAGE;
	}
	if (tw_config_load(admin->config_path, &admin->config) != TW_OK)
		return fail("configuration failed to load: %s: fix the "
		            "problem logged above, or give another file with "
		            "-c",
		    admin->config_path);
	if (tw_db_open(admin->config, &admin->db) != TW_OK)
		return fail("database handle failed: %s: out of memory",
		    admin->config->db_socket);
	return 0;
}

/*
 * Reads a password from the first line of standard input into buf,
 * without its line break. Returns 0, or 1 after printing why not.
 */
static int
read_password(char buf[PASSWORD_BUF])
{
	size_t len;

	if (fgets(buf, PASSWORD_BUF, stdin) == NULL)
		return fail("missing password: standard input is empty: write "
		            "the password as its first line");
	len = strcspn(buf, "\r\n");
	if (buf[len] == '\0' && len == PASSWORD_BUF - 1)
		return fail("invalid password: more than %d bytes: use 10 to "
		            "128 characters",
		    PASSWORD_BUF - 2);
	buf[len] = '\0';
	return 0;
}

/*
 * Fills buf with the password of a command: read from standard input
 * with --password-stdin, else generated when needed, else empty. Sets
 * *generated to 1 for a generated one. Returns 0 or 1.
 */
static int
get_password(const struct args *args, int needed, char buf[PASSWORD_BUF],
    int *generated)
{
	*generated = 0;
	buf[0] = '\0';
	if (args->password_stdin)
		return read_password(buf);
	if (!needed)
		return 0;
	if (tw_staff_password_new(buf) != TW_OK)
		return fail("password generation failed: %s: check that the "
		            "system's random generator works",
		    tw_strerror(TW_ERR_IO));
	*generated = 1;
	return 0;
}

/* Creates one account; see the help of create. */
static int
cmd_create(struct admin *admin, const struct args *args)
{
	struct tw_staff_input in = { .username = args->operands[0],
		.display_name = args->name,
		.role = args->role,
		.directorate = args->directorate,
		.mobile = args->mobile,
		.email = args->email,
		.lang = args->lang };
	char password[PASSWORD_BUF], reason[TW_REASON_MAX];
	enum tw_role role;
	int generated, status;

	if (args->name == NULL || args->role == NULL)
		return usage_error(args->cmd, "missing option",
		    args->name == NULL ? "--name" : "--role");
	status = get_password(args,
	    tw_role_parse(args->role, &role) == TW_OK && role != TW_ROLE_FIELD,
	    password, &generated);
	in.password = password;
	if (status == 0 && (status = open_database(admin)) == 0) {
		if (tw_staff_create(admin->db, &in, reason) != TW_OK)
			status = fail("%s", reason);
		else if (generated)
			printf("created user %s (%s), password: %s\n",
			    in.username, args->role, password);
		else
			printf("created user %s (%s)\n", in.username,
			    args->role);
	}
	explicit_bzero(password, sizeof password);
	return status;
}

static int
set_active(struct admin *admin, const struct args *args, int active)
{
	const char *username = args->operands[0];
	char reason[TW_REASON_MAX];
	long long ended;
	int status;

	if ((status = open_database(admin)) != 0)
		return status;
	if (tw_staff_set_active(admin->db, username, active, &ended, reason) !=
	    TW_OK)
		return fail("%s", reason);
	if (active)
		printf("enabled user %s\n", username);
	else
		printf("disabled user %s and ended %lld session%s\n", username,
		    ended, ended == 1 ? "" : "s");
	return 0;
}

/* Disables an account and deletes its sessions. */
static int
cmd_disable(struct admin *admin, const struct args *args)
{
	return set_active(admin, args, 0);
}

static int
cmd_enable(struct admin *admin, const struct args *args)
{
	return set_active(admin, args, 1);
}

/* Changes the role, and the directorate with --directorate. */
static int
cmd_set_role(struct admin *admin, const struct args *args)
{
	const char *username = args->operands[0], *role = args->operands[1];
	char reason[TW_REASON_MAX];
	int no_password, status;

	if ((status = open_database(admin)) != 0)
		return status;
	if (tw_staff_set_role(admin->db, username, role, args->directorate,
	        &no_password, reason) != TW_OK)
		return fail("%s", reason);
	printf("set role of %s to %s", username, role);
	if (args->directorate != NULL)
		printf(" in directorate %s", args->directorate);
	if (no_password)
		printf("; %s has no password yet: set one with "
		       "reset-password",
		    username);
	putchar('\n');
	return 0;
}

/*
 * Checks the operands of a command that takes USERNAME VALUE, or
 * USERNAME alone with --clear. Returns -1 when they fit, else 2.
 */
static int
check_clear_operands(const struct args *args)
{
	if (args->clear && args->noperands == 2)
		return usage_error(args->cmd,
		    "unexpected argument with --clear", args->operands[1]);
	if (!args->clear && args->noperands == 1)
		return usage_error(args->cmd, "missing argument",
		    args->cmd->name);
	return -1;
}

static int
cmd_set_directorate(struct admin *admin, const struct args *args)
{
	const char *username = args->operands[0];
	const char *code = args->clear ? NULL : args->operands[1];
	char reason[TW_REASON_MAX];
	int status;

	if ((status = check_clear_operands(args)) >= 0 ||
	    (status = open_database(admin)) != 0)
		return status;
	if (tw_staff_set_directorate(admin->db, username, code, reason) !=
	    TW_OK)
		return fail("%s", reason);
	if (code == NULL)
		printf("cleared the directorate of %s\n", username);
	else
		printf("set directorate of %s to %s\n", username, code);
	return 0;
}

static int
cmd_set_mobile(struct admin *admin, const struct args *args)
{
	const char *username = args->operands[0];
	const char *mobile = args->clear ? NULL : args->operands[1];
	char reason[TW_REASON_MAX], e164[16];
	int status;

	if ((status = check_clear_operands(args)) >= 0 ||
	    (status = open_database(admin)) != 0)
		return status;
	if (tw_staff_set_mobile(admin->db, username, mobile, reason) != TW_OK)
		return fail("%s", reason);
	if (mobile == NULL)
		printf("cleared the mobile number of %s\n", username);
	else if (tw_mobile_normalise(mobile, e164) == TW_OK)
		printf("set mobile number of %s to %s\n", username, e164);
	return 0;
}

/* Sets a new password; see the help of reset-password. */
static int
cmd_reset_password(struct admin *admin, const struct args *args)
{
	const char *username = args->operands[0];
	char password[PASSWORD_BUF], reason[TW_REASON_MAX];
	int generated, status;

	status = get_password(args, 1, password, &generated);
	if (status == 0 && (status = open_database(admin)) == 0) {
		if (tw_staff_set_password(admin->db, username, password,
		        reason) != TW_OK)
			status = fail("%s", reason);
		else if (generated)
			printf("new password for %s: %s\n", username, password);
		else
			printf("changed the password of %s\n", username);
	}
	explicit_bzero(password, sizeof password);
	return status;
}

#define LIST_COLUMNS 9

static const char *const list_header[LIST_COLUMNS] = { "username",
	"display_name", "role", "directorate", "mobile", "email", "lang",
	"status", "password" };

/* Returns the text of a cell of tw_staff_list as list prints it. */
static const char *
list_cell(const struct tw_rows *rows, size_t r, size_t c, int tsv)
{
	const char *v = tw_rows_get(rows, r, c);
	int on = v != NULL && strcmp(v, "1") == 0;

	if (c == 7)
		return on ? "active" : "disabled";
	if (c == 8)
		return on ? "set" : "none";
	if (v != NULL)
		return v;
	return tsv ? "" : "-";
}

/* Prints one row of cells, padded to widths unless widths is NULL. */
static void
print_row(const char *const cells[LIST_COLUMNS], const size_t *widths)
{
	for (size_t c = 0; c < LIST_COLUMNS; c++) {
		int last = c + 1 == LIST_COLUMNS;

		fputs(cells[c], stdout);
		if (widths == NULL)
			putchar(last ? '\n' : '\t');
		else if (last)
			putchar('\n');
		else
			printf("%*s",
			    (int)(widths[c] - tw_utf8_chars(cells[c]) + 2), "");
	}
}

/*
 * Prints the rows as tab-separated values, or as a table whose columns
 * are as wide as their longest cell in characters.
 * NOTE: a terminal lays out Arabic right to left and may draw combining
 * marks in no column of their own, so a table with Arabic names can look
 * ragged. Programs that read the output should use --tsv.
 */
static void
print_list(const struct tw_rows *rows, int tsv)
{
	size_t widths[LIST_COLUMNS];
	const char *cells[LIST_COLUMNS];

	for (size_t c = 0; c < LIST_COLUMNS; c++) {
		widths[c] = strlen(list_header[c]);
		for (size_t r = 0; r < rows->nrows; r++) {
			size_t w = tw_utf8_chars(list_cell(rows, r, c, tsv));

			widths[c] = w > widths[c] ? w : widths[c];
		}
	}
	print_row(list_header, tsv ? NULL : widths);
	for (size_t r = 0; r < rows->nrows; r++) {
		for (size_t c = 0; c < LIST_COLUMNS; c++)
			cells[c] = list_cell(rows, r, c, tsv);
		print_row(cells, tsv ? NULL : widths);
	}
}

static int
cmd_list(struct admin *admin, const struct args *args)
{
	struct tw_rows *rows;
	enum tw_role role;
	enum tw_err err;
	int status;

	if (args->role != NULL && tw_role_parse(args->role, &role) != TW_OK)
		return fail("unknown role: \"%s\": use agent, officer, field, "
		            "qa, supervisor, head, executive or admin",
		    args->role);
	if ((status = open_database(admin)) != 0)
		return status;
	if ((err = tw_staff_list(admin->db, args->role, args->directorate,
	         &rows)) != TW_OK)
		return fail("database request failed: %s: see the error "
		            "logged above and check that MariaDB is running",
		    tw_strerror(err));
	print_list(rows, args->tsv);
	tw_rows_free(rows);
	return 0;
}

/* The state of one import, from the header to the summary. */
struct import {
	const struct args *args;
	struct tw_db *db;
	size_t total; /* data rows in the file */
	size_t done; /* data rows processed */
	size_t accepted;
	size_t rejected;
	size_t generated; /* passwords generated for accepted rows */
	FILE *reasons; /* "line N: reason" of each rejected row */
	char *reasons_text;
	size_t reasons_len;
	FILE *passwords; /* "password for USER: PASSWORD" lines */
	char *passwords_text;
	size_t passwords_len;
	size_t stopped_line; /* 0 unless a system error stopped it */
	char stop_reason[TW_REASON_MAX];
};

/*
 * Reads the whole file at path into *text, NUL-terminated. Returns 0,
 * or 1 after printing why not; the caller frees *text either way.
 */
static int
read_file(const char *path, char **text)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	size_t n = 0;
	int status = 1;

	*text = NULL;
	if (f == NULL)
		return fail("import file not readable: %s (%s): check the "
		            "path and its permissions",
		    path, strerror(errno));
	if (fstat(fileno(f), &st) != 0 || st.st_size > IMPORT_MAX_BYTES)
		fail("import file too large: %s: split it into files of at "
		     "most %ld bytes",
		    path, IMPORT_MAX_BYTES);
	else if ((*text = malloc((size_t)st.st_size + 1)) == NULL)
		fail("out of memory: %s: free some memory and try again", path);
	else if ((n = fread(*text, 1, (size_t)st.st_size, f)) !=
	    (size_t)st.st_size)
		fail("import file not readable: %s (%s): check the file and "
		     "try again",
		    path, strerror(errno));
	else if (memchr(*text, '\0', n) != NULL)
		fail("import file is not text: %s: save it as \"CSV UTF-8\"",
		    path);
	else
		status = 0;
	fclose(f);
	if (status == 0)
		(*text)[n] = '\0';
	return status;
}

/* Removes spaces and tabs around s, in place. */
static char *
trim(char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	return s;
}

/*
 * Splits a record into exactly CSV_FIELDS fields in buf. Returns 0, or
 * -1 with the reason why not.
 */
static int
split_row(const char *record, char *buf, char *fields[CSV_FIELDS],
    char reason[TW_REASON_MAX])
{
	size_t n;

	switch (tw_csv_split(record, buf, fields, CSV_FIELDS, &n)) {
	case TW_CSV_OK:
		if (n == CSV_FIELDS)
			return 0;
		snprintf(reason, TW_REASON_MAX,
		    "wrong number of fields: %zu: "
		    "give %d fields in the order of the header, and put a "
		    "field that contains a comma in double quotes",
		    n, CSV_FIELDS);
		return -1;
	case TW_CSV_TOO_MANY:
		snprintf(reason, TW_REASON_MAX,
		    "wrong number of fields: more "
		    "than %d: put a field that contains a comma in double "
		    "quotes",
		    CSV_FIELDS);
		return -1;
	case TW_CSV_OPEN:
		snprintf(reason, TW_REASON_MAX,
		    "unterminated quoted field: "
		    "field %zu: end the field with a double quote",
		    n);
		return -1;
	case TW_CSV_QUOTE:
	default:
		snprintf(reason, TW_REASON_MAX,
		    "misplaced quote: field %zu: "
		    "put the whole field in double quotes and double each "
		    "quote inside it",
		    n);
		return -1;
	}
}

/* Checks the header record. Returns 0, or 1 after printing why not. */
static int
check_header(const char *record, size_t len, const char *path)
{
	char *copy = strndup(record, len), *buf = malloc(len + 1);
	char *fields[CSV_FIELDS], reason[TW_REASON_MAX];
	size_t i = 0;
	int status = 1;

	if (copy == NULL || buf == NULL)
		fail("out of memory: %s: free some memory and try again", path);
	else if (split_row(copy, buf, fields, reason) != 0)
		fail("invalid CSV header: %s: %s", path, reason);
	else {
		while (i < CSV_FIELDS &&
		    strcasecmp(trim(fields[i]), csv_header[i]) == 0)
			i++;
		if (i < CSV_FIELDS)
			fail("invalid CSV header: field %zu is \"%.40s\": the "
			     "first line must be username,display_name,role,"
			     "directorate,mobile,email,lang,password",
			    i + 1, fields[i]);
		else
			status = 0;
	}
	free(copy);
	free(buf);
	return status;
}

/*
 * Creates the account of one row. Returns TW_OK when the row was
 * accepted or rejected, or the error that stops the import.
 */
static enum tw_err
import_account(struct import *im, char *fields[CSV_FIELDS], size_t line)
{
	struct tw_staff_input in;
	char password[TW_PASSWORD_NEW], reason[TW_REASON_MAX];
	enum tw_role role;
	enum tw_err err = TW_OK;
	int generate;

	for (int i = 0; i < CSV_FIELDS - 1; i++)
		fields[i] = trim(fields[i]);
	in = (struct tw_staff_input){ fields[0], fields[1], fields[2],
		fields[3], fields[4], fields[5], fields[6], fields[7] };
	generate = fields[7][0] == '\0' &&
	    tw_role_parse(fields[2], &role) == TW_OK && role != TW_ROLE_FIELD;
	if (generate && (err = tw_staff_password_new(password)) != TW_OK)
		snprintf(reason, sizeof reason,
		    "password generation failed: "
		    "%s: check that the system's random generator works",
		    tw_strerror(err));
	if (generate && err == TW_OK)
		in.password = password;
	if (err == TW_OK)
		err = tw_staff_create(im->db, &in, reason);
	if (err == TW_OK) {
		im->accepted++;
		im->generated += generate;
		if (generate && im->args->print_passwords)
			fprintf(im->passwords, "password for %s: %s\n",
			    in.username, password);
	} else if (err == TW_ERR_INPUT || err == TW_ERR_DUPLICATE) {
		im->rejected++;
		fprintf(im->reasons, "line %zu: %s\n", line, reason);
		err = TW_OK;
	} else {
		im->stopped_line = line;
		memcpy(im->stop_reason, reason, sizeof reason);
	}
	explicit_bzero(password, sizeof password);
	return err;
}

/* Splits and imports one record. Returns what import_account returns. */
static enum tw_err
import_record(struct import *im, const char *record, size_t len, size_t line)
{
	char *copy = strndup(record, len), *buf = malloc(len + 1);
	char *fields[CSV_FIELDS], reason[TW_REASON_MAX];
	enum tw_err err = TW_OK;

	if (copy == NULL || buf == NULL) {
		im->stopped_line = line;
		snprintf(im->stop_reason, sizeof im->stop_reason,
		    "out of memory: line %zu: free some memory and import "
		    "the rows from this line on again",
		    line);
		err = TW_ERR_NOMEM;
	} else if (split_row(copy, buf, fields, reason) != 0) {
		im->rejected++;
		fprintf(im->reasons, "line %zu: %s\n", line, reason);
	} else
		err = import_account(im, fields, line);
	free(copy);
	free(buf);
	return err;
}

/* Returns the number of records with text from text on. */
static size_t
count_records(const char *text)
{
	size_t n = 0, len, nlines;

	while (*text != '\0') {
		text = tw_csv_next(text, &len, &nlines);
		n += len > 0;
	}
	return n;
}

/* Imports every record after the header, with progress on stderr. */
static void
import_rows(struct import *im, const char *text, size_t line)
{
	size_t len, nlines;
	const char *record;

	im->total = count_records(text);
	while (*text != '\0') {
		record = text;
		text = tw_csv_next(record, &len, &nlines);
		if (len > 0) {
			if (import_record(im, record, len, line) != TW_OK)
				break;
			im->done++;
			fprintf(stderr,
			    "\rprocessed %zu/%zu rows: %zu accepted, "
			    "%zu rejected",
			    im->done, im->total, im->accepted, im->rejected);
		}
		line += nlines;
	}
	if (im->done > 0)
		fputc('\n', stderr);
}

/* Writes the summary of an import to out. */
static void
write_summary(struct import *im, FILE *out)
{
	fprintf(out, "accepted %zu of %zu rows\n", im->accepted, im->total);
	fprintf(out, "rejected %zu of %zu rows\n", im->rejected, im->total);
	if (im->stopped_line > 0)
		fprintf(out,
		    "stopped at line %zu: %s; the %zu rows from that "
		    "line on were not imported\n",
		    im->stopped_line, im->stop_reason, im->total - im->done);
	fwrite(im->reasons_text, 1, im->reasons_len, out);
	fwrite(im->passwords_text, 1, im->passwords_len, out);
	if (im->generated > 0 && !im->args->print_passwords)
		fprintf(out,
		    "generated passwords of %zu accounts are not "
		    "shown: give each a password with reset-password, "
		    "or import with --print-passwords next time\n",
		    im->generated);
}

/*
 * Opens the summary file of --summary with mode 0600, because it may
 * hold passwords, or returns stdout. Returns NULL after printing why.
 */
static FILE *
open_summary(const char *path)
{
	FILE *out;
	int fd;

	if (path == NULL)
		return stdout;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0 ||
	    (out = fdopen(fd, "w")) == NULL) {
		fail("summary file not writable: %s (%s): choose another "
		     "path with --summary",
		    path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return out;
}

/* Closes the memory streams and writes the summary. Returns 0 or 1. */
static int
finish_import(struct import *im, FILE *out)
{
	const char *path = im->args->operands[0];
	int status = 0;

	fclose(im->reasons);
	fclose(im->passwords);
	im->reasons = im->passwords = NULL;
	write_summary(im, out);
	if (out != stdout && fclose(out) != 0) {
		status = fail("summary file not written: %s (%s): the summary "
		              "follows on standard output instead",
		    im->args->summary, strerror(errno));
		write_summary(im, stdout);
	} else if (out != stdout)
		printf("accepted %zu of %zu rows; summary in %s\n",
		    im->accepted, im->total, im->args->summary);
	if (im->stopped_line > 0)
		status = fail("import stopped at line %zu: %s",
		    im->stopped_line, im->stop_reason);
	else if (im->rejected > 0)
		status = fail("import rejected %zu of %zu rows: %s: fix the "
		              "rows listed in the summary and import only "
		              "those again",
		    im->rejected, im->total, path);
	explicit_bzero(im->passwords_text, im->passwords_len);
	free(im->passwords_text);
	free(im->reasons_text);
	im->passwords_text = im->reasons_text = NULL;
	return status;
}

/*
 * Skips a UTF-8 byte order mark and blank lines, checks the header and
 * returns the text after it with its line number in *line, or NULL.
 */
static const char *
skip_header(const char *text, const char *path, size_t *line)
{
	size_t len = 0, nlines;
	const char *record = text;

	if (strncmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3;
	for (*line = 1; *text != '\0' && len == 0; *line += nlines) {
		record = text;
		text = tw_csv_next(record, &len, &nlines);
	}
	if (len == 0) {
		fail("missing CSV header: %s: the first line must be "
		     "username,display_name,role,directorate,mobile,email,"
		     "lang,password",
		    path);
		return NULL;
	}
	return check_header(record, len, path) == 0 ? text : NULL;
}

/* Imports a CSV file; see the help of import. */
static int
cmd_import(struct admin *admin, const struct args *args)
{
	struct import im = { .args = args };
	const char *path = args->operands[0], *rows;
	char *text;
	FILE *out = NULL;
	size_t line;
	int status;

	if ((status = read_file(path, &text)) != 0)
		goto err;
	status = 1;
	if ((rows = skip_header(text, path, &line)) == NULL ||
	    (out = open_summary(args->summary)) == NULL)
		goto err;
	if ((status = open_database(admin)) != 0)
		goto err;
	im.db = admin->db;
	im.reasons = open_memstream(&im.reasons_text, &im.reasons_len);
	im.passwords = open_memstream(&im.passwords_text, &im.passwords_len);
	if (im.reasons == NULL || im.passwords == NULL) {
		status = fail("out of memory: %s: free some memory and try "
		              "again",
		    path);
		goto err;
	}
	import_rows(&im, rows, line);
	status = finish_import(&im, out);
	out = NULL;
err:
	if (im.reasons != NULL)
		fclose(im.reasons);
	if (im.passwords != NULL)
		fclose(im.passwords);
	free(im.reasons_text);
	free(im.passwords_text);
	if (out != NULL && out != stdout)
		fclose(out);
	free(text);
	return status;
}

int
main(int argc, char **argv)
{
	struct admin admin = { .config_path = getenv("TAWASUL_CONFIG") };
	const struct command *cmd;
	struct args args;
	int opt, status;

	tw_log_init(PROGRAM, 0);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:c:h", global_options, NULL)) !=
	    -1) {
		if (opt == 'c')
			admin.config_path = optarg;
		else if (opt == 'h') {
			print_help(stdout, NULL);
			return 0;
		} else
			return bad_option(NULL, argv, opt);
	}
	if (optind >= argc)
		return usage_error(NULL, "missing command", "");
	if ((cmd = find_command(argv[optind])) == NULL)
		return usage_error(NULL, "unknown command", argv[optind]);
	if ((status = parse_args(cmd, argc - optind, argv + optind, &args)) >=
	    0)
		return status;
	status = cmd->run(&admin, &args);
	tw_db_close(admin.db);
	tw_config_free(admin.config);
	return status;
}
