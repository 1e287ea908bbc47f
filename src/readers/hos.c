/*
 * hos.c - readers for the Office of the Historian (U.S. Department of
 * State) XML data behind history.state.gov: the President's and the
 * Secretary of State's travels abroad (<trips>), visits to the United States
 * by foreign leaders (<visits>) and the list of presidents (<presidents>).
 *
 * The XML is parsed from memory by libxml2 with no network access and no
 * entity expansion (XML_PARSE_NONET, no XML_PARSE_NOENT or DTD loading), so
 * a file can neither reach out nor blow up through entities.  A file that is
 * not well-formed is one error naming its line.
 *
 * Mapping (docs/readers.md): a trip is a visit from USA to the mapped
 * country by the traveller (person id = the 'who' slug), level
 * head_of_state for the President (head of state and of government) and
 * ministerial for the Secretary; a foreign leader's visit keeps the visitor
 * as written (no person is invented) with a level read from an unambiguous
 * leading title.  Every visit cites the traveller's or the country's page on
 * history.state.gov and keeps the record id as an external identifier.
 */
#include "readers.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOS_BASE "https://history.state.gov/departmenthistory/"
#define HOS_PUBLISHER "Office of the Historian, U.S. Department of State"
#define TEXT_MAX 8192

typedef struct hos_ctx {
	pl_import *imp;
	const char *path;
	rd_counts n;
	rd_seen people, sources, countries_ok, countries_bad;
} hos_ctx;

/* Parses the buffer; on failure reports the error with its line and returns
 * NULL.  Caller frees the document with xmlFreeDoc(). */
static xmlDocPtr parse(pl_import *imp, const char *path, const char *data, size_t len)
{
	if (len > (size_t)0x7fffffff) {
		pl_import_report(imp, PARLEY_ERROR, path, 0, 0, NULL, NULL, "too-large",
		                 "the XML file is too large");
		return NULL;
	}
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		pl_import_report(imp, PARLEY_ERROR, path, 0, 0, NULL, NULL, "out-of-memory",
		                 "out of memory starting the XML parser");
		return NULL;
	}
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)len, path, NULL,
	                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
	                                      XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
	if (!doc || !ctxt->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[512] = "not well-formed XML";
		if (e && e->message) {
			rd_norm_space(e->message, msg, sizeof msg);
		}
		pl_import_report(imp, PARLEY_ERROR, path, e ? e->line : 0, e ? e->int2 : 0, NULL,
		                 NULL, "bad-xml", "XML error: %s", msg);
		if (doc)
			xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

static int is_el(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (is_el(c, name))
			return c;
	return NULL;
}

/* The normalised text of a child element into out ('' when absent). */
static char *text_of(xmlNodePtr n, const char *name, char *out, size_t cap)
{
	xmlNodePtr c = name ? child(n, name) : n;
	out[0] = '\0';
	if (c) {
		xmlChar *t = xmlNodeGetContent(c);
		if (t) {
			rd_norm_space((const char *)t, out, cap);
			xmlFree(t);
		}
	}
	return out;
}

static char *attr_of(xmlNodePtr n, const char *name, char *out, size_t cap)
{
	out[0] = '\0';
	xmlChar *v = n ? xmlGetProp(n, BAD_CAST name) : NULL;
	if (v) {
		rd_norm_space((const char *)v, out, cap);
		xmlFree(v);
	}
	return out;
}

/* Maps a slug and label to a country code present in the store, or reports
 * it as unmapped and returns NULL. */
static const char *country(hos_ctx *x, long line, const char *field, const char *slug,
                           const char *label, const char *date)
{
	const char *code = pl_hos_country(slug, label, date);
	if (!code) {
		pl_import_unmapped(x->imp, x->path, line, field,
		                   "country '%s' (%s) is not in the slug table; record skipped", slug,
		                   label);
		x->n.unmapped++;
		return NULL;
	}
	if (!rd_seen_has(&x->countries_ok, code)) {
		if (!rd_country_exists(x->imp, code)) {
			pl_import_unmapped(x->imp, x->path, line, field,
			                   "country '%s' (%s) maps to %s, which is not in the store "
			                   "(load the world country list first); record skipped",
			                   slug, label, code);
			x->n.unmapped++;
			return NULL;
		}
		rd_seen_add(&x->countries_ok, code);
	}
	return code;
}

/* Checks a required date and an optional end date; reports and returns -1
 * when bad. */
static int check_dates(hos_ctx *x, long line, const char *rec, const char *start,
                       const char *end)
{
	if (!rd_valid_date(start)) {
		pl_import_report(x->imp, PARLEY_ERROR, x->path, line, 0, rec, "start-date",
		                 "bad-date", "'%s' is not a valid date", start);
		return -1;
	}
	if (*end && !rd_valid_date(end)) {
		pl_import_report(x->imp, PARLEY_ERROR, x->path, line, 0, rec, "end-date", "bad-date",
		                 "'%s' is not a valid date", end);
		return -1;
	}
	return 0;
}

static void put_office(hos_ctx *x, const char *id, const char *name, const char *rank,
                       long line)
{
	rd_row r;
	rd_row_init(&r, "office");
	rd_set(&r, "id", id);
	rd_set(&r, "country", "USA");
	rd_set(&r, "name", name);
	rd_set(&r, "rank", rank);
	if (rd_put(x->imp, &r, x->path, line) == PARLEY_OK)
		x->n.offices++;
}

static void link_source(hos_ctx *x, const char *visit, const char *url, const char *title,
                        long line)
{
	char sid[24];
	rd_row r;
	if (rd_put_source(x->imp, url, NULL, title, HOS_PUBLISHER, NULL, sid, sizeof sid, x->path,
	                  line) != PARLEY_OK)
		return;
	if (rd_seen_add(&x->sources, sid) == 1)
		x->n.sources++;
	rd_row_init(&r, "visit_source");
	rd_set(&r, "visit", visit);
	rd_set(&r, "source", sid);
	rd_put(x->imp, &r, x->path, line);
}

static void ctx_done(hos_ctx *x, const char *format)
{
	rd_report_counts(x->imp, x->path, format, &x->n);
	rd_seen_free(&x->people);
	rd_seen_free(&x->sources);
	rd_seen_free(&x->countries_ok);
	rd_seen_free(&x->countries_bad);
}

/* A TEXT_MAX buffer for one record's long text (caller frees), the record
 * counted; NULL when out of memory (reported, the record counted bad). */
static char *record_text(hos_ctx *x, long line, const char *what)
{
	char *p = malloc(TEXT_MAX);
	if (!p) {
		pl_import_report(x->imp, PARLEY_ERROR, x->path, line, 0, NULL, NULL, "out-of-memory",
		                 "out of memory reading a %s; record skipped", what);
		x->n.bad++;
		return NULL;
	}
	x->n.records++;
	return p;
}

/* The fields every visit of this dataset has, a trip abroad or a visit to
 * the United States alike. */
static void visit_row(rd_row *r, const char *vid, const char *level, const char *from,
                      const char *to, const char *start, const char *end, const char *summary)
{
	rd_row_init(r, "visit");
	rd_set(r, "id", vid);
	rd_set(r, "level", level);
	rd_set(r, "from_country", from);
	rd_set(r, "to_country", to);
	rd_set(r, "start_date", start);
	rd_set(r, "end_date", end);
	rd_set(r, "type", "unknown");
	rd_set(r, "summary", summary);
	rd_set(r, "status", "confirmed");
}

/* Stores the visit row, then its source page and its id in the dataset
 * (scheme, id); -1 when the row is refused (reported by rd_put). */
static int put_visit(hos_ctx *x, rd_row *r, long line, const char *vid, const char *url,
                     const char *title, const char *scheme, const char *id)
{
	if (rd_put(x->imp, r, x->path, line) != PARLEY_OK)
		return -1;
	x->n.visits++;
	link_source(x, vid, url, title, line);
	rd_put_extid(x->imp, "visit", vid, scheme, id, x->path, line);
	return 0;
}

static void read_trip(hos_ctx *x, xmlNodePtr t, int *offices_done)
{
	char id[64], who[160], role[32], name[256], start[32], end[32], slug[128], label[256];
	char locale[1024], vid[96], url[512], title[512];
	long line = xmlGetLineNo(t);
	xmlNodePtr cn = child(t, "country");
	rd_row r;
	char *remarks = record_text(x, line, "trip");
	if (!remarks)
		return;
	text_of(t, "id", id, sizeof id);
	attr_of(t, "who", who, sizeof who);
	attr_of(t, "role", role, sizeof role);
	if (!*role)
		text_of(t, "role", role, sizeof role);
	text_of(t, "name", name, sizeof name);
	text_of(t, "start-date", start, sizeof start);
	text_of(t, "end-date", end, sizeof end);
	attr_of(cn, "id", slug, sizeof slug);
	text_of(cn, NULL, label, sizeof label);
	text_of(t, "locale", locale, sizeof locale);
	text_of(t, "remarks", remarks, TEXT_MAX);
	snprintf(vid, sizeof vid, "hos-trip-%s", id);

	int president = strcmp(role, "president") == 0;
	if (!*id || !*who || !*name) {
		pl_import_report(x->imp, PARLEY_ERROR, x->path, line, 0, NULL, !*id ? "id" : "who",
		                 "missing", "a trip needs an id, a 'who' and a name");
		goto bad;
	}
	if (!president && strcmp(role, "secretary") != 0) {
		pl_import_unmapped(x->imp, x->path, line, "role",
		                   "trip %s has role '%s' (not president or secretary); skipped", id,
		                   role);
		x->n.unmapped++;
		goto out;
	}
	if (check_dates(x, line, vid, start, end) < 0)
		goto bad;
	const char *to = country(x, line, "country", slug, label, start);
	if (!to)
		goto out;
	if (!offices_done[president]) {
		if (president)
			put_office(x, "usa-president", "President of the United States",
			           "head_of_state", line);
		else
			put_office(x, "usa-secretary-of-state", "Secretary of State", "ministerial",
			           line);
		offices_done[president] = 1;
	}
	if (rd_seen_add(&x->people, who) == 1 && !rd_person_exists(x->imp, who)) {
		rd_row_init(&r, "person");
		rd_set(&r, "id", who);
		rd_set(&r, "name", name);
		rd_set(&r, "country", "USA");
		if (rd_put(x->imp, &r, x->path, line) == PARLEY_OK)
			x->n.people++;
	}
	visit_row(&r, vid, president ? "head_of_state" : "ministerial", "USA", to, start, end,
	          remarks);
	rd_set(&r, "visitor", who);
	rd_set(&r, "visitor_office", president ? "usa-president" : "usa-secretary-of-state");
	rd_set(&r, "visitor_title", president ? "President" : "Secretary of State");
	if (strcmp(label, slug) != 0 && *label)
		rd_setf(&r, "note", "destination as recorded: %s", label);
	snprintf(url, sizeof url, HOS_BASE "travels/%s/%s", president ? "president" : "secretary",
	         who);
	snprintf(title, sizeof title, "Travels Abroad of the %s: %s",
	         president ? "President" : "Secretary of State", name);
	if (put_visit(x, &r, line, vid, url, title, "hos-trip", id) < 0)
		goto bad;
	if (*locale) {
		rd_row_init(&r, "place");
		rd_set(&r, "visit", vid);
		rd_set(&r, "seq", "1");
		rd_set(&r, "name", locale);
		rd_set(&r, "country", to);
		if (rd_put(x->imp, &r, x->path, line) == PARLEY_OK)
			x->n.places++;
	}
	goto out;
bad:
	x->n.bad++;
out:
	free(remarks);
}

/* The level a leading title states, when it states one unambiguously;
 * *title gets the title words. */
static const char *title_level(const char *visitor, char *title, size_t cap)
{
	static const struct {
		const char *words, *level;
	} titles[] = {
	    {"President ", "head_of_state"},      {"Prime Minister ", "head_of_government"},
	    {"Premier ", "head_of_government"},   {"Chancellor ", "head_of_government"},
	    {"Taoiseach ", "head_of_government"}, {"King ", "head_of_state"},
	    {"Queen ", "head_of_state"},          {"Emperor ", "head_of_state"},
	    {"Empress ", "head_of_state"},        {"Amir ", "head_of_state"},
	    {"Emir ", "head_of_state"},           {"Sultan ", "head_of_state"},
	    {"Shah ", "head_of_state"},           {"Pope ", "head_of_state"},
	    {"Grand Duke ", "head_of_state"},     {"Grand Duchess ", "head_of_state"},
	    {"Foreign Minister ", "ministerial"}, {"Minister of Foreign Affairs ", "ministerial"},
	};
	title[0] = '\0';
	for (size_t i = 0; i < PL_ARRAY_LEN(titles); i++) {
		size_t k = strlen(titles[i].words);
		if (strncmp(visitor, titles[i].words, k) == 0) {
			pl_strlcpy(title, titles[i].words, cap);
			title[k - 1 < cap ? k - 1 : cap - 1] = '\0'; /* drop the space */
			return titles[i].level;
		}
	}
	return "unknown";
}

static void read_visit(hos_ctx *x, xmlNodePtr v)
{
	char id[64], start[32], end[32], visitor[512], slug[128], label[256], vid[96];
	char url[512], title[512], vtitle[64];
	long line = xmlGetLineNo(v);
	xmlNodePtr fn = child(v, "from");
	rd_row r;
	char *desc = record_text(x, line, "visit");
	if (!desc)
		return;
	text_of(v, "id", id, sizeof id);
	text_of(v, "start-date", start, sizeof start);
	text_of(v, "end-date", end, sizeof end);
	text_of(v, "visitor", visitor, sizeof visitor);
	attr_of(fn, "id", slug, sizeof slug);
	text_of(fn, NULL, label, sizeof label);
	text_of(v, "description", desc, TEXT_MAX);
	snprintf(vid, sizeof vid, "hos-visit-%s", id);
	if (!*id || !*visitor) {
		pl_import_report(x->imp, PARLEY_ERROR, x->path, line, 0, NULL, !*id ? "id" : "visitor",
		                 "missing", "a visit needs an id and a visitor");
		goto bad;
	}
	if (check_dates(x, line, vid, start, end) < 0)
		goto bad;
	const char *from = country(x, line, "from", slug, label, start);
	if (!from)
		goto out;
	const char *level = title_level(visitor, vtitle, sizeof vtitle);
	visit_row(&r, vid, level, from, "USA", start, end, desc);
	rd_set(&r, "visitor_label", visitor);
	rd_set(&r, "visitor_title", vtitle);
	if (*label)
		rd_setf(&r, "note", "country as recorded: %s", label);
	snprintf(url, sizeof url, HOS_BASE "visits/%s", slug);
	/* one page per slug, so the title must not carry the label, which
	 * varies between records of the same slug */
	snprintf(title, sizeof title, "Visits by Foreign Leaders and Heads of State (%s)", slug);
	if (put_visit(x, &r, line, vid, url, title, "hos-visit", id) < 0)
		goto bad;
	goto out;
bad:
	x->n.bad++;
out:
	free(desc);
}

static void read_president(hos_ctx *x, xmlNodePtr p, const char *src_id, int src_ok)
{
	char id[160], name[256], born[16], died[16], took[32], left[32], tid[256];
	long line = xmlGetLineNo(p);
	rd_row r;

	x->n.records++;
	text_of(p, "id", id, sizeof id);
	text_of(p, "name", name, sizeof name);
	text_of(p, "birth-year", born, sizeof born);
	text_of(p, "death-year", died, sizeof died);
	text_of(p, "took-office-date", took, sizeof took);
	text_of(p, "left-office-date", left, sizeof left);
	if (!*id || !*name) {
		pl_import_report(x->imp, PARLEY_ERROR, x->path, line, 0, NULL, "id", "missing",
		                 "a president needs an id and a name");
		x->n.bad++;
		return;
	}
	if (check_dates(x, line, id, took, left) < 0) {
		x->n.bad++;
		return;
	}
	if (rd_seen_add(&x->people, id) == 1) {
		rd_row_init(&r, "person");
		rd_set(&r, "id", id);
		rd_set(&r, "name", name);
		rd_set(&r, "country", "USA");
		rd_set(&r, "birth_date", rd_valid_date(born) ? born : NULL);
		rd_set(&r, "death_date", rd_valid_date(died) ? died : NULL);
		if (rd_put(x->imp, &r, x->path, line) == PARLEY_OK)
			x->n.people++;
	}
	snprintf(tid, sizeof tid, "usa-president/%s/%s", id, took);
	rd_row_init(&r, "tenure");
	rd_set(&r, "id", tid);
	rd_set(&r, "person", id);
	rd_set(&r, "office", "usa-president");
	rd_set(&r, "start_date", took);
	rd_set(&r, "end_date", left);
	rd_set(&r, "start_rule", "took office (inauguration)");
	if (rd_put(x->imp, &r, x->path, line) != PARLEY_OK) {
		x->n.bad++;
		return;
	}
	x->n.tenures++;
	if (src_ok) {
		rd_row_init(&r, "tenure_source");
		rd_set(&r, "tenure", tid);
		rd_set(&r, "source", src_id);
		rd_put(x->imp, &r, x->path, line);
	}
}

/* One entry point for the three shapes; root names which. */
static int read_hos(pl_import *imp, const char *path, const char *data, size_t len,
                    const char *root_name, const char *format)
{
	hos_ctx x;
	memset(&x, 0, sizeof x);
	x.imp = imp;
	x.path = path;
	xmlDocPtr doc = parse(imp, path, data, len);
	if (!doc) {
		rd_report_counts(imp, path, format, &x.n);
		return PARLEY_OK;
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!is_el(root, root_name)) {
		pl_import_report(imp, PARLEY_ERROR, path, root ? xmlGetLineNo(root) : 0, 0, NULL, NULL,
		                 "bad-root", "expected a <%s> document", root_name);
		xmlFreeDoc(doc);
		return PARLEY_OK;
	}
	int offices_done[2] = {0, 0};
	char src_id[24] = "";
	int src_ok = 0;
	if (strcmp(root_name, "presidents") == 0) {
		char src_url[512];
		text_of(root, "source-url", src_url, sizeof src_url);
		put_office(&x, "usa-president", "President of the United States", "head_of_state",
		           xmlGetLineNo(root));
		src_ok = rd_put_source(imp, *src_url ? src_url : NULL,
		                       *src_url ? NULL : "Office of the Historian, presidents.xml",
		                       "List of Presidents of the United States (as cited by the "
		                       "Office of the Historian's presidents.xml)",
		                       NULL, NULL, src_id, sizeof src_id, path,
		                       xmlGetLineNo(root)) == PARLEY_OK;
		if (src_ok)
			x.n.sources++;
	}
	for (xmlNodePtr c = root->children; c; c = c->next) {
		if (is_el(c, "trip"))
			read_trip(&x, c, offices_done);
		else if (is_el(c, "visit"))
			read_visit(&x, c);
		else if (is_el(c, "president"))
			read_president(&x, c, src_id, src_ok);
	}
	xmlFreeDoc(doc);
	ctx_done(&x, format);
	return PARLEY_OK;
}

/* The root element's name from the first bytes: skips the XML declaration,
 * comments and white space.  1 when it is `name`. */
static int root_is(const char *head, size_t n, const char *name)
{
	const char *p = rd_skip_bom(head, &n), *end = p + n;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			p++;
		if (p + 1 >= end || *p != '<')
			return 0;
		if (p[1] == '?' || p[1] == '!') {
			const char *close = memchr(p, '>', (size_t)(end - p));
			if (!close)
				return 0;
			p = close + 1;
			continue;
		}
		size_t k = strlen(name);
		return (size_t)(end - p) > k + 1 && memcmp(p + 1, name, k) == 0 &&
		       (p[k + 1] == '>' || p[k + 1] == ' ' || p[k + 1] == '\n' || p[k + 1] == '\r' ||
		        p[k + 1] == '\t' || p[k + 1] == '/');
	}
	return 0;
}

static int detect_trips(const char *path, const char *head, size_t n)
{
	(void)path;
	return root_is(head, n, "trips") ? 90 : 0;
}
static int detect_visits(const char *path, const char *head, size_t n)
{
	(void)path;
	return root_is(head, n, "visits") ? 90 : 0;
}
static int detect_presidents(const char *path, const char *head, size_t n)
{
	(void)path;
	return root_is(head, n, "presidents") ? 90 : 0;
}
static int read_trips(pl_import *imp, const char *path, const char *data, size_t len)
{
	return read_hos(imp, path, data, len, "trips", "historyatstate-trips");
}
static int read_visits(pl_import *imp, const char *path, const char *data, size_t len)
{
	return read_hos(imp, path, data, len, "visits", "historyatstate-visits");
}
static int read_presidents(pl_import *imp, const char *path, const char *data, size_t len)
{
	return read_hos(imp, path, data, len, "presidents", "historyatstate-presidents");
}

const pl_reader pl_reader_hos_trips = {"historyatstate-trips", detect_trips, read_trips, false};
const pl_reader pl_reader_hos_visits = {"historyatstate-visits", detect_visits, read_visits, false};
const pl_reader pl_reader_hos_presidents = {"historyatstate-presidents", detect_presidents,
                                            read_presidents, false};
