/*
 * team_form.c - the forms to add and edit a record: a visit with its
 * delegation, hosts, places, activities and sources, and (described in
 * team_records.c) a person with aliases and tenures, or a source.
 *
 * A form is turned into the JSON the write API takes and written by the
 * same parley_visit_write (parley_record_write for people and sources), so
 * it has the import's rules and messages; each
 * message is shown next to its field (a finding's item and field name the
 * input).  A change made from an old version (someone saved in between) is
 * not written: the form comes back with both versions side by side and the
 * current version's ETag, so saving again is the editor's merge.
 */
#include "team.h"

#include <stdlib.h>
#include <string.h>

typedef pl_form_field field;
typedef pl_form_list list;

static const field top[] = {
    {"id", "Id (new visits: date-from-to-visitor)", NULL, 0},
    {"visitor", "Visitor (search people by any name)", "person", 0},
    {"visitor_label", "Visitor as the source names them", NULL, 0},
    {"visitor_title", "Visitor's title", NULL, 0},
    {"visitor_office", "Visitor's office (id)", NULL, 0},
    {"level", "Level", NULL, 0},
    {"from_country", "From country", "country", 0},
    {"to_country", "To country", "country", 0},
    {"start_date", "Start date (YYYY, YYYY-MM or YYYY-MM-DD)", NULL, 0},
    {"end_date", "End date", NULL, 0},
    {"type", "Type", NULL, 0},
    {"status", "Status", NULL, 0},
    {"confidence", "Confidence", NULL, 0},
    {"summary", "Summary", NULL, 1},
    {"disputed", "Disputed", NULL, 0},
    {"note", "Note", NULL, 1},
};

static const field people_cols[] = {
    {"person", "Person", "person", 0}, {"name", "Name", NULL, 0}, {"detail", "Detail", NULL, 0}};
static const field place_cols[] = {{"name", "Place", NULL, 0}, {"country", "Country", "country", 0}};
static const field activity_cols[] = {
    {"kind", "Kind", NULL, 0}, {"date", "Date", NULL, 0}, {"description", "Description", NULL, 0}};
static const field source_cols[] = {
    {"id", "Source id", NULL, 0}, {"passage", "Passage", NULL, 0}, {"url", "URL (new source)", NULL, 0},
    {"citation", "Citation (new source)", NULL, 0}, {"title", "Title (new source)", NULL, 0},
    {"publisher", "Publisher (new source)", NULL, 0}, {"published", "Published (new source)", NULL, 0}};

static const list lists[] = {
    {"delegation", "Delegation", people_cols, PL_ARRAY_LEN(people_cols)},
    {"hosts", "Hosts", people_cols, PL_ARRAY_LEN(people_cols)},
    {"places", "Places", place_cols, PL_ARRAY_LEN(place_cols)},
    {"activities", "Activities", activity_cols, PL_ARRAY_LEN(activity_cols)},
    {"sources", "Sources", source_cols, PL_ARRAY_LEN(source_cols)},
};

const pl_form_kind pl_form_visit = {
    "visit", "a visit", "/visits/new", "/visit/", "/api/v1/visits/", top, PL_ARRAY_LEN(top),
    lists, PL_ARRAY_LEN(lists), "visit"};

#define MAX_ROWS 60   /* rows per list a form carries */
#define BLANK_ROWS 2  /* empty rows offered under the filled ones */

/* ------------------------------------------------------------------ */
/* Rendering                                                           */
/* ------------------------------------------------------------------ */

static void text_of(json_t *v, char *out, size_t cap)
{
	if (json_is_string(v))
		pl_strlcpy(out, json_string_value(v), cap);
	else if (json_is_integer(v))
		snprintf(out, cap, "%lld", (long long)json_integer_value(v));
	else
		out[0] = '\0';
}

/* One of a few values (picker "choice:a,b,c"): a select, blank first, so
 * a blank row stays blank. */
static void select_input(pl_buf *b, const char *name, const field *f, const char *val,
                         const char *err)
{
	pl_buf_adds(b, "<select id=\"f-");
	pl_esc_html(b, name);
	pl_buf_adds(b, "\" name=\"");
	pl_esc_html(b, name);
	pl_buf_adds(b, "\"");
	if (err) {
		pl_buf_adds(b, " aria-invalid=\"true\" aria-describedby=\"e-");
		pl_esc_html(b, name);
		pl_buf_adds(b, "\"");
	}
	pl_buf_adds(b, "><option value=\"\"></option>");
	for (const char *p = f->picker + 7; *p;) {
		size_t n = strcspn(p, ",");
		char opt[64];
		snprintf(opt, sizeof opt, "%.*s", (int)n, p);
		pl_buf_adds(b, strcmp(opt, val) == 0 ? "<option selected>" : "<option>");
		pl_esc_html(b, opt);
		pl_buf_adds(b, "</option>");
		p += n + (p[n] == ',');
	}
	pl_buf_adds(b, "</select>");
}

static void text_input(pl_buf *b, const char *name, const field *f, const char *val,
                       const char *err, int readonly)
{
	pl_buf_adds(b, f->area ? "<textarea" : "<input");
	pl_buf_adds(b, " id=\"f-");
	pl_esc_html(b, name);
	pl_buf_adds(b, "\" name=\"");
	pl_esc_html(b, name);
	pl_buf_adds(b, "\"");
	if (f->picker) {
		pl_buf_adds(b, " data-picker=\"");
		pl_buf_adds(b, f->picker);
		pl_buf_adds(b, "\" list=\"l-");
		pl_esc_html(b, name);
		pl_buf_adds(b, "\" autocomplete=\"off\"");
	}
	if (readonly)
		pl_buf_adds(b, " readonly");
	if (err) {
		pl_buf_adds(b, " aria-invalid=\"true\" aria-describedby=\"e-");
		pl_esc_html(b, name);
		pl_buf_adds(b, "\"");
	}
	if (f->area) {
		pl_buf_adds(b, ">");
		pl_esc_html(b, val);
		pl_buf_adds(b, "</textarea>");
	} else {
		pl_buf_adds(b, " value=\"");
		pl_esc_html(b, val);
		pl_buf_adds(b, "\">");
	}
	if (f->picker) {
		pl_buf_adds(b, "<datalist id=\"l-");
		pl_esc_html(b, name);
		pl_buf_adds(b, "\"></datalist>");
	}
}

void pl_form_input(pl_buf *b, const char *name, const field *f, json_t *value, json_t *errs,
                   int readonly)
{
	char val[4096];
	text_of(value, val, sizeof val);
	const char *err = json_string_value(json_object_get(errs, name));
	pl_buf_adds(b, "<p class=\"field\"><label for=\"f-");
	pl_esc_html(b, name);
	pl_buf_adds(b, "\">");
	pl_esc_html(b, f->label);
	pl_buf_adds(b, "</label> ");
	if (f->picker && strncmp(f->picker, "choice:", 7) == 0)
		select_input(b, name, f, val, err);
	else
		text_input(b, name, f, val, err, readonly);
	if (err) {
		pl_buf_adds(b, " <span class=\"field-error\" id=\"e-");
		pl_esc_html(b, name);
		pl_buf_adds(b, "\">");
		pl_esc_html(b, err);
		pl_buf_adds(b, "</span>");
	}
	pl_buf_adds(b, "</p>");
}

/* The whole page.  v: the visit's values; errs: {input name: message};
 * general: messages with no field; current: the stored visit when the
 * save met a newer version (both are shown), else NULL. */
static void render(const pl_form_kind *K, pl_team_resp *rs, int status, const char *id, json_t *v,
                   json_t *errs, json_t *general, const char *etag, const parley_session *s,
                   json_t *current)
{
	pl_buf *b = pl_team_page(rs, status);
	if (id) {
		pl_buf_adds(b, "Edit ");
		pl_esc_html(b, id);
	} else {
		pl_buf_addf(b, "Add %s", K->noun);
	}
	pl_buf_adds(b, " - parley</title><link rel=\"stylesheet\" href=\"/static/style.css\">"
	               "<script src=\"/static/team.js\" defer></script></head><body><main id=\"main\"><h1>");
	pl_buf_addf(b, "%s %s</h1>", id ? "Edit" : "Add", K->noun);
	if (json_array_size(general)) {
		pl_buf_adds(b, "<div class=\"error\" role=\"alert\" id=\"form-errors\"><ul>");
		size_t i;
		json_t *m;
		json_array_foreach(general, i, m) {
			pl_buf_adds(b, "<li>");
			pl_esc_html(b, json_string_value(m));
			pl_buf_adds(b, "</li>");
		}
		pl_buf_adds(b, "</ul></div>");
	}
	if (current) {
		pl_buf_adds(b, "<section id=\"conflict\"><h2>Saved by someone else meanwhile</h2><p>The record "
		               "changed after you opened this form. Below: the fields where your version and "
		               "the stored one differ. The form keeps your values; saving it again writes them "
		               "over the stored version, so take from the stored one what you want to keep."
		               "</p><table><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Yours</th>"
		               "<th scope=\"col\">Stored now</th></tr></thead><tbody>");
		for (size_t i = 0; i < K->ntop; i++) {
			char a[2048], c[2048];
			text_of(json_object_get(v, K->top[i].name), a, sizeof a);
			text_of(json_object_get(current, K->top[i].name), c, sizeof c);
			if (strcmp(K->top[i].name, "id") == 0 || strcmp(a, c) == 0)
				continue;
			pl_buf_adds(b, "<tr><th scope=\"row\">");
			pl_esc_html(b, K->top[i].name);
			pl_buf_adds(b, "</th><td>");
			pl_esc_html(b, a);
			pl_buf_adds(b, "</td><td>");
			pl_esc_html(b, c);
			pl_buf_adds(b, "</td></tr>");
		}
		pl_buf_adds(b, "</tbody></table></section>");
	}
	pl_buf_addf(b, "<form method=\"post\" id=\"%s-form\" action=\"", K->entity);
	if (id) {
		pl_buf_adds(b, K->edit_base);
		pl_esc_url(b, id);
		pl_buf_adds(b, "/edit");
	} else {
		pl_buf_adds(b, K->new_path);
	}
	pl_buf_adds(b, "\"><input type=\"hidden\" name=\"csrf_token\" value=\"");
	pl_esc_html(b, s->csrf);
	pl_buf_adds(b, "\"><input type=\"hidden\" name=\"etag\" value=\"");
	pl_esc_html(b, etag ? etag : "");
	pl_buf_addf(b, "\"><fieldset><legend>The %s</legend>", K->entity);
	for (size_t i = 0; i < K->ntop; i++)
		pl_form_input(b, K->top[i].name, &K->top[i], json_object_get(v, K->top[i].name), errs,
		              id && strcmp(K->top[i].name, "id") == 0);
	pl_buf_adds(b, "</fieldset>");
	for (size_t l = 0; l < K->nlists; l++) {
		const list *L = &K->lists[l];
		json_t *rows = json_object_get(v, L->key);
		size_t n = json_array_size(rows);
		pl_buf_addf(b, "<fieldset id=\"%s\"><legend>%s</legend>", L->key, L->label);
		for (size_t r = 0; r < n + BLANK_ROWS && r < MAX_ROWS; r++) {
			json_t *row = json_array_get(rows, r);
			pl_buf_addf(b, "<div class=\"row\" id=\"%s-%zu\">", L->key, r);
			for (size_t c = 0; c < L->ncols; c++) {
				char name[96];
				snprintf(name, sizeof name, "%s.%zu.%s", L->key, r, L->cols[c].name);
				pl_form_input(b, name, &L->cols[c], json_object_get(row, L->cols[c].name), errs, 0);
			}
			pl_buf_adds(b, "</div>");
		}
		pl_buf_adds(b, "</fieldset>");
	}
	const char *rerr = json_string_value(json_object_get(errs, "reason"));
	pl_buf_adds(b, "<p class=\"field\"><label for=\"f-reason\">Reason for the change (kept in the "
	               "history)</label> <input id=\"f-reason\" name=\"reason\" required");
	if (rerr)
		pl_buf_adds(b, " aria-invalid=\"true\" aria-describedby=\"e-reason\"");
	pl_buf_adds(b, ">");
	if (rerr) {
		pl_buf_adds(b, " <span class=\"field-error\" id=\"e-reason\">");
		pl_esc_html(b, rerr);
		pl_buf_adds(b, "</span>");
	}
	pl_buf_adds(b, "</p><p><button type=\"submit\">Save</button></p></form></main></body></html>\n");
}

/* ------------------------------------------------------------------ */
/* Reading a visit and a form                                          */
/* ------------------------------------------------------------------ */

/* The record as GET /api/v1/visits/ID (people, sources) answers it, and
 * its ETag. */
static json_t *stored(const pl_form_kind *K, const char *id, char *etag, size_t cap)
{
	pl_buf path;
	pl_buf_init(&path, 2048);
	pl_buf_adds(&path, K->api_base);
	pl_buf_adds(&path, id);
	pl_web_req rq = {.path = !pl_buf_failed(&path) && path.data ? path.data : "/", .root = "/"};
	pl_web_resp rs;
	pl_web_handle(pl_team_web(), &rq, &rs);
	json_t *v = rs.status == 200 ? json_loadb(rs.body.data, rs.body.len, 0, NULL) : NULL;
	pl_strlcpy(etag, rs.etag, cap);
	pl_buf_free(&rs.body);
	pl_buf_free(&path);
	return v;
}

/* The form's fields as a record in the write API's shape. */
static json_t *from_form(const pl_form_kind *K, const pl_team_req *rq, const char *id)
{
	json_t *v = json_object();
	for (size_t i = 0; i < K->ntop; i++) {
		if (id && strcmp(K->top[i].name, "id") == 0)
			continue;
		char *x = pl_team_field(rq, K->top[i].name);
		if (x && (*x || id)) /* a new record's blank id: the library makes one */
			json_object_set_new(v, K->top[i].name, json_string(x));
		free(x);
	}
	for (size_t l = 0; l < K->nlists; l++) {
		const list *L = &K->lists[l];
		json_t *rows = json_array();
		for (size_t r = 0; r < MAX_ROWS; r++) {
			json_t *row = json_object();
			int seen = 0, filled = 0;
			for (size_t c = 0; c < L->ncols; c++) {
				char name[96];
				snprintf(name, sizeof name, "%s.%zu.%s", L->key, r, L->cols[c].name);
				char *x = pl_team_field(rq, name);
				seen |= x != NULL;
				if (x && *x) {
					filled = 1;
					json_object_set_new(row, L->cols[c].name, json_string(x));
				}
				free(x);
			}
			if (filled)
				json_array_append(rows, row);
			json_decref(row);
			if (!seen)
				break;
		}
		json_object_set_new(v, L->key, rows);
	}
	return v;
}

/* The input a finding belongs to: item "visit" (the record) or
 * "delegation[2]", field. */
static void input_of(const pl_form_kind *K, const parley_finding *f, char *out, size_t cap)
{
	out[0] = '\0';
	if (!f->field)
		return;
	if (f->code && strcmp(f->code, "no-source") == 0) { /* said at the first source row */
		pl_strlcpy(out, "sources.0.id", cap);
		return;
	}
	if (!f->file || strcmp(f->file, K->entity) == 0) {
		pl_strlcpy(out, f->field, cap);
		return;
	}
	const char *br = strchr(f->file, '[');
	if (!br)
		return;
	const char *field = strcmp(f->field, "source") == 0 ? "id" : f->field;
	snprintf(out, cap, "%.*s.%ld.%s", (int)(br - f->file), f->file, strtol(br + 1, NULL, 10), field);
}

/* ------------------------------------------------------------------ */
/* Routes                                                              */
/* ------------------------------------------------------------------ */

static int decode_id(const char *seg, char *out, size_t cap)
{
	return *seg && pl_strlcpy(out, seg, cap) < cap && pl_url_decode(out) == PARLEY_OK;
}

void pl_form_get_of(const pl_form_kind *K, const pl_team_req *rq, const parley_session *s,
                    const char *seg, pl_team_resp *rs)
{
	(void)rq;
	char id[512], etag[48] = "";
	json_t *v, *errs = json_object(), *gen = json_array();
	if (*seg) {
		if (!decode_id(seg, id, sizeof id) || !(v = stored(K, id, etag, sizeof etag))) {
			pl_team_error(rs, 404, "no record with that id");
			json_decref(errs);
			json_decref(gen);
			return;
		}
	} else {
		v = strcmp(K->entity, "visit") == 0 ? json_pack("{s:s}", "status", "reported")
		                                     : json_object();
	}
	render(K, rs, 200, *seg ? id : NULL, v, errs, gen, etag, s, NULL);
	json_decref(v);
	json_decref(errs);
	json_decref(gen);
}

void pl_form_post_of(const pl_form_kind *K, const pl_team_req *rq, const parley_session *s,
                     const char *seg, pl_team_resp *rs)
{
	char id[512];
	if (*seg && !decode_id(seg, id, sizeof id)) {
		pl_team_error(rs, 404, "no record with that id");
		return;
	}
	const char *vid = *seg ? id : NULL;
	json_t *v = from_form(K, rq, vid);
	char *reason = pl_team_field(rq, "reason");
	char *etag = pl_team_field(rq, "etag");
	char *body = json_dumps(v, JSON_COMPACT);
	parley_report *rep = parley_report_new();
	parley_err err = {0, ""};
	char actor[96], out_id[512] = "";
	snprintf(actor, sizeof actor, "web:%s", s->user);
	int held = pl_team_held(s);
	long pending = 0;
	const char *base = vid ? etag : NULL; /* the version a change was made from */
	pl_team_actor(s);
	int rc = !body ? parley_err_set(&err, PARLEY_ENOMEM, "out of memory")
	       : vid && (!etag || !*etag) ? parley_err_set(&err, PARLEY_EINVAL, "the form lost the record's version; open it again")
	       : held ? pl_rec_propose(K, vid ? "change" : "create", vid, body, base, reason, actor,
	                               &pending, rep, &err)
	       : pl_rec_write(K, vid, body, base, reason, out_id, sizeof out_id, rep, &err);
	pl_team_actor(NULL);
	if (rc == PARLEY_OK && held) {
		rs->status = 202;
		rs->type = "text/html; charset=utf-8";
		pl_buf_reset(&rs->body);
		pl_buf_addf(&rs->body, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		              "<title>Held for review - parley</title><link rel=\"stylesheet\" "
		              "href=\"/static/style.css\"></head><body><main id=\"main\"><h1>Held for "
		              "review</h1><p id=\"pending\">Your change is number %ld in the review queue. "
		              "It is published when a reviewer approves it; until then no figure counts it."
		              "</p><p><a href=\"/\">Back to the figures</a></p></main></body></html>\n",
		              pending);
	} else if (rc == PARLEY_OK) {
		rs->changed = 1;
		/* a visit's page, or (no public page) the record's history */
		pl_rec_redirect(rs, K, out_id, strcmp(K->entity, "visit") != 0 ? "/history" : "");
	} else {
		json_t *errs = json_object(), *gen = json_array(), *current = NULL;
		char now[48] = "";
		for (size_t i = 0; i < parley_report_count(rep); i++) {
			const parley_finding *f = parley_report_get(rep, i);
			char name[128];
			input_of(K, f, name, sizeof name);
			if (f->severity != PARLEY_ERROR)
				continue;
			if (f->field && strcmp(f->field, K->entity) == 0 && rc == PARLEY_EDATA)
				continue; /* a list row of a record that was refused: said at the record */
			if (name[0] && !json_object_get(errs, name))
				json_object_set_new(errs, name, json_string(f->message));
			else if (strcmp(f->code ? f->code : "", "conflict") != 0)
				json_array_append_new(gen, json_string(f->message));
		}
		if (rc == PARLEY_EINVAL && strstr(err.msg, "reason"))
			json_object_set_new(errs, "reason", json_string(err.msg));
		else if (rc == PARLEY_ECONFLICT && vid)
			current = stored(K, vid, now, sizeof now);
		else if (rc == PARLEY_ECONFLICT)
			json_object_set_new(errs, "id", json_string(err.msg));
		else if (rc != PARLEY_EDATA || !json_object_size(errs))
			json_array_append_new(gen, json_string(err.msg));
		if (vid)
			json_object_set_new(v, "id", json_string(vid));
		render(K, rs, rc == PARLEY_EDATA ? 422 : pl_team_status(rc, vid != NULL), vid, v, errs,
		       gen, current ? now : etag, s, current);
		json_decref(errs);
		json_decref(gen);
		json_decref(current);
	}
	parley_report_free(rep);
	free(body);
	free(reason);
	free(etag);
	json_decref(v);
}
