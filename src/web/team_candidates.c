/*
 * team_candidates.c - discovery candidates in the review queue: listed on
 * /review and in GET /api/v1/changes beside the editors' held changes, and
 * accepted (the visit becomes confirmed; its source is the article GDELT
 * cites, or the GDELT event records) or rejected with a comment.  Both go
 * through parley_review_accept / _reject, the CLI's `parley review`, so the
 * audit log has them as "review:web:NAME" with the reviewer's words.
 */
#include "team.h"

#include <stdlib.h>
#include <string.h>

json_t *pl_candidates_get(parley_err *err)
{
	char *text = NULL;
	if (parley_candidates_json(pl_team_db(), &text, err) != PARLEY_OK)
		return NULL;
	json_t *a = pl_team_loads(text);
	if (!a)
		parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	return a;
}

void pl_candidates_html(pl_buf *b, json_t *a, const parley_session *s)
{
	pl_buf_adds(b, "<h2 id=\"candidates\">Discovery candidates</h2>");
	if (!json_array_size(a))
		pl_buf_adds(b, "<p id=\"candidates-empty\">No candidate is waiting.</p>");
	size_t i;
	json_t *c;
	json_array_foreach(a, i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		const char *end = json_string_value(json_object_get(c, "end"));
		const char *who = json_string_value(json_object_get(c, "visitor_label"));
		pl_buf_adds(b, "<section class=\"candidate\" id=\"candidate-");
		pl_esc_html(b, id);
		pl_buf_adds(b, "\"><h3>");
		pl_esc_html(b, id);
		pl_buf_adds(b, "</h3><p>");
		pl_esc_html(b, json_string_value(json_object_get(c, "from")));
		pl_buf_adds(b, " to ");
		pl_esc_html(b, json_string_value(json_object_get(c, "to")));
		pl_buf_adds(b, ", ");
		pl_esc_html(b, json_string_value(json_object_get(c, "start")));
		if (end) {
			pl_buf_adds(b, " to ");
			pl_esc_html(b, end);
		}
		if (who) {
			pl_buf_adds(b, "; visitor as GDELT names them: ");
			pl_esc_html(b, who);
		}
		pl_buf_adds(b, ". ");
		pl_esc_html(b, json_string_value(json_object_get(c, "summary")));
		pl_buf_adds(b, "</p><p>Sources:</p><ul class=\"sources\">");
		size_t j;
		json_t *src;
		json_array_foreach(json_object_get(c, "sources"), j, src) {
			const char *url = json_string_value(json_object_get(src, "url"));
			const char *cite = json_string_value(json_object_get(src, "citation"));
			pl_buf_adds(b, "<li>");
			if (url) { /* an article GDELT cites: the reviewer reads it before accepting */
				pl_buf_adds(b, "<a rel=\"noopener noreferrer nofollow\" href=\"");
				pl_esc_html(b, url);
				pl_buf_adds(b, "\">");
				pl_esc_html(b, url);
				pl_buf_adds(b, "</a>");
			} else {
				pl_esc_html(b, cite ? cite : "");
			}
			pl_buf_adds(b, "</li>");
		}
		if (!json_array_size(json_object_get(c, "sources")))
			pl_buf_adds(b, "<li>none linked: accepting cites its GDELT event records</li>");
		pl_buf_adds(b, "</ul><p>GDELT events: ");
		json_t *ev;
		json_array_foreach(json_object_get(c, "events"), j, ev) {
			pl_buf_adds(b, j ? ", " : "");
			pl_esc_html(b, json_string_value(ev));
		}
		pl_buf_adds(b, "</p>");
		for (int accept = 1; accept >= 0; accept--) {
			pl_buf_adds(b, "<form method=\"post\" action=\"/review/candidates/");
			pl_esc_url(b, id);
			pl_buf_adds(b, accept ? "/accept\">" : "/reject\">");
			pl_buf_adds(b, "<input type=\"hidden\" name=\"csrf_token\" value=\"");
			pl_esc_html(b, s->csrf);
			pl_buf_adds(b, "\"><label for=\"k-");
			pl_esc_html(b, id);
			pl_buf_addf(b, "-%d\">Comment%s</label> <input id=\"k-", accept,
			              accept ? " (optional)" : "");
			pl_esc_html(b, id);
			pl_buf_addf(b, "-%d\" name=\"comment\"%s> <button type=\"submit\">%s</button></form>",
			              accept, accept ? "" : " required", accept ? "Accept" : "Reject");
		}
		pl_buf_adds(b, "</section>");
	}
}

void pl_candidate_decide(const pl_team_req *rq, const parley_session *s, const char *seg,
                         int accept, int html, pl_team_resp *rs)
{
	char id[512];
	if (pl_strlcpy(id, seg, sizeof id) >= sizeof id || pl_url_decode(id) != PARLEY_OK || !*id) {
		pl_team_error(rs, 404, "no such candidate");
		return;
	}
	char *comment = pl_team_comment(rq, html);
	parley_db *db = pl_team_db();
	char who[96], why[1200];
	snprintf(who, sizeof who, "web:%s", s->user);
	/* the audit log keeps the reviewer's words as the change's reason */
	snprintf(why, sizeof why, "discovery candidate %s%s%s", accept ? "accepted" : "rejected",
	         comment && *comment ? ": " : "", comment && *comment ? comment : "");
	parley_err err = {0, ""};
	parley_set_reason(db, why, NULL);
	int rc = accept ? parley_review_accept(db, id, who, &err)
	                : parley_review_reject(db, id, who, comment, &err);
	parley_set_reason(db, NULL, NULL);
	free(comment);
	if (rc == PARLEY_OK)
		rs->changed = 1;
	if (rc == PARLEY_OK && html) {
		pl_team_redirect(rs, "/review");
	} else if (rc == PARLEY_OK) {
		pl_team_json(rs, 200, json_pack("{s:s,s:s}", "id", id, "status",
		                                accept ? "confirmed" : "rejected"));
	} else {
		if (rc == PARLEY_EINVAL && !accept) /* the comment is what is missing */
			pl_strlcpy(err.msg, "a rejection needs a comment", sizeof err.msg);
		int status = rc == PARLEY_ECONFLICT ? 409 : pl_team_status(rc, 0);
		if (html)
			pl_review_page(rq, s, err.msg, status, rs);
		else
			pl_team_error(rs, status, err.msg);
	}
}
