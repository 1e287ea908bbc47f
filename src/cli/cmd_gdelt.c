/* cmd_gdelt.c - placeholder until the gdelt module lands; its owner replaces this file. */
#include "cli.h"
#include <stdio.h>
int cmd_discover(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("parley discover: not built yet\n", stderr);
	return EXIT_OTHER;
}
int cmd_review(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("parley review: not built yet\n", stderr);
	return EXIT_OTHER;
}
