"""``kq --help``: the commands and the global options, as words and as text, with the standard
library alone, so that the console script prints the help before importing typer; the Typer
app (:mod:`kqcli.cli.app`) declares its options and lists its commands from the same words.

Laid out by display width (a Chinese character is two cells), which click's formatter is
not.
"""

from __future__ import annotations

import os
import unicodedata

SUMMARY = "客情 kq: whom to visit, call or greet today; one YAML file per customer, kept in git."
EXAMPLE = "Example: kq --repo examples --today 2026-11-24 due --within 7"

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module in kqcli.cli.commands, the first paragraph of its help, which `kq --help`
    # lists: kept here so that listing the commands imports none; tests/test_agenda.py checks
    # that the two agree)
    "init": ("init",
             'Create a repository: kq.yaml with every default commented, customers/, git and '
             'its hook.'),
    "check": ("check",
             'Validate kq.yaml and every customer file; print path:line:col: field: message '
             'per problem.'),
    "list": ("listing",
             'List customers, filtered; enum filters also take the Chinese terms.'),
    "show": ("show",
             "One customer's card: profile, contacts, products, latest visits, monthly "
             'figures.'),
    "schema": ("schema",
             'Print the JSON Schema of a customer file, for editors (yaml-language-server).'),
    "due": ("due",
             'What needs doing today, most urgent first: visits, calls, greetings, reports, '
             'risks.'),
    "calendar": ("calendar",
             'The reminders due in the next days as calendar events, with alarms and stable '
             'UIDs.'),
    "log": ("log",
             "Append one interaction to a customer's log, validate, write atomically and "
             'commit.'),
    "checkin": ("checkin",
             "Start a visit now: today's visit with at: the current time, one commit; kq "
             'checkout\n'
             'writes how long it took.'),
    "checkout": ("checkout",
             "End today's open check-in of the customer now: writes minutes: (the time since "
             'at:, at\n'
             'least 1) and the given goal, outcome, note and photos, one commit.'),
    "contact": ("contact",
             'Add a contact met at a customer, or change only the given fields of one on the '
             'card.'),
    "done": ("done",
             "Close a customer's next step: writes done_on (and --note) into that `next:` "
             'mapping.'),
    "route": ("route",
             "The day's route: fixed-route customers in time order, then due visits grouped "
             'by region.'),
    "plan": ("plan",
             "The day planned: fixed-route visits at their times, then due visits fitted in, "
             'shortest way.'),
    "score": ("score",
             'Month-end relationship scorecards (10 items x 10 points by default), with the '
             'change.'),
    "classify": ("classify",
             'Suggest tiers, grades, status and key-account types, with reasons; --apply '
             'writes them.'),
    "expenses": ("expenses",
             'Monthly statement of collections and relationship expenses, with the 客情费 rule '
             'checks.'),
    "alert": ("alert",
             'Area alerts (flood, typhoon, epidemic, water cut): while one lasts, `kq due` '
             'lists a\n'
             'daily `alert` call (关心客户安全) for every active customer in the region, until a '
             'call\n'
             'or visit is logged that day. Written to kq.yaml `alerts:`, one commit.'),
    "figures": ("figures",
             'Record what a customer reported for a month (months: YYYY-MM), only the keys '
             'given.'),
    "expense": ("expense",
             'Record a relationship expense (客情费) and print the rule checks it triggers.'),
    "intel": ("intel",
             'Record intel (信息) and its sources: a claim is trusted from two independent '
             'sources.'),
    "ack": ("ack",
             "Acknowledge a customer's risk rows: kq due hides them until --until has passed or "
             'the\n'
             'figures they were computed from change.'),
    "issue": ("issue",
             "Open or close a customer's complaint or return (客诉): kq due lists each open "
             'one\n'
             '(issue) until it is closed.'),
    "skip": ("skip",
             "Move a planned visit: kq due does not list the customer's visit from --date "
             'until\n'
             '--to, and kq day says why.'),
    "day": ("day",
             "A rep's day written up (the day report): what was planned, done and skipped, with "
             'times,\n'
             'photos, shelf checks, expenses and the kilometres by the plan.'),
    "shelf": ("shelf",
             "Record shelf checks (on the shelf, display, price, stock) in the day's visit of a customer."),
    "statement": ("statement",
             'The monthly expense statement (月客户采购及客情费统计表) of each rep: submit, '
             'sign, list.'),
    "history": ("history",
             'Field-level changes from git, newest first: grade: B → A, visits: +1 '
             '(2026-11-24 visit).'),
    "pool": ("pool",
             "Customers in the pool (公海): active customers of the pool's kinds nobody met in "
             'person\n'
             'for pool.after_days, or whose rep left more than pool.departed_days ago. Any '
             'rep may take\n'
             'one with `kq claim`. Off until kq.yaml has `pool: {after_days: 90, kinds: '
             '[terminal]}`.'),
    "claim": ("claim",
             'Take a customer from the pool (公海): sets its owner and records the handover '
             '(one\n'
             'commit); the new owner gets a `handover` visit in kq due, and the customer '
             'leaves the pool.'),
    "reassign": ("reassign",
             "Move FROM's customers (a departed rep's orphans, or a territory) to the rep "
             '--to.'),
    "team": ("team",
             'One row per rep: customers (重点/次重点/非重点), reminders overdue today by reason, '
             'the\n'
             "share of key and secondary customers met within their cadence, the month's "
             'average\n'
             'scorecard total and its change, customers in the pool (公海), and for a rep who '
             'left the\n'
             'customers not yet reassigned (kq reassign).'),
    "report": ("report",
             'The month as one HTML page a manager opens in any browser, offline: per rep '
             'the\n'
             'scorecard items as bars and the change; overdue reminders by reason; each '
             'customer at\n'
             'risk with a chart of its last 12 months; suggested tier changes; the expense '
             'statement;\n'
             "the month's photos per customer as thumbnails. Charts are inline SVG and "
             'thumbnails\n'
             'data: URIs: the file needs nothing else. Without --output, the page goes to\n'
             'stdout.'),
    "new": ("new",
             'Create a customer from a commented template, open it in $EDITOR, validate, and '
             'commit.'),
    "edit": ("edit",
             'Edit a customer in $VISUAL/$EDITOR; validated on save, reopened until valid; '
             'committed.'),
    "sync": ("sync",
             "Pull with rebase from the team's remote, push, and report what came in."),
    "undo": ("undo",
             'Revert the last commit kq made, if it is still the latest commit (nothing '
             'built on it).'),
    "merge-driver": ("merge_driver",
             'Git merge driver for customer files (registered by kq init and kq sync); exits '
             '1 when a\n'
             'real conflict is left between markers.'),
    "completion": ("completion",
             'Print the completion script for SHELL (commands, options, customers from the '
             'index).'),
    "help": ("manual",
             'The full manual: every command and option, environment, exit status; --roff: a '
             'man page.'),
    "config": ("config",
             "This clone's own settings (.kq/local.yaml, never committed): list them, print "
             'one, set one.'),
    "server": ("server",
             'The optional background server: start, stop, status (off unless started).'),
    "import": ("import_",
             'Import customers or the monthly sales sheet from Excel (.xlsx, .xls) or CSV '
             '(UTF-8 or GBK).'),
}
HIDDEN = frozenset({"merge-driver"})

OPTIONS: dict[str, str] = {
    "--repo": "The repository (else $KQ_REPO, else the nearest folder upwards with kq.yaml).",
    "--today": "Pretend today is this day (else $KQ_TODAY).",
    "--lang": "Labels in tables: zh (default) or en, for an English-speaking manager (else "
              "$KQ_LANG); json and csv are the same either way.",
    "--no-pager": "Print long tables straight to the terminal (else $KQ_PAGER, $PAGER or less).",
    "--version": "Print the version and exit.",
}
"""The global options' help, by option (cli.py declares them with it)."""

LISTED = (
    ("--repo PATH", "--repo"), ("--today YYYY-MM-DD", "--today"), ("--lang zh|en", "--lang"),
    ("--no-pager", "--no-pager"), ("-V, --version", "--version"),
    ("--install-completion", "Install completion for the current shell."),
    ("--show-completion", "Show completion for the current shell, to copy it or customize the "
                          "installation."),
    ("-h, --help", "Show this message and exit."),
)
"""The options as ``kq --help`` lists them: the text, and its help (or the key of OPTIONS);
the completion options are typer's own."""


def cells(text: str) -> int:
    """Display width: East Asian wide and full-width characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken at spaces (a word wider than a line
    is broken between characters)."""
    lines, line = [], ""
    for word in " ".join(text.split()).split(" "):
        candidate = f"{line} {word}" if line else word
        if cells(candidate) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
        while cells(line) > width:
            cut = 0
            while cells(line[:cut + 1]) <= width:
                cut += 1
            lines.append(line[:cut])
            line = line[cut:]
    return [*lines, line] if line else lines


def _listing(rows: list[tuple[str, str]], width: int) -> list[str]:
    """Two columns as click lays out a definition list: names, then their help wrapped."""
    first = min(max(cells(name) for name, _ in rows), 30)
    out = []
    for name, text in rows:
        lead = f"  {name}"
        pad = 2 + first + 2
        body = wrap(text, max(width - pad, 20))
        if cells(name) > first:  # a long name gets a line of its own
            out.append(lead)
            out.extend(" " * pad + line for line in body)
            continue
        out.append(lead + " " * (pad - cells(lead)) + (body[0] if body else ""))
        out.extend(" " * pad + line for line in body[1:])
    return out


def terminal_width() -> int:
    """What click's formatter uses: $COLUMNS, else the terminal's width, at most 80, less 2."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(1).columns
        except OSError:
            columns = 80
    return max(min(columns, 80) - 2, 50)


HEADINGS = ("Usage:", "Options:", "Commands:", "Example:")
TYPER_WORDS = {"ARGUMENTS_PANEL_TITLE": "Arguments", "OPTIONS_PANEL_TITLE": "Options",
               "COMMANDS_PANEL_TITLE": "Commands", "DEFAULT_STRING": "[default: {}]",
               "REQUIRED_LONG_STRING": "[required]", "ENVVAR_STRING": "[env var: {}]",
               "DEPRECATED_STRING": "(deprecated) "}
"""typer's own words in a command's --help (``typer.rich_utils``), which it does not translate."""



def words() -> list[str]:
    """Every text of ``kq --help``, and typer's words in a command's help, for the catalogue
    (:mod:`kqcli.cli.i18n`)."""
    return [SUMMARY, EXAMPLE, *HEADINGS, *TYPER_WORDS.values(), *OPTIONS.values(),
            *(text for _name, text in LISTED if text not in OPTIONS),
            *(summary for _module, summary in COMMANDS.values())]


def help_text(width: int | None = None) -> str:
    """``kq --help``, in the user's language."""
    from .i18n import _

    width = width or terminal_width()
    lines = [f"{_('Usage:')} kq [OPTIONS] COMMAND [ARGS]...", ""]
    lines += ["  " + line for line in wrap(_(SUMMARY), width - 2)]
    lines += ["", "  " + _(EXAMPLE), "", _("Options:")]
    lines += _listing([(name, _(OPTIONS.get(text, text))) for name, text in LISTED], width)
    lines += ["", _("Commands:")]
    lines += _listing([(name, _(summary)) for name, (_module, summary) in COMMANDS.items()
                       if name not in HIDDEN], width)
    return "\n".join(lines) + "\n"
