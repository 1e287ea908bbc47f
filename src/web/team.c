/*
 * team.c - the team server's routes: login, logout, the session and the
 * JSON write API, behind one table of routes (method, path, least role,
 * CSRF) that the access checks, GET /api/v1/routes and the security tests
 * all read, so a route cannot be added without its rule.
 *
 * Writes go through one read-write connection guarded by a mutex: SQLite
 * takes one writer at a time anyway, and the store's busy timeout bounds
 * how long a CLI import can hold us up (then PARLEY_EBUSY, a 503).
 * Records (visits, people, sources: team_records.c) are written through
 * the import's validation path.
 */
#include "team.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static parley_db *g_db;
static pl_web g_web;
static int g_review;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

parley_db *pl_team_db(void)
{
	return g_db;
}

pl_web *pl_team_web(void)
{
	return &g_web;
}

static const char *const json_ctype = "application/json; charset=utf-8";
static const char *const html_type = "text/html; charset=utf-8";

/* ------------------------------------------------------------------ */
/* The route table                                                     */
/* ------------------------------------------------------------------ */

#define PUBLIC (-1) /* no session needed */

typedef struct route route;
typedef void (*handler)(const route *r, const pl_team_req *rq, const parley_session *s,
                        const char *rest, pl_team_resp *rs);

struct route {
	const char *method;
	const char *path;   /* exact, or with one "{id}": a path segment, handed to fn */
	int role;           /* least parley_role, or PUBLIC */
	int csrf;           /* 1: a state change; needs the session's CSRF token */
	handler fn;
};

static void h_login_page(const route *, const pl_team_req *, const parley_session *, const char *, pl_team_resp *);
static void h_login(const route *, const pl_team_req *, const parley_session *, const char *, pl_team_resp *);
static void h_logout(const route *, const pl_team_req *, const parley_session *, const char *, pl_team_resp *);
static void h_session(const route *, const pl_team_req *, const parley_session *, const char *, pl_team_resp *);
static void h_routes(const route *, const pl_team_req *, const parley_session *, const char *, pl_team_resp *);
static void h_changes(const route *r, const pl_team_req *rq, const parley_session *s,
                      const char *rest, pl_team_resp *rs)
{
	(void)r, (void)rest;
	pl_review_list(rq, s, rs);
}

/* Approve or reject a pending change: the route says which (its path ends in
 * /approve or /reject) and whether the answer is a page (/review/...) or
 * JSON (/api/v1/changes/...). */
static void h_decide(const route *r, const pl_team_req *rq, const parley_session *s,
                     const char *rest, pl_team_resp *rs)
{
	size_t n = strlen(r->path);
	int approve = n >= 8 && strcmp(r->path + n - 8, "/approve") == 0;
	int page = strncmp(r->path, "/review/", 8) == 0;
	pl_review_decide(rq, s, rest, approve, page, rs);
}

static void h_review_page(const route *r, const pl_team_req *rq, const parley_session *s,
                          const char *rest, pl_team_resp *rs)
{
	(void)r, (void)rest;
	pl_review_page(rq, s, NULL, 200, rs);
}

/* The user pages, a visit's held changes and the discovery candidates
 * (team_user.c, team_candidates.c): the route's path says which. */
static void h_flow(const route *r, const pl_team_req *rq, const parley_session *s,
                   const char *rest, pl_team_resp *rs)
{
	const char *p = r->path;
	size_t n = strlen(p);
	if (strcmp(p, "/user/{id}") == 0)
		pl_user_page(rq, s, rest, rs);
	else if (strcmp(p, "/api/v1/users/{id}/changes") == 0)
		pl_user_changes(rq, s, rest, rs);
	else if (strcmp(p, "/api/v1/visits/{id}/pending") == 0)
		pl_visit_pending(rq, s, rest, rs);
	else /* .../candidates/{id}/accept or /reject, a page's or the API's */
		pl_candidate_decide(rq, s, rest, n >= 7 && strcmp(p + n - 7, "/accept") == 0,
		                    strncmp(p, "/review/", 8) == 0, rs);
}

/* Visits, people and sources: team_records.c answers by the route's pattern. */
static void h_records(const route *r, const pl_team_req *rq, const parley_session *s,
                      const char *rest, pl_team_resp *rs)
{
	pl_records_route(r->method, r->path, rq, s, rest, rs);
}


static const route routes[] = {
    {"GET", "/login", PUBLIC, 0, h_login_page},
    {"POST", "/login", PUBLIC, 0, h_login},
    {"POST", "/logout", PARLEY_ROLE_READER, 1, h_logout},
    {"GET", "/api/v1/session", PARLEY_ROLE_READER, 0, h_session},
    {"GET", "/api/v1/routes", PUBLIC, 0, h_routes},
    {"POST", "/api/v1/visits", PARLEY_ROLE_EDITOR, 1, h_records},
    {"PATCH", "/api/v1/visits/{id}", PARLEY_ROLE_EDITOR, 1, h_records},
    {"DELETE", "/api/v1/visits/{id}", PARLEY_ROLE_EDITOR, 1, h_records},
    {"GET", "/api/v1/visits/{id}/history", PARLEY_ROLE_READER, 0, h_records},
    {"POST", "/api/v1/visits/{id}/revert", PARLEY_ROLE_EDITOR, 1, h_records},
    {"GET", "/visit/{id}/history", PARLEY_ROLE_READER, 0, h_records},
    {"POST", "/visit/{id}/revert", PARLEY_ROLE_EDITOR, 1, h_records},
    {"GET", "/api/v1/changes", PARLEY_ROLE_REVIEWER, 0, h_changes},
    {"POST", "/api/v1/changes/{id}/approve", PARLEY_ROLE_REVIEWER, 1, h_decide},
    {"POST", "/api/v1/changes/{id}/reject", PARLEY_ROLE_REVIEWER, 1, h_decide},
    {"GET", "/review", PARLEY_ROLE_REVIEWER, 0, h_review_page},
    {"POST", "/review/{id}/approve", PARLEY_ROLE_REVIEWER, 1, h_decide},
    {"POST", "/review/{id}/reject", PARLEY_ROLE_REVIEWER, 1, h_decide},
    {"GET", "/visits/new", PARLEY_ROLE_EDITOR, 0, h_records},
    {"POST", "/visits/new", PARLEY_ROLE_EDITOR, 1, h_records},
    {"GET", "/visit/{id}/edit", PARLEY_ROLE_EDITOR, 0, h_records},
    {"POST", "/visit/{id}/edit", PARLEY_ROLE_EDITOR, 1, h_records},
    {"POST", "/api/v1/people", PARLEY_ROLE_EDITOR, 1, h_records},
    {"PATCH", "/api/v1/people/{id}", PARLEY_ROLE_EDITOR, 1, h_records},
    {"DELETE", "/api/v1/people/{id}", PARLEY_ROLE_EDITOR, 1, h_records},
    {"GET", "/api/v1/people/{id}/history", PARLEY_ROLE_READER, 0, h_records},
    {"POST", "/api/v1/people/{id}/revert", PARLEY_ROLE_EDITOR, 1, h_records},
    {"GET", "/person/{id}/history", PARLEY_ROLE_READER, 0, h_records},
    {"POST", "/person/{id}/revert", PARLEY_ROLE_EDITOR, 1, h_records},
    {"GET", "/people/new", PARLEY_ROLE_EDITOR, 0, h_records},
    {"POST", "/people/new", PARLEY_ROLE_EDITOR, 1, h_records},
    {"GET", "/person/{id}/edit", PARLEY_ROLE_EDITOR, 0, h_records},
    {"POST", "/person/{id}/edit", PARLEY_ROLE_EDITOR, 1, h_records},
    {"POST", "/api/v1/sources", PARLEY_ROLE_EDITOR, 1, h_records},
    {"PATCH", "/api/v1/sources/{id}", PARLEY_ROLE_EDITOR, 1, h_records},
    {"DELETE", "/api/v1/sources/{id}", PARLEY_ROLE_EDITOR, 1, h_records},
    {"GET", "/api/v1/sources/{id}/history", PARLEY_ROLE_READER, 0, h_records},
    {"POST", "/api/v1/sources/{id}/revert", PARLEY_ROLE_EDITOR, 1, h_records},
    {"GET", "/source/{id}/history", PARLEY_ROLE_READER, 0, h_records},
    {"POST", "/source/{id}/revert", PARLEY_ROLE_EDITOR, 1, h_records},
    {"GET", "/sources/new", PARLEY_ROLE_EDITOR, 0, h_records},
    {"POST", "/sources/new", PARLEY_ROLE_EDITOR, 1, h_records},
    {"GET", "/source/{id}/edit", PARLEY_ROLE_EDITOR, 0, h_records},
    {"POST", "/source/{id}/edit", PARLEY_ROLE_EDITOR, 1, h_records},
    {"GET", "/api/v1/offices", PARLEY_ROLE_READER, 0, h_records}, /* the office picker */
    {"GET", "/user/{id}", PARLEY_ROLE_READER, 0, h_flow},
    {"GET", "/api/v1/users/{id}/changes", PARLEY_ROLE_READER, 0, h_flow},
    {"GET", "/api/v1/visits/{id}/pending", PARLEY_ROLE_READER, 0, h_flow},
    {"POST", "/api/v1/candidates/{id}/accept", PARLEY_ROLE_REVIEWER, 1, h_flow},
    {"POST", "/api/v1/candidates/{id}/reject", PARLEY_ROLE_REVIEWER, 1, h_flow},
    {"POST", "/review/candidates/{id}/accept", PARLEY_ROLE_REVIEWER, 1, h_flow},
    {"POST", "/review/candidates/{id}/reject", PARLEY_ROLE_REVIEWER, 1, h_flow},
};

/* Matches path against a route's pattern; *rest gets the {id} segment
 * (still URL-encoded) into id. */
static int path_matches(const char *pattern, const char *path, char *id, size_t cap)
{
	const char *brace = strstr(pattern, "{id}");
	if (!brace)
		return strcmp(pattern, path) == 0;
	size_t pre = (size_t)(brace - pattern);
	const char *suf = brace + 4;
	if (strncmp(path, pattern, pre) != 0)
		return 0;
	const char *seg = path + pre, *end = strchr(seg, '/');
	size_t n = end ? (size_t)(end - seg) : strlen(seg);
	if (!n || n >= cap || strcmp(seg + n, suf) != 0)
		return 0;
	memcpy(id, seg, n);
	id[n] = '\0';
	return 1;
}

static const route *match(const char *method, const char *path, char *id, size_t cap,
                          int *path_known)
{
	*path_known = 0;
	for (size_t i = 0; i < PL_ARRAY_LEN(routes); i++) {
		const route *r = &routes[i];
		if (!path_matches(r->path, path, id, cap))
			continue;
		*path_known = 1;
		if (strcmp(method, r->method) == 0)
			return r;
	}
	return NULL;
}

int pl_team_owns(const char *method, const char *path)
{
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return 1;
	char id[512];
	int known;
	return match("GET", path, id, sizeof id, &known) != NULL;
}

int pl_team_open(const char *db_path, int review, parley_err *err)
{
	g_review = review;
	int rc = parley_open(db_path, 0, &g_db, err);
	return rc ? rc : pl_web_init(&g_web, g_db, 0, err);
}

void pl_team_close(void)
{
	parley_close(g_db);
	g_db = NULL;
}

/* ------------------------------------------------------------------ */
/* Answers                                                             */
/* ------------------------------------------------------------------ */

static void send_json(pl_team_resp *rs, int status, json_t *v)
{
	rs->status = status;
	rs->type = json_ctype;
	pl_buf_reset(&rs->body);
	char *s = v ? json_dumps(v, JSON_COMPACT) : NULL;
	pl_buf_adds(&rs->body, s ? s : "{}");
	pl_buf_addc(&rs->body, '\n');
	free(s);
	json_decref(v);
}

static void send_error(pl_team_resp *rs, int status, const char *msg)
{
	send_json(rs, status, json_pack("{s:{s:i,s:s}}", "error", "status", status, "message", msg));
}

void pl_team_error(pl_team_resp *rs, int status, const char *msg)
{
	send_error(rs, status, msg);
}

void pl_team_json(pl_team_resp *rs, int status, json_t *v)
{
	send_json(rs, status, v);
}

int pl_team_held(const parley_session *s)
{
	return g_review && s && s->role == PARLEY_ROLE_EDITOR;
}

static void redirect(pl_team_resp *rs, const char *to)
{
	rs->status = 303;
	rs->type = html_type;
	pl_strlcpy(rs->location, to, sizeof rs->location);
	pl_buf_reset(&rs->body);
}

void pl_team_redirect(pl_team_resp *rs, const char *to)
{
	redirect(rs, to);
}

/* The status of a library failure on a write. */
int pl_team_status(int rc, int changing)
{
	switch (rc) {
	case PARLEY_ENOTFOUND: return 404;
	case PARLEY_EDATA: return 422;
	case PARLEY_EINVAL: return 400;
	case PARLEY_ECONFLICT: return changing ? 412 : 409;
	case PARLEY_EBUSY: return 503;
	case PARLEY_EDENIED: return 403;
	case PARLEY_ELIMIT: return 429;
	default: return 500;
	}
}

/* ------------------------------------------------------------------ */
/* Request helpers                                                     */
/* ------------------------------------------------------------------ */

/* The value of cookie name in a Cookie header into out; 0 when absent. */
static int cookie_value(const char *hdr, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);
	for (const char *p = hdr; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > n && strncmp(p, name, n) == 0 && p[n] == '=') {
			size_t vl = len - n - 1;
			if (vl >= cap)
				return 0;
			memcpy(out, p + n + 1, vl);
			out[vl] = '\0';
			return 1;
		}
		p = end;
	}
	return 0;
}

/* A field of an application/x-www-form-urlencoded body, decoded into a
 * new string (caller frees), or NULL when absent or badly encoded. */
static char *form_field(const char *body, size_t len, const char *name)
{
	size_t n = strlen(name);
	const char *end = body + len;
	for (const char *p = body; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if ((size_t)(stop - p) > n && strncmp(p, name, n) == 0 && p[n] == '=') {
			size_t vl = (size_t)(stop - p) - n - 1;
			char *v = malloc(vl + 1);
			if (!v)
				return NULL;
			memcpy(v, p + n + 1, vl);
			v[vl] = '\0';
			if (pl_url_decode(v) != PARLEY_OK) {
				free(v);
				return NULL;
			}
			return v;
		}
		p = stop + 1;
	}
	return NULL;
}

static int is_form(const pl_team_req *rq)
{
	return rq->content_type &&
	       strncmp(rq->content_type, "application/x-www-form-urlencoded", 33) == 0;
}

char *pl_team_field(const pl_team_req *rq, const char *name)
{
	return is_form(rq) ? form_field(rq->body, rq->len, name) : NULL;
}

/* Every team page opens the same way; one place writes it. */
pl_buf *pl_team_page(pl_team_resp *rs, int status)
{
	rs->status = status;
	rs->type = "text/html; charset=utf-8";
	pl_buf *b = &rs->body;
	pl_buf_reset(b);
	pl_buf_adds(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
	return b;
}

/* One reading for every decision (review, candidates): a form posts the comment as a field,
   the API as a JSON member. */
char *pl_team_comment(const pl_team_req *rq, int html)
{
	if (html)
		return pl_team_field(rq, "comment");
	json_t *v = json_loadb(rq->body, rq->len, 0, NULL);
	const char *c = json_string_value(json_object_get(v, "comment"));
	char *comment = c ? pl_strdup(c) : NULL;
	json_decref(v);
	return comment;
}

/* Equal without stopping at the first difference (no timing hint). */
static int same_token(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	unsigned d = na != nb;
	for (size_t i = 0; i < na && i < nb; i++)
		d |= (unsigned)(a[i] ^ b[i]);
	return d == 0;
}

static void set_cookie(pl_team_resp *rs, const pl_team_req *rq, const char *token, long max_age)
{
	snprintf(rs->set_cookie, sizeof rs->set_cookie,
	         PL_SESSION_COOKIE "=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%ld%s", token,
	         max_age, rq->secure ? "; Secure" : "");
}

/* The user's name for page script (app.js's team bar): no secret, so
 * script may read it; public visitors have none and their pages fetch
 * nothing more. */
static void set_name_cookie(pl_team_resp *rs, const pl_team_req *rq, const char *user,
                            long max_age)
{
	snprintf(rs->set_cookie2, sizeof rs->set_cookie2,
	         PL_NAME_COOKIE "=%s; SameSite=Strict; Path=/; Max-Age=%ld%s", user, max_age,
	         rq->secure ? "; Secure" : "");
}

/* ------------------------------------------------------------------ */
/* Login, logout, session                                              */
/* ------------------------------------------------------------------ */

static void login_form(pl_team_resp *rs, int status, const char *msg)
{
	rs->status = status;
	rs->type = html_type;
	pl_buf_reset(&rs->body);
	pl_buf_adds(&rs->body,
	            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	            "<title>Log in - parley</title><link rel=\"stylesheet\" href=\"/static/style.css\">"
	            "</head><body><main id=\"main\"><h1>Log in</h1>");
	if (msg) {
		pl_buf_adds(&rs->body, "<p class=\"error\" role=\"alert\" id=\"login-error\">");
		pl_esc_html(&rs->body, msg);
		pl_buf_adds(&rs->body, "</p>");
	}
	pl_buf_adds(&rs->body,
	            "<form method=\"post\" action=\"/login\">"
	            "<p><label for=\"user\">User name</label> "
	            "<input id=\"user\" name=\"user\" autocomplete=\"username\" required></p>"
	            "<p><label for=\"password\">Password</label> <input id=\"password\" "
	            "name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>"
	            "<p><button type=\"submit\">Log in</button></p></form>"
	            "<p><a href=\"/\">Back to the figures</a></p></main></body></html>\n");
}

static void h_login_page(const route *r, const pl_team_req *rq, const parley_session *s,
                         const char *rest, pl_team_resp *rs)
{
	(void)r, (void)rq, (void)s, (void)rest;
	login_form(rs, 200, NULL);
}

static void h_login(const route *r, const pl_team_req *rq, const parley_session *s,
                    const char *rest, pl_team_resp *rs)
{
	(void)r, (void)s, (void)rest;
	if (!is_form(rq)) {
		login_form(rs, 400, "send the form (user, password)");
		return;
	}
	char *user = form_field(rq->body, rq->len, "user");
	char *pw = form_field(rq->body, rq->len, "password");
	char token[PARLEY_TOKEN_LEN + 1];
	parley_err err = {0, ""};
	int rc = !user || !pw ? PARLEY_EDENIED
	       : parley_login(g_db, user, pw, rq->address, PL_SESSION_TTL, token, NULL, &err);
	if (pw) { /* the password goes nowhere else: not logged, not echoed */
		memset(pw, 0, strlen(pw));
		free(pw);
	}
	if (rc == PARLEY_OK) {
		set_cookie(rs, rq, token, PL_SESSION_TTL);
		set_name_cookie(rs, rq, user, PL_SESSION_TTL);
		memset(token, 0, sizeof token);
		redirect(rs, "/");
	} else if (rc == PARLEY_ELIMIT) {
		login_form(rs, 429, "too many failed attempts; try again in 15 minutes");
	} else if (rc == PARLEY_EDENIED) {
		login_form(rs, 401, "wrong user name or password");
	} else {
		login_form(rs, pl_team_status(rc, 0), err.msg);
	}
	free(user);
}

static void h_logout(const route *r, const pl_team_req *rq, const parley_session *s,
                     const char *rest, pl_team_resp *rs)
{
	(void)r, (void)s, (void)rest;
	char token[PARLEY_TOKEN_LEN + 8];
	if (cookie_value(rq->cookie, PL_SESSION_COOKIE, token, sizeof token))
		parley_session_end(g_db, token, NULL);
	set_cookie(rs, rq, "", 0);
	set_name_cookie(rs, rq, "", 0);
	redirect(rs, "/");
}

static void h_session(const route *r, const pl_team_req *rq, const parley_session *s,
                      const char *rest, pl_team_resp *rs)
{
	(void)r, (void)rq, (void)rest;
	send_json(rs, 200, json_pack("{s:s,s:s,s:s,s:s}", "user", s->user, "role",
	                             parley_role_name(s->role), "csrf_token", s->csrf, "expires",
	                             s->expires));
}

static void h_routes(const route *r, const pl_team_req *rq, const parley_session *s,
                     const char *rest, pl_team_resp *rs)
{
	(void)r, (void)rq, (void)s, (void)rest;
	json_t *a = json_array();
	for (size_t i = 0; i < PL_ARRAY_LEN(routes); i++) {
		const route *x = &routes[i];
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:b}", "method", x->method, "path",
		                                   x->path, "role",
		                                   x->role == PUBLIC ? "public" : parley_role_name((parley_role)x->role),
		                                   "csrf", x->csrf));
	}
	send_json(rs, 200, json_pack("{s:o}", "routes", a));
}

/* ------------------------------------------------------------------ */
/* The write API                                                       */
/* ------------------------------------------------------------------ */

/* 422 with the import's findings, one per field. */
void pl_team_findings(pl_team_resp *rs, int status, const char *msg, parley_report *rep)
{
	json_t *errs = json_array();
	for (size_t i = 0; rep && i < parley_report_count(rep); i++) {
		const parley_finding *f = parley_report_get(rep, i);
		if (f->severity != PARLEY_ERROR)
			continue;
		json_array_append_new(errs, json_pack("{s:o,s:o,s:o,s:o,s:s}", "item",
		    f->file ? json_string(f->file) : json_null(), "record",
		    f->record ? json_string(f->record) : json_null(), "field",
		    f->field ? json_string(f->field) : json_null(), "code",
		    f->code ? json_string(f->code) : json_null(), "message", f->message ? f->message : ""));
	}
	send_json(rs, status, json_pack("{s:{s:i,s:s,s:o}}", "error", "status", status, "message",
	                                msg, "errors", errs));
}

/* The body without its "reason" (which the audit log takes), and the
 * reason from the body or the X-Reason header, into new strings. */
static int split_reason(const pl_team_req *rq, char **body, char **reason)
{
	*body = *reason = NULL;
	json_error_t je;
	json_t *v = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES, &je);
	if (json_is_object(v)) {
		const char *r = json_string_value(json_object_get(v, "reason"));
		if (r)
			*reason = pl_strdup(r);
		json_object_del(v, "reason");
		*body = json_dumps(v, JSON_COMPACT);
	} else {
		*body = pl_strdup(rq->body); /* the library names what is wrong with it */
	}
	json_decref(v);
	if (!*reason && rq->reason_header && *rq->reason_header)
		*reason = pl_strdup(rq->reason_header);
	return *body ? PARLEY_OK : PARLEY_ENOMEM;
}

/* The audit log's actor for what s writes next ("web:USER"); NULL clears it. */
void pl_team_actor(const parley_session *s)
{
	char actor[96];
	if (s)
		snprintf(actor, sizeof actor, "web:%s", s->user);
	parley_set_actor(g_db, s ? actor : NULL, NULL);
}

int pl_team_write_start(const pl_team_req *rq, const char *id, const char *what, char **body,
                        char **reason, pl_team_resp *rs)
{
	char msg[128];
	if (!rq->content_type || !strstr(rq->content_type, "json")) {
		snprintf(msg, sizeof msg, "send the %s as application/json", what);
		send_error(rs, 415, msg);
		return -1;
	}
	if (id && !rq->if_match) { /* a change without the ETag could undo one it never saw */
		snprintf(msg, sizeof msg, "If-Match is required: send the ETag of the %s you changed",
		         what);
		send_error(rs, 428, msg);
		return -1;
	}
	if (split_reason(rq, body, reason)) {
		send_error(rs, 500, "out of memory");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* History and revert                                                  */
/* ------------------------------------------------------------------ */

json_t *pl_team_loads(char *text)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	free(text);
	return v;
}

json_t *pl_team_history_changes(json_t *a)
{
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e) {
		json_t *b = json_object_get(e, "before"), *f = json_object_get(e, "after");
		json_t *ch = json_array();
		json_t *keys = json_is_object(f) ? f : b;
		const char *k;
		json_t *v;
		json_object_foreach(keys, k, v) {
			json_t *x = json_object_get(b, k), *y = json_object_get(f, k);
			if (!json_equal(x ? x : json_null(), y ? y : json_null()))
				json_array_append_new(ch, json_pack("{s:s,s:O,s:O}", "field", k, "before",
				                                    x ? x : json_null(), "after", y ? y : json_null()));
		}
		json_object_set_new(e, "changes", ch);
	}
	return a;
}

/* ------------------------------------------------------------------ */
/* The checks every route passes                                       */
/* ------------------------------------------------------------------ */

static void team_route(const pl_team_req *rq, pl_team_resp *rs)
{
	memset(rs, 0, sizeof *rs);
	pl_buf_init(&rs->body, PL_BODY_MAX);
	rs->status = 200;
	rs->type = json_ctype;
	char rest[512] = "";
	int known;
	const route *r = match(rq->method, rq->path, rest, sizeof rest, &known);
	int api = strncmp(rq->path, "/api/", 5) == 0;
	if (!r) {
		send_error(rs, known ? 405 : 404, known ? "method not allowed here" : "no such page");
		return;
	}
	pthread_mutex_lock(&g_lock);
	parley_session s;
	memset(&s, 0, sizeof s);
	int have = 0;
	char token[PARLEY_TOKEN_LEN + 8];
	if (rq->cookie && cookie_value(rq->cookie, PL_SESSION_COOKIE, token, sizeof token))
		have = parley_session_get(g_db, token, &s, NULL) == PARLEY_OK;
	if (r->role != PUBLIC && !have) {
		if (api)
			send_error(rs, 401, "log in first (POST /login)");
		else
			redirect(rs, "/login");
	} else if (r->role != PUBLIC && (int)s.role < r->role) {
		char msg[128];
		snprintf(msg, sizeof msg, "this needs the %s role; you are %s",
		         parley_role_name((parley_role)r->role), parley_role_name(s.role));
		send_error(rs, 403, msg);
	} else if (r->csrf) {
		char *field = NULL;
		const char *given = rq->csrf_header;
		if (!given && is_form(rq))
			given = field = form_field(rq->body, rq->len, "csrf_token");
		int ok = given && same_token(given, s.csrf);
		free(field);
		if (!ok)
			send_error(rs, 403, "missing or wrong CSRF token (X-CSRF-Token or csrf_token)");
		else
			r->fn(r, rq, &s, rest, rs);
	} else {
		r->fn(r, rq, have ? &s : NULL, rest, rs);
	}
	pthread_mutex_unlock(&g_lock);
}

/* The one check of the team pages' sticky appends (docs/design.md,
 * "Buffers"): an answer that lost an append becomes a 500 (whose own
 * failure leaves a failed body, which the server answers with a literal). */
void pl_team_handle(const pl_team_req *rq, pl_team_resp *rs)
{
	team_route(rq, rs);
	int rc = pl_buf_failed(&rs->body);
	if (rc != PARLEY_OK) {
		fprintf(stderr, "parley serve: %s %s: %s\n", rq->method, rq->path, parley_strstatus(rc));
		rs->location[0] = '\0';
		send_error(rs, 500, rc == PARLEY_ELIMIT ? "the answer is too large" : "out of memory");
	}
}
