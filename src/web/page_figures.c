/*
 * page_figures.c - charts as PNG and a brief's data:
 *
 *   /chart/timeline.png, /chart/eras.png   the dashboard's charts (the SVG
 *                                           routes' parameters), as PNG
 *   /briefs/ID/chart-N.png                  the brief's Nth chart (from 1),
 *                                           from its ledger's SVG, as PNG
 *   /briefs/ID.csv                          "get the data": the visits behind
 *                                           the brief's figures, exactly the
 *                                           ledger's ids, as the list's CSV
 *
 * PNGs are drawn in process (png.c).  The server caches each answer by URL
 * with an ETag of its bytes (server.c), so a chart is drawn once per store
 * version and If-None-Match gets 304; `parley site` writes the same files.
 */
#include "webq.h"
#include "png.h"
#include "../brief/brief.h"

#include <stdlib.h>
#include <string.h>

/* Replaces the SVG in the response body by its PNG. */
static void body_to_png(pl_page *pg)
{
	pl_buf png;
	pl_buf_init(&png, PL_BODY_MAX);
	parley_err err = {0};
	if (pl_svg_png(pg->rs->body.data, pg->rs->body.len, PL_PNG_WIDTH, &png, &err) != PARLEY_OK) {
		pl_buf_free(&png);
		pl_send_error(pg, 500, NULL, err.msg);
		return;
	}
	pl_buf_free(&pg->rs->body);
	pg->rs->body = png;
	pg->rs->type = "image/png";
}

void pl_chart_png(pl_page *pg, const char *which)
{
	char svg[32];
	if (strcmp(which, "timeline.png") == 0)
		pl_strlcpy(svg, "timeline.svg", sizeof svg);
	else if (strcmp(which, "eras.png") == 0)
		pl_strlcpy(svg, "eras.svg", sizeof svg);
	else {
		pl_send_error(pg, 404, NULL, "no such chart");
		return;
	}
	pl_chart_svg(pg, svg, NULL, NULL);
	if (pg->rs->status == 200)
		body_to_png(pg);
}

/* The brief id of a published brief (drafts only in preview), loaded with
 * its figures into b; 0 with the error response sent otherwise. */
static int load_published(pl_page *pg, const char *id, pl_brief *b)
{
	parley_err err = {0};
	int rc = pl_brief_load(pg->w->db, id, 1, b, &err);
	if (!rc && !pg->w->preview && strcmp(b->status, "published") != 0) {
		pl_brief_free(b);
		rc = parley_err_set(&err, PARLEY_ENOTFOUND, "no brief '%s'", id);
	}
	if (rc) {
		pl_send_error(pg, rc == PARLEY_ENOTFOUND ? 404 : 500, NULL, err.msg);
		return 0;
	}
	return 1;
}

void pl_brief_chart_png(pl_page *pg, const char *rest)
{
	/* rest: "ID/chart-N.png" */
	const char *slash = strrchr(rest, '/');
	char id[256], tail[8];
	long n = 0;
	int used = 0;
	if (!slash || (size_t)(slash - rest) >= sizeof id ||
	    sscanf(slash + 1, "chart-%ld.%3s%n", &n, tail, &used) != 2 || strcmp(tail, "png") != 0 ||
	    slash[1 + used] != '\0' || n < 1) {
		pl_send_error(pg, 404, NULL, "expected /briefs/ID/chart-N.png");
		return;
	}
	memcpy(id, rest, (size_t)(slash - rest));
	id[slash - rest] = '\0';
	pl_brief b;
	if (!load_published(pg, id, &b))
		return;
	const pl_figure *chart = NULL;
	for (size_t i = 0, k = 0; i < b.nfigs && !chart; i++)
		if (b.figs[i].svg && ++k == (size_t)n)
			chart = &b.figs[i];
	if (!chart) {
		pl_brief_free(&b);
		pl_send_error(pg, 404, NULL, "the brief has no such chart");
		return;
	}
	pl_buf_reset(&pg->rs->body);
	if (pl_buf_puts(&pg->rs->body, chart->svg) != PARLEY_OK)
		pl_send_error(pg, 500, NULL, "out of memory");
	else
		body_to_png(pg);
	pl_brief_free(&b);
}

char *pl_brief_chart_url(const char *root, const char *id, long n)
{
	pl_buf u;
	pl_buf_init(&u, 0);
	pl_buf_printf(&u, "%sbriefs/", root);
	pl_esc_url(&u, id);
	pl_buf_printf(&u, "/chart-%ld.png", n);
	return pl_buf_take(&u);
}

char *pl_brief_data_ids(const pl_brief *b)
{
	pl_buf ids;
	pl_buf_init(&ids, 0);
	pl_buf_puts(&ids, "");
	json_t *seen = json_object();
	for (size_t i = 0; seen && i < b->nfigs; i++) {
		const char *p = b->figs[i].ids ? b->figs[i].ids : "";
		while (*p) {
			size_t n = strcspn(p, " ");
			if (n > 0 && n < 256) {
				char one[256];
				memcpy(one, p, n);
				one[n] = '\0';
				if (!json_object_get(seen, one)) {
					json_object_set_new(seen, one, json_true());
					pl_buf_printf(&ids, "%s%s", ids.len ? "," : "", one);
				}
			}
			p += n + (p[n] == ' ');
		}
	}
	json_decref(seen);
	return pl_buf_take(&ids);
}

void pl_brief_data_csv(pl_page *pg, const char *id)
{
	pl_brief b;
	if (!load_published(pg, id, &b))
		return;
	char *ids = pl_brief_data_ids(&b);
	pl_brief_free(&b);
	if (!ids) {
		pl_send_error(pg, 500, NULL, "out of memory");
		return;
	}
	if (!ids[0]) {
		free(ids);
		pl_send_error(pg, 404, NULL, "the brief has no figures, so no data behind them");
		return;
	}
	/* the visit list's CSV (one writer, one set of columns) of exactly the
	 * ledger's visits, whatever their status is today */
	pl_web_req rq = {.path = "/visits.csv", .root = pg->rq->root, .self = pg->rq->self};
	rq.params[0] = (pl_param){"ids", ids};
	rq.params[1] = (pl_param){"status", "all"};
	rq.nparams = 2;
	pl_page sub = {.w = pg->w, .rq = &rq, .rs = pg->rs};
	pl_page_visits(&sub, 2);
	free(ids);
}

/* One route's answer written as rel; EDATA when it is not a 200. */
static int site_one(pl_web *w, const char *path, const char *rel,
                    int (*write)(void *, const char *, const char *, size_t), void *ctx,
                    parley_err *err)
{
	pl_web_req rq = {.path = path, .root = "../"};
	pl_web_resp rs;
	pl_web_handle(w, &rq, &rs);
	int rc = rs.status == 200 ? write(ctx, rel, rs.body.data ? rs.body.data : "", rs.body.len)
	                          : parley_err_set(err, PARLEY_EDATA, "site: %s answered %d: %.200s", path,
	                                           rs.status, rs.body.data ? rs.body.data : "");
	pl_buf_free(&rs.body);
	return rc;
}

int pl_site_brief_files(pl_web *w, const char *id,
                        int (*write)(void *ctx, const char *rel, const char *data, size_t n),
                        void *ctx, parley_err *err)
{
	pl_brief b;
	int rc = pl_brief_load(w->db, id, 1, &b, err);
	if (rc)
		return rc;
	size_t charts = 0;
	for (size_t i = 0; i < b.nfigs; i++)
		charts += b.figs[i].svg != NULL;
	int any = b.nfigs > 0;
	pl_brief_free(&b);
	char path[600], rel[600];
	if (any) {
		snprintf(path, sizeof path, "/briefs/%s.csv", id);
		snprintf(rel, sizeof rel, "briefs/%s.csv", id);
		rc = site_one(w, path, rel, write, ctx, err);
	}
	for (size_t k = 1; rc == PARLEY_OK && k <= charts; k++) {
		snprintf(path, sizeof path, "/briefs/%s/chart-%zu.png", id, k);
		rc = site_one(w, path, path + 1, write, ctx, err);
	}
	return rc;
}
