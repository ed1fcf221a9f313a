/*
 * polls.c: polls and questionnaires, their answers and their results.
 *
 * Administrators store a poll with its questions and choices in both
 * languages. Once a poll has a response, only its titles, closing time
 * and results flag may change, so every stored answer keeps the
 * question and choice it was given to.
 *
 * Each resident responds once. The browser's signed voter cookie, or
 * for polls that require it a mobile number confirmed by an SMS code,
 * is hashed into poll_responses.voter_hash, whose unique key makes a
 * second vote count once. Each poll also caps the responses from one
 * client address. A vote locks the poll's row, so the checks and the
 * insert of concurrent votes on one poll happen one after another.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "tawasul.h"

/* Asia/Muscat is UTC+4 and has no daylight saving time.
 * NOTE: the admin form's times use it even when Site.DisplayTimeZone
 * names another zone, as lib/figures.c and lib/qa.c do. */
#define MUSCAT_OFFSET (4 * 3600)

/* SMS codes: minutes a code is valid, wrong tries that kill it, and
 * codes sent per number, and per client address, for one poll in an
 * hour. */
#define CODE_MINUTES      10
#define CODE_TRIES        5
#define CODES_PER_MOBILE  3
#define CODES_PER_ADDRESS 10

/* Results charts: the height of one row (label and bar) and of a bar. */
#define ROW_HEIGHT 34
#define BAR_HEIGHT 14

enum poll_stmt {
	SQL_POLL,
	SQL_QUESTIONS,
	SQL_CHOICES,
	SQL_LIST_OPEN,
	SQL_LIST_ALL,
	SQL_INSERT_POLL,
	SQL_UPDATE_FULL,
	SQL_UPDATE_LOCKED,
	SQL_LOCK,
	SQL_DELETE_QUESTIONS,
	SQL_INSERT_QUESTION,
	SQL_INSERT_CHOICE,
	SQL_VOTED,
	SQL_ADDR_COUNT,
	SQL_INSERT_RESPONSE,
	SQL_INSERT_ANSWER,
	SQL_CODE_COUNTS,
	SQL_CODE_INSERT,
	SQL_CODE_LATEST,
	SQL_CODE_MISS,
	SQL_CODE_USE,
	SQL_RESULT_COUNTS,
	SQL_RESULT_ANSWERED,
	SQL_RESULT_TEXTS,
	SQL_RESPONSES,
	SQL_MAX
};

/* The state of a poll row: 0 upcoming, 1 open, 2 closed. */
#define POLL_STATE                                                             \
	" IF(p.opens_at > UTC_TIMESTAMP(), 0,"                                 \
	" IF(p.closes_at <= UTC_TIMESTAMP(), 2, 1)),"                          \
	" (SELECT COUNT(*) FROM poll_responses r WHERE r.poll_id = p.id)"

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_POLL] = {
	    "SELECT p.id, p.kind, p.title_ar, p.title_en,"
	    " DATE_FORMAT(p.opens_at, '%Y-%m-%d %H:%i:%s'),"
	    " DATE_FORMAT(p.closes_at, '%Y-%m-%d %H:%i:%s'),"
	    " p.show_results, p.require_mobile, p.max_per_address," POLL_STATE
	    " FROM polls p WHERE p.id = ?"},
	[SQL_QUESTIONS] = {
	    "SELECT id, kind, text_ar, text_en, required FROM poll_questions"
	    " WHERE poll_id = ? ORDER BY position"},
	[SQL_CHOICES] = {
	    "SELECT c.id, c.question_id, c.text_ar, c.text_en"
	    " FROM poll_choices c JOIN poll_questions q ON q.id = c.question_id"
	    " WHERE q.poll_id = ? ORDER BY q.position, c.position"},
	[SQL_LIST_OPEN] = {
	    "SELECT p.id, p.kind, p.title_ar, p.title_en,"
	    " DATE_FORMAT(p.opens_at, '%Y-%m-%d %H:%i:%s'),"
	    " DATE_FORMAT(p.closes_at, '%Y-%m-%d %H:%i:%s'),"
	    " p.require_mobile, p.show_results," POLL_STATE
	    " FROM polls p WHERE p.opens_at <= UTC_TIMESTAMP()"
	    " AND p.closes_at > UTC_TIMESTAMP() ORDER BY p.closes_at, p.id"
	    " LIMIT 100"},
	[SQL_LIST_ALL] = {
	    "SELECT p.id, p.kind, p.title_ar, p.title_en,"
	    " DATE_FORMAT(p.opens_at, '%Y-%m-%d %H:%i:%s'),"
	    " DATE_FORMAT(p.closes_at, '%Y-%m-%d %H:%i:%s'),"
	    " p.require_mobile, p.show_results," POLL_STATE
	    " FROM polls p ORDER BY p.id DESC LIMIT 200"},
	[SQL_INSERT_POLL] = {
	    "INSERT INTO polls (kind, title_ar, title_en, opens_at, closes_at,"
	    " show_results, require_mobile, max_per_address, created_by,"
	    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " UTC_TIMESTAMP(), UTC_TIMESTAMP())"},
	[SQL_UPDATE_FULL] = {
	    "UPDATE polls SET kind = ?, title_ar = ?, title_en = ?,"
	    " opens_at = ?, closes_at = ?, show_results = ?,"
	    " require_mobile = ?, max_per_address = ?,"
	    " updated_at = UTC_TIMESTAMP() WHERE id = ?"},
	[SQL_UPDATE_LOCKED] = {
	    "UPDATE polls SET title_ar = ?, title_en = ?, closes_at = ?,"
	    " show_results = ?, updated_at = UTC_TIMESTAMP() WHERE id = ?"},
	[SQL_LOCK] = {
	    "SELECT IF(opens_at > UTC_TIMESTAMP(), 0,"
	    " IF(closes_at <= UTC_TIMESTAMP(), 2, 1)),"
	    " (SELECT COUNT(*) FROM poll_responses WHERE poll_id = polls.id),"
	    " max_per_address, opens_at < ? FROM polls WHERE id = ? FOR UPDATE"},
	[SQL_DELETE_QUESTIONS] = {
	    "DELETE FROM poll_questions WHERE poll_id = ?"},
	[SQL_INSERT_QUESTION] = {
	    "INSERT INTO poll_questions (poll_id, position, kind, text_ar,"
	    " text_en, required) VALUES (?, ?, ?, ?, ?, ?)"},
	[SQL_INSERT_CHOICE] = {
	    "INSERT INTO poll_choices (question_id, position, text_ar, text_en)"
	    " VALUES (?, ?, ?, ?)"},
	[SQL_VOTED] = {
	    "SELECT COUNT(*) FROM poll_responses WHERE poll_id = ?"
	    " AND voter_hash = ?"},
	[SQL_ADDR_COUNT] = {
	    "SELECT COUNT(*) FROM poll_responses WHERE poll_id = ?"
	    " AND client_addr = ?"},
	[SQL_INSERT_RESPONSE] = {
	    "INSERT INTO poll_responses (poll_id, voter_hash, client_addr, lang,"
	    " created_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP())"},
	[SQL_INSERT_ANSWER] = {
	    "INSERT INTO poll_answers (response_id, question_id, choice_id,"
	    " scale, text) VALUES (?, ?, ?, ?, ?)"},
	[SQL_CODE_COUNTS] = {
	    "SELECT (SELECT COUNT(*) FROM poll_codes WHERE poll_id = ?"
	    " AND mobile = ? AND created_at > UTC_TIMESTAMP() - INTERVAL 1 HOUR),"
	    " (SELECT COUNT(*) FROM poll_codes WHERE poll_id = ?"
	    " AND client_addr = ?"
	    " AND created_at > UTC_TIMESTAMP() - INTERVAL 1 HOUR)"},
	[SQL_CODE_INSERT] = {
	    "INSERT INTO poll_codes (poll_id, mobile, code_hash, client_addr,"
	    " created_at, expires_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(),"
	    " UTC_TIMESTAMP() + INTERVAL ? MINUTE)"},
	[SQL_CODE_LATEST] = {
	    "SELECT id, code_hash, attempts < ? AND expires_at > UTC_TIMESTAMP()"
	    " AND used_at IS NULL FROM poll_codes WHERE poll_id = ?"
	    " AND mobile = ? ORDER BY id DESC LIMIT 1 FOR UPDATE"},
	[SQL_CODE_MISS] = {
	    "UPDATE poll_codes SET attempts = attempts + 1 WHERE id = ?"},
	[SQL_CODE_USE] = {
	    "UPDATE poll_codes SET used_at = UTC_TIMESTAMP()"
	    " WHERE id = ? AND used_at IS NULL"},
	[SQL_RESULT_COUNTS] = {
	    "SELECT a.question_id, IFNULL(a.choice_id, 0), IFNULL(a.scale, 0),"
	    " COUNT(*) FROM poll_answers a"
	    " JOIN poll_questions q ON q.id = a.question_id"
	    " WHERE q.poll_id = ? AND a.text IS NULL"
	    " GROUP BY a.question_id, a.choice_id, a.scale"},
	[SQL_RESULT_ANSWERED] = {
	    "SELECT a.question_id, COUNT(DISTINCT a.response_id)"
	    " FROM poll_answers a JOIN poll_questions q ON q.id = a.question_id"
	    " WHERE q.poll_id = ? GROUP BY a.question_id"},
	[SQL_RESULT_TEXTS] = {
	    "SELECT a.question_id, a.text FROM poll_answers a"
	    " JOIN poll_questions q ON q.id = a.question_id"
	    " WHERE q.poll_id = ? AND a.text IS NOT NULL ORDER BY a.id"},
	[SQL_RESPONSES] = {
	    "SELECT COUNT(*) FROM poll_responses WHERE poll_id = ?"},
};
/* clang-format on */

static const char *const kind_names[TW_POLL_KINDS] = { "single", "multiple",
	"scale", "text" };

static const char *const state_names[] = { "upcoming", "open", "closed" };

/* Returns the name of a question kind as stored. */
const char *
tw_poll_kind_name(enum tw_poll_kind kind)
{
	if (kind < 0 || kind >= TW_POLL_KINDS)
		return "unknown";
	return kind_names[kind];
}

/* Reads a question kind name. Returns TW_OK or TW_ERR_INPUT. */
enum tw_err
tw_poll_kind_parse(const char *name, enum tw_poll_kind *kind)
{
	for (int i = 0; name != NULL && i < TW_POLL_KINDS; i++)
		if (strcmp(name, kind_names[i]) == 0) {
			*kind = (enum tw_poll_kind)i;
			return TW_OK;
		}
	return TW_ERR_INPUT;
}

/* Returns the whole number of value in ASCII or other digits, or -1
 * when it is anything else or over 9 digits. */
static long long
parse_id(const char *value)
{
	char *ascii = tw_digits_ascii(value);
	long long n = -1;
	size_t len;

	if (ascii == NULL)
		return -1;
	len = strlen(ascii);
	if (len > 0 && len <= 9 && strspn(ascii, "0123456789") == len)
		n = atoll(ascii);
	free(ascii);
	return n;
}

/* Adds choice id to out unless it is there already. Returns
 * TW_POLL_NOT_CHOICE when q has no such choice. */
static enum tw_poll_problem
add_choice(const struct tw_poll_question *q, const char *value,
    struct tw_poll_answer *out)
{
	long long id = parse_id(value);
	size_t i;

	for (i = 0; i < q->nchoices; i++)
		if (q->choices[i].id == id)
			break;
	if (id <= 0 || i == q->nchoices)
		return TW_POLL_NOT_CHOICE;
	for (size_t j = 0; j < out->nchoices; j++)
		if (out->choices[j] == id)
			return TW_POLL_OK;
	out->choices[out->nchoices++] = id;
	return TW_POLL_OK;
}

/* Checks the one value of a scale or text question into out. */
static enum tw_poll_problem
check_single_value(const struct tw_poll_question *q, const char *value,
    struct tw_poll_answer *out)
{
	long long n;

	if (q->kind == TW_POLL_SCALE) {
		if ((n = parse_id(value)) < 0)
			return TW_POLL_NOT_CHOICE;
		if (n < 1 || n > 5)
			return TW_POLL_SCALE_RANGE;
		out->scale = (int)n;
		return TW_POLL_OK;
	}
	if ((out->text = tw_text_clean(value, 1)) == NULL)
		return TW_POLL_ENCODING;
	if (tw_utf8_chars(out->text) > TW_POLL_ANSWER_MAX)
		return TW_POLL_TOO_LONG;
	if (out->text[0] == '\0') {
		free(out->text);
		out->text = NULL;
	}
	return TW_POLL_OK;
}

/* Returns 1 when the answer has nothing in it. */
static int
answer_empty(const struct tw_poll_answer *a)
{
	return a->nchoices == 0 && a->scale == 0 && a->text == NULL;
}

/*
 * Validates the values posted for question q into out: choice ids of
 * the question (ASCII or Arabic-Indic digits), a scale value from 1 to
 * 5, or free text, which is cleaned and limited to TW_POLL_ANSWER_MAX
 * characters. Empty values count as none. Returns TW_POLL_OK, or the
 * first problem, in which case out is cleared. The caller frees out
 * with tw_poll_answer_clear either way.
 */
enum tw_poll_problem
tw_poll_check_answer(const struct tw_poll_question *q,
    const char *const *values, size_t nvalues, struct tw_poll_answer *out)
{
	enum tw_poll_problem problem = TW_POLL_OK;
	size_t given = 0;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < nvalues; i++) {
		if (values[i] == NULL || values[i][0] == '\0')
			continue;
		if (!tw_utf8_valid(values[i], strlen(values[i])))
			problem = TW_POLL_ENCODING;
		else if (++given > 1 && q->kind != TW_POLL_MULTIPLE)
			problem = TW_POLL_ONE_ONLY;
		else if (q->kind == TW_POLL_SINGLE ||
		    q->kind == TW_POLL_MULTIPLE)
			problem = add_choice(q, values[i], out);
		else
			problem = check_single_value(q, values[i], out);
		if (problem != TW_POLL_OK)
			break;
	}
	if (problem == TW_POLL_OK && q->required && answer_empty(out))
		problem = TW_POLL_MISSING;
	if (problem != TW_POLL_OK)
		tw_poll_answer_clear(out);
	return problem;
}

/* Frees the text of an answer and empties it. */
void
tw_poll_answer_clear(struct tw_poll_answer *a)
{
	free(a->text);
	memset(a, 0, sizeof *a);
}

/*
 * Computes the bar of row index of a results chart: width is the
 * chart's width for the largest count max, and a count above 0 gets at
 * least one unit so that it stays visible. The count's text follows the
 * bar.
 */
void
tw_poll_bar(size_t index, long long count, long long max, long width,
    struct tw_poll_bar *bar)
{
	bar->y = (long)index * ROW_HEIGHT;
	bar->bar_y = bar->y + ROW_HEIGHT - BAR_HEIGHT - 4;
	bar->width = 0;
	if (max > 0 && count > 0) {
		bar->width = (long)(count * width / max);
		if (bar->width < 1)
			bar->width = 1;
	}
	bar->text_x = bar->width + 6;
}

/* Writes count / total as a percentage with one decimal, or "0.0"
 * when total is 0. */
void
tw_poll_percent(long long count, long long total, char *out, size_t outsz)
{
	double share = total > 0 ? 100.0 * (double)count / (double)total : 0;

	snprintf(out, outsz, "%.1f", share);
}

/*
 * Converts a time in Asia/Muscat, "YYYY-MM-DDTHH:MM" as an HTML
 * datetime-local field sends it (or with a space for the T), into UTC
 * "YYYY-MM-DD HH:MM:SS". Returns TW_ERR_INPUT for anything else or an
 * impossible date.
 */
enum tw_err
tw_poll_time_utc(const char *local, char utc[20])
{
	struct tm tm, check;
	const char *end;
	time_t t;

	memset(&tm, 0, sizeof tm);
	if (local == NULL || strlen(local) != 16 ||
	    (local[10] != 'T' && local[10] != ' '))
		return TW_ERR_INPUT;
	for (size_t i = 0; i < 16; i++)
		if (i != 4 && i != 7 && i != 10 && i != 13 &&
		    (local[i] < '0' || local[i] > '9'))
			return TW_ERR_INPUT;
	if (local[4] != '-' || local[7] != '-' || local[13] != ':')
		return TW_ERR_INPUT;
	end = strptime(local,
	    local[10] == 'T' ? "%Y-%m-%dT%H:%M" : "%Y-%m-%d %H:%M", &tm);
	if (end == NULL || *end != '\0' || tm.tm_year < 100 || tm.tm_year > 200)
		return TW_ERR_INPUT;
	check = tm;
	t = timegm(&tm);
	/* timegm normalises 31 April into 1 May: such a date is invalid. */
	if (tm.tm_mday != check.tm_mday || tm.tm_mon != check.tm_mon ||
	    tm.tm_hour != check.tm_hour || tm.tm_min != check.tm_min)
		return TW_ERR_INPUT;
	t -= MUSCAT_OFFSET;
	gmtime_r(&t, &tm);
	strftime(utc, 20, "%Y-%m-%d %H:%M:%S", &tm);
	return TW_OK;
}

/* Writes a UTC time "YYYY-MM-DD HH:MM:SS" as "YYYY-MM-DDTHH:MM" in
 * Asia/Muscat, the value of a datetime-local field, or "" when the time
 * is unreadable. */
void
tw_poll_time_local(const char *utc, char out[17])
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof tm);
	out[0] = '\0';
	if (utc == NULL || strptime(utc, "%Y-%m-%d %H:%M:%S", &tm) == NULL)
		return;
	t = timegm(&tm) + MUSCAT_OFFSET;
	gmtime_r(&t, &tm);
	strftime(out, 17, "%Y-%m-%dT%H:%M", &tm);
}

/*
 * Splits text in place at line breaks into at most max lines, trimmed
 * of spaces, skipping empty ones. Returns the number of lines found,
 * which may exceed max. Only the first max lines are stored.
 */
size_t
tw_poll_split_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *line = strtok_r(text, "\r\n", &save); line != NULL;
	     line = strtok_r(NULL, "\r\n", &save)) {
		char *end;

		while (*line == ' ' || *line == '\t')
			line++;
		end = line + strlen(line);
		while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*line == '\0')
			continue;
		if (n < max)
			lines[n] = line;
		n++;
	}
	return n;
}

/*
 * Issues a voter cookie value "ID.MAC": 16 random bytes as base64url
 * and their HMAC under the site secret. Returns TW_OK or TW_ERR_IO.
 */
enum tw_err
tw_poll_voter_new(const char *secret, char out[TW_POLL_VOTER_LEN + 1])
{
	char id[23], mac[44];

	if (tw_random_token(id, sizeof id, 16) != TW_OK)
		return TW_ERR_IO;
	tw_hmac_token(secret, "poll-voter", id, mac, sizeof mac);
	snprintf(out, TW_POLL_VOTER_LEN + 1, "%.22s.%.43s", id, mac);
	return TW_OK;
}

/* Returns 1 with the voter hash, SHA-256 of "cookie:" and the ID, when
 * cookie is a voter cookie this secret signed. Returns 0 otherwise. */
int
tw_poll_voter_check(const char *secret, const char *cookie, char hash[65])
{
	char id[23], mac[44], data[40];

	if (cookie == NULL || strlen(cookie) != TW_POLL_VOTER_LEN ||
	    cookie[22] != '.')
		return 0;
	memcpy(id, cookie, 22);
	id[22] = '\0';
	tw_hmac_token(secret, "poll-voter", id, mac, sizeof mac);
	if (!tw_token_equal(mac, cookie + 23))
		return 0;
	snprintf(data, sizeof data, "cookie:%s", id);
	tw_sha256_hex(data, strlen(data), hash);
	return 1;
}

/*
 * Writes the voter hash of a confirmed mobile number: the HMAC-SHA256,
 * in hex, of "poll-mobile", a NUL and the number under the site secret.
 * A plain hash of a number could be reversed by hashing every number.
 */
void
tw_poll_mobile_hash(const char *secret, const char *mobile, char hash[65])
{
	static const char purpose[] = "poll-mobile";
	unsigned char msg[sizeof purpose + 32], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	size_t len = strnlen(mobile, 32);

	memcpy(msg, purpose, sizeof purpose);
	memcpy(msg + sizeof purpose, mobile, len);
	HMAC(EVP_sha256(), secret, (int)strlen(secret), msg,
	    sizeof purpose + len, mac, &maclen);
	for (unsigned int i = 0; i < maclen && i < 32; i++)
		snprintf(hash + 2 * i, 3, "%02x", mac[i]);
	hash[64] = '\0';
}

/* Makes a code of TW_POLL_CODE_LEN random digits, each uniform. */
enum tw_err
tw_poll_code_new(char code[TW_POLL_CODE_LEN + 1])
{
	unsigned char byte;
	size_t n = 0;

	while (n < TW_POLL_CODE_LEN) {
		if (RAND_bytes(&byte, 1) != 1)
			return TW_ERR_IO;
		if (byte >= 250)
			continue; /* 250 is the largest multiple of 10 */
		code[n++] = (char)('0' + byte % 10);
	}
	code[n] = '\0';
	return TW_OK;
}

/* Writes the stored form of a code: an HMAC of the poll, the number and
 * the code, so that the million codes cannot be tried offline. */
void
tw_poll_code_hash(const char *secret, long long poll_id, const char *mobile,
    const char *code, char out[44])
{
	char data[96];

	snprintf(data, sizeof data, "%lld:%s:%s", poll_id, mobile, code);
	tw_hmac_token(secret, "poll-code", data, out, 44);
}

/* Frees a poll and its strings. Accepts NULL. */
void
tw_poll_free(struct tw_poll *poll)
{
	if (poll == NULL)
		return;
	for (int l = 0; l < TW_LANG_MAX; l++)
		free(poll->title[l]);
	for (size_t i = 0; i < poll->nquestions; i++) {
		struct tw_poll_question *q = &poll->questions[i];

		for (int l = 0; l < TW_LANG_MAX; l++)
			free(q->text[l]);
		for (size_t c = 0; c < q->nchoices; c++)
			for (int l = 0; l < TW_LANG_MAX; l++)
				free(q->choices[c].text[l]);
	}
	tw_rows_free(poll->texts);
	free(poll);
}

/* Copies the two language columns at col and col + 1 of row r. */
static enum tw_err
copy_texts(const struct tw_rows *rows, size_t r, size_t col,
    char *text[TW_LANG_MAX])
{
	text[TW_LANG_AR] = strdup(tw_rows_get(rows, r, col));
	text[TW_LANG_EN] = strdup(tw_rows_get(rows, r, col + 1));
	return text[TW_LANG_AR] && text[TW_LANG_EN] ? TW_OK : TW_ERR_NOMEM;
}

/* Fills the poll's own columns from row 0 of SQL_POLL. */
static enum tw_err
read_poll_row(const struct tw_rows *rows, struct tw_poll *poll)
{
	poll->id = atoll(tw_rows_get(rows, 0, 0));
	poll->questionnaire =
	    strcmp(tw_rows_get(rows, 0, 1), "questionnaire") == 0;
	snprintf(poll->opens_at, sizeof poll->opens_at, "%s",
	    tw_rows_get(rows, 0, 4));
	snprintf(poll->closes_at, sizeof poll->closes_at, "%s",
	    tw_rows_get(rows, 0, 5));
	poll->show_results = atoi(tw_rows_get(rows, 0, 6));
	poll->require_mobile = atoi(tw_rows_get(rows, 0, 7));
	poll->max_per_address = atol(tw_rows_get(rows, 0, 8));
	poll->state = (enum tw_poll_state)atoi(tw_rows_get(rows, 0, 9));
	poll->responses = atoll(tw_rows_get(rows, 0, 10));
	return copy_texts(rows, 0, 2, poll->title);
}

/* Loads the questions of the poll. */
static enum tw_err
load_questions(struct tw_db *db, struct tw_poll *poll)
{
	struct tw_param p[] = { TW_P_INT(poll->id) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_QUESTIONS], p, 1, &rows)) !=
	    TW_OK)
		return err;
	for (size_t r = 0;
	     err == TW_OK && r < rows->nrows && r < TW_POLL_QUESTIONS_MAX;
	     r++) {
		struct tw_poll_question *q = &poll->questions[r];

		q->id = atoll(tw_rows_get(rows, r, 0));
		if (tw_poll_kind_parse(tw_rows_get(rows, r, 1), &q->kind) !=
		    TW_OK)
			q->kind = TW_POLL_TEXT;
		q->required = atoi(tw_rows_get(rows, r, 4));
		poll->nquestions++;
		err = copy_texts(rows, r, 2, q->text);
	}
	tw_rows_free(rows);
	return err;
}

/* Returns the question of poll with this id, or NULL. */
static struct tw_poll_question *
find_question(struct tw_poll *poll, long long id)
{
	for (size_t i = 0; i < poll->nquestions; i++)
		if (poll->questions[i].id == id)
			return &poll->questions[i];
	return NULL;
}

/* Loads the choices of the poll's questions. */
static enum tw_err
load_choices(struct tw_db *db, struct tw_poll *poll)
{
	struct tw_param p[] = { TW_P_INT(poll->id) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CHOICES], p, 1, &rows)) != TW_OK)
		return err;
	for (size_t r = 0; err == TW_OK && r < rows->nrows; r++) {
		struct tw_poll_question *q =
		    find_question(poll, atoll(tw_rows_get(rows, r, 1)));
		struct tw_poll_choice *c;

		if (q == NULL || q->nchoices == TW_POLL_CHOICES_MAX)
			continue;
		c = &q->choices[q->nchoices++];
		c->id = atoll(tw_rows_get(rows, r, 0));
		err = copy_texts(rows, r, 2, c->text);
	}
	tw_rows_free(rows);
	return err;
}

/*
 * Loads poll id with its questions, choices, state and number of
 * responses. Returns TW_OK with *out to free with tw_poll_free,
 * TW_ERR_NOTFOUND, TW_ERR_NOMEM or TW_ERR_DB.
 */
enum tw_err
tw_poll_load(struct tw_db *db, long long id, struct tw_poll **out)
{
	struct tw_param p[] = { TW_P_INT(id) };
	struct tw_poll *poll;
	struct tw_rows *rows;
	enum tw_err err;

	*out = NULL;
	if ((err = tw_db_query(db, &stmts[SQL_POLL], p, 1, &rows)) != TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	if ((poll = calloc(1, sizeof *poll)) == NULL) {
		tw_rows_free(rows);
		return TW_ERR_NOMEM;
	}
	err = read_poll_row(rows, poll);
	tw_rows_free(rows);
	if (err == TW_OK)
		err = load_questions(db, poll);
	if (err == TW_OK)
		err = load_choices(db, poll);
	if (err != TW_OK) {
		tw_poll_free(poll);
		return err;
	}
	*out = poll;
	return TW_OK;
}

/* Inserts the questions and choices of poll, which is stored. */
static enum tw_err
insert_questions(struct tw_db *db, const struct tw_poll *poll)
{
	unsigned long long qid;
	enum tw_err err = TW_OK;

	for (size_t i = 0; err == TW_OK && i < poll->nquestions; i++) {
		const struct tw_poll_question *q = &poll->questions[i];
		struct tw_param p[] = { TW_P_INT(poll->id),
			TW_P_INT((long long)i + 1),
			TW_P_STR(tw_poll_kind_name(q->kind)),
			TW_P_STR(q->text[TW_LANG_AR]),
			TW_P_STR(q->text[TW_LANG_EN]), TW_P_INT(q->required) };

		err = tw_db_exec(db, &stmts[SQL_INSERT_QUESTION], p, 6, &qid);
		for (size_t c = 0; err == TW_OK && c < q->nchoices; c++) {
			struct tw_param cp[] = { TW_P_INT((long long)qid),
				TW_P_INT((long long)c + 1),
				TW_P_STR(q->choices[c].text[TW_LANG_AR]),
				TW_P_STR(q->choices[c].text[TW_LANG_EN]) };

			err = tw_db_exec(db, &stmts[SQL_INSERT_CHOICE], cp, 4,
			    NULL);
		}
	}
	return err;
}

/* Inserts a new poll and sets poll->id. */
static enum tw_err
insert_poll(struct tw_db *db, struct tw_poll *poll, long long staff_id)
{
	unsigned long long id;
	struct tw_param p[] = { TW_P_STR(poll->questionnaire ? "questionnaire"
		                                             : "poll"),
		TW_P_STR(poll->title[TW_LANG_AR]),
		TW_P_STR(poll->title[TW_LANG_EN]), TW_P_STR(poll->opens_at),
		TW_P_STR(poll->closes_at), TW_P_INT(poll->show_results),
		TW_P_INT(poll->require_mobile), TW_P_INT(poll->max_per_address),
		TW_P_INT(staff_id) };
	enum tw_err err;

	if ((err = tw_db_exec(db, &stmts[SQL_INSERT_POLL], p, 9, &id)) != TW_OK)
		return err;
	poll->id = (long long)id;
	return insert_questions(db, poll);
}

/* Replaces everything of a stored poll without responses. */
static enum tw_err
replace_poll(struct tw_db *db, const struct tw_poll *poll)
{
	struct tw_param p[] = { TW_P_STR(poll->questionnaire ? "questionnaire"
		                                             : "poll"),
		TW_P_STR(poll->title[TW_LANG_AR]),
		TW_P_STR(poll->title[TW_LANG_EN]), TW_P_STR(poll->opens_at),
		TW_P_STR(poll->closes_at), TW_P_INT(poll->show_results),
		TW_P_INT(poll->require_mobile), TW_P_INT(poll->max_per_address),
		TW_P_INT(poll->id) };
	struct tw_param d[] = { TW_P_INT(poll->id) };
	enum tw_err err;

	if ((err = tw_db_exec(db, &stmts[SQL_UPDATE_FULL], p, 9, NULL)) !=
	    TW_OK)
		return err;
	if ((err = tw_db_exec(db, &stmts[SQL_DELETE_QUESTIONS], d, 1, NULL)) !=
	    TW_OK)
		return err;
	return insert_questions(db, poll);
}

/* Changes what may change once a poll has responses. */
static enum tw_err
update_locked(struct tw_db *db, const struct tw_poll *poll)
{
	struct tw_param p[] = { TW_P_STR(poll->title[TW_LANG_AR]),
		TW_P_STR(poll->title[TW_LANG_EN]), TW_P_STR(poll->closes_at),
		TW_P_INT(poll->show_results), TW_P_INT(poll->id) };

	return tw_db_exec(db, &stmts[SQL_UPDATE_LOCKED], p, 5, NULL);
}

/* Locks poll id's row and reads its state and response count. For the
 * full edit, also reads whether it opens before the time `closes`. */
static enum tw_err
lock_poll(struct tw_db *db, long long id, const char *closes, int *state,
    long long *responses, long *max_per_address, int *opens_before)
{
	struct tw_param p[] = { TW_P_STR(closes ? closes : ""), TW_P_INT(id) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_LOCK], p, 2, &rows)) != TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	*state = atoi(tw_rows_get(rows, 0, 0));
	*responses = atoll(tw_rows_get(rows, 0, 1));
	*max_per_address = atol(tw_rows_get(rows, 0, 2));
	*opens_before = tw_rows_get(rows, 0, 3) != NULL &&
	    atoi(tw_rows_get(rows, 0, 3));
	tw_rows_free(rows);
	return TW_OK;
}

/*
 * Stores a validated poll in one transaction. A poll with id 0 is
 * inserted and gets its id. For a stored poll, full is 1 to replace
 * everything, questions and choices too, which is allowed only while
 * it has no response, and 0 to change only the titles, the closing
 * time and the results flag. Returns TW_OK, TW_ERR_NOTFOUND or
 * TW_ERR_DB. Returns TW_ERR_CONFLICT for a full edit of a poll that has
 * responses, or for a limited edit whose closing time is not after the
 * stored opening time. Nothing is stored unless it returns TW_OK.
 */
enum tw_err
tw_poll_save(struct tw_db *db, struct tw_poll *poll, long long staff_id,
    int full)
{
	long long responses = 0;
	long max_addr;
	int state, opens_before;
	enum tw_err err;

	if ((err = tw_db_begin(db)) != TW_OK)
		return err;
	if (poll->id == 0)
		err = insert_poll(db, poll, staff_id);
	else {
		err = lock_poll(db, poll->id, poll->closes_at, &state,
		    &responses, &max_addr, &opens_before);
		if (err == TW_OK && full && responses > 0)
			err = TW_ERR_CONFLICT;
		else if (err == TW_OK && !full && !opens_before)
			err = TW_ERR_CONFLICT;
		else if (err == TW_OK)
			err = full ? replace_poll(db, poll)
			           : update_locked(db, poll);
	}
	if (err == TW_OK)
		return tw_db_commit(db);
	tw_db_rollback(db);
	if (poll->id != 0 && err != TW_ERR_CONFLICT && err != TW_ERR_NOTFOUND)
		tw_log_error("poll %lld not saved: %s", poll->id,
		    tw_strerror(err));
	return err;
}

/* Sets the display of a UTC time under key of node. */
static void
set_time(HDF *hdf, const char *key, const char *utc, const char *tz)
{
	char local[32];

	tw_time_display(utc, tz, local, sizeof local);
	hdf_set_value(hdf, key, local);
}

/*
 * Fills Polls.N.* (Id, Kind, Title, Opens, Closes, Mobile, Results,
 * State, Responses) with the open polls, or with every poll for staff
 * when open_only is 0, newest first.
 */
enum tw_err
tw_poll_list(struct tw_db *db, int open_only, enum tw_lang lang, const char *tz,
    HDF *out)
{
	struct tw_rows *rows;
	enum tw_err err;
	HDF *node;

	err = tw_db_query(db, &stmts[open_only ? SQL_LIST_OPEN : SQL_LIST_ALL],
	    NULL, 0, &rows);
	if (err != TW_OK)
		return err;
	for (size_t r = 0; r < rows->nrows; r++) {
		int state = atoi(tw_rows_get(rows, r, 8));

		char key[32];

		hdf_set_valuef(out, "Polls.%zu.Id=%s", r,
		    tw_rows_get(rows, r, 0));
		hdf_set_valuef(out, "Polls.%zu.Kind=%s", r,
		    tw_rows_get(rows, r, 1));
		hdf_set_valuef(out, "Polls.%zu.Title=%s", r,
		    tw_rows_get(rows, r, lang == TW_LANG_AR ? 2 : 3));
		hdf_set_valuef(out, "Polls.%zu.Mobile=%s", r,
		    tw_rows_get(rows, r, 6));
		hdf_set_valuef(out, "Polls.%zu.Results=%s", r,
		    tw_rows_get(rows, r, 7));
		hdf_set_valuef(out, "Polls.%zu.State=%s", r,
		    state_names[state >= 0 && state <= 2 ? state : 2]);
		hdf_set_valuef(out, "Polls.%zu.Responses=%s", r,
		    tw_rows_get(rows, r, 9));
		snprintf(key, sizeof key, "Polls.%zu", r);
		if ((node = hdf_get_obj(out, key)) == NULL)
			break;
		set_time(node, "Opens", tw_rows_get(rows, r, 4), tz);
		set_time(node, "Closes", tw_rows_get(rows, r, 5), tz);
	}
	tw_rows_free(rows);
	return TW_OK;
}

/* Fills Poll.Questions.N.* of question q. */
static void
fill_question(HDF *out, size_t n, const struct tw_poll_question *q,
    enum tw_lang lang)
{
	hdf_set_valuef(out, "Poll.Questions.%zu.Id=%lld", n, q->id);
	hdf_set_valuef(out, "Poll.Questions.%zu.Number=%zu", n, n + 1);
	hdf_set_valuef(out, "Poll.Questions.%zu.Kind=%s", n,
	    tw_poll_kind_name(q->kind));
	hdf_set_valuef(out, "Poll.Questions.%zu.Required=%d", n, q->required);
	hdf_set_valuef(out, "Poll.Questions.%zu.Text=%s", n, q->text[lang]);
	hdf_set_valuef(out, "Poll.Questions.%zu.TextAr=%s", n,
	    q->text[TW_LANG_AR]);
	hdf_set_valuef(out, "Poll.Questions.%zu.TextEn=%s", n,
	    q->text[TW_LANG_EN]);
	for (size_t c = 0; c < q->nchoices; c++) {
		const struct tw_poll_choice *ch = &q->choices[c];

		hdf_set_valuef(out, "Poll.Questions.%zu.Choices.%zu.Id=%lld", n,
		    c, ch->id);
		hdf_set_valuef(out, "Poll.Questions.%zu.Choices.%zu.Text=%s", n,
		    c, ch->text[lang]);
		hdf_set_valuef(out, "Poll.Questions.%zu.Choices.%zu.TextAr=%s",
		    n, c, ch->text[TW_LANG_AR]);
		hdf_set_valuef(out, "Poll.Questions.%zu.Choices.%zu.TextEn=%s",
		    n, c, ch->text[TW_LANG_EN]);
	}
}

/*
 * Fills Poll.* with the poll in lang: Id, Kind, Title (and TitleAr,
 * TitleEn), Opens and Closes in tz, State, ShowResults, RequireMobile,
 * MaxPerAddress, Responses, Locked (1 once it has responses) and
 * Questions.N.* with their Choices.M.*.
 */
void
tw_poll_fill(const struct tw_poll *poll, enum tw_lang lang, const char *tz,
    HDF *out)
{
	HDF *node;

	hdf_set_valuef(out, "Poll.Id=%lld", poll->id);
	hdf_set_value(out, "Poll.Kind",
	    poll->questionnaire ? "questionnaire" : "poll");
	hdf_set_value(out, "Poll.Title", poll->title[lang]);
	hdf_set_value(out, "Poll.TitleAr", poll->title[TW_LANG_AR]);
	hdf_set_value(out, "Poll.TitleEn", poll->title[TW_LANG_EN]);
	hdf_set_value(out, "Poll.State", state_names[poll->state]);
	hdf_set_valuef(out, "Poll.ShowResults=%d", poll->show_results);
	hdf_set_valuef(out, "Poll.RequireMobile=%d", poll->require_mobile);
	hdf_set_valuef(out, "Poll.MaxPerAddress=%ld", poll->max_per_address);
	hdf_set_valuef(out, "Poll.Responses=%lld", poll->responses);
	hdf_set_valuef(out, "Poll.Locked=%d", poll->responses > 0);
	if (hdf_get_node(out, "Poll", &node) == STATUS_OK) {
		set_time(node, "Opens", poll->opens_at, tz);
		set_time(node, "Closes", poll->closes_at, tz);
	}
	for (size_t i = 0; i < poll->nquestions; i++)
		fill_question(out, i, &poll->questions[i], lang);
}

/* Sets *voted to 1 when voter_hash has answered poll_id. */
enum tw_err
tw_poll_voted(struct tw_db *db, long long poll_id, const char *voter_hash,
    int *voted)
{
	struct tw_param p[] = { TW_P_INT(poll_id), TW_P_STR(voter_hash) };
	struct tw_rows *rows;
	enum tw_err err;

	*voted = 0;
	if ((err = tw_db_query(db, &stmts[SQL_VOTED], p, 2, &rows)) != TW_OK)
		return err;
	*voted = rows->nrows == 1 && atoll(tw_rows_get(rows, 0, 0)) > 0;
	tw_rows_free(rows);
	return TW_OK;
}

/* Returns 1 when the codes sent for this poll in the last hour reach
 * the limit of the number or of the address, or -1 on a database
 * error. */
static int
codes_throttled(struct tw_db *db, long long poll_id, const char *mobile,
    const char *addr)
{
	struct tw_param p[] = { TW_P_INT(poll_id), TW_P_STR(mobile),
		TW_P_INT(poll_id), TW_P_STR(addr) };
	struct tw_rows *rows;
	int throttled;

	if (tw_db_query(db, &stmts[SQL_CODE_COUNTS], p, 4, &rows) != TW_OK)
		return -1;
	throttled = atoll(tw_rows_get(rows, 0, 0)) >= CODES_PER_MOBILE ||
	    atoll(tw_rows_get(rows, 0, 1)) >= CODES_PER_ADDRESS;
	tw_rows_free(rows);
	return throttled;
}

/* Stores a new code for mobile and queues its SMS, in the caller's
 * transaction. A number that has answered gets the text
 * Sms.PollAnswered instead of the code, and its code row still counts
 * towards the hourly limits. */
static enum tw_err
store_code(struct tw_db *db, HDF *strings, const struct tw_poll *poll,
    const char *mobile, const char *addr, enum tw_lang lang, int voted)
{
	const struct tw_config *cfg = tw_db_config(db);
	char code[TW_POLL_CODE_LEN + 1], hash[44], minutes[8];
	char *with_code, *body;
	enum tw_err err;

	if ((err = tw_poll_code_new(code)) != TW_OK)
		return err;
	tw_poll_code_hash(cfg->secret, poll->id, mobile, code, hash);
	struct tw_param p[] = { TW_P_INT(poll->id), TW_P_STR(mobile),
		TW_P_STR(hash), TW_P_STR(addr), TW_P_INT(CODE_MINUTES) };
	if ((err = tw_db_exec(db, &stmts[SQL_CODE_INSERT], p, 5, NULL)) !=
	    TW_OK)
		return err;
	snprintf(minutes, sizeof minutes, "%d", CODE_MINUTES);
	with_code =
	    tw_str_replace(tw_string(strings,
	                       voted ? "Sms.PollAnswered" : "Sms.PollCode"),
	        "{code}", code);
	body = with_code ? tw_str_replace(with_code, "{minutes}", minutes)
	                 : NULL;
	struct tw_sms sms = { 0, 0, mobile, lang, "poll_code", body };
	err = body != NULL ? tw_sms_queue(db, &sms) : TW_ERR_NOMEM;
	free(with_code);
	free(body);
	return err;
}

/*
 * Sends an SMS code that confirms mobile (E.164) for a poll that
 * requires one: the code is stored as an HMAC and queued in the outbox
 * in one transaction, in lang with the text L.Sms.PollCode of strings.
 * A number that has answered the poll gets L.Sms.PollAnswered instead,
 * under the same limits and with the same result, so that the result
 * does not reveal to a stranger whether a number has voted.
 * Returns TW_OK or TW_ERR_DB. Returns TW_ERR_CONFLICT when the poll is
 * not open or needs no mobile, and TW_ERR_THROTTLED after
 * CODES_PER_MOBILE codes to the number or CODES_PER_ADDRESS to the
 * address in an hour.
 */
enum tw_err
tw_poll_code_send(struct tw_db *db, HDF *strings, const struct tw_poll *poll,
    const char *mobile, const char *addr, enum tw_lang lang)
{
	char voter[65];
	int voted, throttled;
	enum tw_err err;

	if (poll->state != TW_POLL_OPEN || !poll->require_mobile)
		return TW_ERR_CONFLICT;
	if ((throttled = codes_throttled(db, poll->id, mobile, addr)) != 0)
		return throttled < 0 ? TW_ERR_DB : TW_ERR_THROTTLED;
	tw_poll_mobile_hash(tw_db_config(db)->secret, mobile, voter);
	if ((err = tw_poll_voted(db, poll->id, voter, &voted)) != TW_OK)
		return err;
	if ((err = tw_db_begin(db)) != TW_OK)
		return err;
	err = store_code(db, strings, poll, mobile, addr, lang, voted);
	if (err == TW_OK)
		return tw_db_commit(db);
	tw_db_rollback(db);
	return err;
}

/*
 * Checks the vote's code against the newest code of its number, in the
 * caller's transaction, and marks it used. Returns TW_OK, or
 * TW_ERR_NOTFOUND when the number has no live code (none, expired,
 * used or tried CODE_TRIES times). Returns TW_ERR_FORBIDDEN for a wrong
 * code, with *miss set to the row to count the try on.
 */
static enum tw_err
use_code(struct tw_db *db, long long poll_id, const struct tw_poll_vote *v,
    long long *miss)
{
	const struct tw_config *cfg = tw_db_config(db);
	struct tw_param p[] = { TW_P_INT(CODE_TRIES), TW_P_INT(poll_id),
		TW_P_STR(v->mobile) };
	struct tw_rows *rows;
	char hash[44];
	long long id;
	enum tw_err err;

	*miss = 0;
	if ((err = tw_db_query(db, &stmts[SQL_CODE_LATEST], p, 3, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1 || atoi(tw_rows_get(rows, 0, 2)) != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	id = atoll(tw_rows_get(rows, 0, 0));
	tw_poll_code_hash(cfg->secret, poll_id, v->mobile,
	    v->code ? v->code : "", hash);
	err = tw_token_equal(hash, tw_rows_get(rows, 0, 1)) ? TW_OK
	                                                    : TW_ERR_FORBIDDEN;
	tw_rows_free(rows);
	if (err == TW_ERR_FORBIDDEN) {
		*miss = id;
		return err;
	}
	struct tw_param u[] = { TW_P_INT(id) };
	return tw_db_exec(db, &stmts[SQL_CODE_USE], u, 1, NULL);
}

/* Inserts the rows of one answer of a response. */
static enum tw_err
insert_answer(struct tw_db *db, unsigned long long response_id,
    const struct tw_poll_question *q, const struct tw_poll_answer *a)
{
	enum tw_err err = TW_OK;

	for (size_t c = 0; err == TW_OK && c < a->nchoices; c++) {
		struct tw_param p[] = { TW_P_INT((long long)response_id),
			TW_P_INT(q->id), TW_P_INT(a->choices[c]), TW_P_NULL,
			TW_P_NULL };

		err = tw_db_exec(db, &stmts[SQL_INSERT_ANSWER], p, 5, NULL);
	}
	if (err == TW_OK && (a->scale > 0 || a->text != NULL)) {
		struct tw_param p[] = { TW_P_INT((long long)response_id),
			TW_P_INT(q->id), TW_P_NULL,
			a->scale > 0 ? TW_P_INT(a->scale) : TW_P_NULL,
			TW_P_STR(a->text) };

		err = tw_db_exec(db, &stmts[SQL_INSERT_ANSWER], p, 5, NULL);
	}
	return err;
}

/* Inserts the response and its answers. */
static enum tw_err
insert_response(struct tw_db *db, const struct tw_poll *poll,
    const struct tw_poll_vote *v)
{
	struct tw_param p[] = { TW_P_INT(poll->id), TW_P_STR(v->voter_hash),
		TW_P_STR(v->addr), TW_P_STR(tw_lang_code(v->lang)) };
	unsigned long long id;
	enum tw_err err;

	if ((err = tw_db_exec(db, &stmts[SQL_INSERT_RESPONSE], p, 4, &id)) !=
	    TW_OK)
		return err;
	for (size_t i = 0; err == TW_OK && i < poll->nquestions; i++)
		err =
		    insert_answer(db, id, &poll->questions[i], &v->answers[i]);
	return err;
}

/* Returns the responses of poll_id from addr, or -1 on an error. */
static long long
address_count(struct tw_db *db, long long poll_id, const char *addr)
{
	struct tw_param p[] = { TW_P_INT(poll_id), TW_P_STR(addr) };
	struct tw_rows *rows;
	long long n;

	if (tw_db_query(db, &stmts[SQL_ADDR_COUNT], p, 2, &rows) != TW_OK)
		return -1;
	n = atoll(tw_rows_get(rows, 0, 0));
	tw_rows_free(rows);
	return n;
}

/* The checks and writes of tw_poll_vote inside its transaction. */
static enum tw_err
vote_locked(struct tw_db *db, const struct tw_poll *poll,
    const struct tw_poll_vote *v, long long *miss)
{
	long long responses, from_addr;
	long max_addr;
	int state, voted, ignored;
	enum tw_err err;

	err = lock_poll(db, poll->id, NULL, &state, &responses, &max_addr,
	    &ignored);
	if (err != TW_OK)
		return err;
	if (state != TW_POLL_OPEN)
		return TW_ERR_CONFLICT;
	/* The code comes first: only the holder of the number learns
	 * that it has answered. */
	if (poll->require_mobile &&
	    (err = use_code(db, poll->id, v, miss)) != TW_OK)
		return err;
	if ((err = tw_poll_voted(db, poll->id, v->voter_hash, &voted)) != TW_OK)
		return err;
	if (voted)
		return TW_ERR_DUPLICATE;
	if ((from_addr = address_count(db, poll->id, v->addr)) < 0)
		return TW_ERR_DB;
	if (from_addr >= max_addr)
		return TW_ERR_THROTTLED;
	return insert_response(db, poll, v);
}

/*
 * Records one response with its validated answers (one per question of
 * poll, as loaded) in one transaction that locks the poll's row.
 * Returns TW_OK, TW_ERR_DB, or TW_ERR_CONFLICT when the poll is not
 * open. For polls that require a mobile, it checks the code before
 * anything else and returns TW_ERR_NOTFOUND when the number has no live
 * code, or TW_ERR_FORBIDDEN for a wrong code, whose try is counted.
 * Returns TW_ERR_DUPLICATE when this voter has responded, and
 * TW_ERR_THROTTLED when the address has max_per_address responses.
 * Nothing else is stored unless it returns TW_OK.
 */
enum tw_err
tw_poll_vote(struct tw_db *db, const struct tw_poll *poll,
    const struct tw_poll_vote *v)
{
	long long miss = 0;
	enum tw_err err;

	if ((err = tw_db_begin(db)) != TW_OK)
		return err;
	err = vote_locked(db, poll, v, &miss);
	if (err == TW_OK)
		return tw_db_commit(db);
	tw_db_rollback(db);
	if (miss > 0) {
		/* The wrong try is counted apart from the vote, which is
		 * not stored. */
		struct tw_param p[] = { TW_P_INT(miss) };
		enum tw_err counted =
		    tw_db_exec(db, &stmts[SQL_CODE_MISS], p, 1, NULL);

		if (counted != TW_OK)
			return counted;
	}
	return err;
}

/* Adds the count of one SQL_RESULT_COUNTS row to its question. */
static void
add_count(struct tw_poll *poll, const struct tw_rows *rows, size_t r)
{
	struct tw_poll_question *q =
	    find_question(poll, atoll(tw_rows_get(rows, r, 0)));
	long long choice = atoll(tw_rows_get(rows, r, 1));
	long scale = atol(tw_rows_get(rows, r, 2));
	long long n = atoll(tw_rows_get(rows, r, 3));

	if (q == NULL)
		return;
	if (scale >= 1 && scale <= 5)
		q->scale[scale - 1] += n;
	for (size_t c = 0; c < q->nchoices; c++)
		if (q->choices[c].id == choice)
			q->choices[c].count += n;
}

/*
 * Loads the results of a loaded poll: the number of responses, which
 * includes any stored since the poll was loaded, per choice and scale
 * value the responses that chose it, per question the responses that
 * answered it, and the free texts in poll->texts. Returns TW_OK or
 * TW_ERR_DB.
 */
enum tw_err
tw_poll_results_load(struct tw_db *db, struct tw_poll *poll)
{
	struct tw_param p[] = { TW_P_INT(poll->id) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_RESPONSES], p, 1, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows == 1)
		poll->responses = atoll(tw_rows_get(rows, 0, 0));
	tw_rows_free(rows);
	if ((err = tw_db_query(db, &stmts[SQL_RESULT_COUNTS], p, 1, &rows)) !=
	    TW_OK)
		return err;
	for (size_t r = 0; r < rows->nrows; r++)
		add_count(poll, rows, r);
	tw_rows_free(rows);
	if ((err = tw_db_query(db, &stmts[SQL_RESULT_ANSWERED], p, 1, &rows)) !=
	    TW_OK)
		return err;
	for (size_t r = 0; r < rows->nrows; r++) {
		struct tw_poll_question *q =
		    find_question(poll, atoll(tw_rows_get(rows, r, 0)));

		if (q != NULL)
			q->answered = atoll(tw_rows_get(rows, r, 1));
	}
	tw_rows_free(rows);
	tw_rows_free(poll->texts);
	poll->texts = NULL;
	return tw_db_query(db, &stmts[SQL_RESULT_TEXTS], p, 1, &poll->texts);
}

/* Fills one bar of a results chart under prefix. */
static void
fill_bar(HDF *out, const char *prefix, size_t index, long long count,
    long long max, long long total)
{
	struct tw_poll_bar bar;
	char percent[16];

	tw_poll_bar(index, count, max, TW_POLL_CHART_WIDTH, &bar);
	tw_poll_percent(count, total, percent, sizeof percent);
	hdf_set_valuef(out, "%s.Count=%lld", prefix, count);
	hdf_set_valuef(out, "%s.Percent=%s", prefix, percent);
	hdf_set_valuef(out, "%s.Y=%ld", prefix, bar.y + 12);
	hdf_set_valuef(out, "%s.BarY=%ld", prefix, bar.bar_y);
	hdf_set_valuef(out, "%s.Width=%ld", prefix, bar.width);
	hdf_set_valuef(out, "%s.TextX=%ld", prefix, bar.text_x);
	hdf_set_valuef(out, "%s.TextY=%ld", prefix, bar.bar_y + BAR_HEIGHT - 2);
}

/* Fills the results of question n: bars per choice or scale value. */
static void
fill_question_results(HDF *out, size_t n, const struct tw_poll_question *q)
{
	char prefix[96];
	long long max = 0, sum = 0;
	size_t rows = q->kind == TW_POLL_SCALE ? 5 : q->nchoices;

	for (size_t c = 0; c < rows; c++) {
		long long v = q->kind == TW_POLL_SCALE ? q->scale[c]
		                                       : q->choices[c].count;
		if (v > max)
			max = v;
		sum += v * (long long)(c + 1);
	}
	hdf_set_valuef(out, "Poll.Questions.%zu.Answered=%lld", n, q->answered);
	hdf_set_valuef(out, "Poll.Questions.%zu.ChartHeight=%zu", n,
	    rows * ROW_HEIGHT + 4);
	for (size_t c = 0; c < rows; c++) {
		if (q->kind == TW_POLL_SCALE) {
			snprintf(prefix, sizeof prefix,
			    "Poll.Questions.%zu.Scale.%zu", n, c);
			hdf_set_valuef(out, "%s.Value=%zu", prefix, c + 1);
			fill_bar(out, prefix, c, q->scale[c], max, q->answered);
		} else {
			snprintf(prefix, sizeof prefix,
			    "Poll.Questions.%zu.Choices.%zu", n, c);
			fill_bar(out, prefix, c, q->choices[c].count, max,
			    q->answered);
		}
	}
	if (q->kind == TW_POLL_SCALE && q->answered > 0)
		hdf_set_valuef(out, "Poll.Questions.%zu.Average=%.2f", n,
		    (double)sum / (double)q->answered);
}

/*
 * Fills the results of a poll whose results are loaded, beside what
 * tw_poll_fill wrote: per question Answered, ChartHeight, per choice or
 * Scale.V Count, Percent (of the question's answers) and the bar's Y,
 * BarY, Width, TextX and TextY. Also fills Average of a scale and, with
 * texts, the free answers as Texts.K. Poll.ChartWidth is the width of a
 * full bar.
 */
void
tw_poll_results_fill(const struct tw_poll *poll, int texts, HDF *out)
{
	size_t shown[TW_POLL_QUESTIONS_MAX] = { 0 };

	hdf_set_valuef(out, "Poll.ChartWidth=%d", TW_POLL_CHART_WIDTH);
	for (size_t i = 0; i < poll->nquestions; i++)
		fill_question_results(out, i, &poll->questions[i]);
	for (size_t r = 0; texts && poll->texts && r < poll->texts->nrows;
	     r++) {
		long long id = atoll(tw_rows_get(poll->texts, r, 0));

		for (size_t i = 0; i < poll->nquestions; i++)
			if (poll->questions[i].id == id)
				hdf_set_valuef(out,
				    "Poll.Questions.%zu.Texts.%zu=%s", i,
				    shown[i]++, tw_rows_get(poll->texts, r, 1));
	}
}
