#!/usr/bin/env python3
"""help2scd.py - one man page from the tool's own --help text.

The help text in the C source is the one description of each command; the
man pages are made from it at build time, so the two cannot disagree.

  help2scd.py --parley BIN --scdoc SCDOC [--command CMD] --out FILE

Without --command it writes parley(1) from `parley --help`, with a SEE ALSO
naming every command's page; with it, parley-CMD(1) from `parley CMD --help`.
"""
import argparse
import datetime
import os
import re
import subprocess
import sys


def help_text(parley, args):
    r = subprocess.run([parley] + args + ["--help"], capture_output=True, text=True,
                       env=dict(os.environ, PARLEY_DB="/nonexistent/parley.db"))
    text = (r.stdout or r.stderr).rstrip("\n")
    if not text:
        sys.exit("help2scd: %s %s --help printed nothing" % (parley, " ".join(args)))
    return text


def commands(main_help):
    """The (name, summary) pairs of the 'Commands:' section of parley --help."""
    out, inside = [], False
    for line in main_help.splitlines():
        if line.strip() == "Commands:":
            inside = True
            continue
        if inside:
            m = re.match(r"^  (\S+)\s+(.*)$", line)
            if not m:
                break
            out.append((m.group(1), m.group(2)))
    return out


def literal(text):
    # scdoc literal blocks keep the help's alignment; a line of three
    # backquotes inside would end the block, so none is allowed through.
    body = text.replace("```", "'''")
    return "```\n" + body + "\n```\n"


def page(parley, command):
    date = datetime.date.fromtimestamp(
        int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or
        int(datetime.datetime.now().timestamp())).isoformat()
    main_help = help_text(parley, [])
    cmds = commands(main_help)
    if command is None:
        see = ", ".join("*parley-%s*(1)" % c for c, _ in cmds)
        return ("parley(1) \"%s\" \"parley\"\n\n# NAME\n\nparley - keep, check, analyse and "
                "publish records of high-level diplomatic visits\n\n# SYNOPSIS\n\n%s\n# FILES\n\n"
                "The data files (world countries, the bundled dataset) are read from "
                "_$PARLEY_DATA_, else _share/parley_ beside the installed executable.\n\n"
                "# SEE ALSO\n\n%s\n" % (date, literal(main_help), see))
    summary = dict(cmds).get(command)
    if summary is None:
        sys.exit("help2scd: '%s' is not among the commands of parley --help" % command)
    return ("parley-%s(1) \"%s\" \"parley\"\n\n# NAME\n\nparley %s - %s\n\n# DESCRIPTION\n\n%s\n"
            "# SEE ALSO\n\n*parley*(1)\n" % (command, date, command, summary,
                                              literal(help_text(parley, [command]))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--parley", required=True)
    ap.add_argument("--scdoc", required=True)
    ap.add_argument("--command")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    src = page(a.parley, a.command)
    r = subprocess.run([a.scdoc], input=src, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("help2scd: scdoc failed for %s: %s" % (a.command or "parley", r.stderr))
    with open(a.out, "w") as f:
        f.write(r.stdout)


if __name__ == "__main__":
    main()
