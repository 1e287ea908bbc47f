/*
 * hos_countries.c - the Office of the Historian's country slugs mapped to
 * country codes.
 *
 * The slug is stable but what it names may change with the label and the
 * date ('china' labelled 'China, Republic of' in 1945 is China under the
 * Republic; 'russia' labelled 'U.S.S.R.' is the Soviet Union; 'vietnam'
 * before 1976 is the Republic of Vietnam, the only Vietnamese state the
 * United States dealt with).  Plain slugs are a sorted table; the slugs
 * whose meaning changes are decided by label and date in hos_country().
 */
#include "readers.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *slug, *code;
} slugs[] = {
    {"afghanistan", "AFG"}, {"albania", "ALB"}, {"algeria", "DZA"}, {"angola", "AGO"},
    {"antarctica", "ATA"}, {"antigua-barbuda", "ATG"}, {"argentina", "ARG"},
    {"armenia", "ARM"}, {"australia", "AUS"}, {"austria", "AUT"}, {"azerbaijan", "AZE"},
    {"bahamas", "BHS"}, {"bahrain", "BHR"}, {"bangladesh", "BGD"}, {"barbados", "BRB"},
    {"belarus", "BLR"}, {"belgium", "BEL"}, {"belize", "BLZ"}, {"benin", "BEN"}, {"bolivia", "BOL"},
    {"bosnia-herzegovina", "BIH"}, {"botswana", "BWA"}, {"brazil", "BRA"},
    {"brunei", "BRN"}, {"bulgaria", "BGR"}, {"burkina-faso", "BFA"}, {"burma", "MMR"},
    {"burundi", "BDI"}, {"cambodia", "KHM"}, {"cameroon", "CMR"}, {"canada", "CAN"},
    {"cape-verde", "CPV"}, {"central-african-republic", "CAF"}, {"chad", "TCD"},
    {"chile", "CHL"}, {"china", "CHN"}, {"colombia", "COL"}, {"comoros", "COM"},
    {"congo-democratic-republic", "COD"}, {"congo-kinshasa", "COD"},
    {"congo-republic", "COG"}, {"cook-islands", "COK"}, {"costa-rica", "CRI"},
    {"cote-divoire", "CIV"}, {"croatia", "HRV"}, {"cuba", "CUB"}, {"cyprus", "CYP"},
    {"czech-republic", "CZE"}, {"czechia", "CZE"}, {"czechoslovakia", "CSK"},
    {"denmark", "DNK"}, {"djibouti", "DJI"}, {"dominica", "DMA"},
    {"dominican-republic", "DOM"}, {"ecuador", "ECU"}, {"egypt", "EGY"},
    {"el-salvador", "SLV"}, {"equatorial-guinea", "GNQ"}, {"eritrea", "ERI"},
    {"estonia", "EST"}, {"eswatini", "SWZ"}, {"ethiopia", "ETH"}, {"fiji", "FJI"},
    {"finland", "FIN"}, {"france", "FRA"}, {"french-polynesia", "PYF"}, {"gabon", "GAB"},
    {"gambia", "GMB"}, {"georgia", "GEO"}, {"german-democratic-republic", "DDR"},
    {"germany", "DEU"}, {"ghana", "GHA"}, {"greece", "GRC"}, {"grenada", "GRD"},
    {"guatemala", "GTM"}, {"guinea", "GIN"}, {"guinea-bissau", "GNB"}, {"guyana", "GUY"},
    {"haiti", "HTI"}, {"hawaii", "HAW"}, {"holy-see", "VAT"}, {"honduras", "HND"},
    {"hungary", "HUN"}, {"iceland", "ISL"}, {"india", "IND"}, {"indonesia", "IDN"},
    {"iran", "IRN"}, {"iraq", "IRQ"}, {"ireland", "IRL"}, {"israel", "ISR"},
    {"italy", "ITA"}, {"jamaica", "JAM"}, {"japan", "JPN"}, {"jordan", "JOR"},
    {"kazakhstan", "KAZ"}, {"kenya", "KEN"}, {"kiribati", "KIR"}, {"korea", "KOR"},
    {"korea-north", "PRK"}, {"korea-south", "KOR"}, {"kosovo", "XKX"}, {"kuwait", "KWT"},
    {"kyrgyzstan", "KGZ"}, {"laos", "LAO"}, {"latvia", "LVA"}, {"lebanon", "LBN"},
    {"lesotho", "LSO"}, {"liberia", "LBR"}, {"libya", "LBY"}, {"liechtenstein", "LIE"},
    {"lithuania", "LTU"}, {"luxembourg", "LUX"}, {"macedonia", "MKD"},
    {"madagascar", "MDG"}, {"malawi", "MWI"}, {"malaysia", "MYS"}, {"maldives", "MDV"},
    {"mali", "MLI"}, {"malta", "MLT"}, {"marshall-islands", "MHL"},
    {"mauritania", "MRT"}, {"mauritius", "MUS"}, {"mexico", "MEX"},
    {"micronesia", "FSM"}, {"moldova", "MDA"}, {"monaco", "MCO"}, {"mongolia", "MNG"},
    {"montenegro", "MNE"}, {"morocco", "MAR"}, {"mozambique", "MOZ"},
    {"namibia", "NAM"}, {"nauru", "NRU"}, {"nepal", "NPL"}, {"netherlands", "NLD"},
    {"netherlands-antilles", "ANT"}, {"new-caledonia", "NCL"}, {"new-zealand", "NZL"},
    {"nicaragua", "NIC"}, {"niger", "NER"}, {"nigeria", "NGA"}, {"niue", "NIU"},
    {"north-macedonia", "MKD"}, {"norway", "NOR"}, {"oman", "OMN"}, {"pakistan", "PAK"},
    {"palau", "PLW"}, {"palestinian-authority", "PSE"}, {"panama", "PAN"},
    {"papua-new-guinea", "PNG"}, {"paraguay", "PRY"}, {"peru", "PER"},
    {"philippines", "PHL"}, {"poland", "POL"}, {"portugal", "PRT"}, {"qatar", "QAT"},
    {"romania", "ROU"}, {"russia", "RUS"}, {"rwanda", "RWA"},
    {"saint-kitts-nevis", "KNA"}, {"saint-lucia", "LCA"},
    {"saint-vincent-grenadines", "VCT"}, {"samoa", "WSM"},
    {"sao-tome-and-principe", "STP"}, {"saudi-arabia", "SAU"}, {"senegal", "SEN"},
    {"serbia", "SRB"}, {"seychelles", "SYC"}, {"sierra-leone", "SLE"},
    {"singapore", "SGP"}, {"slovakia", "SVK"}, {"slovenia", "SVN"},
    {"solomon-islands", "SLB"}, {"somalia", "SOM"}, {"somoa", "WSM"},
    {"south-africa", "ZAF"}, {"south-sudan", "SSD"}, {"spain", "ESP"},
    {"sri-lanka", "LKA"}, {"sudan", "SDN"}, {"suriname", "SUR"}, {"swaziland", "SWZ"},
    {"sweden", "SWE"}, {"switzerland", "CHE"}, {"syria", "SYR"}, {"taiwan", "TWN"},
    {"tajikistan", "TJK"}, {"tanzania", "TZA"}, {"thailand", "THA"},
    {"timor-leste", "TLS"}, {"togo", "TGO"}, {"tonga", "TON"},
    {"trinidad-and-tobago", "TTO"}, {"tunisia", "TUN"}, {"turkey", "TUR"},
    {"turkiye", "TUR"}, {"turkmenistan", "TKM"}, {"tuvalu", "TUV"}, {"uganda", "UGA"},
    {"ukraine", "UKR"}, {"united-arab-emirates", "ARE"}, {"united-kingdom", "GBR"},
    {"uruguay", "URY"}, {"uzbekistan", "UZB"}, {"venezuela", "VEN"},
    {"vietnam", "VNM"}, {"west-bank", "PSE"}, {"yemen", "YEM"},
    {"yugoslavia", "YUG"}, {"zambia", "ZMB"}, {"zimbabwe", "ZWE"},
};

static int cmp_slug(const void *k, const void *e)
{
	return strcmp((const char *)k, *(const char *const *)e);
}

size_t pl_hos_slug_count(void)
{
	return PL_ARRAY_LEN(slugs);
}

/* The country a slug names, given its label and the record's start date
 * ('YYYY-MM-DD'); NULL when the slug is not known.  Static string. */
const char *pl_hos_country(const char *slug, const char *label, const char *date)
{
	const char *lab = label ? label : "";
	const char *d = date ? date : "";
	if (!slug)
		return NULL;
	/* "People's Republic of China" also contains "Republic of China": only
	 * a label that does not name the People's Republic means the ROC */
	if (strcmp(slug, "china") == 0 && !strstr(lab, "People") &&
	    (strstr(lab, "Republic of China") || strstr(lab, "China, Republic of")))
		return strcmp(d, "1949-10-01") < 0 ? "CHN" : "TWN";
	if (strcmp(slug, "russia") == 0)
		return strstr(lab, "U.S.S.R") || strstr(lab, "Soviet") ? "SUN" : "RUS";
	if (strcmp(slug, "vietnam") == 0)
		return strcmp(d, "1976-07-02") < 0 ? "RVN" : "VNM";
	if (strcmp(slug, "yemen") == 0)
		return strstr(lab, "Arab Republic") || strcmp(d, "1990-05-22") < 0 ? "YAR" : "YEM";
	if (strcmp(slug, "kosovo") == 0 || strcmp(slug, "serbia") == 0 ||
	    strcmp(slug, "yugoslavia") == 0) {
		if (strstr(lab, "Yugoslavia"))
			return strcmp(d, "2003-02-04") < 0 ? "YUG" : "SCG";
		if (strstr(lab, "Serbia-Montenegro") || strstr(lab, "Serbia and Montenegro"))
			return "SCG";
	}
	const void *hit = bsearch(slug, slugs, PL_ARRAY_LEN(slugs), sizeof slugs[0], cmp_slug);
	return hit ? *(const char *const *)((const char *)hit + sizeof(const char *)) : NULL;
}
