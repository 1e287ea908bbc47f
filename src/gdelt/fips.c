/*
 * fips.c - FIPS 10-4 country codes (GDELT's geo fields) to ISO 3166-1 alpha-3.
 *
 * GDELT names the place of an event with FIPS 10-4 codes ("CH" is China,
 * "KN" North Korea, "UK" the United Kingdom), while actors and the store use
 * ISO 3166-1 alpha-3 ("CHN", "PRK", "GBR").  This table maps the FIPS 10-4
 * country codes in use by GDELT to ISO3 with a short English name.  Where a
 * FIPS entity is part of an ISO entity it maps there (Gaza Strip and West
 * Bank to PSE, Jan Mayen and Svalbard to SJM, the U.S. Pacific islands to
 * UMI).  Entities without an ISO code (Paracel and Spratly Islands, oceans,
 * Clipperton Island) are absent and map to nothing: the place is then
 * unknown.  Kosovo (KV) maps to XKX, the user-assigned code in common use.
 * YI (Serbia and Montenegro, until 2006) maps to SCG, its withdrawn code.
 * A store's country table may also give a fips column; discovery uses it
 * first (discover.c), so a store can override this table.
 */
#include "gdelt.h"

#include <string.h>

typedef struct fips_entry {
	const char fips[3];
	const char iso3[4];
	const char *name;
} fips_entry;

/* Sorted by FIPS code (checked by a unit test), searched by bisection. */
static const fips_entry table[] = {
    {"AA", "ABW", "Aruba"},
    {"AC", "ATG", "Antigua and Barbuda"},
    {"AE", "ARE", "United Arab Emirates"},
    {"AF", "AFG", "Afghanistan"},
    {"AG", "DZA", "Algeria"},
    {"AJ", "AZE", "Azerbaijan"},
    {"AL", "ALB", "Albania"},
    {"AM", "ARM", "Armenia"},
    {"AN", "AND", "Andorra"},
    {"AO", "AGO", "Angola"},
    {"AQ", "ASM", "American Samoa"},
    {"AR", "ARG", "Argentina"},
    {"AS", "AUS", "Australia"},
    {"AU", "AUT", "Austria"},
    {"AV", "AIA", "Anguilla"},
    {"AY", "ATA", "Antarctica"},
    {"BA", "BHR", "Bahrain"},
    {"BB", "BRB", "Barbados"},
    {"BC", "BWA", "Botswana"},
    {"BD", "BMU", "Bermuda"},
    {"BE", "BEL", "Belgium"},
    {"BF", "BHS", "Bahamas"},
    {"BG", "BGD", "Bangladesh"},
    {"BH", "BLZ", "Belize"},
    {"BK", "BIH", "Bosnia and Herzegovina"},
    {"BL", "BOL", "Bolivia"},
    {"BM", "MMR", "Myanmar"},
    {"BN", "BEN", "Benin"},
    {"BO", "BLR", "Belarus"},
    {"BP", "SLB", "Solomon Islands"},
    {"BR", "BRA", "Brazil"},
    {"BT", "BTN", "Bhutan"},
    {"BU", "BGR", "Bulgaria"},
    {"BV", "BVT", "Bouvet Island"},
    {"BX", "BRN", "Brunei"},
    {"BY", "BDI", "Burundi"},
    {"CA", "CAN", "Canada"},
    {"CB", "KHM", "Cambodia"},
    {"CD", "TCD", "Chad"},
    {"CE", "LKA", "Sri Lanka"},
    {"CF", "COG", "Congo (Brazzaville)"},
    {"CG", "COD", "Congo (Kinshasa)"},
    {"CH", "CHN", "China"},
    {"CI", "CHL", "Chile"},
    {"CJ", "CYM", "Cayman Islands"},
    {"CK", "CCK", "Cocos (Keeling) Islands"},
    {"CM", "CMR", "Cameroon"},
    {"CN", "COM", "Comoros"},
    {"CO", "COL", "Colombia"},
    {"CQ", "MNP", "Northern Mariana Islands"},
    {"CS", "CRI", "Costa Rica"},
    {"CT", "CAF", "Central African Republic"},
    {"CU", "CUB", "Cuba"},
    {"CV", "CPV", "Cabo Verde"},
    {"CW", "COK", "Cook Islands"},
    {"CY", "CYP", "Cyprus"},
    {"DA", "DNK", "Denmark"},
    {"DJ", "DJI", "Djibouti"},
    {"DO", "DMA", "Dominica"},
    {"DQ", "UMI", "Jarvis Island"},
    {"DR", "DOM", "Dominican Republic"},
    {"EC", "ECU", "Ecuador"},
    {"EG", "EGY", "Egypt"},
    {"EI", "IRL", "Ireland"},
    {"EK", "GNQ", "Equatorial Guinea"},
    {"EN", "EST", "Estonia"},
    {"ER", "ERI", "Eritrea"},
    {"ES", "SLV", "El Salvador"},
    {"ET", "ETH", "Ethiopia"},
    {"EZ", "CZE", "Czechia"},
    {"FG", "GUF", "French Guiana"},
    {"FI", "FIN", "Finland"},
    {"FJ", "FJI", "Fiji"},
    {"FK", "FLK", "Falkland Islands"},
    {"FM", "FSM", "Micronesia"},
    {"FO", "FRO", "Faroe Islands"},
    {"FP", "PYF", "French Polynesia"},
    {"FQ", "UMI", "Baker Island"},
    {"FR", "FRA", "France"},
    {"FS", "ATF", "French Southern and Antarctic Lands"},
    {"GA", "GMB", "Gambia"},
    {"GB", "GAB", "Gabon"},
    {"GG", "GEO", "Georgia"},
    {"GH", "GHA", "Ghana"},
    {"GI", "GIB", "Gibraltar"},
    {"GJ", "GRD", "Grenada"},
    {"GK", "GGY", "Guernsey"},
    {"GL", "GRL", "Greenland"},
    {"GM", "DEU", "Germany"},
    {"GP", "GLP", "Guadeloupe"},
    {"GQ", "GUM", "Guam"},
    {"GR", "GRC", "Greece"},
    {"GT", "GTM", "Guatemala"},
    {"GV", "GIN", "Guinea"},
    {"GY", "GUY", "Guyana"},
    {"GZ", "PSE", "Gaza Strip"},
    {"HA", "HTI", "Haiti"},
    {"HK", "HKG", "Hong Kong"},
    {"HM", "HMD", "Heard Island and McDonald Islands"},
    {"HO", "HND", "Honduras"},
    {"HQ", "UMI", "Howland Island"},
    {"HR", "HRV", "Croatia"},
    {"HU", "HUN", "Hungary"},
    {"IC", "ISL", "Iceland"},
    {"ID", "IDN", "Indonesia"},
    {"IM", "IMN", "Isle of Man"},
    {"IN", "IND", "India"},
    {"IO", "IOT", "British Indian Ocean Territory"},
    {"IR", "IRN", "Iran"},
    {"IS", "ISR", "Israel"},
    {"IT", "ITA", "Italy"},
    {"IV", "CIV", "Cote d'Ivoire"},
    {"IZ", "IRQ", "Iraq"},
    {"JA", "JPN", "Japan"},
    {"JE", "JEY", "Jersey"},
    {"JM", "JAM", "Jamaica"},
    {"JN", "SJM", "Jan Mayen"},
    {"JO", "JOR", "Jordan"},
    {"JQ", "UMI", "Johnston Atoll"},
    {"KE", "KEN", "Kenya"},
    {"KG", "KGZ", "Kyrgyzstan"},
    {"KN", "PRK", "North Korea"},
    {"KQ", "UMI", "Kingman Reef"},
    {"KR", "KIR", "Kiribati"},
    {"KS", "KOR", "South Korea"},
    {"KT", "CXR", "Christmas Island"},
    {"KU", "KWT", "Kuwait"},
    {"KV", "XKX", "Kosovo"},
    {"KZ", "KAZ", "Kazakhstan"},
    {"LA", "LAO", "Laos"},
    {"LE", "LBN", "Lebanon"},
    {"LG", "LVA", "Latvia"},
    {"LH", "LTU", "Lithuania"},
    {"LI", "LBR", "Liberia"},
    {"LO", "SVK", "Slovakia"},
    {"LQ", "UMI", "Palmyra Atoll"},
    {"LS", "LIE", "Liechtenstein"},
    {"LT", "LSO", "Lesotho"},
    {"LU", "LUX", "Luxembourg"},
    {"LY", "LBY", "Libya"},
    {"MA", "MDG", "Madagascar"},
    {"MB", "MTQ", "Martinique"},
    {"MC", "MAC", "Macau"},
    {"MD", "MDA", "Moldova"},
    {"MF", "MYT", "Mayotte"},
    {"MG", "MNG", "Mongolia"},
    {"MH", "MSR", "Montserrat"},
    {"MI", "MWI", "Malawi"},
    {"MJ", "MNE", "Montenegro"},
    {"MK", "MKD", "North Macedonia"},
    {"ML", "MLI", "Mali"},
    {"MN", "MCO", "Monaco"},
    {"MO", "MAR", "Morocco"},
    {"MP", "MUS", "Mauritius"},
    {"MQ", "UMI", "Midway Islands"},
    {"MR", "MRT", "Mauritania"},
    {"MT", "MLT", "Malta"},
    {"MU", "OMN", "Oman"},
    {"MV", "MDV", "Maldives"},
    {"MX", "MEX", "Mexico"},
    {"MY", "MYS", "Malaysia"},
    {"MZ", "MOZ", "Mozambique"},
    {"NC", "NCL", "New Caledonia"},
    {"NE", "NIU", "Niue"},
    {"NF", "NFK", "Norfolk Island"},
    {"NG", "NER", "Niger"},
    {"NH", "VUT", "Vanuatu"},
    {"NI", "NGA", "Nigeria"},
    {"NL", "NLD", "Netherlands"},
    {"NN", "SXM", "Sint Maarten"},
    {"NO", "NOR", "Norway"},
    {"NP", "NPL", "Nepal"},
    {"NR", "NRU", "Nauru"},
    {"NS", "SUR", "Suriname"},
    {"NT", "ANT", "Netherlands Antilles"},
    {"NU", "NIC", "Nicaragua"},
    {"NZ", "NZL", "New Zealand"},
    {"OD", "SSD", "South Sudan"},
    {"PA", "PRY", "Paraguay"},
    {"PC", "PCN", "Pitcairn Islands"},
    {"PE", "PER", "Peru"},
    {"PK", "PAK", "Pakistan"},
    {"PL", "POL", "Poland"},
    {"PM", "PAN", "Panama"},
    {"PO", "PRT", "Portugal"},
    {"PP", "PNG", "Papua New Guinea"},
    {"PS", "PLW", "Palau"},
    {"PU", "GNB", "Guinea-Bissau"},
    {"QA", "QAT", "Qatar"},
    {"RE", "REU", "Reunion"},
    {"RI", "SRB", "Serbia"},
    {"RM", "MHL", "Marshall Islands"},
    {"RN", "MAF", "Saint Martin"},
    {"RO", "ROU", "Romania"},
    {"RP", "PHL", "Philippines"},
    {"RQ", "PRI", "Puerto Rico"},
    {"RS", "RUS", "Russia"},
    {"RW", "RWA", "Rwanda"},
    {"SA", "SAU", "Saudi Arabia"},
    {"SB", "SPM", "Saint Pierre and Miquelon"},
    {"SC", "KNA", "Saint Kitts and Nevis"},
    {"SE", "SYC", "Seychelles"},
    {"SF", "ZAF", "South Africa"},
    {"SG", "SEN", "Senegal"},
    {"SH", "SHN", "Saint Helena"},
    {"SI", "SVN", "Slovenia"},
    {"SL", "SLE", "Sierra Leone"},
    {"SM", "SMR", "San Marino"},
    {"SN", "SGP", "Singapore"},
    {"SO", "SOM", "Somalia"},
    {"SP", "ESP", "Spain"},
    {"ST", "LCA", "Saint Lucia"},
    {"SU", "SDN", "Sudan"},
    {"SV", "SJM", "Svalbard"},
    {"SW", "SWE", "Sweden"},
    {"SX", "SGS", "South Georgia and the South Sandwich Islands"},
    {"SY", "SYR", "Syria"},
    {"SZ", "CHE", "Switzerland"},
    {"TB", "BLM", "Saint Barthelemy"},
    {"TD", "TTO", "Trinidad and Tobago"},
    {"TH", "THA", "Thailand"},
    {"TI", "TJK", "Tajikistan"},
    {"TK", "TCA", "Turks and Caicos Islands"},
    {"TL", "TKL", "Tokelau"},
    {"TN", "TON", "Tonga"},
    {"TO", "TGO", "Togo"},
    {"TP", "STP", "Sao Tome and Principe"},
    {"TS", "TUN", "Tunisia"},
    {"TT", "TLS", "Timor-Leste"},
    {"TU", "TUR", "Turkey"},
    {"TV", "TUV", "Tuvalu"},
    {"TW", "TWN", "Taiwan"},
    {"TX", "TKM", "Turkmenistan"},
    {"TZ", "TZA", "Tanzania"},
    {"UC", "CUW", "Curacao"},
    {"UG", "UGA", "Uganda"},
    {"UK", "GBR", "United Kingdom"},
    {"UP", "UKR", "Ukraine"},
    {"US", "USA", "United States"},
    {"UV", "BFA", "Burkina Faso"},
    {"UY", "URY", "Uruguay"},
    {"UZ", "UZB", "Uzbekistan"},
    {"VC", "VCT", "Saint Vincent and the Grenadines"},
    {"VE", "VEN", "Venezuela"},
    {"VI", "VGB", "British Virgin Islands"},
    {"VM", "VNM", "Vietnam"},
    {"VQ", "VIR", "U.S. Virgin Islands"},
    {"VT", "VAT", "Holy See (Vatican City)"},
    {"WA", "NAM", "Namibia"},
    {"WE", "PSE", "West Bank"},
    {"WF", "WLF", "Wallis and Futuna"},
    {"WI", "ESH", "Western Sahara"},
    {"WQ", "UMI", "Wake Island"},
    {"WS", "WSM", "Samoa"},
    {"WZ", "SWZ", "Eswatini"},
    {"YI", "SCG", "Serbia and Montenegro"},
    {"YM", "YEM", "Yemen"},
    {"ZA", "ZMB", "Zambia"},
    {"ZI", "ZWE", "Zimbabwe"},
};

static const fips_entry *find(const char *fips, size_t n)
{
	if (n != 2)
		return NULL;
	size_t lo = 0, hi = PL_ARRAY_LEN(table);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = memcmp(table[mid].fips, fips, 2);
		if (c == 0)
			return &table[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *pl_fips_to_iso3(const char *fips, size_t n)
{
	const fips_entry *e = find(fips, n);
	return e ? e->iso3 : NULL;
}

const char *pl_fips_name(const char *fips, size_t n)
{
	const fips_entry *e = find(fips, n);
	return e ? e->name : NULL;
}

const char *pl_iso3_name(const char *iso3)
{
	for (size_t i = 0; i < PL_ARRAY_LEN(table); i++)
		if (strcmp(table[i].iso3, iso3) == 0 && strcmp(table[i].iso3, "UMI") != 0 &&
		    strcmp(table[i].iso3, "PSE") != 0 && strcmp(table[i].iso3, "SJM") != 0)
			return table[i].name;
	return NULL;
}

size_t pl_fips_count(void)
{
	return PL_ARRAY_LEN(table);
}

void pl_fips_at(size_t i, const char **fips, const char **iso3, const char **name)
{
	*fips = i < PL_ARRAY_LEN(table) ? table[i].fips : NULL;
	*iso3 = i < PL_ARRAY_LEN(table) ? table[i].iso3 : NULL;
	*name = i < PL_ARRAY_LEN(table) ? table[i].name : NULL;
}
