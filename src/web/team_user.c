/*
 * team_user.c - a user's page (/user/NAME, GET /api/v1/users/NAME/changes)
 * and a visit's held changes for its public page
 * (GET /api/v1/visits/ID/pending).
 *
 * Who may see what: any logged-in user reads anyone's published changes
 * (the same entries every record's history page shows them).  Changes held
 * for review are not published: only their author and reviewers (and
 * admins) see them, on the author's page and, through team bar script on
 * the record's public page, as "your change is pending review".  The public
 * pages themselves never look at the session, so they stay the public's,
 * cached, and a held change is counted in no figure.
 */
#include "team.h"

#include <stdlib.h>
#include <string.h>

/* 1 when s may see name's held changes: their own, or a reviewer's eye. */
static int sees_held(const parley_session *s, const char *name)
{
	return strcmp(s->user, name) == 0 || s->role >= PARLEY_ROLE_REVIEWER;
}

/* The user's changes and (when s may see them) held changes; NULL and
 * *status set on failure (404 for no such user). */
static json_t *changes_find(const parley_session *s, const char *seg, char *name, size_t cap,
                            int *status, parley_err *err)
{
	if (pl_strlcpy(name, seg, cap) >= cap || pl_url_decode(name) != PARLEY_OK || !*name) {
		*status = 404;
		parley_err_set(err, PARLEY_ENOTFOUND, "no such user");
		return NULL;
	}
	parley_db *db = pl_team_db();
	char *text = NULL;
	int rc = parley_user_changes_json(db, name, &text, err);
	if (rc) {
		*status = rc == PARLEY_ENOTFOUND ? 404 : pl_team_status(rc, 0);
		return NULL;
	}
	parley_user u;
	parley_user_get(db, name, &u, NULL);
	json_t *o = json_pack("{s:s,s:s,s:o}", "user", name, "role", parley_role_name(u.role),
	                      "changes", pl_team_loads(text));
	if (o && sees_held(s, name)) {
		char author[96];
		snprintf(author, sizeof author, "web:%s", name);
		text = NULL;
		if ((rc = parley_changes_find_json(db, NULL, author, NULL, &text, err))) {
			json_decref(o);
			*status = pl_team_status(rc, 0);
			return NULL;
		}
		json_object_set_new(o, "held", pl_team_loads(text));
	}
	if (!o) {
		*status = 500;
		parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	}
	return o;
}

/* As changes_find, and on failure answers the error on rs: the JSON and the HTML
 * page fail the same way.  The caller owns (json_decref) what it returns. */
static json_t *changes_of(const parley_session *s, const char *seg, char *name, size_t cap,
                          pl_team_resp *rs)
{
	int status = 500;
	parley_err err = {0, ""};
	json_t *o = changes_find(s, seg, name, cap, &status, &err);
	if (!o)
		pl_team_error(rs, status, err.msg);
	return o;
}

void pl_user_changes(const pl_team_req *rq, const parley_session *s, const char *seg,
                     pl_team_resp *rs)
{
	(void)rq;
	char name[PARLEY_NAME_MAX + 8];
	json_t *o = changes_of(s, seg, name, sizeof name, rs);
	if (o)
		pl_team_json(rs, 200, o);
}

/* A link to the history of the record a change touched: a visit's (its
 * lists' keys are 'VISIT|...'), a person's (aliases: 'PERSON|...') or a
 * source's. */
static void what_cell(pl_buf *b, const char *entity, const char *key)
{
	char rec[512] = "";
	const char *base = NULL;
	if (entity && key) {
		if (strcmp(entity, "visit") == 0 || strncmp(entity, "visit_", 6) == 0 ||
		    strcmp(entity, "activity") == 0 || strcmp(entity, "place") == 0)
			base = "/visit/";
		else if (strcmp(entity, "person") == 0 || strcmp(entity, "person_alias") == 0)
			base = "/person/";
		else if (strcmp(entity, "source") == 0)
			base = "/source/";
	}
	if (base) {
		pl_strlcpy(rec, key, sizeof rec);
		rec[strcspn(rec, "|")] = '\0';
	}
	pl_esc_html(b, entity ? entity : "");
	pl_buf_adds(b, " ");
	if (*rec) {
		pl_buf_adds(b, "<a href=\"");
		pl_buf_adds(b, base);
		pl_esc_url(b, rec);
		pl_buf_adds(b, "/history\">");
	}
	pl_esc_html(b, key ? key : "");
	if (*rec)
		pl_buf_adds(b, "</a>");
}

static const char *str(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/* The heading of one of the user page's change lists, then its empty note (n == 0) or the
   opening of its table; both lists share the first four columns, so one place writes them. */
static void change_table_head(pl_buf *b, const char *title, const char *id, const char *none,
                              const char *last_col, size_t n)
{
	pl_buf_addf(b, "<h2>%s</h2>", title);
	if (!n)
		pl_buf_addf(b, "<p id=\"%s-none\">%s</p>", id, none);
	else
		pl_buf_addf(b, "<table id=\"%s\"><thead><tr><th scope=\"col\">Change</th><th "
		               "scope=\"col\">When</th><th scope=\"col\">What</th><th scope=\"col\">Why"
		               "</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		            id, last_col);
}

void pl_user_page(const pl_team_req *rq, const parley_session *s, const char *seg,
                  pl_team_resp *rs)
{
	(void)rq;
	char name[PARLEY_NAME_MAX + 8];
	json_t *o = changes_of(s, seg, name, sizeof name, rs);
	if (!o)
		return;
	pl_buf *b = pl_team_page(rs, 200);
	pl_buf_adds(b, "Changes by ");
	pl_esc_html(b, name);
	pl_buf_adds(b, " - parley</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head>"
	               "<body><main id=\"main\"><h1>Changes by ");
	pl_esc_html(b, name);
	pl_buf_adds(b, "</h1><p>Role: ");
	pl_esc_html(b, str(o, "role"));
	pl_buf_adds(b, ". <a href=\"/\">Back to the figures</a></p>");
	json_t *held = json_object_get(o, "held");
	size_t i;
	json_t *c;
	if (held) {
		change_table_head(b, "Held for review", "held", "None.", "Status", json_array_size(held));
		json_array_foreach(held, i, c) {
			long long id = (long long)json_integer_value(json_object_get(c, "id"));
			const char *st = str(c, "status");
			int pending = strcmp(st, "pending") == 0;
			pl_buf_addf(b, "<tr id=\"held-%lld\"%s><td>#%lld</td><td>", id,
			              pending ? " class=\"pending\"" : "", id);
			pl_esc_html(b, str(c, "created"));
			pl_buf_adds(b, "</td><td>");
			/* a held change is to a visit, a person or a source (its entity) */
			const char *entity = str(c, "entity");
			pl_esc_html(b, str(c, "kind"));
			pl_buf_adds(b, " ");
			pl_esc_html(b, *entity ? entity : "visit");
			pl_buf_adds(b, strcmp(entity, "person") == 0   ? " <a href=\"/person/"
			               : strcmp(entity, "source") == 0 ? " <a href=\"/source/"
			                                               : " <a href=\"/visit/");
			pl_esc_url(b, str(c, "visit"));
			pl_buf_adds(b, "\">");
			pl_esc_html(b, str(c, "visit"));
			pl_buf_adds(b, "</a></td><td>");
			pl_esc_html(b, str(c, "reason"));
			pl_buf_adds(b, "</td><td>");
			if (pending) {
				pl_buf_adds(b, "pending review");
			} else {
				pl_esc_html(b, st);
				pl_buf_adds(b, " by ");
				pl_esc_html(b, str(c, "reviewer"));
				if (*str(c, "comment")) {
					pl_buf_adds(b, ": ");
					pl_esc_html(b, str(c, "comment"));
				}
			}
			pl_buf_adds(b, "</td></tr>");
		}
		if (json_array_size(held))
			pl_buf_adds(b, "</tbody></table>");
	}
	json_t *ch = json_object_get(o, "changes");
	change_table_head(b, "Published changes", "changes", "None yet.", "As", json_array_size(ch));
	json_array_foreach(ch, i, c) {
		long long seq = (long long)json_integer_value(json_object_get(c, "seq"));
		pl_buf_addf(b, "<tr id=\"change-%lld\"><td>#%lld</td><td>", seq, seq);
		pl_esc_html(b, str(c, "at"));
		pl_buf_adds(b, "</td><td>");
		pl_esc_html(b, str(c, "action"));
		pl_buf_adds(b, " ");
		what_cell(b, str(c, "entity"), str(c, "entity_key"));
		pl_buf_adds(b, "</td><td>");
		pl_esc_html(b, str(c, "reason"));
		pl_buf_adds(b, "</td><td>");
		pl_esc_html(b, str(c, "actor"));
		pl_buf_adds(b, "</td></tr>");
	}
	if (json_array_size(ch))
		pl_buf_adds(b, "</tbody></table>");
	pl_buf_adds(b, "</main></body></html>\n");
	json_decref(o);
}

void pl_visit_pending(const pl_team_req *rq, const parley_session *s, const char *seg,
                      pl_team_resp *rs)
{
	(void)rq;
	char visit[512], author[96];
	if (pl_strlcpy(visit, seg, sizeof visit) >= sizeof visit ||
	    pl_url_decode(visit) != PARLEY_OK || !*visit) {
		pl_team_error(rs, 404, "no visit with that id");
		return;
	}
	snprintf(author, sizeof author, "web:%s", s->user);
	/* a reviewer sees everyone's held changes; anyone else their own */
	int all = s->role >= PARLEY_ROLE_REVIEWER;
	char *text = NULL;
	parley_err err = {0, ""};
	int rc = parley_changes_find_json(pl_team_db(), "pending", all ? NULL : author, visit, &text,
	                                  &err);
	if (rc) {
		pl_team_error(rs, pl_team_status(rc, 0), err.msg);
		return;
	}
	json_t *a = pl_team_loads(text), *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(a, i, c) /* the summary the page shows, not the body */
		json_array_append_new(out, json_pack("{s:O,s:O,s:O,s:O,s:O}", "id",
		    json_object_get(c, "id"), "kind", json_object_get(c, "kind"), "author",
		    json_object_get(c, "author"), "created", json_object_get(c, "created"), "reason",
		    json_object_get(c, "reason")));
	json_decref(a);
	pl_team_json(rs, 200, json_pack("{s:s,s:s,s:s,s:b,s:o}", "visit", visit, "user", s->user,
	                                "role", parley_role_name(s->role), "can_edit",
	                                s->role >= PARLEY_ROLE_EDITOR, "pending", out));
}
