/*
 * team_review.c - the review queue: changes editors made while the server
 * requires review, listed for reviewers (JSON and a page) and approved or
 * rejected with a comment (parley_change_decide writes an approved change
 * through the same path as a direct save).
 */
#include "team.h"

#include <stdlib.h>
#include <string.h>

/* The queue: the pending changes and the discovery candidates; 0, or -1
 * with a 500 answered on rs.  The caller decrefs both. */
static int queue(json_t **changes, json_t **cands, pl_team_resp *rs)
{
	parley_err err = {0, ""};
	char *text = NULL;
	*changes = parley_changes_json(pl_team_db(), "pending", &text, &err) == PARLEY_OK
	         ? pl_team_loads(text) : NULL;
	*cands = *changes ? pl_candidates_get(&err) : NULL;
	if (*cands)
		return 0;
	json_decref(*changes);
	pl_team_error(rs, 500, err.msg);
	return -1;
}

void pl_review_list(const pl_team_req *rq, const parley_session *s, pl_team_resp *rs)
{
	(void)rq, (void)s;
	json_t *a, *c;
	if (queue(&a, &c, rs) == 0)
		pl_team_json(rs, 200, json_pack("{s:o,s:o}", "changes", a, "candidates", c));
}

void pl_review_page(const pl_team_req *rq, const parley_session *s, const char *msg, int status,
                    pl_team_resp *rs)
{
	(void)rq;
	json_t *a, *cands;
	if (queue(&a, &cands, rs))
		return;
	pl_buf *b = pl_team_page(rs, status);
	pl_buf_adds(b, "Review - parley</title><link rel=\"stylesheet\" href=\"/static/style.css\">"
	               "</head><body><main id=\"main\"><h1>Changes waiting for review</h1>");
	if (msg) {
		pl_buf_adds(b, "<p class=\"error\" role=\"alert\" id=\"review-error\">");
		pl_esc_html(b, msg);
		pl_buf_adds(b, "</p>");
	}
	if (!json_array_size(a))
		pl_buf_adds(b, "<p id=\"queue-empty\">Nothing is waiting.</p>");
	size_t i;
	json_t *c;
	json_array_foreach(a, i, c) {
		long long id = (long long)json_integer_value(json_object_get(c, "id"));
		const char *visit = json_string_value(json_object_get(c, "visit"));
		const char *entity = json_string_value(json_object_get(c, "entity"));
		/* a person's or source's change links where its history is */
		const char *base = !entity || strcmp(entity, "visit") == 0 ? "/visit/"
		                 : strcmp(entity, "person") == 0 ? "/person/" : "/source/";
		pl_buf_addf(b, "<section class=\"change\" id=\"change-%lld\"><h2>#%lld: ", id, id);
		pl_esc_html(b, json_string_value(json_object_get(c, "kind")));
		pl_buf_adds(b, " <a href=\"");
		pl_buf_adds(b, base);
		pl_esc_url(b, visit);
		pl_buf_adds(b, strcmp(base, "/source/") == 0 ? "/history\">" : "\">");
		pl_esc_html(b, visit);
		pl_buf_adds(b, "</a></h2><p>By ");
		pl_esc_html(b, json_string_value(json_object_get(c, "author")));
		pl_buf_adds(b, ", ");
		pl_esc_html(b, json_string_value(json_object_get(c, "created")));
		pl_buf_adds(b, ". Why: ");
		pl_esc_html(b, json_string_value(json_object_get(c, "reason")));
		pl_buf_adds(b, "</p>");
		json_t *body = json_object_get(c, "body");
		if (body) {
			char *t = json_dumps(body, JSON_INDENT(1) | JSON_SORT_KEYS);
			pl_buf_adds(b, "<details><summary>The change as sent</summary><pre>");
			pl_esc_html(b, t);
			pl_buf_adds(b, "</pre></details>");
			free(t);
		}
		for (int approve = 1; approve >= 0; approve--) {
			pl_buf_addf(b, "<form method=\"post\" action=\"/review/%lld/%s\">", id,
			              approve ? "approve" : "reject");
			pl_buf_adds(b, "<input type=\"hidden\" name=\"csrf_token\" value=\"");
			pl_esc_html(b, s->csrf);
			pl_buf_addf(b, "\"><label for=\"c-%lld-%d\">Comment%s</label> <input id=\"c-%lld-%d\" "
			                 "name=\"comment\"%s> <button type=\"submit\">%s</button></form>",
			              id, approve, approve ? " (optional)" : "", id, approve,
			              approve ? "" : " required", approve ? "Approve" : "Reject");
		}
		pl_buf_adds(b, "</section>");
	}
	pl_candidates_html(b, cands, s);
	json_decref(cands);
	pl_buf_adds(b, "</main></body></html>\n");
	json_decref(a);
}

void pl_review_decide(const pl_team_req *rq, const parley_session *s, const char *seg,
                      int approve, int html, pl_team_resp *rs)
{
	char *end;
	long id = strtol(seg, &end, 10);
	if (!*seg || *end || id <= 0) {
		pl_team_error(rs, 404, "no such change");
		return;
	}
	char *comment = pl_team_comment(rq, html);
	char who[96];
	snprintf(who, sizeof who, "web:%s", s->user);
	parley_err err = {0, ""};
	parley_report *rep = parley_report_new();
	int rc = parley_change_decide(pl_team_db(), id, approve, who, comment, rep, &err);
	free(comment);
	if (rc == PARLEY_OK)
		rs->changed = approve;
	if (rc == PARLEY_OK && html) {
		pl_team_redirect(rs, "/review");
	} else if (rc == PARLEY_OK) {
		pl_team_json(rs, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status",
		                                approve ? "approved" : "rejected"));
	} else {
		/* a change made on a version that has moved on: the reviewer sees why */
		int status = rc == PARLEY_ECONFLICT && strstr(err.msg, "already") ? 409
		           : pl_team_status(rc, 1);
		if (html)
			pl_review_page(rq, s, err.msg, status, rs);
		else
			pl_team_error(rs, status, err.msg);
	}
	parley_report_free(rep);
}
