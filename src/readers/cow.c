/*
 * cow.c - readers for the Correlates of War state list: the country codes
 * table (COW-country-codes.csv: StateAbb,CCode,StateNme, CR-only line ends)
 * and the State System Membership list (states2016.csv, with spell dates).
 *
 * Each COW state becomes (or fills in) a country row keyed by its ISO 3166
 * alpha-3 code.  COW abbreviations are not ISO codes and some collide with
 * ISO codes of other states (COW MNG is Montenegro, ISO MNG is Mongolia), so
 * the mapping is an explicit table, never a guess.  An existing row keeps
 * its values; only empty cow_code/cow_abb are filled, so the world list stays
 * authoritative.  A state without a row is created with the COW name and,
 * from the membership file, its first start and last end (an end of
 * 2016-12-31 is the v2016 cut-off, not an end, and is left empty).
 */
#include "readers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* COW abbreviation -> country code (ISO 3166-1 alpha-3, ISO 3166-3 alpha-3
 * for dissolved states, or a project code: docs/readers.md). */
static const struct {
	const char *abb, *code;
} cow_iso[] = {
    {"AAB", "ATG"}, {"AFG", "AFG"}, {"ALB", "ALB"}, {"ALG", "DZA"}, {"AND", "AND"},
    {"ANG", "AGO"}, {"ARG", "ARG"}, {"ARM", "ARM"}, {"AUH", "AUH"}, {"AUL", "AUS"},
    {"AUS", "AUT"}, {"AZE", "AZE"}, {"BAD", "BAD"}, {"BAH", "BHR"}, {"BAR", "BRB"},
    {"BAV", "BAV"}, {"BEL", "BEL"}, {"BEN", "BEN"}, {"BFO", "BFA"}, {"BHM", "BHS"},
    {"BHU", "BTN"}, {"BLR", "BLR"}, {"BLZ", "BLZ"}, {"BNG", "BGD"}, {"BOL", "BOL"},
    {"BOS", "BIH"}, {"BOT", "BWA"}, {"BRA", "BRA"}, {"BRU", "BRN"}, {"BUI", "BDI"},
    {"BUL", "BGR"}, {"CAM", "KHM"}, {"CAN", "CAN"}, {"CAO", "CMR"}, {"CAP", "CPV"},
    {"CDI", "CIV"}, {"CEN", "CAF"}, {"CHA", "TCD"}, {"CHL", "CHL"}, {"CHN", "CHN"},
    {"COL", "COL"}, {"COM", "COM"}, {"CON", "COG"}, {"COS", "CRI"}, {"CRO", "HRV"},
    {"CUB", "CUB"}, {"CYP", "CYP"}, {"CZE", "CSK"}, {"CZR", "CZE"}, {"DEN", "DNK"},
    {"DJI", "DJI"}, {"DMA", "DMA"}, {"DOM", "DOM"}, {"DRC", "COD"}, {"DRV", "VNM"},
    {"ECU", "ECU"}, {"EGY", "EGY"}, {"EQG", "GNQ"}, {"ERI", "ERI"}, {"EST", "EST"},
    {"ETH", "ETH"}, {"ETM", "TLS"}, {"FIJ", "FJI"}, {"FIN", "FIN"}, {"FRN", "FRA"},
    {"FSM", "FSM"}, {"GAB", "GAB"}, {"GAM", "GMB"}, {"GDR", "DDR"}, {"GFR", "DEU"},
    {"GHA", "GHA"}, {"GMY", "DEU"}, {"GNB", "GNB"}, {"GRC", "GRC"}, {"GRG", "GEO"},
    {"GRN", "GRD"}, {"GUA", "GTM"}, {"GUI", "GIN"}, {"GUY", "GUY"}, {"HAI", "HTI"},
    {"HAN", "HAN"}, {"HON", "HND"}, {"HSE", "HSE"}, {"HSG", "HSG"}, {"HUN", "HUN"},
    {"ICE", "ISL"}, {"IND", "IND"}, {"INS", "IDN"}, {"IRE", "IRL"}, {"IRN", "IRN"},
    {"IRQ", "IRQ"}, {"ISR", "ISR"}, {"ITA", "ITA"}, {"JAM", "JAM"}, {"JOR", "JOR"},
    {"JPN", "JPN"}, {"KEN", "KEN"}, {"KIR", "KIR"}, {"KOR", "XKR"}, {"KOS", "XKX"},
    {"KUW", "KWT"}, {"KYR", "KGZ"}, {"KZK", "KAZ"}, {"LAO", "LAO"}, {"LAT", "LVA"},
    {"LBR", "LBR"}, {"LEB", "LBN"}, {"LES", "LSO"}, {"LIB", "LBY"}, {"LIE", "LIE"},
    {"LIT", "LTU"}, {"LUX", "LUX"}, {"MAA", "MRT"}, {"MAC", "MKD"}, {"MAD", "MDV"},
    {"MAG", "MDG"}, {"MAL", "MYS"}, {"MAS", "MUS"}, {"MAW", "MWI"}, {"MEC", "MEC"},
    {"MEX", "MEX"}, {"MLD", "MDA"}, {"MLI", "MLI"}, {"MLT", "MLT"}, {"MNC", "MCO"},
    {"MNG", "MNE"}, {"MOD", "MOD"}, {"MON", "MNG"}, {"MOR", "MAR"}, {"MSI", "MHL"},
    {"MYA", "MMR"}, {"MZM", "MOZ"}, {"NAM", "NAM"}, {"NAU", "NRU"}, {"NEP", "NPL"},
    {"NEW", "NZL"}, {"NIC", "NIC"}, {"NIG", "NGA"}, {"NIR", "NER"}, {"NOR", "NOR"},
    {"NTH", "NLD"}, {"OMA", "OMN"}, {"PAK", "PAK"}, {"PAL", "PLW"}, {"PAN", "PAN"},
    {"PAP", "PAP"}, {"PAR", "PRY"}, {"PER", "PER"}, {"PHI", "PHL"}, {"PMA", "PMA"},
    {"PNG", "PNG"}, {"POL", "POL"}, {"POR", "PRT"}, {"PRK", "PRK"}, {"QAT", "QAT"},
    {"ROK", "KOR"}, {"ROM", "ROU"}, {"RUS", "RUS"}, {"RVN", "RVN"}, {"RWA", "RWA"},
    {"SAF", "ZAF"}, {"SAL", "SLV"}, {"SAU", "SAU"}, {"SAX", "SAX"}, {"SEN", "SEN"},
    {"SEY", "SYC"}, {"SIC", "SIC"}, {"SIE", "SLE"}, {"SIN", "SGP"}, {"SKN", "KNA"},
    {"SLO", "SVK"}, {"SLU", "LCA"}, {"SLV", "SVN"}, {"SNM", "SMR"}, {"SOL", "SLB"},
    {"SOM", "SOM"}, {"SPN", "ESP"}, {"SRI", "LKA"}, {"SSD", "SSD"}, {"STP", "STP"},
    {"SUD", "SDN"}, {"SUR", "SUR"}, {"SVG", "VCT"}, {"SWA", "SWZ"}, {"SWD", "SWE"},
    {"SWZ", "CHE"}, {"SYR", "SYR"}, {"TAJ", "TJK"}, {"TAW", "TWN"}, {"TAZ", "TZA"},
    {"THI", "THA"}, {"TKM", "TKM"}, {"TOG", "TGO"}, {"TON", "TON"}, {"TRI", "TTO"},
    {"TUN", "TUN"}, {"TUR", "TUR"}, {"TUS", "TUS"}, {"TUV", "TUV"}, {"UAE", "ARE"},
    {"UGA", "UGA"}, {"UKG", "GBR"}, {"UKR", "UKR"}, {"URU", "URY"}, {"USA", "USA"},
    {"UZB", "UZB"}, {"VAN", "VUT"}, {"VEN", "VEN"}, {"WRT", "WRT"}, {"WSM", "WSM"},
    {"YAR", "YAR"}, {"YEM", "YEM"}, {"YPR", "YMD"}, {"YUG", "YUG"}, {"ZAM", "ZMB"},
    {"ZAN", "ZAN"}, {"ZIM", "ZWE"},
};

static int cmp_abb(const void *k, const void *e)
{
	return strcmp((const char *)k, *(const char *const *)e);
}

/* The country code for a COW abbreviation, or NULL. */
const char *pl_cow_abb_to_code(const char *abb)
{
	const void *hit = bsearch(abb, cow_iso, PL_ARRAY_LEN(cow_iso), sizeof cow_iso[0], cmp_abb);
	return hit ? *(const char *const *)((const char *)hit + sizeof(const char *)) : NULL;
}

/* One state gathered from the file (several spells -> one entry). */
typedef struct cow_state {
	char abb[8], code[8], name[128], start[16], end[16];
	long ccode, line;
} cow_state;

/* A whole number of at most 4 digits, or -1 (atoi would accept '1816x'
 * and overflow on long digit runs). */
static int small_num(const char *s)
{
	char *e;
	if (!s || *s < '0' || *s > '9' || strlen(s) > 4)
		return -1;
	long v = strtol(s, &e, 10);
	return *e ? -1 : (int)v;
}

/* Writes 'YYYY-MM-DD' from the three membership fields; a field that is not
 * a number leaves out empty, which rd_valid_date() rejects. */
static void ymd(char *out, size_t cap, const char *y, const char *m, const char *d)
{
	int yy = small_num(y), mm = small_num(m), dd = small_num(d);
	if (yy < 0 || mm < 0 || dd < 0) {
		out[0] = '\0';
		return;
	}
	snprintf(out, cap, "%04d-%02d-%02d", yy, mm, dd);
}

static void set_field(void *ud, const char *field, const char *value)
{
	rd_set(ud, field, value);
}

/* Fills or creates the country row of one state. */
static void put_state(pl_import *imp, const char *path, const cow_state *s, rd_counts *n)
{
	rd_row r;
	char ccode[24];

	snprintf(ccode, sizeof ccode, "%ld", s->ccode);
	rd_row_init(&r, "country");
	int exists = pl_country_fields(pl_import_db(imp), s->code, set_field, &r);
	if (!exists) {
		rd_set(&r, "code", s->code);
		rd_set(&r, "name", s->name);
		rd_set(&r, "start_date", s->start);
		rd_set(&r, "end_date", s->end);
		rd_set(&r, "note", "created from the Correlates of War state list");
	}
	if (!rd_get(&r, "cow_code")) {
		rd_set(&r, "cow_code", ccode);
		rd_set(&r, "cow_abb", s->abb);
	} else if (strcmp(rd_get(&r, "cow_code"), ccode) != 0 &&
	           pl_cow_abb_to_code(s->abb) && strcmp(s->abb, "GFR") != 0) {
		pl_import_report(imp, PARLEY_WARNING, path, s->line, 0, NULL, "ccode", "cow-differs",
		                 "COW %s %ld maps to country %s, which has COW number %s; kept %s",
		                 s->abb, s->ccode, s->code, rd_get(&r, "cow_code"),
		                 rd_get(&r, "cow_code"));
	}
	if (!rd_get(&r, "cow_abb") && strcmp(rd_get(&r, "cow_code"), ccode) == 0)
		rd_set(&r, "cow_abb", s->abb);
	if (rd_put(imp, &r, path, s->line) == PARLEY_OK)
		n->countries++;
	else
		n->bad++;
}

/* Shared by both files: with_dates says whether the membership columns are
 * there. */
static int read_cow(pl_import *imp, const char *path, const char *data, size_t len,
                    int with_dates, const char *format)
{
	pl_csv csv;
	parley_err err;
	rd_counts n = {0};
	cow_state *states = NULL;
	size_t nstates = 0, cap = 0;
	int rc, header = 1;

	pl_csv_init(&csv, data, len, ',');
	while ((rc = pl_csv_next(&csv, &err)) == 1) {
		if (header) {
			header = 0;
			continue;
		}
		if (csv.nfields == 1 && csv.fields[0][0] == '\0')
			continue;
		n.records++;
		size_t need = with_dates ? 9 : 3;
		if (csv.nfields < need) {
			pl_import_report(imp, PARLEY_ERROR, path, csv.line, 0, NULL, NULL, "bad-row",
			                 "expected %zu fields, found %zu", need, csv.nfields);
			n.bad++;
			continue;
		}
		const char *abb = csv.fields[0];
		char *endp;
		long ccode = strtol(csv.fields[1], &endp, 10);
		if (*csv.fields[1] == '\0' || *endp) {
			pl_import_report(imp, PARLEY_ERROR, path, csv.line, csv.field_col[1], NULL,
			                 "CCode", "bad-number", "'%s' is not a state number",
			                 csv.fields[1]);
			n.bad++;
			continue;
		}
		const char *code = pl_cow_abb_to_code(abb);
		if (!code) {
			pl_import_unmapped(imp, path, csv.line, "StateAbb",
			                   "COW state '%s' (%ld, %s) has no country code", abb, ccode,
			                   csv.fields[2]);
			n.unmapped++;
			continue;
		}
		char start[16] = "", end[16] = "";
		if (with_dates) {
			ymd(start, sizeof start, csv.fields[3], csv.fields[4], csv.fields[5]);
			ymd(end, sizeof end, csv.fields[6], csv.fields[7], csv.fields[8]);
			if (!rd_valid_date(start) || !rd_valid_date(end)) {
				pl_import_report(imp, PARLEY_ERROR, path, csv.line, 0, NULL, "styear",
				                 "bad-date", "bad membership date %s/%s/%s..%s/%s/%s",
				                 csv.fields[3], csv.fields[4], csv.fields[5], csv.fields[6],
				                 csv.fields[7], csv.fields[8]);
				n.bad++;
				continue;
			}
			if (strcmp(end, "2016-12-31") == 0)
				end[0] = '\0';
		}
		size_t i;
		for (i = 0; i < nstates; i++)
			if (strcmp(states[i].abb, abb) == 0)
				break;
		if (i == nstates) {
			cow_state *ns = pl_grow(states, &cap, nstates + 1, sizeof *ns, 64);
			if (!ns) {
				free(states);
				pl_csv_free(&csv);
				return PARLEY_ENOMEM;
			}
			states = ns;
			memset(&states[i], 0, sizeof states[i]);
			pl_strlcpy(states[i].abb, abb, sizeof states[i].abb);
			pl_strlcpy(states[i].code, code, sizeof states[i].code);
			pl_strlcpy(states[i].name, csv.fields[2], sizeof states[i].name);
			pl_strlcpy(states[i].start, start, sizeof states[i].start);
			states[i].ccode = ccode;
			states[i].line = csv.line;
			nstates++;
		}
		pl_strlcpy(states[i].end, end, sizeof states[i].end);
	}
	if (rc < 0) {
		pl_import_report(imp, PARLEY_ERROR, path, csv.line, 0, NULL, NULL,
		                 csv.bad_field ? "nul-byte" : "bad-csv", "%s",
		                 err.msg);
		n.bad++;
	}
	for (size_t i = 0; i < nstates; i++)
		put_state(imp, path, &states[i], &n);
	pl_import_report(imp, PARLEY_INFO, path, 0, 0, NULL, NULL, "states",
	                 "%s: %ld membership rows, %zu distinct states", format, n.records, nstates);
	rd_report_counts(imp, path, format, &n);
	free(states);
	pl_csv_free(&csv);
	return PARLEY_OK;
}

static int detect_codes(const char *path, const char *head, size_t n)
{
	(void)path;
	return rd_head_starts(head, n, "StateAbb,CCode,StateNme") ? 90 : 0;
}

static int detect_states(const char *path, const char *head, size_t n)
{
	(void)path;
	return rd_head_starts(head, n, "stateabb,ccode,statenme,styear") ? 90 : 0;
}

static int read_codes(pl_import *imp, const char *path, const char *data, size_t len)
{
	return read_cow(imp, path, data, len, 0, "cow-codes");
}

static int read_states(pl_import *imp, const char *path, const char *data, size_t len)
{
	return read_cow(imp, path, data, len, 1, "cow-states");
}

const pl_reader pl_reader_cow_codes = {"cow-codes", detect_codes, read_codes, true};
const pl_reader pl_reader_cow_states = {"cow-states", detect_states, read_states, true};
