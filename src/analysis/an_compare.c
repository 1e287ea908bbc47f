/*
 * an_compare.c - `parley compare`: why does my figure differ from theirs?
 *
 * Two sources of visits are read side by side without importing either
 * into the store: the store itself ("store"), another store
 * ("store:PATH"), or a file in any format `parley import` reads.  A file is
 * imported into a throw-away store holding a copy of the store's reference
 * records (countries, people, offices, tenures, sources), so that it is
 * validated exactly as an import would be and its visitors and eras
 * resolve against the same people and tenures.  That store is a temporary
 * file (a large file goes in through the bulk import), so memory follows
 * the visits compared, not the store's size (issue 13).
 *
 * The visits are matched one-to-one by the shared rule (src/lib/match.c).
 * Plain mode lists matched pairs with their rule and field differences,
 * and the visits only in A or only in B.  Era mode counts each side's
 * visits per era (the era rules of docs/analysis.md, each side cut where
 * its own data ends) and names, per era, the visits behind the difference:
 * those one side has and the other lacks, and those both have but place in
 * different eras.  With their_eras, B's visits are grouped by B's own era
 * label (a "period '...'" in the note) instead of by date.
 */
#include "an.h"
#include "internal.h" /* pl_strlcpy */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct side {
	const char *spec, *label;
	parley_db *db;
	bool own;             /* db is ours to close */
	an_data *d;
	parley_visit_desc *mv; /* the counted visits, as the matching rule sees them */
	const an_visit **vs;
	size_t n;
	an_opts o;            /* cut where this side's data ends */
	pl_map dates;         /* the start texts of mv, each kept once: a million
	                       * visits start on some 30,000 days */
} side;

static void side_close(side *s)
{
	if (s->own)
		parley_close(s->db);
	an_data_free(s->d);
	free(s->mv);
	free(s->vs);
	pl_map_free(&s->dates);
}

/* A copy of the store's reference records alone (parley_reference_copy),
 * in a file SQLite deletes as it is closed. */
static int scratch_store(parley_db *main, side *s, parley_err *err)
{
	int rc = parley_reference_copy(main, &s->db, err);
	s->own = !rc;
	return rc;
}

static int open_side(parley_db *main, const char *spec, side *s, parley_err *err)
{
	s->spec = spec;
	s->label = spec;
	if (strcmp(spec, "store") == 0) {
		s->db = main;
		return PARLEY_OK;
	}
	if (strncmp(spec, "store:", 6) == 0) {
		s->own = true;
		return parley_open(spec + 6, PARLEY_OPEN_READONLY, &s->db, err);
	}
	const char *slash = strrchr(spec, '/');
	s->label = slash && slash[1] ? slash + 1 : spec; /* the file's name, not where it lies */
	struct stat st;
	if (stat(spec, &st) != 0 || !S_ISREG(st.st_mode))
		return parley_err_set(err, PARLEY_ENOTFOUND,
		                      "source '%s' is neither 'store', 'store:PATH' nor a file", spec);
	int rc = scratch_store(main, s, err);
	if (rc)
		return rc;
	parley_report *rep = parley_report_new();
	if (!rep)
		return parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
	parley_err ie = {0};
	/* The scratch store is read, never counted: its visits need no source. */
	parley_import_options io = {NULL, PARLEY_LINK_NONE, 0, NULL, 0, 1};
	rc = parley_import_with(s->db, &spec, 1, &io, rep, NULL, &ie);
	if (rc) {
		const parley_finding *f = NULL;
		for (size_t i = 0; i < parley_report_count(rep); i++)
			if (parley_report_get(rep, i)->severity == PARLEY_ERROR) {
				f = parley_report_get(rep, i);
				break;
			}
		if (f)
			rc = parley_err_set(err, rc, "source %s does not import: line %ld: %s", spec,
			                    f->line, f->message);
		else
			rc = parley_err_set(err, rc, "source %s does not import: %s", spec, ie.msg);
	}
	parley_report_free(rep);
	return rc;
}

/* Loads a side's visits with their external ids and own era labels.  A
 * store read whole is read once, page by page, not mapped: a mapped
 * store's pages stay in the reader's resident memory, 2 GB of them at a
 * million visits (issue 13), and one pass gains nothing from them.  The
 * connection's own mapping is restored after. */
static int load_side(side *s, parley_err *err)
{
	pl_cache_release(s->db); /* a file's import filled it, and is done with it */
	long long mapped = pl_mmap_pause(s->db);
	int rc = an_load(s->db, false, &s->d, err);
	if (!rc)
		rc = an_load_compare(s->db, s->d, err);
	pl_mmap_resume(s->db, mapped);
	/* the pages that pass read are not read again: their memory goes to
	 * the matching and the table (at a million visits the two stores'
	 * caches held 128 MiB to the end) */
	pl_cache_release(s->db);
	if (!rc) {
		s->mv = calloc(s->d->nv + 1, sizeof *s->mv);
		s->vs = calloc(s->d->nv + 1, sizeof *s->vs);
		if (!s->mv || !s->vs)
			rc = parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
	}
	return rc;
}

/* Picks the visits counted (status, level, pair when one is given, as-of
 * cut where this side's data ends). */
static int select_side(side *s, const an_opts *o, parley_err *err)
{
	s->o = *o;
	an_cut(s->d, &s->o);
	s->n = 0;
	for (size_t i = 0; i < s->d->nv; i++) {
		const an_visit *v = &s->d->v[i];
		if (!an_counts(&s->o, v) || (s->o.a[0] && !an_in_pair(&s->o, v)))
			continue;
		char buf[16];
		parley_date_format(v->start, buf, sizeof buf);
		int added;
		pl_map_slot *sl = pl_map_put(&s->dates, buf, strlen(buf), &added);
		const char *start = sl ? sl->key : NULL; /* the map's copy: it stays put */
		if (!start)
			return parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
		s->mv[s->n] = (parley_visit_desc){v->from, v->to, start, v->visitor, v->name, v->level,
		                                  v->more ? v->more->ext : NULL};
		s->vs[s->n++] = v;
	}
	return PARLEY_OK;
}

/* The fields two matched records disagree on, e.g. "start 1953-11-12 | 1953-11-10". */
static const char *differences(an_arena *a, const parley_visit_desc *x, const parley_visit_desc *y,
                               const an_visit *vx, const an_visit *vy)
{
	const char *s = "";
	if (strcmp(x->start_date, y->start_date) != 0)
		s = an_fmt(a, "start %s | %s", x->start_date, y->start_date);
	const char *nx = vx->visitor ? vx->visitor : "(unidentified)";
	const char *ny = vy->visitor ? vy->visitor : "(unidentified)";
	if (s && strcmp(nx, ny) != 0)
		s = an_fmt(a, "%s%svisitor %s | %s", s, *s ? "; " : "", nx, ny);
	if (s && strcmp(x->level ? x->level : "", y->level ? y->level : "") != 0)
		s = an_fmt(a, "%s%slevel %s | %s", s, *s ? "; " : "", x->level, y->level);
	return s;
}

/* ", data through DATE" for a side whose figures were cut there, else "". */
static const char *cut_note(an_arena *a, const side *s)
{
	return s->o.th.cut ? an_fmt(a, ", data through %s", s->o.th.date) : "";
}

/* ---- plain mode ------------------------------------------------------- */

static const char *const plain_head[] = {"kind", "a", "b", "rule", "differences"};

/* The cells of row r of the plain table, texts in arena a: A's visits in
 * order (matched, or only in A), then B's that no visit of A took.
 * Returns 1 for a row, 0 for none (r is a B visit that was matched), -1
 * when out of memory. */
static int plain_row(const side *A, const side *B, const long *ab, const an_match_by *rule,
                     const bool *b_used, size_t r, bool csv, an_arena *a, const char *cell[5])
{
	if (r < A->n) {
		size_t i = r;
		if (ab[i] >= 0) {
			const parley_visit_desc *x = &A->mv[i], *y = &B->mv[ab[i]];
			cell[0] = "matched";
			cell[1] = csv ? A->vs[i]->id : an_visit_label(a, A->vs[i]);
			cell[2] = csv ? B->vs[ab[i]]->id : an_fmt(a, "%s (%s)", B->vs[ab[i]]->id, y->start_date);
			cell[3] = an_match_by_name(rule[i]);
			cell[4] = differences(a, x, y, A->vs[i], B->vs[ab[i]]);
		} else {
			cell[0] = "only in A";
			cell[1] = csv ? A->vs[i]->id : an_visit_label(a, A->vs[i]);
			cell[2] = cell[3] = cell[4] = "";
		}
		return cell[1] && cell[2] && cell[4] ? 1 : -1;
	}
	size_t j = r - A->n;
	if (b_used[j])
		return 0;
	cell[0] = "only in B";
	cell[1] = cell[3] = cell[4] = "";
	cell[2] = csv ? B->vs[j]->id : an_visit_label(a, B->vs[j]);
	return cell[2] ? 1 : -1;
}

/* The plain table, a row at a time: a million rows held whole took
 * 90 MiB at the peak (issue 13).  As a table it is made twice, the first
 * time only to measure its columns; each batch of rows' texts is freed as
 * it is done.  CSV is written in one pass. */
static int write_plain_rows(const side *A, const side *B, const long *ab,
                            const an_match_by *rule, const bool *b_used, bool csv, FILE *out,
                            parley_err *err)
{
	size_t w[5] = {0};
	for (size_t c = 0; c < 5; c++)
		w[c] = pl_display_width(plain_head[c]);
	an_arena tmp = {0};
	int rc = PARLEY_OK;
	for (int pass = csv ? 1 : 0; pass < 2 && !rc; pass++) {
		if (pass == 1) {
			for (size_t c = 0; csv && c < 5; c++) {
				if (c)
					fputc(',', out);
				pl_csv_write_field(out, plain_head[c]);
			}
			if (csv)
				fputc('\n', out);
			else
				pl_text_row(out, plain_head, 5, w, NULL, 0);
		}
		for (size_t r = 0; r < A->n + B->n && !rc; r++) {
			const char *cell[5];
			int k = plain_row(A, B, ab, rule, b_used, r, csv, &tmp, cell);
			if (k < 0)
				rc = parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
			else if (k && pass == 0)
				for (size_t c = 0; c < 5; c++) {
					size_t x = pl_display_width(cell[c]);
					w[c] = x > w[c] ? x : w[c];
				}
			else if (k && !csv)
				pl_text_row(out, cell, 5, w, NULL, 0);
			else if (k) {
				for (size_t c = 0; c < 5; c++) {
					if (c)
						fputc(',', out);
					pl_csv_write_field(out, cell[c]);
				}
				fputc('\n', out);
			}
			if (r % 4096 == 4095)
				an_arena_free(&tmp);
		}
	}
	an_arena_free(&tmp);
	if (!rc && ferror(out))
		rc = parley_err_set(err, PARLEY_EIO, "analysis: writing the output failed");
	return rc;
}

static int write_plain(side *A, side *B, const long *ab, const an_match_by *rule,
                       const parley_compare_opts *co, const char *format, FILE *out,
                       parley_err *err)
{
	an_arena *a = &A->d->arena;
	bool *b_used = calloc(B->n + 1, sizeof *b_used);
	if (!b_used)
		return parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
	size_t nm = 0, by[5] = {0}, ndiff = 0;
	an_arena tmp = {0};
	for (size_t i = 0; i < A->n; i++)
		if (ab[i] >= 0) {
			b_used[ab[i]] = true;
			nm++;
			by[rule[i]]++;
			const char *d = differences(&tmp, &A->mv[i], &B->mv[ab[i]], A->vs[i], B->vs[ab[i]]);
			ndiff += d && *d;
			if (i % 4096 == 4095)
				an_arena_free(&tmp);
		}
	an_arena_free(&tmp);
	bool json = strcmp(format, "json") == 0, csv = strcmp(format, "csv") == 0;
	if (json) {
		int rc = PARLEY_OK;
		json_t *matched = json_array(), *only_a = json_array(), *only_b = json_array();
		for (size_t i = 0; i < A->n; i++) {
			json_t *x = ab[i] < 0 ? pl_json_text(A->vs[i]->id)
			                      : json_pack("{s:o,s:o,s:s,s:o}", "a", pl_json_text(A->vs[i]->id),
			                                  "b", pl_json_text(B->vs[ab[i]]->id), "rule",
			                                  an_match_by_name(rule[i]), "differences",
			                                  pl_json_text(differences(a, &A->mv[i], &B->mv[ab[i]],
			                                                           A->vs[i], B->vs[ab[i]])));
			if (json_array_append_new(ab[i] < 0 ? only_a : matched, x))
				rc = PARLEY_ENOMEM;
		}
		for (size_t j = 0; j < B->n; j++)
			if (!b_used[j] && json_array_append_new(only_b, pl_json_text(B->vs[j]->id)))
				rc = PARLEY_ENOMEM;
		json_t *o = json_pack("{s:o,s:o,s:i,s:I,s:I,s:o,s:o,s:o,s:o,s:o}", "a",
		                      pl_json_text(A->label), "b", pl_json_text(B->label),
		                      "tolerance_days", co->tolerance_days, "a_visits", (json_int_t)A->n,
		                      "b_visits", (json_int_t)B->n, "a_data_through",
		                      pl_json_text(A->o.th.date[0] ? A->o.th.date : NULL),
		                      "b_data_through", pl_json_text(B->o.th.date[0] ? B->o.th.date : NULL),
		                      "matched", matched, "only_in_a", only_a, "only_in_b", only_b);
		free(b_used);
		if (rc) {
			json_decref(o);
			o = NULL;
		}
		return an_json_write(o, out, err);
	}
	if (!csv)
		fprintf(out,
		        "A: %s, %zu visits%s; B: %s, %zu visits%s; tolerance %d days\n"
		        "matched %zu (external id %zu, direction+date+visitor %zu, "
		        "direction+date+visitor name %zu, direction+date+level %zu), %zu with "
		        "differences; only in A %zu; "
		        "only in B %zu\n\n",
		        A->label, A->n, cut_note(a, A), B->label, B->n, cut_note(a, B),
		        co->tolerance_days, nm, by[AN_BY_EXTID], by[AN_BY_VISITOR],
		        by[AN_BY_NAME], by[AN_BY_LEVEL], ndiff, A->n - nm, B->n - nm);
	int rc = write_plain_rows(A, B, ab, rule, b_used, csv, out, err);
	free(b_used);
	return rc;
}

/* ---- era mode --------------------------------------------------------- */

/* Lower-case letters and digits only: "Kim Il Sung" and "Kim Il-sung" agree. */
static void fold(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; s && *s && n + 1 < cap; s++)
		if (isalnum((unsigned char)*s))
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
}

typedef struct erow {
	const char *name;
	an_idlist a, b;            /* counted visits of each side in this era */
	an_idlist why;             /* labels of the visits behind the difference */
} erow;

typedef struct eras_ctx {
	an_arena *a;
	erow *r;
	size_t n, cap;
	const an_era *el;
	size_t ne;
} eras_ctx;

static erow *row_named(eras_ctx *x, const char *name)
{
	char f[256], g[256];
	fold(name, f, sizeof f);
	for (size_t i = 0; i < x->n; i++) {
		fold(x->r[i].name, g, sizeof g);
		if (strcmp(f, g) == 0)
			return &x->r[i];
	}
	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 16;
		erow *p = an_alloc(x->a, nc * sizeof *p);
		if (!p)
			return NULL;
		if (x->n)
			memcpy(p, x->r, x->n * sizeof *p);
		x->r = p;
		x->cap = nc;
	}
	erow *r = &x->r[x->n++];
	memset(r, 0, sizeof *r);
	r->name = an_strdup(x->a, name);
	return r->name ? r : NULL;
}

/* The era row a visit of a side falls in: by date, or by its own label. */
static erow *era_of(eras_ctx *x, const an_visit *v, bool own_label)
{
	if (own_label)
		return row_named(x, v->more && v->more->period ? v->more->period : "(no era label)");
	const an_era *e = an_era_at(x->el, x->ne, v->day);
	return row_named(x, e ? e->name : "(between eras)");
}

static int write_eras(side *A, side *B, const long *ab, const parley_compare_opts *co,
                      const char *format, FILE *out, parley_err *err)
{
	an_arena *a = &A->d->arena;
	eras_ctx x = {a, NULL, 0, 0, NULL, 0};
	an_era *el = NULL;
	int rc = an_era_list(A->d, &A->o, PARLEY_ERAS_PAIR, &el, &x.ne, err);
	if (rc)
		return rc;
	x.el = el;
	for (size_t i = 0; i < x.ne; i++)
		if (!row_named(&x, el[i].name))
			return parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
	long *ba = malloc((B->n + 1) * sizeof *ba);
	erow **ea = calloc(A->n + 1, sizeof *ea), **eb = calloc(B->n + 1, sizeof *eb);
	if (!ba || !ea || !eb) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
		goto done;
	}
	for (size_t j = 0; j < B->n; j++)
		ba[j] = -1;
	for (size_t i = 0; i < A->n; i++)
		if (ab[i] >= 0)
			ba[ab[i]] = (long)i;
	for (size_t i = 0; i < A->n && !rc; i++)
		if (!(ea[i] = era_of(&x, A->vs[i], false)) || an_ids_push(a, &ea[i]->a, A->vs[i]->id))
			rc = PARLEY_ENOMEM;
	for (size_t j = 0; j < B->n && !rc; j++)
		if (!(eb[j] = era_of(&x, B->vs[j], co->their_eras)) ||
		    an_ids_push(a, &eb[j]->b, B->vs[j]->id))
			rc = PARLEY_ENOMEM;
	/* the visits behind each era's difference */
	for (size_t i = 0; i < A->n && !rc; i++) {
		const char *l = an_visit_label(a, A->vs[i]), *why = NULL;
		if (ab[i] < 0)
			why = an_fmt(a, "+ only in A: %s [%s]", l, A->vs[i]->id);
		else if (eb[ab[i]] != ea[i])
			why = an_fmt(a, "+ A counts it here, B in %s: %s [%s = %s]", eb[ab[i]]->name, l,
			             A->vs[i]->id, B->vs[ab[i]]->id);
		if (why && an_ids_push(a, &ea[i]->why, why))
			rc = PARLEY_ENOMEM;
	}
	for (size_t j = 0; j < B->n && !rc; j++) {
		/* a matched visit is named as A records it (B may not name its visitor) */
		const an_visit *named = ba[j] >= 0 ? A->vs[ba[j]] : B->vs[j];
		const char *l = an_visit_label(a, named), *why = NULL;
		if (ba[j] < 0)
			why = an_fmt(a, "- only in B: %s [%s]", l, B->vs[j]->id);
		else if (ea[ba[j]] != eb[j])
			why = an_fmt(a, "- B counts it here, A in %s: %s [%s = %s]", ea[ba[j]]->name, l,
			             A->vs[ba[j]]->id, B->vs[j]->id);
		if (why && an_ids_push(a, &eb[j]->why, why))
			rc = PARLEY_ENOMEM;
	}
	if (rc) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
		goto done;
	}
	bool json = strcmp(format, "json") == 0, csv = strcmp(format, "csv") == 0;
	if (json) {
		json_t *eras = json_array();
		for (size_t i = 0; eras && i < x.n; i++) {
			erow *r = &x.r[i];
			if (json_array_append_new(
			        eras, json_pack("{s:o,s:I,s:I,s:I,s:o,s:o,s:o}", "era", pl_json_text(r->name),
			                        "a", (json_int_t)r->a.n, "b", (json_int_t)r->b.n,
			                        "difference", (json_int_t)r->a.n - (json_int_t)r->b.n,
			                        "a_ids", an_json_ids(an_ids_done(&r->a)), "b_ids",
			                        an_json_ids(an_ids_done(&r->b)), "explained_by",
			                        an_json_ids(an_ids_done(&r->why)))))
				eras = (json_decref(eras), NULL);
		}
		rc = an_json_write(
		    json_pack("{s:o,s:o,s:s,s:s,s:o,s:o,s:o}", "a", pl_json_text(A->label), "b",
		              pl_json_text(B->label), "as_of", A->o.as_of_text, "b_grouping",
		              co->their_eras ? "own era labels" : "dates", "a_data_through",
		              pl_json_text(A->o.th.date[0] ? A->o.th.date : NULL), "b_data_through",
		              pl_json_text(B->o.th.date[0] ? B->o.th.date : NULL), "eras", eras),
		    out, err);
		goto done;
	}
	static const char *const head[] = {"era", "A", "B", "A-B", "visits behind the difference"};
	static const bool right[] = {false, true, true, true, false};
	an_table t = {5, head, right, NULL, 0, 0, a};
	size_t ta = 0, tb = 0;
	for (size_t i = 0; i < x.n && !rc; i++) {
		erow *r = &x.r[i];
		ta += r->a.n;
		tb += r->b.n;
		const char *cell[] = {r->name, an_fmt(a, "%zu", r->a.n), an_fmt(a, "%zu", r->b.n),
		                      an_fmt(a, "%+ld", (long)r->a.n - (long)r->b.n),
		                      csv ? an_ids_join(a, an_ids_done(&r->why))
		                          : an_fmt(a, "%zu", r->why.n)};
		for (size_t k = 0; k < 5; k++)
			if (!cell[k])
				rc = PARLEY_ENOMEM;
		if (!rc && an_table_row(&t, cell))
			rc = PARLEY_ENOMEM;
	}
	if (!rc && !csv) {
		const char *cell[] = {"total", an_fmt(a, "%zu", ta), an_fmt(a, "%zu", tb),
		                      an_fmt(a, "%+ld", (long)ta - (long)tb), ""};
		if (!cell[1] || !cell[2] || !cell[3] || an_table_row(&t, cell))
			rc = PARLEY_ENOMEM;
	}
	if (rc) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
		goto done;
	}
	if (!csv)
		fprintf(out, "A: %s%s; B: %s%s; %s-%s eras as of %s, level %s or above; B grouped "
		             "by %s\n\n",
		        A->label, cut_note(a, A), B->label, cut_note(a, B), A->o.a, A->o.b,
		        A->o.as_of_text, A->o.min_level,
		        co->their_eras ? "its own era labels" : "dates, like A");
	rc = an_table_write(&t, format, out, err);
	if (rc || csv)
		goto done;
	for (size_t i = 0; i < x.n; i++) {
		erow *r = &x.r[i];
		if (!r->why.n)
			continue;
		fprintf(out, "\n%s: A %zu, B %zu (%+ld)\n", r->name, r->a.n, r->b.n,
		        (long)r->a.n - (long)r->b.n);
		for (size_t k = 0; k < r->why.n; k++)
			fprintf(out, "  %s\n", r->why.ids[k]);
	}
	if (ferror(out))
		rc = parley_err_set(err, PARLEY_EIO, "compare: writing failed");
done:
	free(ba);
	free(ea);
	free(eb);
	return rc;
}

/* The one pair both sources' visits are between, or EINVAL naming two. */
static int infer_pair(const side *A, const side *B, char *a, char *b, parley_err *err)
{
	const side *ss[] = {A, B};
	a[0] = b[0] = '\0';
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < ss[k]->n; i++) {
			const parley_visit_desc *v = &ss[k]->mv[i];
			const char *f = v->from_country, *t = v->to_country;
			const char *x = strcmp(f, t) < 0 ? f : t;
			const char *y = x == f ? t : f;
			if (!a[0]) {
				pl_strlcpy(a, x, 8);
				pl_strlcpy(b, y, 8);
			} else if (strcmp(a, x) != 0 || strcmp(b, y) != 0) {
				return parley_err_set(err, PARLEY_EINVAL,
				                      "compare --eras: the sources hold visits of more than one "
				                      "pair (%s-%s, %s-%s); name one with --countries A,B",
				                      a, b, x, y);
			}
		}
	if (!a[0])
		return parley_err_set(err, PARLEY_EINVAL, "compare --eras: no visits to compare");
	return PARLEY_OK;
}

int parley_compare(parley_db *db, const char *a_spec, const char *b_spec,
                   const parley_compare_opts *co, const char *format, FILE *out,
                   parley_err *err)
{
	if (!db || !a_spec || !b_spec || !out)
		return parley_err_set(err, PARLEY_EINVAL, "parley_compare: NULL argument");
	parley_compare_opts dflt = {0};
	parley_compare_opts c = co ? *co : dflt;
	if (c.tolerance_days == 0)
		c.tolerance_days = 3;
	else if (c.tolerance_days < 0)
		c.tolerance_days = 0;
	if (c.tolerance_days > 3660)
		return parley_err_set(err, PARLEY_EINVAL, "compare: --tolerance must be 0-3660 days");
	if (!format)
		format = "table";
	if (strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "json"))
		return parley_err_set(err, PARLEY_EINVAL,
		                      "compare: format '%s' is not one of table, csv, json", format);
	an_opts o;
	int rc = an_opts_parse(&c.an, false, &o, err);
	if (rc)
		return rc;
	side A = {0}, B = {0};
	long *ab = NULL;
	an_match_by *rule = NULL;
	rc = open_side(db, a_spec, &A, err);
	if (!rc)
		rc = open_side(db, b_spec, &B, err);
	if (!rc)
		rc = load_side(&A, err);
	if (!rc)
		rc = load_side(&B, err);
	if (!rc)
		rc = select_side(&A, &o, err);
	if (!rc)
		rc = select_side(&B, &o, err);
	if (!rc && c.eras && !o.b[0]) {
		/* the era tables need one pair: the one the visits are between */
		rc = infer_pair(&A, &B, o.a, o.b, err);
		if (!rc)
			rc = select_side(&A, &o, err);
		if (!rc)
			rc = select_side(&B, &o, err);
	}
	if (!rc) {
		ab = malloc((A.n + 1) * sizeof *ab);
		rule = malloc((A.n + 1) * sizeof *rule);
		if (!ab || !rule)
			rc = parley_err_set(err, PARLEY_ENOMEM, "compare: out of memory");
	}
	if (!rc)
		rc = an_match_lists(A.mv, A.n, B.mv, B.n, c.tolerance_days, ab, rule, err);
	if (!rc)
		rc = c.eras ? write_eras(&A, &B, ab, &c, format, out, err)
		            : write_plain(&A, &B, ab, rule, &c, format, out, err);
	free(ab);
	free(rule);
	side_close(&A);
	side_close(&B);
	return rc;
}
