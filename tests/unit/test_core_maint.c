/* test_core_maint.c - the maintenance entry points of the library: a data
 * release applied as an update, parley_add_visit (validated exactly as an
 * import of the same rows), and parley_rename with its redirects.  Real
 * SQLite stores in a temporary folder; the fixture's names and dates are
 * test values, not claims about real visits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parley.h"

static char dir[64];
#include "test_tmpdir.h"

static const char *countries =
    "code,name,iso2,cow_code,cow_abb,fips,cameo,start_date,end_date,note\n"
    "CHN,China,CN,710,CHN,CH,CHN,,,\n"
    "PRK,North Korea,KP,731,PRK,KN,PRK,,,\n";
static const char *people =
    "id,name,native_name,country,birth_date,death_date,note\n"
    "person-a,Person A,,PRK,,,\n"
    "person-b,Person B,,CHN,,,\n";
static const char *sources = "id,url,citation,title,publisher,published,accessed\n"
                             "s1,https://example.org/a,,Title A,,,\n";
static const char *visits_head =
    "id,visitor,visitor_label,visitor_office,visitor_title,level,from_country,to_country,"
    "start_date,end_date,type,summary,confidence,status,disputed,note\n";
static const char *links_1 = "visit,source,passage\nv1,s1,\nv2,s1,\nv3,s1,\n";

/* A release folder NAME with world/, bundled/ and RELEASE; visits is the
 * body of bundled/visit.csv. */
static void make_release(const char *name, const char *date, const char *visits,
                         const char *links)
{
	char sub[256], text[4096];
	snprintf(sub, sizeof sub, "%s/%s", dir, name);
	mkdir(sub, 0755);
	snprintf(sub, sizeof sub, "%s/%s/world", dir, name);
	mkdir(sub, 0755);
	snprintf(sub, sizeof sub, "%s/%s/bundled", dir, name);
	mkdir(sub, 0755);
	char f[256];
	snprintf(f, sizeof f, "%s/RELEASE", name);
	snprintf(text, sizeof text, "name=%s\ndate=%s\n", name, date);
	write_file(f, text);
	snprintf(f, sizeof f, "%s/world/country.csv", name);
	write_file(f, countries);
	snprintf(f, sizeof f, "%s/bundled/person.csv", name);
	write_file(f, people);
	snprintf(f, sizeof f, "%s/bundled/source.csv", name);
	write_file(f, sources);
	snprintf(f, sizeof f, "%s/bundled/visit.csv", name);
	snprintf(text, sizeof text, "%s%s", visits_head, visits);
	write_file(f, text);
	snprintf(f, sizeof f, "%s/bundled/visit_source.csv", name);
	write_file(f, links);
}

static const char *finding_code(const parley_report *r, const char *code)
{
	for (size_t i = 0; i < parley_report_count(r); i++) {
		const parley_finding *f = parley_report_get(r, i);
		if (f->code && strcmp(f->code, code) == 0)
			return f->record ? f->record : "";
	}
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	make_release("rel1", "2026-11-01",
	             "v1,person-a,,,,head_of_state,PRK,CHN,2018-03-25,,unknown,one,,confirmed,,\n"
	             "v2,person-a,,,,head_of_state,PRK,CHN,2018-05-07,,unknown,two,,confirmed,,\n"
	             "v3,person-b,,,,head_of_state,CHN,PRK,2019-06-20,,unknown,three,,confirmed,,\n",
	             links_1);
	/* release 2: v1 and v2 change, v3 is dropped, v4 is new */
	make_release("rel2", "2026-12-01",
	             "v1,person-a,,,,head_of_state,PRK,CHN,2018-03-25,,unknown,one (r2),,confirmed,,\n"
	             "v2,person-a,,,,head_of_state,PRK,CHN,2018-05-07,,unknown,two (r2),,confirmed,,\n"
	             "v4,person-b,,,,head_of_state,CHN,PRK,2019-09-02,,unknown,four,,confirmed,,\n",
	             "visit,source,passage\nv1,s1,\nv2,s1,\nv4,s1,\n");
	return 0;
}

static void release_is_an_update_that_keeps_user_changes(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	parley_err err = {0, ""};
	parley_release_stats st;
	char root[256];
	snprintf(root, sizeof root, "%s/rel1", dir);
	assert_int_equal(parley_apply_release(db, root, 0, 0, NULL, &st, &err), PARLEY_OK);
	assert_int_equal(st.inserted, 2 + 2 + 1 + 3 + 3); /* countries, people, source, visits, links */
	assert_int_equal(st.conflicts, 0);
	char name[64], date[11];
	assert_int_equal(parley_release_latest(db, name, sizeof name, date, sizeof date, &err), 0);
	assert_string_equal(name, "rel1");
	assert_string_equal(date, "2026-11-01");
	/* the user corrects v1 */
	const char *f[] = {"summary"}, *v[] = {"one (mine)"};
	parley_set_actor(db, "edit:tester", NULL);
	assert_int_equal(parley_update(db, "visit", "v1", f, v, 1, "test", NULL, &err), PARLEY_OK);
	/* a dry run reports and writes nothing */
	snprintf(root, sizeof root, "%s/rel2", dir);
	parley_report *rep = parley_report_new();
	char *before = export_text(db, "csv", "visit");
	assert_int_equal(parley_apply_release(db, root, 0, 1, rep, &st, &err), PARLEY_OK);
	char *after = export_text(db, "csv", "visit");
	assert_string_equal(before, after);
	assert_int_equal(st.updated, 1);
	assert_int_equal(st.conflicts, 1);
	assert_int_equal(st.removed, 2); /* v3 and its link */
	assert_non_null(finding_code(rep, "would-update"));
	assert_non_null(finding_code(rep, "would-remove"));
	assert_string_equal(finding_code(rep, "conflict"), "visit:v1");
	parley_report_free(rep);
	assert_int_equal(parley_release_latest(db, name, sizeof name, date, sizeof date, &err), 0);
	assert_string_equal(name, "rel1");
	/* applied: v2 follows, v1 stays the user's, v3 goes, v4 comes */
	rep = parley_report_new();
	assert_int_equal(parley_apply_release(db, root, 0, 0, rep, &st, &err), PARLEY_OK);
	char *now = export_text(db, "csv", "visit");
	assert_non_null(strstr(now, "one (mine)"));
	assert_non_null(strstr(now, "two (r2)"));
	assert_null(strstr(now, "one (r2)"));
	assert_null(strstr(now, "\nv3,"));
	assert_non_null(strstr(now, "\nv4,"));
	assert_int_equal(st.conflicts, 1);
	assert_int_equal(parley_release_latest(db, name, sizeof name, date, sizeof date, &err), 0);
	assert_string_equal(name, "rel2");
	/* the conflict names both versions */
	int both = 0;
	for (size_t i = 0; i < parley_report_count(rep); i++) {
		const parley_finding *x = parley_report_get(rep, i);
		if (x->code && strcmp(x->code, "conflict") == 0)
			both = strstr(x->message, "'one (mine)' -> 'one (r2)'") != NULL;
	}
	assert_true(both);
	parley_report_free(rep);
	free(before);
	free(after);
	free(now);
	parley_close(db);
}

/* add visit gives the findings an import of the same row gives. */
static void add_visit_validates_like_an_import(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	parley_err err = {0, ""};
	char root[256];
	snprintf(root, sizeof root, "%s/rel1", dir);
	assert_int_equal(parley_apply_release(db, root, 0, 0, NULL, NULL, &err), PARLEY_OK);
	long visits = parley_count(db, "visit", NULL), audit = parley_count(db, "audit", NULL);
	write_file("bad.ndjson",
	           "{\"concept\":\"visit\",\"id\":\"bad\",\"visitor\":\"person-a\",\"level\":\"chief\","
	           "\"from_country\":\"PRK\",\"to_country\":\"CHN\",\"start_date\":\"2018-02-30\","
	           "\"type\":\"unknown\",\"status\":\"confirmed\"}\n");
	parley_report *ri = parley_report_new(), *ra = parley_report_new();
	const char *p[] = {path_of("bad.ndjson")};
	assert_int_equal(parley_import(db, p, 1, NULL, ri, NULL, &err), PARLEY_EDATA);
	parley_visit_input in = {.id = "bad", .visitor = "Person A", .level = "chief", .from = "PRK",
	                         .to = "CHN", .start = "2018-02-30",
	                         .source_url = "https://example.org/new"};
	assert_int_equal(parley_add_visit(db, &in, NULL, ra, NULL, 0, &err), PARLEY_EDATA);
	size_t ni = parley_report_count_severity(ri, PARLEY_ERROR);
	assert_int_equal(ni, 2);
	assert_int_equal(parley_report_count_severity(ra, PARLEY_ERROR), ni);
	for (size_t i = 0, k = 0; i < parley_report_count(ri); i++) {
		const parley_finding *a = parley_report_get(ri, i);
		if (a->severity != PARLEY_ERROR)
			continue;
		const parley_finding *b = NULL;
		for (; k < parley_report_count(ra) && !b; k++)
			if (parley_report_get(ra, k)->severity == PARLEY_ERROR)
				b = parley_report_get(ra, k);
		assert_non_null(b);
		assert_string_equal(a->code, b->code);
		assert_string_equal(a->field, b->field);
		assert_string_equal(a->record, b->record);
		assert_string_equal(a->message, b->message);
	}
	assert_int_equal(parley_count(db, "visit", NULL), visits);
	assert_int_equal(parley_count(db, "source", NULL), 1);
	assert_int_equal(parley_count(db, "audit", NULL), audit);
	parley_report_free(ri);
	parley_report_free(ra);
	/* a good one: every part stored, the id derived */
	const char *comp[] = {"Person B|interpreter", "Someone Unknown"}, *hosts[] = {"person-b"};
	const char *places[] = {"Beijing", "Dalian|CHN"}, *acts[] = {"talks|talks|2018-03-26", "a walk"};
	parley_visit_input ok = {.visitor = "person-a", .level = "head_of_state", .from = "PRK",
	                         .to = "CHN", .start = "2018-03-26", .end = "2018-03-27",
	                         .source_url = "https://example.org/b", .source_title = "Title B",
	                         .source_passage = "p",
	                         .companions = comp, .ncompanions = 2, .hosts = hosts, .nhosts = 1,
	                         .places = places, .nplaces = 2, .activities = acts,
	                         .nactivities = 2};
	char id[256];
	assert_int_equal(parley_add_visit(db, &ok, "test", NULL, id, sizeof id, &err), PARLEY_OK);
	assert_string_equal(id, "2018-03-26-prk-chn-person-a");
	assert_int_equal(parley_count(db, "visit", NULL), visits + 1);
	assert_int_equal(parley_count(db, "visit_person", NULL), 3);
	assert_int_equal(parley_count(db, "place", NULL), 2);
	assert_int_equal(parley_count(db, "activity", NULL), 2);
	assert_int_equal(parley_count(db, "source", NULL), 2);
	/* the same again is refused: add never replaces */
	assert_int_equal(parley_add_visit(db, &ok, "test", NULL, id, sizeof id, &err), PARLEY_EDATA);
	/* another visit citing the same URL links the same source and keeps its title */
	parley_visit_input again = {.id = "v-again", .visitor = "person-b", .from = "CHN",
	                            .to = "PRK", .start = "2019", .source_url = "https://example.org/b"};
	assert_int_equal(parley_add_visit(db, &again, NULL, NULL, NULL, 0, &err), PARLEY_OK);
	assert_int_equal(parley_count(db, "source", NULL), 2);
	char *buf = export_text(db, "csv", "source");
	assert_non_null(strstr(buf, "https://example.org/b,,Title B,"));
	free(buf);
	/* no source, not a candidate: the import's finding, nothing written */
	parley_visit_input bare = {.visitor = "person-a", .from = "PRK", .to = "CHN", .start = "2018"};
	parley_report *nrep = parley_report_new();
	assert_int_equal(parley_add_visit(db, &bare, NULL, nrep, NULL, 0, &err), PARLEY_EDATA);
	assert_string_equal(parley_report_get(nrep, parley_report_count(nrep) - 1)->code, "no-source");
	parley_report_free(nrep);
	bare.status = "candidate";
	assert_int_equal(parley_add_visit(db, &bare, NULL, NULL, NULL, 0, &err), PARLEY_OK);
	parley_close(db);
}

static void rename_moves_references_and_remembers(void **state)
{
	(void)state;
	parley_db *db = fresh_store();
	parley_err err = {0, ""};
	char root[256], now[128];
	snprintf(root, sizeof root, "%s/rel1", dir);
	assert_int_equal(parley_apply_release(db, root, 0, 0, NULL, NULL, &err), PARLEY_OK);
	long refs = 0;
	assert_int_equal(parley_rename(db, "visit", "v1", "v1b", NULL, &refs, &err), PARLEY_EINVAL);
	assert_int_equal(parley_rename(db, "visit", "v1", "v2", "r", &refs, &err), PARLEY_ECONFLICT);
	assert_int_equal(parley_rename(db, "visit", "nope", "v9", "r", &refs, &err), PARLEY_ENOTFOUND);
	assert_int_equal(parley_rename(db, "visit_source", "v1|s1", "x", "r", &refs, &err),
	                 PARLEY_EINVAL);
	assert_int_equal(parley_rename(db, "visit", "v1", "v1b", "date corrected", &refs, &err),
	                 PARLEY_OK);
	assert_int_equal(refs, 1);
	assert_int_equal(parley_count(db, "visit", NULL), 3);
	assert_int_equal(parley_count(db, "visit_source", NULL), 3);
	assert_int_equal(parley_renamed_to(db, "visit", "v1", now, sizeof now, &err), PARLEY_OK);
	assert_string_equal(now, "v1b");
	/* a rename of a rename: the first old key leads to the last */
	assert_int_equal(parley_rename(db, "visit", "v1b", "v1c", "again", NULL, &err), PARLEY_OK);
	assert_int_equal(parley_renamed_to(db, "visit", "v1", now, sizeof now, &err), PARLEY_OK);
	assert_string_equal(now, "v1c");
	/* a person: visits follow */
	assert_int_equal(parley_rename(db, "person", "person-b", "person-b2", "r", &refs, &err),
	                 PARLEY_OK);
	assert_int_equal(refs, 1);
	parley_report *rep = parley_report_new();
	assert_int_equal(parley_check(db, rep, &err), PARLEY_OK);
	assert_int_equal(parley_report_count_severity(rep, PARLEY_ERROR), 0);
	parley_report_free(rep);
	assert_int_equal(parley_renamed_to(db, "visit", "v2", now, sizeof now, &err),
	                 PARLEY_ENOTFOUND);
	/* the list the static site writes its forwarding pages from */
	parley_renamed *rn = NULL;
	size_t nrn = 0;
	assert_int_equal(parley_renamed_list(db, &rn, &nrn, &err), PARLEY_OK);
	assert_int_equal(nrn, 3);
	assert_string_equal(rn[0].concept, "person");
	assert_string_equal(rn[0].new_key, "person-b2");
	assert_string_equal(rn[1].old_key, "v1");
	assert_string_equal(rn[1].new_key, "v1c");
	assert_string_equal(rn[2].old_key, "v1b");
	assert_string_equal(rn[2].new_key, "v1c");
	parley_renamed_free(rn, nrn);
	parley_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(release_is_an_update_that_keeps_user_changes),
	    cmocka_unit_test(add_visit_validates_like_an_import),
	    cmocka_unit_test(rename_moves_references_and_remembers),
	};
	return RUN_IN_TMPDIR_AFTER("maint", tests, setup);
}
