/* test_core_fold.c - the name-matching key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "parley.h"
#include "internal.h"
#include <string.h>

static void check(const char *in, const char *want)
{
	char *f = parley_fold(in);
	assert_non_null(f);
	assert_string_equal(f, want);
	free(f);
}

static void folds_case_accents_and_punctuation(void **state)
{
	(void)state;
	check("Kim Jong-un", "kimjongun");
	check("KIM JONG UN", "kimjongun");
	check("Kim Jŏng-ŭn", "kimjongun");
	check("Hernández", "hernandez");
	check("Łukasz Żółć", "lukaszzolc");
	check("Chou En-lai", "chouenlai");
	check("O’Neill", "oneill");
	check("", "");
}

static void keeps_other_scripts(void **state)
{
	(void)state;
	check("김정은", "김정은");
	check("毛泽东", "毛泽东");
	check("Mao 毛泽东", "mao毛泽东");
	check("bad \xff byte", "badbyte");
}

/* The one fold (libutf8proc): pinyin tone marks, Hangul kept whole after
 * decomposition, compatibility forms, and the word-keeping variant that
 * the search index and the static site's filter share. */
static void folds_tone_marks_and_keeps_hangul_whole(void **state)
{
	(void)state;
	check("Dèng Xiǎopíng", "dengxiaoping");
	check("Máo Zédōng", "maozedong");
	check("김정은", "김정은");
	check("ＫＩＭ", "kim");          /* fullwidth letters */
	check("Straße", "strasse");       /* case folding, not lower-casing */
	char *w = parley_fold_words("  Dèng  Xiǎopíng, 邓小平 / Kim Jŏng-ŭn 김정은!");
	assert_non_null(w);
	assert_string_equal(w, "deng xiaoping 邓小平 kim jong un 김정은");
	free(w);
	w = parley_fold_words("bad \xff byte");
	assert_string_equal(w, "bad byte");
	free(w);
	assert_null(parley_fold_words(NULL));
}

/* ASCII text folds by a shortcut (fold.c): it must give what libutf8proc
 * gives, for every ASCII character alone, between letters, at either end
 * and in runs, in both variants; and text with one non-ASCII byte still
 * takes the general path. */
static void ascii_shortcut_is_the_general_fold(void **state)
{
	(void)state;
	char s[16];
	for (int c = 1; c < 128; c++) {
		/* each # is the character */
		const char *const shapes[] = {"#", "a#b", "#Z9", "Q#", "x##Y", " #-# "};
		for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
			size_t o = 0;
			for (const char *p = shapes[k]; *p && o + 1 < sizeof s; p++)
				s[o++] = *p == '#' ? (char)c : *p;
			s[o] = '\0';
			for (int spaces = 0; spaces < 2; spaces++) {
				char *fast = spaces ? parley_fold_words(s) : parley_fold(s);
				char *slow = pl_fold_general(s, spaces);
				assert_non_null(fast);
				assert_non_null(slow);
				if (strcmp(fast, slow) != 0)
					fail_msg("char %d in '%s' (words %d): '%s' against '%s'", c, s, spaces, fast, slow);
				free(fast);
				free(slow);
			}
		}
	}
	const char *const texts[] = {"  Visit of the PRESIDENT (2nd), talks: trade/energy!  ",
	                             "US-China 1972 -- Nixon", "", "---", "a  b\tc\nD"};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		for (int spaces = 0; spaces < 2; spaces++) {
			char *fast = spaces ? parley_fold_words(texts[i]) : parley_fold(texts[i]);
			char *slow = pl_fold_general(texts[i], spaces);
			assert_string_equal(fast, slow);
			free(fast);
			free(slow);
		}
	check("Hernández TALKS", "hernandeztalks"); /* not ASCII: the general path */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(folds_case_accents_and_punctuation),
	    cmocka_unit_test(keeps_other_scripts),
	    cmocka_unit_test(folds_tone_marks_and_keeps_hangul_whole),
	    cmocka_unit_test(ascii_shortcut_is_the_general_fold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
