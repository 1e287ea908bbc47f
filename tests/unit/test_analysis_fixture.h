/*
 * test_analysis_fixture.h - the hand-made dataset the analysis unit tests
 * share, and helpers to capture output.  Expected figures in the tests were
 * computed by hand (day counts checked with Python's datetime).
 *
 * Countries AAA and BBB.  Paramount leaders: AAA Ann 2000-01-01..2010-01-01,
 * Bob from 2010-01-01; BBB Cid 1995-01-01..2005-07-01, Dee from 2005-07-01.
 * Pair eras: Ann/Cid 2000-01-01..2005-07-01, Ann/Dee ..2010-01-01, Bob/Dee.
 */
#ifndef TEST_ANALYSIS_FIXTURE_H
#define TEST_ANALYSIS_FIXTURE_H

#include "../../src/analysis/an.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline an_data *fixture(void)
{
	an_data *d = an_data_new();
	assert_non_null(d);
	assert_int_equal(an_add_person(d, "ann", "Ann", "AAA", NULL, NULL), 0);
	assert_int_equal(an_add_person(d, "bob", "Bob", "AAA", NULL, NULL), 0);
	assert_int_equal(an_add_person(d, "cid", "Cid", "BBB", NULL, NULL), 0);
	assert_int_equal(an_add_person(d, "dee", "Dee", "BBB", NULL, NULL), 0);
	assert_int_equal(an_add_person(d, "xav", "Xav", "AAA", NULL, NULL), 0);
	assert_int_equal(an_add_tenure(d, "ann", "Ann", "aaa-top", "Leader", "AAA",
	                               "paramount_leader", "2000-01-01", "2010-01-01", NULL), 0);
	assert_int_equal(an_add_tenure(d, "bob", "Bob", "aaa-top", "Leader", "AAA",
	                               "paramount_leader", "2010-01-01", NULL, NULL), 0);
	assert_int_equal(an_add_tenure(d, "cid", "Cid", "bbb-top", "Chief", "BBB",
	                               "paramount_leader", "1995-01-01", "2005-07-01", NULL), 0);
	assert_int_equal(an_add_tenure(d, "dee", "Dee", "bbb-top", "Chief", "BBB",
	                               "paramount_leader", "2005-07-01", NULL, NULL), 0);
	assert_int_equal(an_add_tenure(d, "xav", "Xav", "aaa-pm", "Premier", "AAA",
	                               "head_of_government", "2004-01-01", NULL, NULL), 0);
	struct {
		const char *id, *visitor, *label, *from, *to, *level, *type, *status, *start;
	} v[] = {
	    {"v01", "ann", NULL, "AAA", "BBB", "paramount_leader", "state", "confirmed", "2001-03-04"},
	    {"v02", NULL, NULL, "BBB", "AAA", "ministerial", "unknown", "confirmed", "2003"},
	    {"v03", "xav", NULL, "AAA", "BBB", "head_of_government", "official", "confirmed", "2005-07"},
	    {"v04", "cid", NULL, "BBB", "AAA", "other_senior", "working", "reported", "2005-06-30"},
	    {"v05", NULL, "unidentified (list entry)", "AAA", "BBB", "at_least_ministerial", "unknown",
	     "confirmed", "2009-12-31"},
	    {"v06", "dee", NULL, "BBB", "AAA", "paramount_leader", "state", "confirmed", "2010-01-01"},
	    {"v07", "xav", NULL, "AAA", "BBB", "vice_ministerial", "official", "confirmed", "2012-05-05"},
	    {"v08", "xav", NULL, "AAA", "BBB", "ministerial", "official", "candidate", "2013-02-02"},
	    {"v09", "bob", NULL, "AAA", "BBB", "ministerial", "working", "confirmed", "2015-06-15"},
	    {"v10", "bob", NULL, "AAA", "CCC", "paramount_leader", "state", "confirmed", "2015-01-01"},
	    {"v11", "xav", NULL, "AAA", "BBB", "ministerial", "official", "confirmed", "1999-05-05"},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		assert_int_equal(an_add_visit(d, v[i].id, v[i].visitor, v[i].label, v[i].from, v[i].to,
		                              v[i].level, v[i].type, v[i].status, v[i].start, NULL),
		                 0);
	an_prepare(d);
	return d;
}

static inline an_opts opts(const char *as_of)
{
	parley_analysis_opts po = {.a = "AAA", .b = "BBB", .as_of = as_of};
	an_opts o;
	assert_int_equal(an_opts_parse(&po, true, &o, NULL), 0);
	return o;
}

/* Output captured in memory; caller frees the returned text with free(). */
typedef struct capture {
	char *buf;
	size_t len;
	FILE *f;
} capture;

static inline FILE *cap_open(capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	return c->f;
}

static inline char *cap_close(capture *c)
{
	fclose(c->f);
	return c->buf;
}

static inline bool has_id(parley_ids ids, const char *id)
{
	for (size_t i = 0; i < ids.n; i++)
		if (strcmp(ids.ids[i], id) == 0)
			return true;
	return false;
}

#endif
