/*
 * team_records.c - visits, people (with aliases and tenures) and sources
 * on the team server: the JSON write API (POST, PATCH and DELETE with If-Match),
 * history and revert (JSON and pages), the forms, and the office picker's
 * list.  The routes are in team.c's table (so the route x role test walks
 * them); this file answers them by the route's pattern.
 *
 * Records are written by parley_visit_write and parley_record_write, whose
 * rows go through the import's validation (src/lib/visit_write.c,
 * record_write.c): the forms, the API and imports give the same messages.  The forms are team_form.c's, described
 * here; the history page is this file's for every record, visits too.
 */
#include "team.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* The forms' records                                                   */
/* ------------------------------------------------------------------ */

static const pl_form_field person_top[] = {
    {"id", "Id (new people: blank makes one from the name)", NULL, 0},
    {"name", "Name", NULL, 0},
    {"native_name", "Native name", NULL, 0},
    {"country", "Country", "country", 0},
    {"birth_date", "Born (YYYY, YYYY-MM or YYYY-MM-DD)", NULL, 0},
    {"death_date", "Died", NULL, 0},
    {"note", "Note", NULL, 1},
};
static const pl_form_field alias_cols[] = {
    {"alias", "Alias", NULL, 0}, {"kind", "Kind", "choice:romanisation,native,other", 0}};
static const pl_form_field tenure_cols[] = {
    {"id", "Tenure id (blank: office/person/start)", NULL, 0},
    {"office", "Office (search by name)", "office", 0},
    {"start_date", "From", NULL, 0},
    {"end_date", "To (blank: still in office)", NULL, 0},
    {"start_rule", "How it began", NULL, 0},
    {"confidence", "Confidence", "choice:high,medium,low", 0},
    {"note", "Note", NULL, 0}};
static const pl_form_list person_lists[] = {
    {"aliases", "Aliases (any name the person is known by)", alias_cols, PL_ARRAY_LEN(alias_cols)},
    {"tenures", "Tenures", tenure_cols, PL_ARRAY_LEN(tenure_cols)},
};
static const pl_form_kind person_form = {
    "person", "a person", "/people/new", "/person/", "/api/v1/people/", person_top,
    PL_ARRAY_LEN(person_top), person_lists, PL_ARRAY_LEN(person_lists), "record"};

static const pl_form_field source_top[] = {
    {"id", "Id (new sources: blank makes one from the URL or citation)", NULL, 0},
    {"url", "URL", NULL, 0},
    {"citation", "Citation (when there is no URL)", NULL, 1},
    {"title", "Title", NULL, 0},
    {"publisher", "Publisher", NULL, 0},
    {"published", "Published (YYYY, YYYY-MM or YYYY-MM-DD)", NULL, 0},
    {"accessed", "Accessed", NULL, 0},
    {"archive_url", "Archived copy (URL)", NULL, 0},
    {"quality", "The page is", "choice:original,copy,mirror,proxy", 0},
};
static const pl_form_kind source_form = {
    "source", "a source", "/sources/new", "/source/", "/api/v1/sources/", source_top,
    PL_ARRAY_LEN(source_top), NULL, 0, "record"};

/* ------------------------------------------------------------------ */
/* Answers                                                             */
/* ------------------------------------------------------------------ */

/* The library's calls for K's records: a visit's have their own names
 * (parley_visit_*, parley_change_propose), people's and sources' take the
 * entity (parley_record_*). */
static int is_visit(const pl_form_kind *K)
{
	return strcmp(K->entity, "visit") == 0;
}

int pl_rec_write(const pl_form_kind *K, const char *id, const char *json, const char *if_match,
                 const char *reason, char *out_id, size_t id_cap, parley_report *rep,
                 parley_err *err)
{
	parley_db *db = pl_team_db();
	size_t n = strlen(json);
	return is_visit(K)
	     ? parley_visit_write(db, id, json, n, if_match, reason, out_id, id_cap, rep, err)
	     : parley_record_write(db, K->entity, id, json, n, if_match, reason, out_id, id_cap, rep,
	                           err);
}

int pl_rec_propose(const pl_form_kind *K, const char *kind, const char *id, const char *json,
                   const char *if_match, const char *reason, const char *author, long *out,
                   parley_report *rep, parley_err *err)
{
	parley_db *db = pl_team_db();
	size_t n = json ? strlen(json) : 0;
	return is_visit(K)
	     ? parley_change_propose(db, kind, id, json, n, if_match, reason, author, out, rep, err)
	     : parley_record_propose(db, K->entity, kind, id, json, n, if_match, reason, author, out,
	                             rep, err);
}

static int rec_etag(const pl_form_kind *K, const char *id, char *out, size_t cap, parley_err *err)
{
	return is_visit(K) ? parley_visit_etag(pl_team_db(), id, out, cap, err)
	                   : parley_record_etag(pl_team_db(), K->entity, id, out, cap, err);
}

static int decode(const char *seg, char *out, size_t cap)
{
	return seg && *seg && pl_strlcpy(out, seg, cap) < cap && pl_url_decode(out) == PARLEY_OK &&
	       *out;
}

/* base + the id (URL-escaped) + suffix into out: a record's addresses. */
static void record_url(const char *base, const char *id, const char *suffix, char *out,
                       size_t cap)
{
	pl_buf b;
	pl_buf_init(&b, cap);
	pl_buf_adds(&b, base);
	pl_esc_url(&b, id);
	pl_buf_adds(&b, suffix);
	pl_strlcpy(out, !pl_buf_failed(&b) && b.data ? b.data : "", cap);
	pl_buf_free(&b);
}

void pl_rec_redirect(pl_team_resp *rs, const pl_form_kind *K, const char *id,
                     const char *suffix)
{
	char to[sizeof rs->location];
	record_url(K->edit_base, id, suffix, to, sizeof to);
	pl_team_redirect(rs, *to ? to : "/");
}

static void answer(pl_team_resp *rs, const pl_form_kind *K, int rc, int status_ok,
                   const char *id, parley_report *rep, parley_err *err, int changing)
{
	if (rc == PARLEY_OK) {
		rs->changed = 1;
		rec_etag(K, id, rs->etag, sizeof rs->etag, NULL);
		record_url(K->api_base, id, "", rs->location, sizeof rs->location);
		pl_team_json(rs, status_ok, json_pack("{s:s,s:s,s:s}", "id", id, "etag", rs->etag, "url",
		                                      rs->location));
		if (status_ok != 201)
			rs->location[0] = '\0';
	} else if (rc == PARLEY_EDATA) {
		pl_team_findings(rs, 422, err->msg, rep);
	} else {
		pl_team_error(rs, pl_team_status(rc, changing), err->msg);
	}
}

/* Holds a change for review: 202 {"pending": N}, or why not. */
static void propose(pl_team_resp *rs, const pl_form_kind *K, const parley_session *s,
                    const char *kind, const char *id, const char *body, const char *if_match,
                    const char *reason)
{
	parley_err err = {0, ""};
	parley_report *rep = parley_report_new();
	char actor[96];
	snprintf(actor, sizeof actor, "web:%s", s->user);
	long n = 0;
	int rc = pl_rec_propose(K, kind, id, body, if_match, reason, actor, &n, rep, &err);
	if (rc == PARLEY_OK)
		pl_team_json(rs, 202, json_pack("{s:I,s:s,s:s}", "pending", (json_int_t)n, "status",
		                                "pending", "message",
		                                "held for review: published when a reviewer approves it"));
	else if (rc == PARLEY_EDATA)
		pl_team_findings(rs, 422, err.msg, rep);
	else
		pl_team_error(rs, pl_team_status(rc, strcmp(kind, "create") != 0), err.msg);
	parley_report_free(rep);
}

/* POST (id NULL) or PATCH of a record from JSON. */
static void api_write(const pl_form_kind *K, const pl_team_req *rq, const parley_session *s,
                      const char *id, pl_team_resp *rs)
{
	char *body, *reason;
	if (pl_team_write_start(rq, id, K->word, &body, &reason, rs))
		return;
	if (pl_team_held(s)) {
		propose(rs, K, s, id ? "change" : "create", id, body, rq->if_match, reason);
	} else {
		parley_err err = {0, ""};
		parley_report *rep = parley_report_new();
		char out_id[512] = "";
		pl_team_actor(s);
		int rc = pl_rec_write(K, id, body, id ? rq->if_match : NULL, reason, out_id,
		                      sizeof out_id, rep, &err);
		pl_team_actor(NULL);
		answer(rs, K, rc, id ? 200 : 201, id ? id : out_id, rep, &err, id != NULL);
		parley_report_free(rep);
	}
	free(body);
	free(reason);
}

/* 1 when the request carries If-Match; else answers 428 naming the verb and returns 0.
   A delete or revert without the ETag would overwrite changes the sender never saw. */
static int has_if_match(const pl_form_kind *K, const pl_team_req *rq, pl_team_resp *rs,
                        const char *verb)
{
	if (rq->if_match)
		return 1;
	char msg[96];
	snprintf(msg, sizeof msg, "If-Match is required: send the ETag of the %s you %s", K->word,
	         verb);
	pl_team_error(rs, 428, msg);
	return 0;
}

static void api_delete(const pl_form_kind *K, const pl_team_req *rq, const parley_session *s,
                       const char *id, pl_team_resp *rs)
{
	if (!has_if_match(K, rq, rs, "delete"))
		return;
	char *fr = NULL;
	const char *reason = rq->reason_header;
	if (!reason)
		reason = fr = pl_team_field(rq, "reason");
	if (pl_team_held(s)) {
		propose(rs, K, s, "delete", id, NULL, rq->if_match, reason);
		free(fr);
		return;
	}
	parley_err err = {0, ""};
	parley_db *db = pl_team_db();
	pl_team_actor(s);
	int rc = is_visit(K) ? parley_visit_remove(db, id, rq->if_match, reason, &err)
	       : parley_record_remove(db, K->entity, id, rq->if_match, reason, &err);
	pl_team_actor(NULL);
	free(fr);
	if (rc == PARLEY_OK) {
		rs->changed = 1;
		rs->status = 204;
		pl_buf_reset(&rs->body);
	} else {
		pl_team_error(rs, pl_team_status(rc, 1), err.msg);
	}
}

/* The record's history with each entry's changed fields, and its ETag. */
static json_t *history(const pl_form_kind *K, const char *id, char *etag, size_t cap,
                       parley_err *err)
{
	char *text = NULL;
	parley_db *db = pl_team_db();
	if (rec_etag(K, id, etag, cap, err) ||
	    (is_visit(K) ? parley_visit_history(db, id, &text, err)
	                 : parley_record_history(db, K->entity, id, &text, err)))
		return NULL;
	return pl_team_history_changes(pl_team_loads(text));
}

/* As history, and on failure answers 404 (no such record) or 500 on rs; the page and the
 * API fail alike.  The caller owns (json_decref) what it returns. */
static json_t *history_or_error(const pl_form_kind *K, const char *id, char *etag, size_t cap,
                                pl_team_resp *rs)
{
	parley_err err = {0, ""};
	json_t *a = history(K, id, etag, cap, &err);
	if (!a)
		pl_team_error(rs, err.code == PARLEY_ENOTFOUND ? 404 : 500, err.msg);
	return a;
}

static int revert(const pl_form_kind *K, const parley_session *s, const char *id, long seq,
                  const char *if_match, const char *reason, parley_err *err)
{
	if (pl_team_held(s)) /* a revert publishes at once: a reviewer's when review is required */
		return parley_err_set(err, PARLEY_EDENIED,
		                      "with review required, a reviewer reverts (or propose the old "
		                      "values with the edit form)");
	parley_db *db = pl_team_db();
	pl_team_actor(s);
	int rc = is_visit(K) ? parley_visit_revert(db, id, seq, if_match, reason, err)
	       : parley_record_revert(db, K->entity, id, seq, if_match, reason, err);
	pl_team_actor(NULL);
	return rc;
}

static void history_page(const pl_form_kind *K, pl_team_resp *rs, int status, const char *id,
                         const parley_session *s, const char *msg)
{
	char etag[48];
	json_t *a = history_or_error(K, id, etag, sizeof etag, rs);
	if (!a)
		return;
	pl_history_render(rs, status, K->edit_base, K->entity, id, etag, a, s, msg);
	json_decref(a);
}

static void revert_form(const pl_form_kind *K, const pl_team_req *rq, const parley_session *s,
                        const char *id, pl_team_resp *rs)
{
	char *seq = pl_team_field(rq, "seq");
	char *reason = pl_team_field(rq, "reason");
	char *etag = pl_team_field(rq, "etag");
	parley_err err = {0, ""};
	int rc = !seq || !etag ? parley_err_set(&err, PARLEY_EINVAL, "the form lost its change number")
	       : revert(K, s, id, strtol(seq, NULL, 10), etag, reason, &err);
	if (rc == PARLEY_OK) {
		rs->changed = 1;
		pl_rec_redirect(rs, K, id, "/history");
	} else {
		char msg[128];
		snprintf(msg, sizeof msg, "the %s was changed since you opened this page; look at the "
		         "newest changes and try again", K->word);
		history_page(K, rs, pl_team_status(rc, 1), id, s, rc == PARLEY_ECONFLICT ? msg : err.msg);
	}
	free(seq);
	free(reason);
	free(etag);
}

static void revert_api(const pl_form_kind *K, const pl_team_req *rq, const parley_session *s,
                       const char *id, pl_team_resp *rs)
{
	if (!has_if_match(K, rq, rs, "revert"))
		return;
	json_t *v = json_loadb(rq->body, rq->len, 0, NULL);
	json_t *jseq = json_object_get(v, "seq");
	const char *reason = json_string_value(json_object_get(v, "reason"));
	if (!reason)
		reason = rq->reason_header;
	parley_err err = {0, ""};
	int rc = !json_is_integer(jseq)
	       ? parley_err_set(&err, PARLEY_EINVAL, "send {\"seq\": N, \"reason\": ...}")
	       : revert(K, s, id, (long)json_integer_value(jseq), rq->if_match, reason, &err);
	json_decref(v);
	answer(rs, K, rc, 200, id, NULL, &err, 1);
}

/* The offices for the office picker: id, name, country and rank. */
static void offices(pl_team_resp *rs)
{
	parley_methods *m = NULL;
	parley_err err = {0, ""};
	if (parley_methods_compute(pl_team_db(), &m, &err)) {
		pl_team_error(rs, 500, err.msg);
		return;
	}
	json_t *a = json_array();
	for (size_t i = 0; i < m->noffice; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s}", "id", m->office[i].id, "name",
		                                   m->office[i].name ? m->office[i].name : "", "country",
		                                   m->office[i].country ? m->office[i].country : "",
		                                   "rank", m->office[i].rank ? m->office[i].rank : ""));
	parley_methods_free(m);
	pl_team_json(rs, 200, json_pack("{s:o}", "offices", a));
}

void pl_records_route(const char *method, const char *path, const pl_team_req *rq,
                      const parley_session *s, const char *seg, pl_team_resp *rs)
{
	if (strcmp(path, "/api/v1/offices") == 0) {
		offices(rs);
		return;
	}
	int api = strncmp(path, "/api/v1/", 8) == 0;
	const char *noun = api ? path + 8 : path + 1;
	const pl_form_kind *K = strncmp(noun, "visit", 5) == 0 ? &pl_form_visit
	                      : strncmp(noun, "people", 6) == 0 || strncmp(noun, "person", 6) == 0
	                      ? &person_form : &source_form;
	size_t n = strlen(path);
	int ends_history = n > 8 && strcmp(path + n - 8, "/history") == 0;
	int ends_revert = n > 7 && strcmp(path + n - 7, "/revert") == 0;
	int is_new = n > 4 && strcmp(path + n - 4, "/new") == 0;
	char id[512] = "";
	if (strstr(path, "{id}") && !decode(seg, id, sizeof id)) {
		char msg[64];
		snprintf(msg, sizeof msg, "no %s with that id", K->word);
		pl_team_error(rs, 404, msg);
		return;
	}
	if (api && ends_history) {
		char etag[48];
		json_t *a = history_or_error(K, id, etag, sizeof etag, rs);
		if (!a)
			return;
		pl_strlcpy(rs->etag, etag, sizeof rs->etag);
		pl_team_json(rs, 200, json_pack("{s:s,s:s,s:o}", "id", id, "etag", etag, "history", a));
	} else if (api && ends_revert) {
		revert_api(K, rq, s, id, rs);
	} else if (api && strcmp(method, "DELETE") == 0) {
		api_delete(K, rq, s, id, rs);
	} else if (api) {
		api_write(K, rq, s, *id ? id : NULL, rs);
	} else if (ends_history) {
		history_page(K, rs, 200, id, s, NULL);
	} else if (ends_revert) {
		revert_form(K, rq, s, id, rs);
	} else if (strcmp(method, "GET") == 0) {
		pl_form_get_of(K, rq, s, is_new ? "" : seg, rs);
	} else {
		pl_form_post_of(K, rq, s, is_new ? "" : seg, rs);
	}
}

/* ------------------------------------------------------------------ */
/* The history page of any record                                      */
/* ------------------------------------------------------------------ */

static void put_value(pl_buf *b, json_t *v)
{
	if (!v || json_is_null(v)) {
		pl_buf_adds(b, "<i>none</i>");
		return;
	}
	char *t = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);
	pl_esc_html(b, t ? t : json_string_value(v));
	free(t);
}

void pl_history_render(pl_team_resp *rs, int status, const char *base, const char *entity,
                       const char *id, const char *etag, json_t *a, const parley_session *s,
                       const char *msg)
{
	pl_buf *b = pl_team_page(rs, status);
	pl_buf_adds(b, "History of ");
	pl_esc_html(b, id);
	pl_buf_adds(b, " - parley</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head>"
	               "<body><main id=\"main\"><h1>History of ");
	if (strcmp(entity, "source") != 0) { /* visits and people have a public page */
		pl_buf_adds(b, "<a href=\"");
		pl_buf_adds(b, base);
		pl_esc_url(b, id);
		pl_buf_adds(b, "\">");
		pl_esc_html(b, id);
		pl_buf_adds(b, "</a>");
	} else {
		pl_esc_html(b, id);
	}
	pl_buf_adds(b, "</h1>");
	if (s && s->role >= PARLEY_ROLE_EDITOR) {
		pl_buf_adds(b, "<p><a id=\"edit-link\" href=\"");
		pl_buf_adds(b, base);
		pl_esc_url(b, id);
		pl_buf_addf(b, "/edit\">Edit this %s</a></p>", entity);
	}
	if (msg) {
		pl_buf_adds(b, "<p class=\"error\" role=\"alert\" id=\"history-error\">");
		pl_esc_html(b, msg);
		pl_buf_adds(b, "</p>");
	}
	pl_buf_adds(b, "<table id=\"history\"><thead><tr><th scope=\"col\">Change</th><th scope=\"col\">"
	               "When</th><th scope=\"col\">Who</th><th scope=\"col\">What</th><th scope=\"col\">"
	               "Why</th><th scope=\"col\">Fields: before &rarr; after</th><th scope=\"col\">"
	               "</th></tr></thead><tbody>");
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e) {
		long long seq = (long long)json_integer_value(json_object_get(e, "seq"));
		const char *action = json_string_value(json_object_get(e, "action"));
		const char *ent = json_string_value(json_object_get(e, "entity"));
		pl_buf_addf(b, "<tr id=\"change-%lld\"><td>#%lld</td><td>", seq, seq);
		pl_esc_html(b, json_string_value(json_object_get(e, "at")));
		pl_buf_adds(b, "</td><td>");
		pl_esc_html(b, json_string_value(json_object_get(e, "actor")));
		pl_buf_adds(b, "</td><td>");
		pl_esc_html(b, action);
		pl_buf_adds(b, " ");
		pl_esc_html(b, json_string_value(json_object_get(e, "entity_key")));
		pl_buf_adds(b, "</td><td>");
		pl_esc_html(b, json_string_value(json_object_get(e, "reason")));
		pl_buf_adds(b, "</td><td><ul>");
		size_t j;
		json_t *c;
		json_array_foreach(json_object_get(e, "changes"), j, c) {
			pl_buf_adds(b, "<li><b>");
			pl_esc_html(b, json_string_value(json_object_get(c, "field")));
			pl_buf_adds(b, "</b>: ");
			put_value(b, json_object_get(c, "before"));
			pl_buf_adds(b, " &rarr; ");
			put_value(b, json_object_get(c, "after"));
			pl_buf_adds(b, "</li>");
		}
		pl_buf_adds(b, "</ul></td><td>");
		if (s && s->role >= PARLEY_ROLE_EDITOR && action && ent &&
		    strcmp(action, "update") == 0 && strcmp(ent, entity) == 0) {
			pl_buf_adds(b, "<form method=\"post\" action=\"");
			pl_buf_adds(b, base);
			pl_esc_url(b, id);
			pl_buf_addf(b, "/revert\"><input type=\"hidden\" name=\"seq\" value=\"%lld\">", seq);
			pl_buf_adds(b, "<input type=\"hidden\" name=\"csrf_token\" value=\"");
			pl_esc_html(b, s->csrf);
			pl_buf_adds(b, "\"><input type=\"hidden\" name=\"etag\" value=\"");
			pl_esc_html(b, etag);
			pl_buf_addf(b, "\"><label for=\"reason-%lld\">Reason</label> <input id=\"reason-%lld\" "
			                 "name=\"reason\" required> <button type=\"submit\">Revert</button></form>",
			              seq, seq);
		}
		pl_buf_adds(b, "</td></tr>");
	}
	pl_buf_adds(b, "</tbody></table></main></body></html>\n");
}
