/* cmd_web.c - placeholder until the web module lands; its owner replaces this file. */
#include "cli.h"
#include <stdio.h>
int cmd_serve(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("parley serve: not built yet\n", stderr);
	return EXIT_OTHER;
}
int cmd_site(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("parley site: not built yet\n", stderr);
	return EXIT_OTHER;
}
