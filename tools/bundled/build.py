#!/usr/bin/env python3
"""build.py - builds the bundled China-DPRK dataset (data/bundled/*.csv).

Reads shared/reference/china-dprk-visits.csv, china-dprk-officeholders.csv and
beyond-parallel-2016.csv, applies the corrections of FACTCHECK.md listed in the
table below (each with its source and a note), and writes one canonical CSV per
parley concept (columns in src/lib/concept.c order, RFC 4180, UTF-8, LF, rows
sorted by key).  Python 3 standard library only; deterministic: the same
inputs give byte-identical files, so it can be re-run at any time.

    python3 tools/bundled/build.py [--ref DIR] [--out DIR]

docs/bundled-dataset.md explains every mapping rule.
"""

# ===================================================================== #
# The corrections table                                                  #
# ===================================================================== #
# corrections.py - the fact-check corrections applied to the bundled dataset.
#
# This is a data table, read by build.py.  Each entry applies one finding of
# shared/reference/FACTCHECK.md to one row of shared/reference/china-dprk-visits.csv
# (numbered as FACTCHECK.md numbers them: data rows, header excluded), or adds a
# visit the fact-check found missing.  Every entry carries the source it rests on
# (URL, or a citation where no URL could be found) and a short note; the note is
# copied into the visit's `note` column, the dispute text (if any) into `disputed`.
#
# Sources were located by looking up the publications FACTCHECK.md names; where
# only the fact-check's description could be found, the source is a citation
# (url None) and says so.
#
# Field meanings:
#   row         data row of china-dprk-visits.csv the entry applies to
#   set         reference columns replaced (start_date, end_date,
#               visitor_title_at_time, visitor_name, confidence)
#   level       the visit level to use (parley level name), when the entry
#               changes who the visitor is
#   add_cities  places appended to the row's cities
#   add_hosts   (name, detail) pairs appended to the host leaders met
#   disputed    what is disputed and by whom (fills the `disputed` column)
#   no_office   True: leave visitor_office empty although a tenure matches
#   sources     (url, citation, title, publisher, published, passage)
#   note        one line, added to the visit's note


FACTCHECK = "shared/reference/FACTCHECK.md"

# The data release (data_release.csv: the one place that says where the
# bundled data ends; coverage rows leave their own data_through empty and
# fall back to it, docs/analysis.md "Where the data ends").  DATA_THROUGH is
# the last day the sources were searched for
# visits (docs/bundled-dataset.md "Searched through"); analysis must not claim
# anything about later days.  Give RELEASE a new name and date with every
# change to the data.
DATA_THROUGH = "2026-11-30"
RELEASE = {"name": "china-dprk-2026.12", "released": "2026-12-01", "data_through": DATA_THROUGH,
           "note": "China-DPRK high-level visits 1953 to November 2026: shared/reference "
                   "(fact-checked) plus tools/bundled/additions.csv; 2024-2026 searched in the "
                   "stored news corpus (docs/bundled-dataset.md)"}


def src(url, citation=None, title=None, publisher=None, published=None, passage=None):
    return {"url": url, "citation": citation, "title": title, "publisher": publisher,
            "published": published, "passage": passage}


CAIXIN = ("https://www.caixinglobal.com/2018-03-28/"
          "a-history-of-visits-by-north-korean-leaders-to-china-101227794.html")
DAILYNK_PREMIERS = ("https://www.dailynk.com/"
                    "%EB%B6%81%ED%95%9C-%EC%B4%9D%EB%A6%AC-%EB%B0%A9%EC%A4%91-%EC%9D%BC%EC%A7%80/")

CORRECTIONS = [
    {
        "row": 1,
        "set": {"start_date": "1953-11-12", "end_date": "1953-11-26"},
        "sources": [src(CAIXIN, title="A history of visits by North Korean leaders to China",
                        publisher="Caixin Global", published="2018-03-28",
                        passage="gives 12-26 Nov 1953 (People's Daily/Xinhua-based list)")],
        "note": "dates 12-26 Nov per Caixin (People's Daily/Xinhua list), arrival 12 Nov also per "
                "oson.ca and a 3gbook memoir; Beyond Parallel and Wikipedia give 10-27 Nov "
                "(FACTCHECK.md row 1)",
    },
    {
        "row": 2,
        "set": {"start_date": "1954-09-29"},
        "sources": [src(CAIXIN, title="A history of visits by North Korean leaders to China",
                        publisher="Caixin Global", published="2018-03-28",
                        passage="gives 29 Sept-5 Oct 1954")],
        "note": "start 29 Sept per the row's own Caixin citation; Beyond Parallel and Wikipedia "
                "give 28 Sept (FACTCHECK.md row 2)",
    },
    {
        "row": 4,
        "set": {"end_date": "1958-12"},
        "add_cities": ["Wuhan", "Guangzhou", "Shanghai"],
        "sources": [
            src("https://mil.news.sina.com.cn/world/2019-02-24/doc-ihqfskcp7990847.shtml",
                title="朝鲜领导人曾两次途经中国访问越南 线路是这样的",
                publisher="Global Times (Huanqiu) via Sina", published="2019-02-24",
                passage="arrived 21 Nov 1958; stops in Beijing and Wuhan; Guangzhou 27 Nov; flew to "
                        "Hanoi 28 Nov; returned to China after Vietnam"),
            src("https://pltyw.com/showinfo-104-23054-0.html", publisher="pltyw.com",
                passage="arrived in Shanghai 4 Dec 1958, received by Soong Ching-ling; banquet 5 Dec"),
            src("https://m.guancha.cn/shenshiwei/2019_03_02_491997.shtml?s=wapzwyzzwzbt",
                publisher="Guancha", published="2019-03-02",
                passage="a 'nearly twenty-day' journey in Nov-Dec 1958"),
        ],
        "note": "end moved from 28 Nov (the day he flew from Guangzhou to Hanoi) to Dec 1958: after "
                "Vietnam he came back through China (Shanghai 4-5 Dec); the day he left China is "
                "not known; the China stay was in two legs around the Hanoi visit; Wuhan, "
                "Guangzhou and Shanghai added (FACTCHECK.md row 4 and section 3 item 5)",
    },
    {
        "row": 7,
        "disputed": "start date: Beyond Parallel gives 10 July 1961, the cited wikimili list "
                    "(Wikipedia mirror) 11-15 July; only the 11 July treaty signing in Beijing is "
                    "independently confirmed (FACTCHECK.md row 7)",
        "sources": [],
        "note": "start date unresolved, kept as in the reference file",
    },
    {
        "row": 14,
        "disputed": "end date: Beyond Parallel gives the impossible '9/31/1969'; 1969-10-01 is the "
                    "reference file's inference (FACTCHECK.md row 14)",
        "sources": [],
        "note": "end date is an inference from an impossible Beyond Parallel date",
    },
    {
        "row": 29,
        "set": {"visitor_title_at_time": "Vice Chairman of the CPC"},
        "sources": [src("http://suinian.com/book/1509/607170.html",
                        title="宋庆龄辞典: 第五届全国人民代表大会第三次会议",
                        publisher="Song Qingling Dictionary (Guangdong People's Publishing) via suinian.com",
                        passage="the 5th NPC 3rd session (30 Aug-10 Sep 1980) accepted Li Xiannian's "
                                "resignation as vice premier")],
        "note": "title corrected: he had resigned as Vice Premier in Sept 1980; People's Daily "
                "styles him CPC Vice Chairman (FACTCHECK.md row 29)",
    },
    {
        "row": 31,
        "set": {"visitor_name": "Ri Jong-ok", "visitor_title_at_time": "Premier (DPRK)",
                "confidence": "medium"},
        "level": "head_of_government",
        "sources": [src(DAILYNK_PREMIERS, title="북한 총리 방중 일지", publisher="DailyNK (Yonhap)",
                        published="2005-03-16",
                        passage="1981.1: Premier Ri Jong-ok visits China, talks with Deng Xiaoping "
                                "and Zhao Ziyang")],
        "add_hosts": [("Deng Xiaoping", None), ("Zhao Ziyang", None)],
        "note": "visitor identified as Premier Ri Jong-ok from the DailyNK/Yonhap list of DPRK "
                "premiers' China trips (month only; FACTCHECK.md 3c, outside its sample, not fully "
                "verified)",
    },
    {
        "row": 47,
        "set": {"visitor_name": "Kang Song-san", "visitor_title_at_time": "Premier (DPRK)",
                "confidence": "medium"},
        "level": "head_of_government",
        "sources": [src(DAILYNK_PREMIERS, title="북한 총리 방중 일지", publisher="DailyNK (Yonhap)",
                        published="2005-03-16",
                        passage="1984.8: Premier Kang Song-san visits China at Premier Zhao "
                                "Ziyang's invitation")],
        "note": "visitor identified as Premier Kang Song-san from the DailyNK/Yonhap list "
                "(month only; FACTCHECK.md 3c, not fully verified)",
    },
    {
        "row": 48,
        "disputed": "visitor: Beyond Parallel codes the entry 'Summit' and the reference file "
                    "gives it to Kim Jong-il (after Yu Hongjun, outlookchina); Naewoe via "
                    "Hankyung (3-4 Oct 1991) lists an unofficial Kim Il-sung visit in '84.1' "
                    "(probably a truncated 84.11), and China.org/dizaynex, the Baltimore Sun and "
                    "the Irish Times say Kim Jong-il made no foreign trip for 17 years after 1983; "
                    "this may be a 12th Kim Il-sung visit (FACTCHECK.md section 3 item 4)",
        "sources": [
            src("https://hankyung.com/amp/1991100300781", publisher="Hankyung (Naewoe)",
                published="1991-10-03",
                passage="Kim Il-sung's visits to China in the 1980s: official 82.9, 87.5; "
                        "unofficial 84.1, 89.11"),
            src("https://dizaynex.com/oANvqsStPD/infocus/2011-12/20/content_24199928_3.htm",
                publisher="China.org.cn (mirror)",
                passage="after 1983 Kim Jong-il did not visit China for 17 years"),
        ],
        "note": "visitor disputed; kept as in the reference file",
    },
    {
        "row": 70,
        "set": {"visitor_name": "Yon Hyong-muk", "visitor_title_at_time": "Premier (DPRK)",
                "confidence": "medium"},
        "level": "head_of_government",
        "add_hosts": [("Li Peng", "invited him")],
        "disputed": "end date: Beyond Parallel gives 28 Nov 1990; Kyodo, citing the PRC foreign "
                    "ministry (Hankook Ilbo 16 Nov 1990), announced 23-27 Nov",
        "sources": [
            src(DAILYNK_PREMIERS, title="북한 총리 방중 일지", publisher="DailyNK (Yonhap)",
                published="2005-03-16",
                passage="1990.11: Premier Yon Hyong-muk visits China at Premier Li Peng's invitation"),
            src("https://www.hankookilbo.com/News/Read/199011160014575822", publisher="Hankook Ilbo",
                published="1990-11-16",
                passage="Kyodo, citing the PRC foreign ministry: Yon Hyong-muk to visit China "
                        "23-27 Nov at Li Peng's invitation"),
        ],
        "note": "visitor identified as Premier Yon Hyong-muk (DailyNK/Yonhap list; Hankook Ilbo) "
                "(FACTCHECK.md 3c, not fully verified)",
    },
    {
        "row": 75,
        "add_cities": ["Jinan"],
        "sources": [src("https://www.hankookilbo.com/News/Read/199110080056229869",
                        publisher="Hankook Ilbo", published="1991-10-08",
                        passage="Beijing Radio: Kim Il-sung arrived in Jinan, Shandong on 7 Oct and "
                                "toured the city")],
        "note": "Jinan (7 Oct) added (FACTCHECK.md row 75)",
    },
    {
        "row": 76,
        "set": {"visitor_name": "Yang Shangkun", "visitor_title_at_time": "President of the PRC",
                "confidence": "low"},
        "level": "head_of_state",
        "sources": [src(None, citation="tiexue.net forum post and People's Daily Online (2001), "
                                       "as reported in shared/reference/FACTCHECK.md section 3c; "
                                       "no URL found",
                        passage="President Yang Shangkun in Pyongyang for Kim Il-sung's 80th "
                                "birthday (April 1992)")],
        "note": "visitor identified as President Yang Shangkun, for Kim Il-sung's 80th birthday "
                "(FACTCHECK.md 3c, not fully verified; source known only by description, so "
                "confidence stays low)",
    },
    {
        "row": 78,
        "set": {"visitor_name": "Qian Qichen",
                "visitor_title_at_time": "State Councilor and Minister of Foreign Affairs (PRC)",
                "confidence": "medium"},
        "level": "ministerial",
        "add_hosts": [("Kim Il-sung", "received him at Yonphung"),
                      ("Kim Yong-nam", "met him at the airport")],
        "sources": [src("https://qingdaonews.com/content/2005-11/14/content_5614704.htm",
                        publisher="Qingdao News (excerpt of Yan Jing, 出使韩国)",
                        published="2005-11-14",
                        passage="15 July 1992: Qian Qichen flew secretly to Pyongyang to tell Kim "
                                "Il-sung of China's decision to establish relations with South "
                                "Korea; met by FM Kim Yong-nam; received by Kim Il-sung at Yonphung")],
        "note": "visitor identified as FM Qian Qichen (secret trip before China-ROK normalisation) "
                "(FACTCHECK.md 3c, not fully verified)",
    },
    {
        "row": 107,
        "add_hosts": [("Kim Jong-il", "21 Feb"), ("Kim Yong-nam", None)],
        "sources": [src(None, citation="China.org.cn, 22 Feb 2005, as reported in "
                                       "shared/reference/FACTCHECK.md row 107 and section 3c; "
                                       "no URL found",
                        passage="Wang Jiarui completes a four-day visit; met Kim Jong-il on 21 Feb "
                                "and Kim Yong-nam")],
        "note": "host leaders Kim Jong-il and Kim Yong-nam added (FACTCHECK.md 3c)",
    },
    {
        "row": 118,
        "disputed": "end date: Beyond Parallel gives 3 July 2007; China Daily (agencies, 3 July) "
                    "said he was expected to leave on Wednesday 4 July and the PRC foreign ministry "
                    "had announced a 2-4 July trip (FACTCHECK.md row 118, a weak contradiction)",
        "sources": [
            src("https://global.chinadaily.com.cn/china/2007-07/03/content_909024.htm",
                title="Chinese FM to meet N.Korea's Kim Jong-il", publisher="China Daily (agencies)",
                published="2007-07-03", passage="Yang is expected to leave on Wednesday"),
            src("http://info.jctrans.net/jcnet/news/politics/world/2007623472493.shtml",
                publisher="jctrans.net (wire copy)",
                passage="foreign ministry spokesman Qin Gang: Yang's July 2-4 trip to North Korea"),
        ],
        "note": "end date kept as 3 July (Beyond Parallel) but disputed",
    },
    {
        "row": 124,
        "set": {"visitor_name": "Wang Jiarui",
                "visitor_title_at_time": "Head of the CPC International Department",
                "confidence": "medium"},
        "level": "ministerial",
        "add_hosts": [("Kim Jong-il", "23 Jan")],
        "add_cities": ["Pyongyang"],
        "disputed": "end date: Beyond Parallel gives 23 Jan 2009; US embassy cable 09BEIJING302 "
                    "(and 09BEIJING280) gives a 21-24 Jan visit",
        "sources": [
            src("https://theworldtomorrow.wikileaks.org/plusd/cables/09BEIJING302_a.html",
                title="Additional details on CCP official Wang Jiarui's visit to DPRK",
                publisher="US Embassy Beijing cable (WikiLeaks)", published="2009-02-06",
                passage="CCID Director Wang Jiarui's January 21-24 visit to Pyongyang; met Kim "
                        "Jong-il for five hours"),
            src("https://www.oananews.org/node/42065", publisher="Yonhap via OANA",
                published="2009-01-21",
                passage="delegation headed by department chief Wang Jiarui arrived in Pyongyang "
                        "on Jan. 21"),
            src("http://www.taipeitimes.com/News/world/archives/2009/01/24/2003434493",
                publisher="Taipei Times (AFP/Xinhua)", published="2009-01-24",
                passage="Kim Jong-il met Wang Jiarui in Pyongyang (23 Jan)"),
        ],
        "note": "visitor identified as ILD head Wang Jiarui (WikiLeaks 09BEIJING302; Yonhap) "
                "(FACTCHECK.md 3c)",
    },
    {
        "row": 130,
        "set": {"visitor_title_at_time": "State Councilor and Minister of National Defense (PRC)"},
        "sources": [src("http://news.sina.com.cn/o/2009-11-23/131316653809s.shtml",
                        publisher="Xinhua via Sina (新闻晚报)", published="2009-11-23",
                        passage="State Councilor and Minister of National Defense Liang Guanglie "
                                "arrived in Pyongyang on 22 Nov for a five-day visit")],
        "note": "title completed with 'State Councilor' (FACTCHECK.md row 130)",
    },
    {
        "row": 133,
        "set": {"visitor_name": "Wang Jiarui",
                "visitor_title_at_time": "Head of the CPC International Department",
                "confidence": "medium"},
        "level": "ministerial",
        "add_hosts": [("Kim Jong-il", "8 Feb, Hamhung")],
        "add_cities": ["Pyongyang", "Hamhung"],
        "sources": [
            src("https://www.nkleadershipwatch.org/2010/02/07/interactive-nk-week/",
                publisher="North Korea Leadership Watch", published="2010-02-07",
                passage="Wang Jiarui arrived in Pyongyang on Saturday [6 Feb]"),
            src("https://www.nkleadershipwatch.org/2010/02/09/kji-receives-the-chinese/",
                publisher="North Korea Leadership Watch (KCNA/Xinhua)", published="2010-02-09",
                passage="Kim Jong-il received Wang Jiarui in Hamhung, 8 Feb 2010"),
        ],
        "note": "visitor identified as ILD head Wang Jiarui (FACTCHECK.md 3c cites AP via the San "
                "Diego Union-Tribune and The Hindu; the sources attached are NK Leadership Watch "
                "reports of the same visit)",
    },
    {
        "row": 141,
        "disputed": "visitor as premier: CRI (Croatian service, 26 Sept 2011) calls his Sept 2011 "
                    "trip his first visit to China since becoming premier; AFP (Nov 2010) reports "
                    "this NE China visit as by the premier (FACTCHECK.md 3c asks for a re-check)",
        "no_office": True,
        "sources": [
            src("https://croatian.cri.cn/288/2011/09/26/101s48725.htm", publisher="CRI (Croatian)",
                published="2011-09-26",
                passage="this is Choe's first visit to China since taking the office"),
            src("https://www.nkeconwatch.com/2010/11/04/dprk-premier-visits-china/",
                publisher="NK Economy Watch (AFP via Straits Times)", published="2010-11-04",
                passage="North Korea's premier Choe Yong Rim visited north-east China this week; "
                        "met Vice-Premier Zhang Dejiang in Changchun"),
        ],
        "note": "visitor_office left empty while the premiership at the time of the visit is disputed",
    },
    {
        "row": 170,
        "set": {"confidence": "high"},
        "add_hosts": [("Xi Jinping", "16 May")],
        "add_companions": [("Kim Su-gil", "reportedly; head of the WPK Pyongyang City Committee"),
                           ("Kim Nung-o", "reportedly; head of the WPK North Pyongan Provincial "
                                          "Committee"),
                           ("Ryu Myong-son", "reportedly; WPK Central Committee official")],
        "visitor_office": "prk-politburo-member",
        "sources": [src("http://www.globaltimes.cn/content/1102657.shtml",
                        publisher="Global Times (Xinhua)", published="2018-05-16",
                        passage="Xi Jinping met the WPK friendship group led by Pak Thae-song"),
                    src("https://koreaherald.com/view.php?ud=20180515000127",
                        publisher="The Korea Herald", published="2018-05-15",
                        passage="KCNA: the WPK friendship visiting group led by Pak Thae-song, "
                                "member of the Political Bureau, left Pyongyang on Monday [14 May]; "
                                "according to sources it included Kim Su-gil, Kim Nung-o and Ryu "
                                "Myong-son; Zhongguancun on Monday, the Chinese Academy of "
                                "Agricultural Sciences on Tuesday [15 May]")],
        "note": "KCNA names Pak Thae-song as delegation head, so the '(delegation head)' hedge is "
                "unnecessary and confidence is raised to high; Xi Jinping added as host "
                "(FACTCHECK.md row 170 and 3c); delegation members named by the Korea Herald's "
                "sources added (as reported); Politburo membership per KCNA (Korea Herald); the "
                "visit lasted at least to 16 May, but no source read gives its end, so end_date "
                "stays empty",
    },
    {
        "row": 41,
        "add_cities": ["Shanghai"],
        "sources": [src("https://m.renminbao.com/rmb/articles/2001/1/21/10153mb.html",
                        publisher="renminbao.com", published="2001-01-21",
                        passage="Kim Jong-il visited Shanghai on his 1983 trip (as read by "
                                "FACTCHECK.md row 41)")],
        "note": "Shanghai added (renminbao); victorzhang.cn says he also saw Shenzhen, not added "
                "(FACTCHECK.md row 41)",
    },
    {
        "row": 178,
        "add_cities": ["Anju"],
        "sources": [src("http://uk.china-embassy.org/eng/zgyw/t1694739.htm",
                        title="Wang Yi Visits the Cemetery for Martyrs of the Chinese People's "
                              "Volunteers (CPV) in Anju",
                        publisher="PRC Embassy in the UK", published="2019-09-03",
                        passage="3 Sept 2019: Wang Yi visited the CPV martyrs' cemetery in Anju, "
                                "South Pyongan")],
        "note": "Anju (3 Sept) added (FACTCHECK.md row 178)",
    },
    {
        "row": 167,
        "set": {"end_date": "2018-04-16"},
        "sources": [
            src("https://www.nknews.org/2018/04/kim-jong-un-hails-chinese-delegations-significant-"
                "visit-to-pyongyang/?c=1546926072451",
                title="Kim Jong Un hails Chinese delegation's \"significant\" visit to Pyongyang",
                publisher="NK News",
                passage="KCNA (Tuesday): Kim and Ri Sol Ju attended the ballet on Monday night [16 "
                        "April] as the art troupe wraps up its stay"),
        ],
        "note": "end date set to 16 April, the last day the row's sources place Song Tao in "
                "Pyongyang (Global Times: troupe arrived Friday 13 April, Kim met Song after the "
                "ballet on Monday 16 April; Xinhua via People's Daily 17 April); the day he left "
                "is not reported",
    },
    {
        "row": 172,
        "add_hosts": [("Choe Ryong-hae", "saw him off at the airport (11 Sept)"),
                      ("Kim Yo-jong", "saw him off at the airport (11 Sept)")],
        "add_companions": [("Song Tao", "head of the CPC International Liaison Department"),
                           ("Yang Zhenwu", "secretary general of the NPC Standing Committee"),
                           ("Li Jinjun", "Chinese ambassador to the DPRK, listed as a delegation "
                                         "member")],
        "sources": [
            src("https://www.globalsecurity.org/wmd/library/news/dprk/2018/dprk-180910-kcna03.htm",
                title="Supreme Leader Kim Jong Un Meets Li Zhanshu",
                publisher="KCNA (copy on GlobalSecurity.org)", published="2018-09-10",
                passage="present were Song Tao, Yang Zhenwu and Li Jinjun, members of the party "
                        "and government delegation led by Li Zhanshu; met at the WPK Central "
                        "Committee office building on Sunday [9 Sept]"),
            src("http://www.koreaherald.com/view.php?ud=20180904000895",
                title="Ranking Chinese official to visit N. Korea for foundation anniversary",
                publisher="The Korea Herald (Yonhap)", published="2018-09-04",
                passage="KCNA: the delegation headed by Li Zhanshu is set to arrive in Pyongyang "
                        "on Saturday [8 Sept]"),
        ],
        "note": "delegation members Song Tao, Yang Zhenwu and Li Jinjun added (KCNA); Choe "
                "Ryong-hae and Kim Yo-jong, who saw him off (the row's summary and Korea Herald, "
                "12 Sept 2018), added as hosts met",
    },
    {
        "row": 175,
        "set": {"start_date": "2019-01-24", "confidence": "high",
                "visitor_title_at_time": "Vice Chairman of the WPK Central Committee; director of "
                                         "the WPK International Department; Politburo member"},
        "add_hosts": [("Xi Jinping", "27 Jan, with Peng Liyuan, before the performance")],
        "add_companions": [("Hyon Song-wol", "reportedly co-leader of the troupe")],
        "visitor_office": "prk-politburo-member",
        "sources": [
            src("http://news.koreaherald.com/view.php?ud=20190124000794",
                title="N. Korean art troupe arrives in Beijing", publisher="The Korea Herald "
                "(Yonhap)", published="2019-01-24",
                passage="the delegation led by Ri Su-yong arrived at a Beijing train station at "
                        "around 11 a.m. on Thursday [24 Jan]; KCNA: left Pyongyang on Wednesday "
                        "afternoon"),
            src("https://www.koreaherald.com/view.php?ud=20190128000152",
                title="Xi watches performance of N. Korean art troupe",
                publisher="The Korea Herald (Yonhap)", published="2019-01-28",
                passage="Xi and Peng Liyuan met Ri Su-yong on Sunday [27 Jan] and watched the "
                        "performance (Xinhua)"),
            src("https://l.60780777.com/html/75e57799347.html",
                title="NK art troupe to perform in China Saturday",
                publisher="The Korea Times (copy on an unrelated site)",
                passage="the troupe is jointly led by Ri Su-yong and Hyon Song-wol, the leader of "
                        "the Samjiyon Orchestra and the Moranbong Band (diplomatic sources)"),
            src("http://www.globaltimes.cn/content/1137341.shtml", publisher="Global Times "
                "(Xinhua)", published="2019-01-28",
                passage="Ri Su-yong, Politburo member, vice-chairman of the WPK Central Committee "
                        "and director of its International Department, leading an art troupe; "
                        "met by Xi and Peng on Sunday"),
        ],
        "note": "start date 26 -> 24 Jan: Yonhap (Korea Herald, 24 Jan 2019) reports Ri's arrival "
                "in Beijing on Thursday 24 Jan (the row's only source is a later Yonhap "
                "chronology); Xi Jinping added as host (27 Jan); Hyon Song-wol added as "
                "reported co-leader (a Korea Times report, read only in a copy); confidence "
                "raised to high; the end date (28 Jan) is kept from the reference row",
    },
    {
        "row": 180,
        "set": {"end_date": "2023-07-28"},
        "append_activities": "met Kim Jong-un again, who then gave a banquet for the delegation "
                             "with speeches by Li and Kim Yo-jong (28 July)",
        "sources": [
            src("http://world.kbs.co.kr/service/news_view.htm?lang=e&Seq_Code=179454",
                publisher="KBS World", published="2023-07-28",
                passage="KCNA: Kim Jong-un hosted the Chinese delegation headed by Li Hongzhong on "
                        "Friday [28 July], a day after the parade; banquet attended by Kim Yo-jong"),
            src("https://www.laprensalatina.com/kim-jong-un-met-chinese-delegation-visiting-"
                "pyongyang-for-war-anniversary/",
                title="Kim Jong-un met Chinese delegation visiting Pyongyang for war anniversary",
                publisher="La Prensa Latina (EFE)", published="2023-07-29",
                passage="Seoul, Jul 29 (EFE): Kim held talks with the delegation led by Li "
                        "Hongzhong and then a reception where Li and Kim Yo-jong made speeches; the "
                        "delegation arrived on Wednesday [26 July]"),
        ],
        "visitor_office": "chn-politburo-member",
        "note": "end date set to 28 July, the last day the sources place him in Pyongyang (KBS "
                "citing KCNA; EFE); the day he left is not reported; the 28 July meeting and "
                "banquet added to the summary; visitor_office = Politburo member, as Yonhap and "
                "KBS style him",
    },
    {
        "row": 181,
        "visitor_office": "chn-vice-premier",
        "sources": [],
        "note": "visitor_office = vice-premier, the title the row's sources give",
    },
    {
        "row": 182,
        "set": {"confidence": "high"},
        "add_hosts": [("Kim Jong-un", "13 Apr, talks and luncheon at the WPK Central Committee "
                                      "headquarters")],
        "add_companions": [("Liu Jianchao", "head of the CPC International Liaison Department"),
                           ("Liu Qi", "secretary general of the NPC Standing Committee"),
                           ("Sun Yeli", "minister of culture and tourism"),
                           ("Ma Zhaoxu", "vice-minister of foreign affairs")],
        "sources": [
            src("https://kcnawatch.org/newstream/1713006283-382026422/"
                "chinese-party-and-govt-delegation-arrives-in-pyongyang",
                title="Chinese Party and Govt Delegation Arrives in Pyongyang",
                publisher="KCNA (Naenara) via KCNA Watch", published="2024-04-13",
                passage="arrived in Pyongyang on April 11; members include Liu Jianchao, Liu Qi, "
                        "Sun Yeli, Ma Zhaoxu; greeted by Choe Ryong Hae"),
            src("http://world.kbs.co.kr/service/news_view.htm?lang=e&Seq_Code=184871",
                title="N. Korean Leader Vows to Develop Ties with China", publisher="KBS World",
                published="2024-04-14",
                passage="KCNA: Kim Jong-un met Zhao Leji on Saturday [13 Apr] at the WPK Central "
                        "Committee headquarters; luncheon meeting; the delegation left Pyongyang "
                        "on Saturday"),
            src("https://www.donga.com/en/article/all/20240415/4880593/1",
                title="Kim Jong Un, China's Zhao Leji seek enhanced cooperation",
                publisher="The Dong-A Ilbo", published="2024-04-15",
                passage="Kim met Zhao at the headquarters of the party's central committee on "
                        "Saturday and accompanied him at his last luncheon"),
        ],
        "note": "host Kim Jong-un (13 Apr) and the named delegation members added from KCNA, KBS "
                "and Dong-A; confidence raised to high (arrival 11 Apr and departure 13 Apr are "
                "each reported by KCNA); the weak Portuguese copy of the KCNA departure report is "
                "replaced by the Rodong Sinmun original",
    },
]

# Rows whose end date differs from their Beyond Parallel line without the
# README saying why (FACTCHECK.md section 1).  build.py writes the dispute
# text from the two values.
BP_UNDISCLOSED_DIFF_ROWS = [109, 110, 115, 149]

# Visits missing from the reference file (FACTCHECK.md section 3).
ADDED_VISITS = [
    {
        "key": "kim-il-sung-1964-hanoi-transit",
        "visitor_name": "Kim Il-sung", "from": "PRK", "to": "CHN",
        "start_date": "1964-11", "end_date": "", "type": "transit",
        "level": "paramount_leader", "confidence": "low",
        "visitor_title_at_time": "Premier of the DPRK; Chairman of the WPK Central Committee",
        "cities": [], "hosts": [],
        "summary": "journey to Hanoi through China (Chinese-supplied aircraft per Guancha); the "
                   "dates in China are not known",
        "disputed": "dates: no source gives the days in China; the month comes from the Hanoi "
                    "visit (Nov 1964 per Wikipedia, as reported by FACTCHECK.md)",
        "sources": [
            src("https://mil.news.sina.com.cn/world/2019-02-24/doc-ihqfskcp7990847.shtml",
                title="朝鲜领导人曾两次途经中国访问越南 线路是这样的",
                publisher="Global Times (Huanqiu) via Sina", published="2019-02-24",
                passage="Kim Il-sung went to Vietnam through China in 1958 and in 1964"),
            src("https://m.guancha.cn/shenshiwei/2019_03_02_491997.shtml?s=wapzwyzzwzbt",
                publisher="Guancha", published="2019-03-02",
                passage="in 1964 Kim Il-sung visited China and Vietnam, on aircraft supplied by China"),
        ],
        "note": "added from FACTCHECK.md section 3 item 3 (missing top-leader trip)",
    },
    {
        "key": "kim-il-sung-1984-transit",
        "visitor_name": "Kim Il-sung", "from": "PRK", "to": "CHN",
        "start_date": "1984-05-16", "end_date": "", "type": "transit",
        "level": "paramount_leader", "confidence": "high",
        "visitor_title_at_time": "General Secretary of the WPK; President of the DPRK",
        "cities": ["Tumen", "Mudanjiang", "Manzhouli"],
        "hosts": [("Li Desheng", "Politburo member, commander of the Shenyang Military Region; "
                                 "welcomed him at Tumen")],
        "summary": "passed through Tumen, Mudanjiang and Manzhouli on the way to an official "
                   "visit to the USSR; formal welcome at Tumen station (16 May) with an honour "
                   "guard of the Shenyang Military Region; greetings conveyed from Hu Yaobang, "
                   "Deng Xiaoping, Zhao Ziyang and Li Xiannian",
        "disputed": "",
        "sources": [src("https://rmrb.online/read-htm-tid-658481-page-e.html",
                        title="前往苏联进行正式友好访问 金日成主席途经我国受到热烈迎送",
                        publisher="People's Daily (Xinhua, Beijing 18 May 1984), unofficial archive",
                        published="1984-05-19",
                        passage="16 May 1984: Kim Il-sung's special train reached Tumen; welcomed "
                                "by Li Desheng; passed Tumen, Mudanjiang and Manzhouli")],
        "note": "added from FACTCHECK.md section 3 item 2 (missing top-leader trip; comparable "
                "to Kim Jong-il's Aug 2011 transit, which the reference file counts); the end "
                "date (leaving China at Manzhouli) is not given",
    },
    {
        "key": "kim-il-sung-1990-shenyang",
        "visitor_name": "Kim Il-sung", "from": "PRK", "to": "CHN",
        "start_date": "1990-09-11", "end_date": "1990-09-13", "type": "unofficial",
        "level": "paramount_leader", "confidence": "medium",
        "visitor_title_at_time": "President of the DPRK; General Secretary of the WPK",
        "cities": ["Shenyang"],
        "hosts": [("Jiang Zemin", None), ("Deng Xiaoping", "per Kyodo (Hankyung 27 Oct 1990)")],
        "summary": "secret visit to Shenyang by special train; talks with Jiang Zemin and other "
                   "top Chinese leaders on the imminent Soviet-ROK normalisation, China-ROK "
                   "relations and the inter-Korean premiers' talks",
        "disputed": "dates and meetings: reported by Korean papers from Asahi, Kyodo and unnamed "
                    "sources, never officially confirmed; Hankyung (12 and 14 Sept 1990) gives "
                    "11-13 Sept in Shenyang only, while some foreign reports had him go on to "
                    "Beijing and Kyodo's source said the exact timing was unclear; Kyodo adds "
                    "a meeting with Deng Xiaoping",
        "sources": [
            src("https://www.hankyung.com/news/article/1990091200531", publisher="Hankyung",
                published="1990-09-12",
                passage="Kim Il-sung arrived secretly in Shenyang by train on 11 Sept and held "
                        "talks with Jiang Zemin and other top leaders"),
            src("https://www.hankyung.com/news/article/1990091300031", publisher="Hankyung (Asahi)",
                published="1990-09-13",
                passage="Asahi from Beijing: Kim Il-sung appears to have visited China secretly "
                        "and met Jiang Zemin in Shenyang"),
            src("https://www.hankyung.com/article/1990091400961", publisher="Hankyung",
                published="1990-09-14",
                passage="stayed three days at Shenyang's Youyi hotel and returned to Pyongyang "
                        "by special train on 13 Sept; did not go to Beijing"),
            src("https://www.hankyung.com/news/article/1990102700471", publisher="Hankyung (Kyodo)",
                published="1990-10-27",
                passage="mid-September visit to Shenyang, met Deng Xiaoping and Jiang Zemin; "
                        "source says the exact timing is unclear"),
        ],
        "note": "added from FACTCHECK.md section 3 item 1 (missing top-leader trip; the README "
                "had said no month could be fixed)",
    },
]

# Findings deliberately not applied, listed in docs/bundled-dataset.md:
#  - Deng Xiaoping's 1961 trip (WPK 4th Congress): FACTCHECK.md says the congress
#    fixes the month but does not state it; not a top-leader trip.
#  - Kim Il-sung's "near-annual secret Beijing trips after 1970" (Ta Kung Pao): no dates.
#  - Weak source hosts (31 URLs): kept as cited; FACTCHECK.md lists them.


# ===================================================================== #
# The build                                                              #
# ===================================================================== #

import argparse
import csv
import hashlib
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_REF = os.path.join(os.path.dirname(REPO), "shared", "reference")
DEFAULT_OUT = os.path.join(REPO, "data", "bundled")

BP_SCHEME = "beyond-parallel-2016"
BP_URL_RE = re.compile(r"gates_money\.csv#L(\d+)$")

# Column order of each concept, as in src/lib/concept.c (checked against that
# file at run time when it is present), and the key columns (int = numeric).
CONCEPTS = {
    "person": (["id", "name", "native_name", "country", "birth_date", "death_date", "note"],
               [("id", str)]),
    "person_alias": (["person", "alias", "kind"], [("person", str), ("alias", str)]),
    "office": (["id", "country", "name", "rank", "rank_order"], [("id", str)]),
    "tenure": (["id", "person", "office", "start_date", "end_date", "start_rule", "confidence",
                "note"], [("id", str)]),
    "source": (["id", "url", "citation", "title", "publisher", "published", "accessed",
                "archive_url", "quality"], [("id", str)]),
    "tenure_source": (["tenure", "source"], [("tenure", str), ("source", str)]),
    "visit": (["id", "visitor", "visitor_label", "visitor_office", "visitor_title", "level",
               "from_country", "to_country", "start_date", "end_date", "type", "summary",
               "confidence", "status", "disputed", "note"], [("id", str)]),
    "visit_person": (["visit", "role", "seq", "person", "name", "detail"],
                     [("visit", str), ("role", str), ("seq", int)]),
    "activity": (["visit", "seq", "kind", "date", "description"], [("visit", str), ("seq", int)]),
    "place": (["visit", "seq", "name", "country"], [("visit", str), ("seq", int)]),
    "visit_source": (["visit", "source", "passage"], [("visit", str), ("source", str)]),
    "external_id": (["entity", "entity_id", "scheme", "value"],
                    [("entity", str), ("entity_id", str), ("scheme", str), ("value", str)]),
    "coverage": (["id", "description", "from_country", "to_country", "min_level", "start_date",
                  "end_date", "person", "source", "data_through"], [("id", str)]),
    "data_release": (["name", "released", "data_through", "note"], [("name", str)]),
}

# Office ids for the office strings of china-dprk-officeholders.csv.
OFFICE_IDS = {
    ("CHN", "Paramount leader (de facto)"): "chn-paramount-leader",
    ("CHN", "Chairman of the CPC Central Committee"): "chn-cpc-chairman",
    ("CHN", "General Secretary of the CPC Central Secretariat (under the Chairman)"):
        "chn-cpc-secretariat-general-secretary",
    ("CHN", "General Secretary of the CPC Central Committee"): "chn-cpc-general-secretary",
    ("CHN", "President of the PRC (Chairman of the CPG 1949-54; State Chairman 1954-75)"):
        "chn-president",
    ("CHN", "Premier of the State Council (GAC Premier 1949-54)"): "chn-premier",
    ("CHN", "Minister of Foreign Affairs"): "chn-foreign-minister",
    ("CHN", "Chairman of the NPC Standing Committee"): "chn-npc-standing-committee-chairman",
    ("CHN", "Vice President of the PRC (Vice Chairman of the CPG 1949-54; State Vice Chairman "
            "1954-75)"): "chn-vice-president",
    ("CHN", "Head of the CPC International (Liaison) Department"):
        "chn-cpc-international-department-head",
    ("PRK", "Supreme leader (de facto)"): "prk-supreme-leader",
    ("PRK", "Chairman of the SPA Standing Committee / President of the SPA Presidium (nominal "
            "head of state)"): "prk-spa-presidium-president",
    ("PRK", "President of the DPRK"): "prk-president",
    ("PRK", "Chairman of the National Defence Commission (highest state post from 1998)"):
        "prk-ndc-chairman",
    ("PRK", "Chairman (later President) of the State Affairs Commission"): "prk-sac-chairman",
    ("PRK", "Premier"): "prk-premier",
    ("PRK", "Minister of Foreign Affairs"): "prk-foreign-minister",
    ("PRK", "WPK CC Secretary for International Affairs"): "prk-wpk-international-secretary",
    ("PRK", "Director of the WPK International Department"):
        "prk-wpk-international-department-director",
}

# Posts that are not in the office-holders file but are how analysts rank a
# visitor ("a Politburo member", "a vice-premier").  They carry no tenures:
# a visit names one as its visitor_office only where a source read for that
# visit states the post (see CORRECTIONS and additions.csv).
EXTRA_OFFICES = [
    ("chn-pbsc-member", "CHN", "Member of the CPC Politburo Standing Committee", "other_senior"),
    ("chn-politburo-member", "CHN", "Member of the CPC Politburo", "other_senior"),
    ("chn-vice-premier", "CHN", "Vice Premier of the State Council", "other_senior"),
    ("prk-politburo-member", "PRK", "Member of the WPK Politburo", "other_senior"),
]

# rank_order: the seniority of a post within its country, higher = more
# senior, so that "the highest-ranking Chinese visitor since 2019" is the
# visit whose visitor_office has the largest rank_order, and "the first
# premier since 2009" is a filter on one office.  The order follows the
# protocol order the sources use (premier No. 2, NPC chairman No. 3, other
# Standing Committee members, Politburo, vice-premiers, then minister-rank
# posts).  Equal numbers mean "no agreed order".  docs/bundled-dataset.md.
RANK_ORDER = {
    "chn-paramount-leader": 100, "chn-cpc-chairman": 95, "chn-cpc-general-secretary": 95,
    "chn-president": 90, "chn-premier": 80, "chn-npc-standing-committee-chairman": 75,
    "chn-pbsc-member": 70, "chn-cpc-secretariat-general-secretary": 70,
    "chn-vice-president": 65, "chn-politburo-member": 60, "chn-vice-premier": 55,
    "chn-foreign-minister": 40, "chn-cpc-international-department-head": 40,
    "prk-supreme-leader": 100, "prk-president": 90, "prk-sac-chairman": 90,
    "prk-ndc-chairman": 90, "prk-spa-presidium-president": 85, "prk-premier": 80,
    "prk-politburo-member": 60, "prk-wpk-international-secretary": 45,
    "prk-foreign-minister": 40, "prk-wpk-international-department-director": 40,
}

# Source quality (source.quality): NULL = not assessed, 'original' = the
# publisher's own page (wire copy carried by a news outlet counts), 'copy' =
# the text re-posted elsewhere (blogs, aggregators, video re-uploads, GitHub
# copies of data), 'mirror' = a copy of a whole site under another host (wiki
# mirrors, raw IP addresses, staging or alias hosts), 'proxy' = a page served
# through another site's fetcher.  tools/bundled/sources.csv overrides these
# host rules for the sources read one by one.
QUALITY_RULES = [
    ("proxy", re.compile(r"kfd\.me|bitforum\.be\.eu\.org|movatter\.jp/mt/|initialnews\.com/scribble|"
                         r"review\.clateway\.com")),
    ("mirror", re.compile(r"^https?://\d+\.\d+\.\d+\.\d+[/:]|wikimili\.com|qaz\.wiki|zxc\.wiki|"
                          r"xcv\.wiki|howlingpixel\.com|piglix\.com|nina\.az|knowpia\.com|"
                          r"memim\.com|liquisearch\.com|theinfolist\.com|enwikipedia\.net|"
                          r"wikiland\.org|wikihq\.org|gpedia\.com|friendlywiki\.com|hyperleap\.com|"
                          r"owiki\.org|kidzsearch\.com|outremer\.quest|studentb\.eu|"
                          r"the-uncensored-wiki\.com|self\.gutenberg\.org|oracleblog\.org|"
                          r"eudic\.net|kiwix\.|cloudfront\.net|absoluteastronomy\.com|"
                          r"hitchhikersgui\.de|namu\.moe|enpedia\.rxy\.jp|admiral31\.dip\.jp|"
                          r"dvincitest\.com|dizaynex\.com|covid-19\.chinadaily\.com\.cn|"
                          r"admin\.outlookindia\.com|manage\.thediplomat\.com")),
    ("copy", re.compile(r"github\.com/|nkaggregator\.com|newsofemirates\.com|see\.news|"
                        r"archyde\.com|billsinsider\.com|docslib\.org|bookreadfree\.com|"
                        r"mail-archive\.com|ukobiw\.net|vclip\.net|koogle\.tv|armorthemes\.com|"
                        r"kcnawatch\.org|panafricannews\.blogspot\.com|korean-vibe\.com|"
                        r"portalrpdc\.com")),
]


def url_quality(url):
    for q, rx in QUALITY_RULES:
        if url and rx.search(url):
            return q
    return ""


# The two men named Kim Yong-il (README "Known gaps").  Their ids carry the
# office that tells them apart; a bare "Kim Yong-il" in the visits file is
# linked only where the row says which one it is (see KIM_YONG_IL_LINKS).
KIM_YONG_IL_PREMIER = "kim-yong-il-premier"
KIM_YONG_IL_WPK = "kim-yong-il-wpk-international"
PERSON_ID_BY_OFFICE = {
    ("Kim Yong-il", "prk-premier"): KIM_YONG_IL_PREMIER,
    ("Kim Yong-il", "prk-wpk-international-department-director"): KIM_YONG_IL_WPK,
}
PERSON_NOTES = {
    KIM_YONG_IL_PREMIER: "DPRK premier 2007-10; not the WPK International Department director "
                         "of 2010-16 (kim-yong-il-wpk-international)",
    KIM_YONG_IL_WPK: "WPK International Department director 2010-16; not the premier of "
                     "2007-10 (kim-yong-il-premier)",
}
# (reference row, role) -> person id for "Kim Yong-il"; absent = not linked.
KIM_YONG_IL_LINKS = {
    (125, "visitor"): KIM_YONG_IL_PREMIER,  # Premier of the DPRK Cabinet, Mar 2009
    (128, "host"): KIM_YONG_IL_PREMIER,     # Wen Jiabao's counterpart, Oct 2009
    (155, "visitor"): KIM_YONG_IL_WPK,      # WPK international secretary, Apr 2012
}

LEVEL_MAP = {"supreme_leader": "paramount_leader", "head_of_government": "head_of_government",
             "ministerial": "ministerial", "other": "other_senior",
             "unknown": "at_least_ministerial"}
UNIDENTIFIED_PREFIX = "unidentified"
MARKER_RE = re.compile(r"\s*\((inferred|delegation head)\)\s*$")
DETAIL_RE = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")

ACTIVITY_RULES = [
    ("talks", re.compile(r"\btalks\b", re.I)),
    ("banquet", re.compile(r"\b(banquet|luncheon|lunch|dinner|dined)\b", re.I)),
    ("performance", re.compile(r"\b(performance|performing|opera|mass games|arirang|variety show|"
                               r"red detachment of women)\b", re.I)),
    ("site_visit", re.compile(r"\b(toured|tours? of|tour of|inspected|visited|climbed|stopped at|"
                              r"rode a|factory visits|park visit)\b", re.I)),
    ("agreement", re.compile(r"\bsigned\b|\bagreements? (on|incl)|\bjoint communique\b", re.I)),
]
# Phrases that match a rule above but do not report such an activity.
ACTIVITY_SKIP = re.compile(r"\b(scheduled|expected|sought|reportedly|visited the ailing|"
                           r"visited Pyongyang in March)\b", re.I)


def slug(text):
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9]+", "-", text.lower())
    return text.strip("-")


def source_id(url=None, citation=None):
    """'s-' + first 16 hex of sha256(URL); for a source without a URL, of
    'citation:' + its citation text."""
    key = url if url else "citation:" + citation
    return "s-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def split_list(value, sep="; "):
    return [p.strip() for p in value.split(sep) if p.strip()] if value else []


def split_phrases(text):
    """Splits an activities text on '; ' outside parentheses."""
    parts, depth, cur = [], 0, []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        if depth == 0 and text.startswith("; ", i):
            parts.append("".join(cur).strip())
            cur = []
            i += 2
            continue
        cur.append(c)
        i += 1
    if "".join(cur).strip():
        parts.append("".join(cur).strip())
    return parts


# ---- partial dates: earliest and latest day a date can stand for --------

def _days_in_month(y, m):
    if m == 2:
        return 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def date_lo(d):
    p = d.split("-")
    return "%s-%s-%s" % (p[0], p[1] if len(p) > 1 else "01", p[2] if len(p) > 2 else "01")


def date_hi(d):
    p = d.split("-")
    if len(p) == 3:
        return d
    if len(p) == 2:
        return "%s-%s-%02d" % (p[0], p[1], _days_in_month(int(p[0]), int(p[1])))
    return p[0] + "-12-31"


def surely_within(start, end, t_start, t_end):
    """True when every day start..end (partial) lies inside the tenure."""
    v_lo = date_lo(start)
    v_hi = date_hi(end or start)
    if v_lo < date_hi(t_start):
        return False
    return not t_end or v_hi <= date_lo(t_end)


def bp_date(m, d, y):
    """Beyond Parallel month/day/year -> ISO (None when impossible, e.g.
    9/31/1969).  Two-digit years: 50-99 are 19xx, 00-49 are 20xx."""
    m, d, y = int(m), int(d), int(y)
    if y < 100:
        y += 1900 if y >= 50 else 2000
    if not (1 <= m <= 12) or not (1 <= d <= _days_in_month(y, m)):
        return None
    return "%04d-%02d-%02d" % (y, m, d)


BP_DATE_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})")


# ---- CSV output ----------------------------------------------------------

def csv_field(v):
    v = "" if v is None else str(v)
    if any(c in v for c in ',"\r\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def write_concept(out_dir, name, rows):
    cols, keys = CONCEPTS[name]

    def sort_key(r):
        k = []
        for col, typ in keys:
            v = r.get(col, "")
            k.append(int(v) if typ is int else str(v).encode("utf-8"))
        return tuple(k)

    seen = set()
    for r in rows:
        k = sort_key(r)
        if k in seen:
            raise SystemExit("build: duplicate %s key %r" % (name, k))
        seen.add(k)
    path = os.path.join(out_dir, name + ".csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(cols) + "\n")
        for r in sorted(rows, key=sort_key):
            f.write(",".join(csv_field(r.get(c, "")) for c in cols) + "\n")
    return len(rows)


def check_concept_columns():
    """Compares CONCEPTS with src/lib/concept.c when the file is there, so the
    output cannot drift from the store's column order unnoticed."""
    path = os.path.join(REPO, "src", "lib", "concept.c")
    if not os.path.exists(path):
        return
    text = open(path, encoding="utf-8").read()
    for name, (cols, _) in CONCEPTS.items():
        m = re.search(r"static const pl_column %s_cols\[\] = \{(.*?)\};" % name, text, re.S)
        if not m:
            raise SystemExit("build: %s_cols not found in concept.c" % name)
        found = re.findall(r'(?:\b[A-Z]+\(|\{)\s*"([a-z_]+)"', m.group(1))
        if found != cols:
            raise SystemExit("build: %s columns %r differ from concept.c %r" % (name, cols, found))


# ---- the model being built -------------------------------------------------

class Builder:
    def __init__(self, ref):
        self.ref = ref
        self.people = {}       # id -> row
        self.aliases = {}      # (person, alias) -> kind
        self.name_ids = {}     # romanised name -> set of person ids
        self.offices = {}
        self.tenures = {}
        self.tenure_sources = set()
        self.sources = {}
        self.visits = {}
        self.visit_people = []
        self.activities = []
        self.places = []
        self.visit_sources = {}
        self.external_ids = []
        self.coverage = []
        self.applied = []      # (visit id, note) for the docs
        self.disputes = []

    # -- sources
    def add_source(self, url=None, citation=None, title=None, publisher=None, published=None):
        sid = source_id(url, citation)
        row = self.sources.setdefault(sid, {"id": sid, "url": url or "", "citation": "",
                                            "title": "", "publisher": "", "published": "",
                                            "accessed": "", "archive_url": "", "quality": ""})
        for k, v in (("citation", citation), ("title", title), ("publisher", publisher),
                     ("published", published)):
            if v and not row[k]:
                row[k] = v
        return sid

    # -- people
    def add_person(self, pid, name, country, native=""):
        p = self.people.get(pid)
        if not p:
            p = {"id": pid, "name": name, "native_name": native or "", "country": country,
                 "birth_date": "", "death_date": "", "note": PERSON_NOTES.get(pid, "")}
            self.people[pid] = p
            self.name_ids.setdefault(name, set()).add(pid)
        elif native and not p["native_name"]:
            p["native_name"] = native
        return pid

    def person_for(self, name, row_no, role, country, create):
        """The person id a visitors-file name refers to, or '' when it cannot
        be told (an ambiguous name) or is not a person we create."""
        if name == "Kim Yong-il":
            return KIM_YONG_IL_LINKS.get((row_no, role), "")
        ids = self.name_ids.get(name)
        if ids:
            return next(iter(ids)) if len(ids) == 1 else ""
        if not create:
            return ""
        return self.add_person(slug(name), name, country)

    # -- office-holders
    def load_officeholders(self):
        path = os.path.join(self.ref, "china-dprk-officeholders.csv")
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        for r in rows:
            oid = OFFICE_IDS[(r["country"], r["office"])]
            self.offices.setdefault(oid, {"id": oid, "country": r["country"], "name": r["office"],
                                          "rank": r["rank"], "rank_order": RANK_ORDER[oid]})
            pid = PERSON_ID_BY_OFFICE.get((r["person"], oid), slug(r["person"]))
            natives = [n.strip() for n in r["person_native"].split(" / ") if n.strip()]
            self.add_person(pid, r["person"], r["country"], r["person_native"].strip())
            for a in split_list(r["aliases"]):
                self.aliases[(pid, a)] = "romanisation"
            for n in natives:
                self.aliases[(pid, n)] = "native"
            tid = "%s/%s/%s" % (oid, pid, r["start_date"])
            if tid in self.tenures:
                raise SystemExit("build: duplicate tenure " + tid)
            self.tenures[tid] = {"id": tid, "person": pid, "office": oid,
                                 "start_date": r["start_date"], "end_date": r["end_date"],
                                 "start_rule": r["start_rule"], "confidence": r["confidence"],
                                 "note": ""}
            urls = split_list(r["source_url"], " | ")
            if not urls:
                raise SystemExit("build: tenure %s has no source" % tid)
            for u in urls:
                self.tenure_sources.add((tid, self.add_source(u)))
        return len(rows)

    def load_extra_offices(self):
        for oid, country, name, rank in EXTRA_OFFICES:
            if oid in self.offices:
                raise SystemExit("build: extra office %s already defined" % oid)
            self.offices[oid] = {"id": oid, "country": country, "name": name, "rank": rank,
                                 "rank_order": RANK_ORDER[oid]}

    def load_people_file(self):
        """tools/bundled/people.csv: companions who matter for analysis (the
        leader's family, aides who travel repeatedly), with their aliases."""
        with open(os.path.join(HERE, "people.csv"), encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        for r in rows:
            if r["id"] in self.people:
                raise SystemExit("build: people.csv: %s is already a person" % r["id"])
            if not r["source_url"].strip():
                raise SystemExit("build: people.csv: %s has no source" % r["id"])
            self.add_person(r["id"], r["name"], r["country"], r["native_name"])
            self.people[r["id"]]["note"] = r["note"]
            for a in split_list(r["aliases"]):
                self.aliases[(r["id"], a)] = "romanisation"
            for n in [n.strip() for n in r["native_name"].split(" / ") if n.strip()]:
                self.aliases[(r["id"], n)] = "native"
        return len(rows)

    def load_source_meta(self):
        """tools/bundled/sources.csv: citation metadata of sources read one by
        one, their quality, and weak copies replaced by an original."""
        with open(os.path.join(HERE, "sources.csv"), encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        self.source_meta = {}
        self.replaced_by = {}
        for r in rows:
            if r["url"] in self.source_meta:
                raise SystemExit("build: sources.csv: %s twice" % r["url"])
            self.source_meta[r["url"]] = r
            if r["replaced_by"]:
                self.replaced_by[r["url"]] = r["replaced_by"]

    def apply_source_meta(self):
        """Fills title/publisher/date/access/archive/quality from sources.csv
        (which wins over the host rules for quality) and the host rules."""
        for row in self.sources.values():
            m = self.source_meta.get(row["url"]) if row["url"] else None
            if m:
                for k in ("title", "publisher", "published", "accessed", "archive_url"):
                    if m[k] and not row[k]:
                        row[k] = m[k]
            row["quality"] = (m["quality"] if m and m["quality"] else url_quality(row["url"]))
        unused = sorted(u for u in self.source_meta
                        if source_id(u) not in self.sources and u not in self.replaced_by)
        if unused:
            raise SystemExit("build: sources.csv lists sources no record cites: %s" % unused[0])

    def office_held(self, pid, level, start, end):
        """The office of rank `level` the person surely held over the whole
        visit, per the tenures; '' when none or more than one."""
        if not pid:
            return ""
        hits = sorted({t["office"] for t in self.tenures.values()
                       if t["person"] == pid and self.offices[t["office"]]["rank"] == level
                       and surely_within(start, end, t["start_date"], t["end_date"])})
        return hits[0] if len(hits) == 1 else ""

    # -- Beyond Parallel
    def load_bp(self):
        path = os.path.join(self.ref, "beyond-parallel-2016.csv")
        with open(path, encoding="utf-8", newline="") as f:
            lines = list(csv.reader(f))
        self.bp_lines = {}
        for n, fields in enumerate(lines[1:], start=2):   # file line numbers
            if not fields:
                continue
            rec = dict(zip(lines[0], fields))
            # The date column mixes 'm/d/yyyy - m/d/yyyy', 'm/d/yyyy-m/d/yyyy',
            # other separators and single 'm/d/yy' days.
            found = BP_DATE_RE.findall(rec["date"])
            if not found or len(found) > 2:
                raise SystemExit("build: Beyond Parallel line %d: date %r" % (n, rec["date"]))
            rec["start"] = bp_date(*found[0])
            rec["end"] = bp_date(*found[-1])
            self.bp_lines[n] = rec

    # -- visits
    def visit_id(self, start, frm, to, visitor_name):
        base = ("%s-%s-%s-%s" % (start, frm, to, slug(visitor_name) if visitor_name
                                 else "unidentified")).lower()
        vid, n = base, 2
        while vid in self.visits:
            vid = "%s-%d" % (base, n)
            n += 1
        return vid

    def add_visit(self, row_no, r, corr, extra_level=None):
        """r: reference columns (already corrected); corr: correction entry or {}."""
        frm, to = r["visitor_country"], r["host_country"]
        if frm == to:
            raise SystemExit("build: row %s visits its own country" % row_no)
        raw_name = r["visitor_name"]
        unidentified = raw_name.startswith(UNIDENTIFIED_PREFIX)
        name = MARKER_RE.sub("", raw_name)
        label = ""
        if unidentified:
            label, name = raw_name, ""
        elif name != raw_name:
            label = raw_name
        if corr.get("label"):
            label = corr["label"]
        pid = self.person_for(name, row_no, "visitor", frm, True) if name else ""
        ref_level = r["level"]
        level = extra_level or LEVEL_MAP[ref_level]
        start, end = r["start_date"], r["end_date"]
        if level == "other_senior" and pid:
            # A senior leader who then held a head-of-state office is coded so.
            if self.office_held(pid, "head_of_state", start, end):
                level = "head_of_state"
        office = "" if corr.get("no_office") else self.office_held(pid, level, start, end)
        if corr.get("visitor_office"):
            if corr["visitor_office"] not in self.offices:
                raise SystemExit("build: unknown office %s" % corr["visitor_office"])
            office = corr["visitor_office"]
        conf = r["confidence"]
        vid = self.visit_id(start, frm, to, name)
        notes = ["reference row %d (china-dprk-visits.csv line %d)" % (row_no, row_no + 1)
                 if row_no else "not in china-dprk-visits.csv"]
        if ref_level != "unknown" and LEVEL_MAP[ref_level] != level and not extra_level:
            notes.append("level %s in the reference file; %s because the visitor then held a "
                         "head-of-state office" % (ref_level, level))
        self.visits[vid] = {
            "id": vid, "visitor": pid, "visitor_label": label, "visitor_office": office,
            "visitor_title": r["visitor_title_at_time"], "level": level,
            "from_country": frm, "to_country": to, "start_date": start, "end_date": end,
            "type": r["visit_type"] or "unknown", "summary": r["activities"],
            "confidence": conf, "status": "reported" if conf == "low" else "confirmed",
            "disputed": corr.get("disputed", ""), "note": "", "_notes": notes,
        }
        if start and end and date_lo(end) < date_lo(start):
            raise SystemExit("build: %s ends before it starts" % vid)
        # places
        for seq, city in enumerate(split_list(r["cities"]) + list(corr.get("add_cities", [])), 1):
            self.places.append({"visit": vid, "seq": seq, "name": city, "country": to})
        # host leaders and companions
        seq = 0
        hosts = [(h, None) for h in split_list(r["host_leader_met"])] + \
            list(corr.get("add_hosts", []))
        for h, detail in hosts:
            seq += 1
            base, det = h, detail
            m = DETAIL_RE.match(h)
            if m:
                base, det = m.group(1), m.group(2) if not detail else detail
            hid = self.person_for(base, row_no, "host", to, True)
            self.visit_people.append({"visit": vid, "role": "host", "seq": seq, "person": hid,
                                      "name": h, "detail": det or ""})
        companions = [(c, None) for c in split_list(r["notable_companions"])] + \
            list(corr.get("add_companions", []))
        for seq, (c, detail) in enumerate(companions, 1):
            base, det = c, detail or ""
            m = DETAIL_RE.match(c)
            if m:
                base, det = m.group(1), m.group(2)
            cid = ""
            if not re.search(r"reportedly|unconfirmed", c + " " + det):
                cid = self.person_for(base, row_no, "companion", frm, False)
            self.visit_people.append({"visit": vid, "role": "companion", "seq": seq,
                                      "person": cid, "name": c, "detail": det})
        # activities: one row per kind a phrase clearly names
        seq = 0
        for phrase in split_phrases(r["activities"]):
            if ACTIVITY_SKIP.search(phrase):
                continue
            for kind, rx in ACTIVITY_RULES:
                if kind == "talks" and not rx.search(re.sub(r"(six-party|multilateral) talks", "", phrase)):
                    continue
                if rx.search(phrase):
                    seq += 1
                    self.activities.append({"visit": vid, "seq": seq, "kind": kind, "date": "",
                                            "description": phrase})
        # sources
        urls = split_list(r["source_url"], " | ")
        passages = split_list(r.get("source_passages", ""), " | ")
        if passages and len(passages) != len(urls):
            raise SystemExit("build: %s: %d sources but %d passages" % (r["start_date"], len(urls),
                                                                      len(passages)))
        for i, u in enumerate(urls):
            passage = passages[i] if passages else ""
            if u in self.replaced_by:
                # A weak copy cited by the reference file, replaced by the
                # original it copies; the passage keeps the trail.
                passage = "replaces the weak copy %s%s" % (u, "; " + passage if passage else "")
                u = self.replaced_by[u]
            m = BP_URL_RE.search(u)
            if m:
                line = int(m.group(1))
                bp = self.bp_lines[line]
                passage = "Beyond Parallel entry %s: %s, %s, %s" % (
                    bp["id"], bp["date"], bp["type"], bp["location"])
                # The interactive's publication date is the reference
                # README's (17 March 2017); the data file itself is a GitHub
                # copy, flagged so by the quality rules.
                sid = self.add_source(u, citation="Beyond Parallel (CSIS), 'China-DPRK High "
                                      "Level Visits Since 1953' source data, line %d" % line,
                                      title="China-DPRK High Level Visits Since 1953 "
                                            "(interactive source data, line %d)" % line,
                                      publisher="CSIS Beyond Parallel", published="2017-03-17")
                self.external_ids.append({"entity": "visit", "entity_id": vid,
                                          "scheme": BP_SCHEME, "value": bp["id"]})
                self.note_bp_difference(vid, row_no, bp, r)
            else:
                sid = self.add_source(u)
            self.visit_sources[(vid, sid)] = {"visit": vid, "source": sid, "passage": passage}
        for s in corr.get("sources", []):
            sid = self.add_source(s["url"], s["citation"], s["title"], s["publisher"],
                                  s["published"])
            self.visit_sources[(vid, sid)] = {"visit": vid, "source": sid,
                                              "passage": s["passage"] or ""}
        if not any(k[0] == vid for k in self.visit_sources):
            raise SystemExit("build: %s has no source" % vid)
        if corr.get("note"):
            self.visits[vid]["_notes"].append(corr["note"])
            self.applied.append((vid, row_no, corr["note"]))
        if corr.get("disputed"):
            self.disputes.append((vid, row_no, corr["disputed"]))
        return vid

    def load_additions(self):
        """tools/bundled/additions.csv: visits after the reference file (and
        ones it misses), in the reference file's columns plus the parley level,
        a stated visitor_office, disputed, note and one passage per source."""
        with open(os.path.join(HERE, "additions.csv"), encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        for r in rows:
            if r["level"] not in set(LEVEL_MAP.values()) | {"head_of_state"}:
                raise SystemExit("build: additions.csv: unknown level %r" % r["level"])
            if not r["source_url"].strip():
                raise SystemExit("build: additions.csv: %s %s has no source"
                                 % (r["start_date"], r["visitor_name"]))
            if date_hi(r["end_date"] or r["start_date"]) > DATA_THROUGH:
                raise SystemExit("build: additions.csv: %s is after DATA_THROUGH"
                                 % r["start_date"])
            corr = {"note": "added from tools/bundled/additions.csv" +
                            ("; " + r["note"] if r["note"] else ""),
                    "disputed": r["disputed"], "visitor_office": r["visitor_office"]}
            level = r["level"]
            # add_visit reads the reference file's level names.
            r = dict(r, level={v: k for k, v in LEVEL_MAP.items()}.get(level, "other"))
            self.add_visit(0, r, corr, level)
        return len(rows)

    def note_bp_difference(self, vid, row_no, bp, r):
        """Records where the row's dates or place differ from its BP line."""
        v = self.visits[vid]
        diffs = []
        if bp["start"] != r["start_date"] or bp["end"] != r["end_date"]:
            diffs.append("dates %s" % bp["date"])
        # The location column has typos ('Norh Korea'); only China is told apart.
        bp_to = "CHN" if bp["location"].strip() == "China" else "PRK"
        if bp_to != r["host_country"]:
            diffs.append("location %s" % bp["location"])
        if not diffs:
            return
        v["_notes"].append("Beyond Parallel entry %s gives %s" % (bp["id"], "; ".join(diffs)))
        if row_no in BP_UNDISCLOSED_DIFF_ROWS and not v["disputed"]:
            v["disputed"] = ("end date: Beyond Parallel entry %s gives '%s', the reference file "
                             "ends the visit on %s; the README does not say why (FACTCHECK.md "
                             "section 1)" % (bp["id"], bp["date"], r["end_date"]))
            self.disputes.append((vid, row_no, v["disputed"]))

    def load_visits(self):
        path = os.path.join(self.ref, "china-dprk-visits.csv")
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        by_row = {}
        for c in CORRECTIONS:
            if c["row"] in by_row:
                raise SystemExit("build: two corrections for row %d" % c["row"])
            by_row[c["row"]] = c
        for row_no, r in enumerate(rows, 1):
            corr = by_row.get(row_no, {})
            r = dict(r)
            r.update(corr.get("set", {}))
            if corr.get("append_activities"):
                r["activities"] = "; ".join(x for x in (r["activities"],
                                                        corr["append_activities"]) if x)
            if corr.get("set", {}).get("visitor_name"):
                corr = dict(corr, label=rows[row_no - 1]["visitor_name"])
            self.add_visit(row_no, r, corr, corr.get("level"))
        for a in ADDED_VISITS:
            r = {"visitor_name": a["visitor_name"], "visitor_country": a["from"],
                 "host_country": a["to"], "start_date": a["start_date"],
                 "end_date": a["end_date"], "visit_type": a["type"], "level": "supreme_leader",
                 "visitor_title_at_time": a["visitor_title_at_time"],
                 "cities": "; ".join(a["cities"]), "host_leader_met": "",
                 "notable_companions": "", "activities": a["summary"], "source_url": "",
                 "confidence": a["confidence"]}
            corr = {"add_hosts": a["hosts"], "sources": a["sources"], "note": a["note"],
                    "disputed": a["disputed"]}
            self.add_visit(0, r, corr, a["level"])
        self.load_additions()
        for v in self.visits.values():
            v["note"] = "; ".join(v.pop("_notes"))
        return len(rows)

    # -- coverage (reference README "Coverage" and FACTCHECK.md section 3)
    # A coverage row is a claim of completeness that analysis relies on to say
    # "first" or "only".  Only the two top-leader records the sources call
    # complete qualify; what is merely "best covered" (ministerial visits from
    # 1999, Beyond Parallel's 161 rows, Kim Il-sung's trips) is described in
    # docs/bundled-dataset.md and deliberately NOT declared as coverage.
    def load_coverage(self):
        # The ids keep the years they were first published with (stable keys
        # for updates); the end dates follow DATA_THROUGH, as far as the news
        # coverage of 2025-2026 was searched (docs/bundled-dataset.md).
        src = ("shared/reference/README.md (Coverage); shared/reference/FACTCHECK.md section 3; "
               "for 2025-%s the stored news searches listed in docs/bundled-dataset.md"
               % DATA_THROUGH[:7])
        self.coverage = [
            {"id": "chn-prk-paramount-leader-1953-2024", "from_country": "CHN",
             "to_country": "PRK", "min_level": "paramount_leader", "start_date": "1953",
             "end_date": DATA_THROUGH, "person": "", "source": src, "data_through": "",
             "description": "Visits to the DPRK by China's paramount leader, 1953 to %s: "
                            "complete as far as known (6: Hua 1978, Deng 1982, Jiang 1990 and "
                            "2001, Hu 2005, Xi 2019); the fact-check found none missing to 2024 "
                            "and the news searches none in 2025-2026" % DATA_THROUGH},
            {"id": "prk-chn-paramount-leader-1994-2024", "from_country": "PRK",
             "to_country": "CHN", "min_level": "paramount_leader", "start_date": "1994-07-08",
             "end_date": DATA_THROUGH, "person": "", "source": src, "data_through": "",
             "description": "Trips to China by Kim Jong-il (as leader) and Kim Jong-un, 1994 to "
                            "%s: complete as far as known (8 and 5; Kim Jong-il's Aug 2011 "
                            "transit counted, Kim Jong-un's Feb-Mar 2019 rail journey to Hanoi "
                            "not counted; Sept 2025 reported as his first trip to China since "
                            "2019)" % DATA_THROUGH},
        ]

    def write(self, out):
        os.makedirs(out, exist_ok=True)
        counts = {}
        counts["person"] = write_concept(out, "person", list(self.people.values()))
        counts["person_alias"] = write_concept(
            out, "person_alias", [{"person": p, "alias": a, "kind": k}
                                  for (p, a), k in self.aliases.items()])
        counts["office"] = write_concept(out, "office", list(self.offices.values()))
        counts["tenure"] = write_concept(out, "tenure", list(self.tenures.values()))
        counts["source"] = write_concept(out, "source", list(self.sources.values()))
        counts["tenure_source"] = write_concept(
            out, "tenure_source", [{"tenure": t, "source": s} for t, s in self.tenure_sources])
        counts["visit"] = write_concept(out, "visit", list(self.visits.values()))
        counts["visit_person"] = write_concept(out, "visit_person", self.visit_people)
        counts["activity"] = write_concept(out, "activity", self.activities)
        counts["place"] = write_concept(out, "place", self.places)
        counts["visit_source"] = write_concept(out, "visit_source",
                                               list(self.visit_sources.values()))
        counts["external_id"] = write_concept(out, "external_id", self.external_ids)
        counts["coverage"] = write_concept(out, "coverage", self.coverage)
        counts["data_release"] = write_concept(out, "data_release", [RELEASE])
        return counts


def main(argv=None):
    ap = argparse.ArgumentParser(description="Builds data/bundled/*.csv from shared/reference.")
    ap.add_argument("--ref", default=DEFAULT_REF, help="folder with the reference CSVs")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder")
    ap.add_argument("--report", action="store_true",
                    help="also list every correction applied and dispute kept (Markdown)")
    args = ap.parse_args(argv)
    check_concept_columns()
    b = Builder(args.ref)
    b.load_bp()
    b.load_officeholders()
    b.load_extra_offices()
    b.load_people_file()
    b.load_source_meta()
    n = b.load_visits()
    b.apply_source_meta()
    b.load_coverage()
    counts = b.write(args.out)
    print("read %d reference visit rows; applied %d corrections, kept %d disputes"
          % (n, len(b.applied), len(b.disputes)))
    for k in CONCEPTS:
        print("%-14s %5d" % (k, counts[k]))
    if args.report:
        print("\n| visit | ref row | correction |\n|---|---|---|")
        for vid, row, note in b.applied:
            print("| `%s` | %s | %s |" % (vid, row or "added", note))
        print("\n| visit | ref row | disputed |\n|---|---|---|")
        for vid, row, text in b.disputes:
            print("| `%s` | %s | %s |" % (vid, row or "added", text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
