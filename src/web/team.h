/*
 * team.h - the team server's own routes (team.c): login, logout, the
 * session, and the JSON write API.  server.c hands them every request that
 * is not a GET/HEAD of the read-only site, plus the few GETs listed by
 * pl_team_owns, and only when editing is on; the read path is untouched.
 */
#ifndef PARLEY_TEAM_H
#define PARLEY_TEAM_H

#include "webq.h"

#define PL_SESSION_COOKIE "parley_session"
#define PL_NAME_COOKIE "parley_user" /* the user's name, for page script */
#define PL_SESSION_TTL (8 * 3600) /* seconds: a working day */
#define PL_TEAM_BODY_MAX (1u << 20)

typedef struct pl_team_req {
	const char *method, *path;
	const char *body;          /* NUL-terminated, len bytes */
	size_t len;
	const char *content_type;
	const char *cookie;        /* the Cookie header, or NULL */
	const char *csrf_header;   /* X-CSRF-Token, or NULL */
	const char *if_match;      /* If-Match, or NULL */
	const char *reason_header; /* X-Reason, or NULL */
	const char *address;       /* the client's address (after --trust-proxy) */
	int secure;                /* came over TLS (directly or via the trusted proxy) */
} pl_team_req;

typedef struct pl_team_resp {
	int status;
	const char *type;          /* static */
	pl_buf body;
	char location[600];        /* Location, or "" */
	char etag[48];             /* ETag, or "" */
	char set_cookie[256];      /* Set-Cookie, or "" */
	char set_cookie2[256];     /* a second Set-Cookie (the user name's), or "" */
	int changed;               /* 1: records changed; cached pages are stale */
} pl_team_resp;

/* Opens the writer connection on db_path; review: editors' changes are
 * held for review.  PARLEY_EDB etc. on failure. */
int pl_team_open(const char *db_path, int review, parley_err *err);
void pl_team_close(void);
/* True when the team routes answer this method and path (a write, or one
 * of the team's GET pages). */
int pl_team_owns(const char *method, const char *path);
/* Answers rq into rs (rs->body initialised here; caller frees it). */
void pl_team_handle(const pl_team_req *rq, pl_team_resp *rs);

/* Shared by team.c and team_form.c; called with the team lock held. */
parley_db *pl_team_db(void);
pl_web *pl_team_web(void);          /* the read routes over the writer connection */
char *pl_team_field(const pl_team_req *rq, const char *name); /* form field; caller frees */
/* A decision's "comment": the form field (html) or the JSON body's; NULL if none; caller frees */
char *pl_team_comment(const pl_team_req *rq, int html);
/* Starts an HTML answer on rs (status, type, the head up to an open <title>); returns rs's
   body, which rs owns, for the caller to write the title and the rest. */
pl_buf *pl_team_page(pl_team_resp *rs, int status);
void pl_team_redirect(pl_team_resp *rs, const char *to);
void pl_team_error(pl_team_resp *rs, int status, const char *msg);
int pl_team_status(int rc, int changing);
void pl_team_json(pl_team_resp *rs, int status, json_t *v); /* takes v */
/* 1 when s's changes must wait for review (the server requires it and s
 * is an editor). */
int pl_team_held(const parley_session *s);
/* Sets the audit log's actor to s's user ("web:NAME") for the writes that follow; NULL
   clears it. */
void pl_team_actor(const parley_session *s);
/* The review queue (team_review.c). */
void pl_review_list(const pl_team_req *rq, const parley_session *s, pl_team_resp *rs);
void pl_review_page(const pl_team_req *rq, const parley_session *s, const char *msg, int status,
                    pl_team_resp *rs);
void pl_review_decide(const pl_team_req *rq, const parley_session *s, const char *id,
                      int approve, int html, pl_team_resp *rs);
/* Discovery candidates in the queue (team_candidates.c): the list as JSON
 * (NULL on failure, err set; caller decrefs), its section of /review, and
 * accept/reject of candidate seg (the route's {id}, URL-encoded). */
json_t *pl_candidates_get(parley_err *err);
void pl_candidates_html(pl_buf *b, json_t *candidates, const parley_session *s);
void pl_candidate_decide(const pl_team_req *rq, const parley_session *s, const char *seg,
                         int accept, int html, pl_team_resp *rs);
/* A user's page and changes, and a visit's held changes for its page
 * (team_user.c); seg is the route's {id}, URL-encoded. */
void pl_user_page(const pl_team_req *rq, const parley_session *s, const char *seg, pl_team_resp *rs);
void pl_user_changes(const pl_team_req *rq, const parley_session *s, const char *seg,
                     pl_team_resp *rs);
void pl_visit_pending(const pl_team_req *rq, const parley_session *s, const char *seg,
                      pl_team_resp *rs);

/* A form's record (team_form.c renders and reads it; team_records.c
 * describes people and sources).  picker: "person", "country", "office",
 * "choice:a,b,c" (a select) or NULL. */
typedef struct pl_form_field {
	const char *name, *label, *picker;
	int area; /* 1: a textarea */
} pl_form_field;
typedef struct pl_form_list {
	const char *key, *label;
	const pl_form_field *cols;
	size_t ncols;
} pl_form_list;
typedef struct pl_form_kind {
	const char *entity;    /* "visit", "person", "source": the write path and findings' item */
	const char *noun;      /* "a visit" */
	const char *new_path;  /* "/visits/new" */
	const char *edit_base; /* "/visit/": + ID + "/edit" */
	const char *api_base;  /* "/api/v1/visits/": + ID is the record as JSON */
	const pl_form_field *top;
	size_t ntop;
	const pl_form_list *lists;
	size_t nlists;
	const char *word;      /* "visit", "record": what the API's errors call one */
} pl_form_kind;
extern const pl_form_kind pl_form_visit;
void pl_form_input(pl_buf *b, const char *name, const pl_form_field *f, json_t *value,
                   json_t *errs, int readonly);
void pl_form_get_of(const pl_form_kind *K, const pl_team_req *rq, const parley_session *s,
                    const char *id, pl_team_resp *rs);
void pl_form_post_of(const pl_form_kind *K, const pl_team_req *rq, const parley_session *s,
                     const char *id, pl_team_resp *rs);
/* The library's write and proposal of one of K's records (team_records.c):
 * parley_visit_write and parley_change_propose for visits, parley_record_*
 * for the others, with their arguments. */
int pl_rec_write(const pl_form_kind *K, const char *id, const char *json, const char *if_match,
                 const char *reason, char *out_id, size_t id_cap, parley_report *rep,
                 parley_err *err);
int pl_rec_propose(const pl_form_kind *K, const char *kind, const char *id, const char *json,
                   const char *if_match, const char *reason, const char *author, long *out,
                   parley_report *rep, parley_err *err);
/* Redirects rs to K->edit_base + id (URL-escaped) + suffix ("/history" or ""). */
void pl_rec_redirect(pl_team_resp *rs, const pl_form_kind *K, const char *id,
                     const char *suffix);

/* Visits, people and sources (team_records.c): their write API, history,
 * revert and forms, for the routes of team.c's table that name them; path
 * is the route's pattern, id its {id} segment (still URL-encoded). */
void pl_records_route(const char *method, const char *path, const pl_team_req *rq,
                      const parley_session *s, const char *id, pl_team_resp *rs);
/* The history page of a record (visit, person or source): entries from
 * parley_*_history, with a Revert form (posting to BASE ID /revert) on each
 * correction of the record's own fields for an editor. */
void pl_history_render(pl_team_resp *rs, int status, const char *base, const char *entity,
                       const char *id, const char *etag, json_t *history,
                       const parley_session *s, const char *msg);
/* team.c's helpers for the routes of team_records.c. */
void pl_team_findings(pl_team_resp *rs, int status, const char *msg, parley_report *rep);
/* The checks before a JSON write of a `what` (visit, record): JSON body, If-Match when id
   names one to change, then the body without its "reason" and the reason (from the body or
   X-Reason), as new strings the caller frees.  0, or -1 with the error (415, 428, 500)
   already answered on rs. */
int pl_team_write_start(const pl_team_req *rq, const char *id, const char *what, char **body,
                        char **reason, pl_team_resp *rs);
json_t *pl_team_history_changes(json_t *history); /* adds each entry's "changes"; returns it */
/* The JSON text a parley_*_json call made, parsed; takes text (frees it; NULL gives NULL).
   The caller decrefs what it returns. */
json_t *pl_team_loads(char *text);

#endif
