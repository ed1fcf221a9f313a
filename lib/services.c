/*
 * services.c: the service directory. Each service describes how to apply
 * for it in Arabic and English. tw_service_send sends a resident the link
 * to a procedure page by SMS and the whole procedure by e-mail, for agents
 * in the intranet and for the IVR alike.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tawasul.h"

enum services_stmt {
	SQL_PROCEDURE,
	SQL_BROWSE,
	SQL_SEARCH_FULLTEXT,
	SQL_SEARCH_LIKE,
	SQL_PAGE,
	SQL_FORM,
	SQL_LOCK,
	SQL_IVR_TAKEN,
	SQL_INSERT,
	SQL_UPDATE,
	SQL_HISTORY_ADD,
	SQL_HISTORY,
	SQL_CASE,
	SQL_SENT,
	SQL_MAX
};

/* The columns of SQL_PROCEDURE, in the order of enum procedure_col. */
enum procedure_col {
	COL_ID,
	COL_NAME,
	COL_DESCRIPTION,
	COL_STEPS,
	COL_DOCUMENTS,
	COL_FEES,
	COL_DURATION,
	COL_WHERE,
	COL_MAX
};

/* The four searched columns as one text, with the Arabic letters that
 * people type either way made one: hamza forms of alef as alef, taa
 * marbuta as haa, alef maksura as yaa (fold_arabic does the same to the
 * terms). */
#define SEARCH_TEXT                                                            \
	"REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(CONCAT_WS(' ', s.name_ar,"    \
	" s.name_en, s.description_ar, s.description_en),"                     \
	" '\xd8\xa3', '\xd8\xa7'), '\xd8\xa5', '\xd8\xa7'),"                   \
	" '\xd8\xa2', '\xd8\xa7'), '\xd8\xa9', '\xd9\x87'),"                   \
	" '\xd9\x89', '\xd9\x8a')"

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_PROCEDURE] = {
	    "SELECT id, IF(? = 1, name_ar, name_en),"
	    " IF(? = 1, description_ar, description_en),"
	    " IF(? = 1, steps_ar, steps_en),"
	    " IF(? = 1, documents_ar, documents_en),"
	    " IF(? = 1, fees_ar, fees_en),"
	    " IF(? = 1, duration_ar, duration_en),"
	    " IF(? = 1, where_ar, where_en)"
	    " FROM services WHERE code = ? AND active = 1"},
	[SQL_BROWSE] = {
	    "SELECT s.code, IF(? = 1, s.name_ar, s.name_en), s.requestable,"
	    " s.active, d.code, IF(? = 1, d.name_ar, d.name_en)"
	    " FROM services s JOIN directorates d ON d.id = s.directorate_id"
	    " WHERE (s.active = 1 OR ? = 1) AND (? IS NULL OR d.code = ?)"
	    " ORDER BY d.sort, d.id, 2"},
	/* Each term is one "+(word* الword*)" group of the boolean mode. */
	[SQL_SEARCH_FULLTEXT] = {
	    "SELECT s.code, IF(? = 1, s.name_ar, s.name_en),"
	    " IF(? = 1, s.description_ar, s.description_en),"
	    " s.requestable, s.active, d.code,"
	    " IF(? = 1, d.name_ar, d.name_en)"
	    " FROM services s JOIN directorates d ON d.id = s.directorate_id"
	    " WHERE (s.active = 1 OR ? = 1) AND MATCH (s.name_ar, s.name_en,"
	    " s.description_ar, s.description_en) AGAINST (? IN BOOLEAN MODE)"
	    " ORDER BY MATCH (s.name_ar, s.name_en, s.description_ar,"
	    " s.description_en) AGAINST (? IN BOOLEAN MODE) DESC, 2"},
	/* Every term is a substring of the four columns, with '%' for no term. */
	[SQL_SEARCH_LIKE] = {
	    "SELECT s.code, IF(? = 1, s.name_ar, s.name_en),"
	    " IF(? = 1, s.description_ar, s.description_en),"
	    " s.requestable, s.active, d.code,"
	    " IF(? = 1, d.name_ar, d.name_en)"
	    " FROM services s JOIN directorates d ON d.id = s.directorate_id"
	    " WHERE (s.active = 1 OR ? = 1)"
	    " AND " SEARCH_TEXT " LIKE ? AND " SEARCH_TEXT " LIKE ?"
	    " AND " SEARCH_TEXT " LIKE ? AND " SEARCH_TEXT " LIKE ?"
	    " AND " SEARCH_TEXT " LIKE ? AND " SEARCH_TEXT " LIKE ?"
	    " ORDER BY d.sort, d.id, 2"},
	[SQL_PAGE] = {
	    "SELECT s.code, IF(? = 1, s.name_ar, s.name_en),"
	    " IF(? = 1, s.description_ar, s.description_en),"
	    " IF(? = 1, s.steps_ar, s.steps_en),"
	    " IF(? = 1, s.documents_ar, s.documents_en),"
	    " IF(? = 1, s.fees_ar, s.fees_en),"
	    " IF(? = 1, s.duration_ar, s.duration_en),"
	    " IF(? = 1, s.where_ar, s.where_en),"
	    " s.requestable, s.active, s.ivr_rank, s.internal_notes,"
	    " d.code, IF(? = 1, d.name_ar, d.name_en), s.version,"
	    " DATE_FORMAT(s.updated_at, '%Y-%m-%d %H:%i:%s'), st.display_name"
	    " FROM services s JOIN directorates d ON d.id = s.directorate_id"
	    " LEFT JOIN staff st ON st.id = s.updated_by"
	    " WHERE s.code = ? AND (s.active = 1 OR ? = 1)"},
	[SQL_FORM] = {
	    "SELECT s.code, d.code, s.name_ar, s.name_en, s.description_ar,"
	    " s.description_en, s.steps_ar, s.steps_en, s.documents_ar,"
	    " s.documents_en, s.fees_ar, s.fees_en, s.duration_ar,"
	    " s.duration_en, s.where_ar, s.where_en, s.requestable, c.code,"
	    " s.ivr_rank, s.internal_notes, s.active, s.version"
	    " FROM services s JOIN directorates d ON d.id = s.directorate_id"
	    " LEFT JOIN categories c ON c.id = s.category_id"
	    " WHERE s.code = ?"},
	[SQL_LOCK] = {
	    "SELECT id, version FROM services WHERE code = ? FOR UPDATE"},
	[SQL_IVR_TAKEN] = {
	    "SELECT code FROM services WHERE ivr_rank = ? AND code <> ?"},
	[SQL_INSERT] = {
	    "INSERT INTO services (code, directorate_id, name_ar, name_en,"
	    " description_ar, description_en, steps_ar, steps_en,"
	    " documents_ar, documents_en, fees_ar, fees_en, duration_ar,"
	    " duration_en, where_ar, where_en, requestable, category_id,"
	    " ivr_rank, internal_notes, active, version, updated_at,"
	    " updated_by) VALUES (?,"
	    " (SELECT id FROM directorates WHERE code = ?),"
	    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " (SELECT id FROM categories WHERE code = ?),"
	    " ?, ?, ?, 1, UTC_TIMESTAMP(), ?)"},
	[SQL_UPDATE] = {
	    "UPDATE services SET"
	    " directorate_id = (SELECT id FROM directorates WHERE code = ?),"
	    " name_ar = ?, name_en = ?, description_ar = ?,"
	    " description_en = ?, steps_ar = ?, steps_en = ?,"
	    " documents_ar = ?, documents_en = ?, fees_ar = ?, fees_en = ?,"
	    " duration_ar = ?, duration_en = ?, where_ar = ?, where_en = ?,"
	    " requestable = ?,"
	    " category_id = (SELECT id FROM categories WHERE code = ?),"
	    " ivr_rank = ?, internal_notes = ?, active = ?,"
	    " version = version + 1, updated_at = UTC_TIMESTAMP(),"
	    " updated_by = ? WHERE id = ? AND version = ?"},
	/* The same keys as the seed's version-1 snapshots. */
	[SQL_HISTORY_ADD] = {
	    "INSERT INTO service_history (service_id, version, changed_at,"
	    " staff_id, snapshot) SELECT id, version, updated_at, updated_by,"
	    " JSON_OBJECT('code', code, 'directorate_id', directorate_id,"
	    " 'name_ar', name_ar, 'name_en', name_en,"
	    " 'description_ar', description_ar,"
	    " 'description_en', description_en,"
	    " 'steps_ar', steps_ar, 'steps_en', steps_en,"
	    " 'documents_ar', documents_ar, 'documents_en', documents_en,"
	    " 'fees_ar', fees_ar, 'fees_en', fees_en,"
	    " 'duration_ar', duration_ar, 'duration_en', duration_en,"
	    " 'where_ar', where_ar, 'where_en', where_en,"
	    " 'requestable', requestable, 'category_id', category_id,"
	    " 'ivr_rank', ivr_rank, 'internal_notes', internal_notes,"
	    " 'active', active) FROM services WHERE id = ?"},
	[SQL_HISTORY] = {
	    "SELECT h.version, DATE_FORMAT(h.changed_at, '%Y-%m-%d %H:%i:%s'),"
	    " st.display_name, st.username,"
	    " JSON_SET(h.snapshot, '$.directorate_id',"
	    " (SELECT IF(? = 1, d.name_ar, d.name_en) FROM directorates d"
	    " WHERE d.id = JSON_VALUE(h.snapshot, '$.directorate_id')),"
	    " '$.category_id',"
	    " (SELECT IF(? = 1, c.name_ar, c.name_en) FROM categories c"
	    " WHERE c.id = JSON_VALUE(h.snapshot, '$.category_id')))"
	    " FROM service_history h JOIN services s ON s.id = h.service_id"
	    " LEFT JOIN staff st ON st.id = h.staff_id"
	    " WHERE s.code = ? ORDER BY h.version DESC"},
	[SQL_CASE] = {
	    "SELECT id, customer_id, directorate_id FROM cases"
	    " WHERE number = ?"},
	[SQL_SENT] = {
	    "INSERT INTO service_sends (service_id, staff_id, case_id,"
	    " sent_at, lang, by_sms, by_email) SELECT id, ?, ?,"
	    " UTC_TIMESTAMP(3), ?, ?, ? FROM services WHERE code = ?"},
};
/* clang-format on */

/* Returns the address of a procedure page, or NULL when out of memory. */
char *
tw_service_url(const struct tw_config *cfg, enum tw_lang lang, const char *code)
{
	char *url;

	if (asprintf(&url, "%s/%s/services/%s", cfg->base_url,
	        tw_lang_code(lang), code) < 0)
		return NULL;
	return url;
}

/* The e-mail's parts after the name: locale key of the heading, column. */
static const struct {
	const char *heading;
	enum procedure_col col;
} body_parts[] = {
	{ "Service.Description", COL_DESCRIPTION },
	{ "Service.Steps", COL_STEPS },
	{ "Service.Documents", COL_DOCUMENTS },
	{ "Service.Fees", COL_FEES },
	{ "Service.Duration", COL_DURATION },
	{ "Service.Where", COL_WHERE },
};

/* Returns the e-mail of one procedure, its parts under their headings and
 * the link last, or NULL when out of memory. */
static char *
procedure_body(HDF *strings, const struct tw_rows *rows, const char *url)
{
	STRING body;
	NEOERR *nerr;
	char *out = NULL;

	string_init(&body);
	nerr = string_appendf(&body, "%s\n\n", tw_rows_get(rows, 0, COL_NAME));
	for (size_t i = 0; nerr == STATUS_OK &&
	     i < sizeof(body_parts) / sizeof(body_parts[0]);
	     i++) {
		const char *text = tw_rows_get(rows, 0, body_parts[i].col);

		if (text != NULL && text[0] != '\0')
			nerr = string_appendf(&body, "%s\n%s\n\n",
			    tw_string(strings, body_parts[i].heading), text);
	}
	if (nerr == STATUS_OK)
		nerr = string_appendf(&body, "%s\n", url);
	if (nerr == STATUS_OK)
		out = strdup(body.buf);
	nerr_ignore(&nerr);
	string_clear(&body);
	return out;
}

/*
 * Queues the procedure of the service with this code for one resident:
 * an SMS with the name and the link of its page when to->mobile is set,
 * and an e-mail with the whole procedure when to->email is set and e-mail
 * is configured (Mail.SmtpUrl). strings are the interface strings of
 * to->lang. Runs inside the caller's
 * transaction. Returns TW_ERR_NOTFOUND for an unknown or inactive service.
 */
enum tw_err
tw_service_send(struct tw_db *db, HDF *strings, const char *code,
    const struct tw_procedure_to *to)
{
	/* 1 selects the Arabic columns. */
	long long ar = to->lang == TW_LANG_AR;
	struct tw_param p[] = { TW_P_INT(ar), TW_P_INT(ar), TW_P_INT(ar),
		TW_P_INT(ar), TW_P_INT(ar), TW_P_INT(ar), TW_P_INT(ar),
		TW_P_STR(code) };
	struct tw_rows *rows = NULL;
	char *url = NULL, *text = NULL, *body = NULL, *subject = NULL;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_PROCEDURE], p, 8, &rows)) !=
	    TW_OK)
		return err;
	err = TW_ERR_NOTFOUND;
	if (rows->nrows != 1)
		goto done;
	err = TW_ERR_NOMEM;
	if ((url = tw_service_url(tw_db_config(db), to->lang, code)) == NULL)
		goto done;
	if (to->mobile != NULL) {
		struct tw_sms sms = { to->case_id, to->customer_id, to->mobile,
			to->lang, "procedure", NULL };
		char *named =
		    tw_str_replace(tw_string(strings, "Sms.Procedure"),
		        "{name}", tw_rows_get(rows, 0, COL_NAME));

		if (named == NULL)
			goto done;
		text = tw_str_replace(named, "{url}", url);
		free(named);
		if (text == NULL)
			goto done;
		sms.body = text;
		if ((err = tw_sms_queue(db, &sms)) != TW_OK)
			goto done;
	}
	if (to->email != NULL && tw_mail_configured(tw_db_config(db))) {
		struct tw_mail mail = { to->case_id, to->customer_id,
			to->staff_id, to->email, to->lang, "procedure", NULL,
			NULL };

		err = TW_ERR_NOMEM;
		subject =
		    tw_str_replace(tw_string(strings, "Mail.ProcedureSubject"),
		        "{name}", tw_rows_get(rows, 0, COL_NAME));
		body = procedure_body(strings, rows, url);
		if (subject == NULL || body == NULL)
			goto done;
		mail.subject = subject;
		mail.body = body;
		if ((err = tw_mail_queue(db, &mail)) != TW_OK)
			goto done;
	}
	err = TW_OK;
done:
	free(url);
	free(text);
	free(body);
	free(subject);
	tw_rows_free(rows);
	return err;
}

/*
 * The directory's pages and edits. Codes are the last part of a page's
 * URL, so they are lowercase letters, digits and single hyphens. The
 * code "new" is taken by the intranet's creation form.
 */

/* Returns 1 when code can name a service: 2 to 32 of [a-z0-9-], no
 * hyphen first, last or twice in a row, and not "new". */
int
tw_service_code_valid(const char *code)
{
	size_t len;

	if (code == NULL)
		return 0;
	len = strlen(code);
	if (len < 2 || len > TW_SERVICE_CODE_MAX || code[0] == '-' ||
	    code[len - 1] == '-' || strstr(code, "--") != NULL ||
	    strcmp(code, "new") == 0)
		return 0;
	return code[strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-")] ==
	    '\0';
}

/* The Arabic article and the one-letter words written onto it (wa-,
 * bi-, fa-, ka-), longest first. "لل" is li- with the article. */
static const char *const article_prefixes[] = { "وال", "بال", "فال", "كال",
	"لل", "ال" };

/* Returns the bytes of a UTF-8 sequence that splits search words:
 * ASCII other than letters and digits, and the Arabic comma, semicolon,
 * question mark and full stop. Returns 0 for a word byte. */
static size_t
separator_len(const unsigned char *p)
{
	if (*p < 0x80)
		return isalnum(*p) ? 0 : 1;
	if (p[0] == 0xd8 && (p[1] == 0x8c || p[1] == 0x9b || p[1] == 0x9f))
		return 2;
	if (p[0] == 0xdb && p[1] == 0x94)
		return 2;
	return 0;
}

/* Returns 1 when the UTF-8 character at p is a harakat mark (U+064B to
 * U+0652) or the tatweel (U+0640), which searches ignore. */
static int
is_arabic_mark(const unsigned char *p)
{
	return p[0] == 0xd9 && ((p[1] >= 0x8b && p[1] <= 0x92) || p[1] == 0x80);
}

/* Removes a leading article from an Arabic word when at least two
 * letters (four bytes) remain. */
static void
strip_article(char *word)
{
	size_t len = strlen(word);

	for (size_t i = 0;
	     i < sizeof article_prefixes / sizeof article_prefixes[0]; i++) {
		size_t plen = strlen(article_prefixes[i]);

		if (len >= plen + 4 &&
		    strncmp(word, article_prefixes[i], plen) == 0) {
			memmove(word, word + plen, len - plen + 1);
			return;
		}
	}
}

/* Returns the bytes of the UTF-8 sequence that starts with lead. */
static size_t
sequence_len(unsigned char lead)
{
	if (lead < 0x80)
		return 1;
	if (lead >= 0xf0)
		return 4;
	if (lead >= 0xe0)
		return 3;
	return 2;
}

/* InnoDB's default FULLTEXT stopwords (INNODB_FT_DEFAULT_STOPWORD in
 * MariaDB 10.11), which the index never matches. */
static const char *const stopwords[] = { "a", "about", "an", "are", "as", "at",
	"be", "by", "com", "de", "en", "for", "from", "how", "i", "in", "is",
	"it", "la", "of", "on", "or", "that", "the", "this", "to", "was",
	"what", "when", "where", "who", "will", "with", "und", "www" };

/* Returns 1 when word is one of the stopwords. */
static int
is_stopword(const char *word)
{
	for (size_t i = 0; i < sizeof stopwords / sizeof stopwords[0]; i++)
		if (strcmp(word, stopwords[i]) == 0)
			return 1;
	return 0;
}

/* Removes the plural "s" of an English word of four letters or more, so
 * that "permits" also finds "permit": a term matches as a prefix or a
 * substring, so the shorter word still finds the longer one. */
static void
strip_plural(char *word)
{
	size_t len = strlen(word);

	if (len >= 4 && word[len - 1] == 's' && word[len - 2] != 's' &&
	    word[strspn(word, "abcdefghijklmnopqrstuvwxyz")] == '\0')
		word[len - 1] = '\0';
}

/*
 * Removes the Arabic feminine ending of a word that keeps three letters
 * or more: the sound plural "ات" or the taa marbuta "ة". Terms match as
 * a prefix, so حاويات and حاوية both become حاوي and find each other.
 */
static void
strip_arabic_ending(char *word)
{
	static const char plural[] = "\xd8\xa7\xd8\xaa"; /* ات */
	static const char marbuta[] = "\xd8\xa9"; /* ة */
	size_t len = strlen(word);

	if (len >= 6 + 4 && strcmp(word + len - 4, plural) == 0)
		word[len - 4] = '\0';
	else if (len >= 6 + 2 && strcmp(word + len - 2, marbuta) == 0)
		word[len - 2] = '\0';
}

/* Appends word to terms unless it is already there. */
static size_t
add_term(char terms[][TW_SERVICE_TERM_MAX], size_t n, size_t max,
    const char *word)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(terms[i], word) == 0)
			return n;
	if (n < max)
		snprintf(terms[n++], TW_SERVICE_TERM_MAX, "%s", word);
	return n;
}

/*
 * Splits the words a person typed into search terms: ASCII lowercased,
 * harakat and tatweel removed, the Arabic article, the Arabic feminine
 * ending and the English plural "s" taken off, stopwords and repeats dropped.
 * Words longer than TW_SERVICE_TERM_MAX bytes are cut at a character boundary.
 * Returns the number of terms, at most max.
 */
size_t
tw_service_terms(const char *words, char terms[][TW_SERVICE_TERM_MAX],
    size_t max)
{
	const unsigned char *p = (const unsigned char *)(words ? words : "");
	char word[TW_SERVICE_TERM_MAX];
	size_t n = 0, len = 0;

	for (;;) {
		size_t sep = *p == '\0' ? 1 : separator_len(p);

		if (sep > 0) {
			word[len] = '\0';
			if (len > 0 && !is_stopword(word)) {
				strip_article(word);
				strip_plural(word);
				strip_arabic_ending(word);
				n = add_term(terms, n, max, word);
			}
			len = 0;
			if (*p == '\0')
				break;
			p += sep;
			continue;
		}
		size_t clen = sequence_len(*p);

		for (size_t i = 1; i < clen; i++)
			if (p[i] == '\0')
				clen = i;
		if (!(clen == 2 && is_arabic_mark(p)) &&
		    len + clen < sizeof word) {
			for (size_t i = 0; i < clen; i++)
				word[len++] = (char)tolower(p[i]);
		}
		p += clen;
	}
	return n;
}

/* Returns 1 when the term starts with an Arabic letter (U+0600 to
 * U+06FF). */
static int
is_arabic(const char *term)
{
	return (unsigned char)term[0] == 0xd8 ||
	    (unsigned char)term[0] == 0xd9 || (unsigned char)term[0] == 0xda ||
	    (unsigned char)term[0] == 0xdb;
}

/*
 * Returns the boolean-mode expression of MATCH ... AGAINST for terms:
 * every term required as a word prefix, an Arabic term also with the
 * article, as in "+(حفر* الحفر*) +permit*". Returns NULL with *usable 0
 * when a term is shorter than TW_SERVICE_FULLTEXT_MIN characters, which
 * InnoDB's built-in parser does not index (innodb_ft_min_token_size),
 * and NULL with *usable 1 when out of memory. The caller frees it.
 */
char *
tw_service_fulltext(char terms[][TW_SERVICE_TERM_MAX], size_t n, int *usable)
{
	size_t size = 1;
	char *out;

	*usable = n > 0;
	for (size_t i = 0; i < n; i++) {
		if (tw_utf8_chars(terms[i]) < TW_SERVICE_FULLTEXT_MIN)
			*usable = 0;
		size += 2 * strlen(terms[i]) + 16;
	}
	if (!*usable || (out = malloc(size)) == NULL)
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(out);

		if (is_arabic(terms[i]))
			snprintf(out + used, size - used, "%s+(%s* ال%s*)",
			    i ? " " : "", terms[i], terms[i]);
		else
			snprintf(out + used, size - used, "%s+%s*",
			    i ? " " : "", terms[i]);
	}
	return out;
}

/*
 * Fills Directory.Groups.N (Code, Name and Services.M with Code, Name,
 * Requestable, Active), the directorates that have services, in their
 * order. directorate limits the list to one directorate code when not
 * NULL. all is 1 for staff, who also see inactive services.
 */
enum tw_err
tw_services_browse(struct tw_db *db, enum tw_lang lang, const char *directorate,
    int all, HDF *out)
{
	long long ar = lang == TW_LANG_AR;
	struct tw_param p[] = { TW_P_INT(ar), TW_P_INT(ar), TW_P_INT(all),
		TW_P_STR(directorate), TW_P_STR(directorate) };
	struct tw_rows *rows;
	const char *last = NULL;
	long group = -1, item = 0;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_BROWSE], p, 5, &rows)) != TW_OK)
		return err;
	for (size_t r = 0; r < rows->nrows; r++) {
		const char *dir = tw_rows_get(rows, r, 4);

		if (last == NULL || strcmp(last, dir) != 0) {
			group++;
			item = 0;
			last = dir;
			hdf_set_valuef(out, "Directory.Groups.%ld.Code=%s",
			    group, dir);
			hdf_set_valuef(out, "Directory.Groups.%ld.Name=%s",
			    group, tw_rows_get(rows, r, 5));
		}
		hdf_set_valuef(out, "Directory.Groups.%ld.Services.%ld.Code=%s",
		    group, item, tw_rows_get(rows, r, 0));
		hdf_set_valuef(out, "Directory.Groups.%ld.Services.%ld.Name=%s",
		    group, item, tw_rows_get(rows, r, 1));
		hdf_set_valuef(out,
		    "Directory.Groups.%ld.Services.%ld.Requestable=%s", group,
		    item, tw_rows_get(rows, r, 2));
		hdf_set_valuef(out,
		    "Directory.Groups.%ld.Services.%ld.Active=%s", group, item,
		    tw_rows_get(rows, r, 3));
		item++;
	}
	tw_rows_free(rows);
	return TW_OK;
}

/* Writes into out the term folded as SEARCH_TEXT folds the columns:
 * each of the letters is two bytes in UTF-8, and so is its stand-in. */
static void
fold_arabic(const char *term, char *out, size_t size)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)term;
	     *p != '\0' && n + 2 < size; p++) {
		if (p[0] == 0xd8 &&
		    (p[1] == 0xa3 || p[1] == 0xa5 || p[1] == 0xa2)) {
			out[n++] = (char)0xd8;
			out[n++] = (char)0xa7;
			p++;
		} else if (p[0] == 0xd8 && p[1] == 0xa9) {
			out[n++] = (char)0xd9;
			out[n++] = (char)0x87;
			p++;
		} else if (p[0] == 0xd9 && p[1] == 0x89) {
			out[n++] = (char)0xd9;
			out[n++] = (char)0x8a;
			p++;
		} else
			out[n++] = (char)*p;
	}
	out[n] = '\0';
}

/* Runs the substring search of up to TW_SERVICE_TERMS_MAX terms. */
static enum tw_err
search_like(struct tw_db *db, long long ar, int all,
    char terms[][TW_SERVICE_TERM_MAX], size_t n, struct tw_rows **rows)
{
	char patterns[TW_SERVICE_TERMS_MAX][TW_SERVICE_TERM_MAX + 2];
	struct tw_param p[4 + TW_SERVICE_TERMS_MAX] = { TW_P_INT(ar),
		TW_P_INT(ar), TW_P_INT(ar), TW_P_INT(all) };

	/* Terms contain only letters and digits, so no LIKE wildcard. */
	for (size_t i = 0; i < TW_SERVICE_TERMS_MAX; i++) {
		char folded[TW_SERVICE_TERM_MAX];

		fold_arabic(i < n ? terms[i] : "", folded, sizeof folded);
		snprintf(patterns[i], sizeof patterns[i], "%%%s%s", folded,
		    i < n ? "%" : "");
		p[4 + i] = TW_P_STR(patterns[i]);
	}
	return tw_db_query(db, &stmts[SQL_SEARCH_LIKE], p,
	    4 + TW_SERVICE_TERMS_MAX, rows);
}

/*
 * Searches names and descriptions in both languages for every word of
 * words, and fills Directory.Results.N (Code, Name, Summary,
 * Requestable, Active, Directorate, DirectorateName) and
 * Directory.Count. The FULLTEXT index is searched first. When a term
 * is too short for it or it finds nothing, every term is looked for as
 * a substring, which also finds a word inside a longer one ("حفر" in
 * "والحفريات"). Directory.Terms is 0 when words has no term.
 */
enum tw_err
tw_services_search(struct tw_db *db, enum tw_lang lang, const char *words,
    int all, HDF *out)
{
	static const char *const names[] = { "Code", "Name", "Summary",
		"Requestable", "Active", "Directorate", "DirectorateName" };
	char terms[TW_SERVICE_TERMS_MAX][TW_SERVICE_TERM_MAX];
	long long ar = lang == TW_LANG_AR;
	struct tw_rows *rows = NULL;
	char *expr;
	int usable;
	size_t n;
	enum tw_err err;

	n = tw_service_terms(words, terms, TW_SERVICE_TERMS_MAX);
	hdf_set_valuef(out, "Directory.Terms=%zu", n);
	if (n == 0)
		return TW_OK;
	expr = tw_service_fulltext(terms, n, &usable);
	if (expr == NULL && usable)
		return TW_ERR_NOMEM;
	if (expr != NULL) {
		struct tw_param p[] = { TW_P_INT(ar), TW_P_INT(ar),
			TW_P_INT(ar), TW_P_INT(all), TW_P_STR(expr),
			TW_P_STR(expr) };

		err = tw_db_query(db, &stmts[SQL_SEARCH_FULLTEXT], p, 6, &rows);
		free(expr);
		if (err != TW_OK)
			return err;
		if (rows->nrows == 0) {
			tw_rows_free(rows);
			rows = NULL;
		}
	}
	if (rows == NULL &&
	    (err = search_like(db, ar, all, terms, n, &rows)) != TW_OK)
		return err;
	hdf_set_valuef(out, "Directory.Count=%zu", rows->nrows);
	err = tw_rows_to_hdf(rows, out, "Directory.Results", names);
	tw_rows_free(rows);
	return err;
}

/* Copies text into prefix.0, prefix.1, ... one non-empty line each. */
static void
set_lines(HDF *out, const char *prefix, const char *text)
{
	const char *p = text ? text : "";
	long n = 0;

	while (*p != '\0') {
		size_t len = strcspn(p, "\n");
		size_t end = len;

		while (end > 0 && (p[end - 1] == '\r' || p[end - 1] == ' '))
			end--;
		if (end > 0)
			hdf_set_valuef(out, "%s.%ld=%.*s", prefix, n++,
			    (int)end, p);
		p += len;
		if (*p == '\n')
			p++;
	}
}

/*
 * Fills Service.* with the procedure of code in lang: Code, Name,
 * Description, Steps.N and Documents.N (a line each), Fees, Duration,
 * Where, Requestable, Active, IvrRank, Directorate, DirectorateName,
 * Version, Updated (in tz) and UpdatedBy. staff is 1 for the intranet,
 * which also gets InternalNotes and inactive services. Returns
 * TW_ERR_NOTFOUND for an unknown code, or an inactive one for the
 * public.
 */
enum tw_err
tw_service_page(struct tw_db *db, const char *code, enum tw_lang lang,
    int staff, const char *tz, HDF *out)
{
	static const char *const names[] = { "Code", "Name", "Description",
		NULL, NULL, "Fees", "Duration", "Where", "Requestable",
		"Active", "IvrRank", NULL, "Directorate", "DirectorateName",
		"Version", NULL, "UpdatedBy" };
	long long ar = lang == TW_LANG_AR;
	struct tw_param p[] = { TW_P_INT(ar), TW_P_INT(ar), TW_P_INT(ar),
		TW_P_INT(ar), TW_P_INT(ar), TW_P_INT(ar), TW_P_INT(ar),
		TW_P_INT(ar), TW_P_STR(code), TW_P_INT(staff) };
	struct tw_rows *rows;
	char when[32];
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_PAGE], p, 10, &rows)) != TW_OK)
		return err;
	err = TW_ERR_NOTFOUND;
	if (rows->nrows == 1) {
		err = TW_OK;
		for (size_t c = 0; c < sizeof names / sizeof names[0]; c++)
			if (names[c] != NULL && tw_rows_get(rows, 0, c) != NULL)
				hdf_set_valuef(out, "Service.%s=%s", names[c],
				    tw_rows_get(rows, 0, c));
		set_lines(out, "Service.Steps", tw_rows_get(rows, 0, 3));
		set_lines(out, "Service.Documents", tw_rows_get(rows, 0, 4));
		tw_time_display(tw_rows_get(rows, 0, 15), tz, when,
		    sizeof when);
		hdf_set_value(out, "Service.Updated", when);
		if (staff && tw_rows_get(rows, 0, 11) != NULL)
			hdf_set_value(out, "Service.InternalNotes",
			    tw_rows_get(rows, 0, 11));
	}
	tw_rows_free(rows);
	return err;
}

/* The fields of the edit form in the column order of SQL_FORM. */
static const char *const form_names[] = { "code", "directorate", "name_ar",
	"name_en", "description_ar", "description_en", "steps_ar", "steps_en",
	"documents_ar", "documents_en", "fees_ar", "fees_en", "duration_ar",
	"duration_en", "where_ar", "where_en", "requestable", "category",
	"ivr_rank", "internal_notes", "active", "version" };

/*
 * Fills Form.Value.* with the stored service, every field of both
 * languages as the edit form names them. Returns TW_ERR_NOTFOUND for
 * an unknown code.
 */
enum tw_err
tw_service_form(struct tw_db *db, const char *code, HDF *out)
{
	struct tw_param p[] = { TW_P_STR(code) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_FORM], p, 1, &rows)) != TW_OK)
		return err;
	err = TW_ERR_NOTFOUND;
	if (rows->nrows == 1) {
		err = TW_OK;
		for (size_t c = 0; c < rows->ncols; c++) {
			const char *v = tw_rows_get(rows, 0, c);

			if (v != NULL &&
			    hdf_set_valuef(out, "Form.Value.%s=%s",
			        form_names[c], v) != STATUS_OK)
				err = TW_ERR_NOMEM;
		}
	}
	tw_rows_free(rows);
	return err;
}

/* Writes the version-N snapshot of service id in the open transaction. */
static enum tw_err
history_add(struct tw_db *db, long long id)
{
	struct tw_param p[] = { TW_P_INT(id) };

	return tw_db_exec(db, &stmts[SQL_HISTORY_ADD], p, 1, NULL);
}

/* Returns TW_ERR_DUPLICATE with *field "ivr_rank" when another service
 * has the IVR rank of in. */
static enum tw_err
check_ivr_rank(struct tw_db *db, const struct tw_service_input *in,
    const char **field)
{
	struct tw_param p[] = { TW_P_INT(in->ivr_rank), TW_P_STR(in->code) };
	struct tw_rows *rows;
	enum tw_err err;

	if (in->ivr_rank == 0)
		return TW_OK;
	if ((err = tw_db_query(db, &stmts[SQL_IVR_TAKEN], p, 2, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows > 0) {
		*field = "ivr_rank";
		err = TW_ERR_DUPLICATE;
	}
	tw_rows_free(rows);
	return err;
}

/* Fills the parameters shared by SQL_INSERT and SQL_UPDATE from
 * directorate to active. Returns how many it filled. */
static size_t
input_params(const struct tw_service_input *in, struct tw_param *p)
{
	size_t n = 0;

	p[n++] = TW_P_STR(in->directorate);
	for (size_t i = 0; i < TW_SERVICE_TEXTS; i++)
		p[n++] = TW_P_STR(in->text[i] ? in->text[i] : "");
	p[n++] = TW_P_INT(in->requestable);
	p[n++] = TW_P_STR(in->category);
	p[n++] = in->ivr_rank ? TW_P_INT(in->ivr_rank) : TW_P_NULL;
	p[n++] = TW_P_STR(in->internal_notes);
	p[n++] = TW_P_INT(in->active);
	return n;
}

/* Inserts a new service and its version 1 in the open transaction. */
static enum tw_err
service_insert(struct tw_db *db, long long staff_id,
    const struct tw_service_input *in)
{
	struct tw_param p[24];
	unsigned long long id;
	size_t n = 0;
	enum tw_err err;

	p[n++] = TW_P_STR(in->code);
	n += input_params(in, p + n);
	p[n++] = TW_P_INT(staff_id);
	err = tw_db_exec(db, &stmts[SQL_INSERT], p, n, &id);
	if (err == TW_OK)
		err = history_add(db, (long long)id);
	return err;
}

/* Updates a service from in->version to the next, with its history
 * row, in the open transaction. */
static enum tw_err
service_update(struct tw_db *db, long long staff_id,
    const struct tw_service_input *in)
{
	struct tw_param lock[] = { TW_P_STR(in->code) };
	struct tw_param p[24];
	struct tw_rows *rows;
	long long id, version;
	size_t n;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_LOCK], lock, 1, &rows)) != TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	id = atoll(tw_rows_get(rows, 0, 0));
	version = atoll(tw_rows_get(rows, 0, 1));
	tw_rows_free(rows);
	if (version != in->version)
		return TW_ERR_CONFLICT;
	n = input_params(in, p);
	p[n++] = TW_P_INT(staff_id);
	p[n++] = TW_P_INT(id);
	p[n++] = TW_P_INT(version);
	if ((err = tw_db_exec(db, &stmts[SQL_UPDATE], p, n, NULL)) != TW_OK)
		return err;
	if (tw_db_affected(db) != 1)
		return TW_ERR_CONFLICT;
	return history_add(db, id);
}

/*
 * Returns the field a duplicate key of a save was on, after the
 * rollback so that what the other transaction wrote shows: "code" when
 * a new service's code is taken, otherwise "ivr_rank", the only other
 * unique value a save writes. Two saves of one free rank at the same
 * moment both pass check_ivr_rank, and the second fails here.
 */
static const char *
duplicate_field(struct tw_db *db, const struct tw_service_input *in)
{
	struct tw_param p[] = { TW_P_STR(in->code) };
	struct tw_rows *rows;
	int taken = 0;

	if (in->version != 0 || in->ivr_rank == 0)
		return in->version != 0 ? "ivr_rank" : "code";
	if (tw_db_query(db, &stmts[SQL_LOCK], p, 1, &rows) == TW_OK) {
		taken = rows->nrows > 0;
		tw_rows_free(rows);
	}
	return taken ? "code" : "ivr_rank";
}

/*
 * Saves a service edited by staff_id: a new one when in->version is 0,
 * otherwise the next version of in->code, which must still be at
 * in->version. The row and its service_history snapshot are written in
 * one transaction. Returns TW_ERR_CONFLICT when someone saved the
 * service in between, TW_ERR_NOTFOUND for an unknown code, and
 * TW_ERR_DUPLICATE with *field set to "code" or "ivr_rank" when
 * another service has that value. Nothing is written unless TW_OK.
 */
enum tw_err
tw_service_save(struct tw_db *db, long long staff_id,
    const struct tw_service_input *in, const char **field)
{
	enum tw_err err;

	*field = NULL;
	if ((err = tw_db_begin(db)) != TW_OK)
		return err;
	err = check_ivr_rank(db, in, field);
	if (err == TW_OK)
		err = in->version == 0 ? service_insert(db, staff_id, in)
		                       : service_update(db, staff_id, in);
	if (err == TW_OK)
		return tw_db_commit(db);
	tw_db_rollback(db);
	if (err == TW_ERR_DUPLICATE && *field == NULL)
		*field = duplicate_field(db, in);
	return err;
}

/* Returns the JSON text of a value for the history page: strings as
 * they are, numbers as digits, null as "". The caller frees it. */
static char *
json_display(json_t *value)
{
	if (value == NULL || json_is_null(value))
		return strdup("");
	if (json_is_string(value))
		return strdup(json_string_value(value));
	if (json_is_integer(value)) {
		char *out;

		if (asprintf(&out, "%lld",
		        (long long)json_integer_value(value)) < 0)
			return NULL;
		return out;
	}
	return json_dumps(value, JSON_ENCODE_ANY);
}

/*
 * Compares two snapshots of a service (JSON objects of its columns) and
 * returns the keys whose values differ, in the order of the newer
 * object, separated by commas, or "" when none differ. before may be NULL
 * for the first version, and then every key counts as changed. Returns
 * NULL for text that is not a JSON object, or when out of memory. The
 * caller frees the result.
 */
char *
tw_service_changes(const char *before, const char *after)
{
	json_t *old = NULL, *new, *value;
	const char *key;
	STRING out;
	char *result = NULL;

	if ((new = json_loads(after, 0, NULL)) == NULL || !json_is_object(new))
		goto done;
	if (before != NULL &&
	    ((old = json_loads(before, 0, NULL)) == NULL ||
	        !json_is_object(old)))
		goto done;
	string_init(&out);
	json_object_foreach(new, key, value)
	{
		json_t *was = old ? json_object_get(old, key) : NULL;

		if (old != NULL && was != NULL && json_equal(was, value))
			continue;
		if (string_appendf(&out, "%s%s", out.len ? "," : "", key) !=
		    STATUS_OK) {
			string_clear(&out);
			goto done;
		}
	}
	result = strdup(out.buf ? out.buf : "");
	string_clear(&out);
done:
	json_decref(old);
	json_decref(new);
	return result;
}

/* Fills prefix.Changes.N (Field, Old, New) from two snapshots. */
static enum tw_err
fill_changes(HDF *out, const char *prefix, const char *before,
    const char *after)
{
	char *keys = tw_service_changes(before, after), *save = NULL;
	json_t *old = before ? json_loads(before, 0, NULL) : NULL;
	json_t *new = json_loads(after, 0, NULL);
	enum tw_err err = keys && new ? TW_OK : TW_ERR_NOMEM;
	long n = 0;

	for (char *key = keys ? strtok_r(keys, ",", &save) : NULL;
	     key != NULL && err == TW_OK; key = strtok_r(NULL, ",", &save)) {
		char *was =
		    json_display(old ? json_object_get(old, key) : NULL);
		char *now = json_display(json_object_get(new, key));

		if (was == NULL || now == NULL)
			err = TW_ERR_NOMEM;
		else {
			hdf_set_valuef(out, "%s.Changes.%ld.Field=%s", prefix,
			    n, key);
			if (old != NULL)
				hdf_set_valuef(out, "%s.Changes.%ld.Old=%s",
				    prefix, n, was);
			hdf_set_valuef(out, "%s.Changes.%ld.New=%s", prefix, n,
			    now);
			n++;
		}
		free(was);
		free(now);
	}
	free(keys);
	json_decref(old);
	json_decref(new);
	return err;
}

/*
 * Fills History.Versions.N for the service code, newest first: Version,
 * At (in tz), By and Username (empty for the seed), and Changes.M with
 * the Field, Old and New values against the version before, or First
 * for the oldest version. A directorate or category shows by its name
 * in lang. Returns
 * TW_ERR_NOTFOUND when the service has no history.
 */
enum tw_err
tw_service_history(struct tw_db *db, const char *code, enum tw_lang lang,
    const char *tz, HDF *out)
{
	long long ar = lang == TW_LANG_AR;
	struct tw_param p[] = { TW_P_INT(ar), TW_P_INT(ar), TW_P_STR(code) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_HISTORY], p, 3, &rows)) != TW_OK)
		return err;
	err = rows->nrows > 0 ? TW_OK : TW_ERR_NOTFOUND;
	for (size_t r = 0; r < rows->nrows && err == TW_OK; r++) {
		const char *by = tw_rows_get(rows, r, 2);
		const char *user = tw_rows_get(rows, r, 3);
		char prefix[48], when[32];

		snprintf(prefix, sizeof prefix, "History.Versions.%zu", r);
		tw_time_display(tw_rows_get(rows, r, 1), tz, when, sizeof when);
		hdf_set_valuef(out, "%s.Version=%s", prefix,
		    tw_rows_get(rows, r, 0));
		hdf_set_valuef(out, "%s.At=%s", prefix, when);
		if (by != NULL)
			hdf_set_valuef(out, "%s.By=%s", prefix, by);
		if (user != NULL)
			hdf_set_valuef(out, "%s.Username=%s", prefix, user);
		if (r + 1 < rows->nrows)
			err = fill_changes(out, prefix,
			    tw_rows_get(rows, r + 1, 4),
			    tw_rows_get(rows, r, 4));
		else
			hdf_set_valuef(out, "%s.First=1", prefix);
	}
	tw_rows_free(rows);
	return err;
}

/*
 * Looks up a case by number for a procedure sent about it: its id,
 * customer and directorate. Returns TW_ERR_NOTFOUND for no such case.
 */
enum tw_err
tw_service_case(struct tw_db *db, const char *number, long long *case_id,
    long long *customer_id, long long *directorate_id)
{
	struct tw_param p[] = { TW_P_STR(number) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CASE], p, 1, &rows)) != TW_OK)
		return err;
	err = TW_ERR_NOTFOUND;
	if (rows->nrows == 1) {
		const char *customer = tw_rows_get(rows, 0, 1);

		*case_id = atoll(tw_rows_get(rows, 0, 0));
		*customer_id = customer ? atoll(customer) : 0;
		*directorate_id = atoll(tw_rows_get(rows, 0, 2));
		err = TW_OK;
	}
	tw_rows_free(rows);
	return err;
}

/*
 * Sends the procedure of code as tw_service_send does, and records who
 * sent it: a service_sends row, and a staff-only event "procedure" on
 * the case when to->case_id is set. strings are those of to->lang. One
 * transaction, so nothing is queued unless everything is written.
 */
enum tw_err
tw_service_send_logged(struct tw_db *db, HDF *strings, const char *code,
    const struct tw_procedure_to *to)
{
	struct tw_param p[] = { TW_P_INT(to->staff_id),
		to->case_id ? TW_P_INT(to->case_id) : TW_P_NULL,
		TW_P_STR(tw_lang_code(to->lang)), TW_P_INT(to->mobile != NULL),
		TW_P_INT(to->email != NULL), TW_P_STR(code) };
	enum tw_err err;

	if ((err = tw_db_begin(db)) != TW_OK)
		return err;
	err = tw_service_send(db, strings, code, to);
	if (err == TW_OK)
		err = tw_db_exec(db, &stmts[SQL_SENT], p, 6, NULL);
	if (err == TW_OK && to->case_id != 0) {
		struct tw_event ev = { "procedure", TW_STATE_MAX, TW_STATE_MAX,
			"staff", to->staff_id, "intranet", 0, code };

		err = tw_event_add(db, (unsigned long long)to->case_id, &ev);
	}
	if (err == TW_OK)
		return tw_db_commit(db);
	tw_db_rollback(db);
	return err;
}
