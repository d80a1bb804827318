"""What the reader could not give the audit: rows it had to set aside, and the keys of a JSON
Lines file first met past the rows its columns are read from. Either way the audit saw less
than the whole file, and the report says how much less. And what it gave that is no data: the
header again among the rows, where files were joined with their headers."""

from __future__ import annotations

from dataaudit.checks.base import Results
from dataaudit.checks.registry import Check, NoEquivalent
from dataaudit.errors import quoted
from dataaudit.levels import Section, Toggle
from dataaudit.profile.model import Profile
from dataaudit.wording import plural, verb

CHECKS = (
    Check("source.bad_rows", "Every row of the file could be read.", "source", ("bad_rows",),
          NoEquivalent("GX sees only the rows a reader could parse")),
    Check("source.late_keys", "Every key of the file is one of the columns the audit reads.", "source",
          ("late_keys",), NoEquivalent("GX validates the columns it is given, not the keys a reader left out")),
    Check("source.repeated_header", "No row repeats the header (every cell its column's name).", "source",
          ("repeated_header",), NoEquivalent("GX has no expectation comparing a row's values with the column names")),
)
#: rows named in a finding's message; its examples and details hold more
SHOWN_ROWS = 5


class Rules(Section):
    bad_rows: Toggle = Toggle.FAIL
    late_keys: Toggle = Toggle.WARN
    #: a repeated header is a class named like the label column and text among numbers
    repeated_header: Toggle = Toggle.FAIL


def run(profile: Profile, rules: Rules, results: Results) -> None:
    _bad_rows(profile, rules, results)
    _late_keys(profile, rules, results)
    _repeated_header(profile, rules, results)


def _bad_rows(profile: Profile, rules: Rules, results: Results) -> None:
    problems = profile.problems
    if not problems:
        return
    lines = [p["line"] for p in problems if p.get("line") is not None]
    first = problems[0]
    where = f"line {first['line']}" if first.get("line") else "a row"
    results.add(
        "source.bad_rows", rules.bad_rows.severity,
        f"{plural(len(problems), 'row')} could not be read and {verb(len(problems), 'was', 'were')} left out; "
        f"first at {where}: {first['problem']}.",
        observed=len(problems), examples=lines[:20], details={"problems": problems[:20]},
        hint="Fix or remove these lines in the file; the rest of the audit does not include them.",
    )


def _late_keys(profile: Profile, rules: Rules, results: Results) -> None:
    """A late key's rows are audited with the columns they share with the first rows, and its
    cells as the column a clean writes it as (`profile.late_columns`), missing on the lines
    before it; the checks that read the features together (missing cells per row, the sample's
    models) read the first rows' columns only. Its values are part of the rows' identity
    (`profile.late_keys`), as they are of the rows a clean writes."""
    late = profile.late_keys
    if not late:
        return
    first = late[0]
    results.add(
        "source.late_keys", rules.late_keys.severity,
        f"{plural(len(late), 'key')} first {verb(len(late), 'appears', 'appear')} after the first "
        f"{first['columns_from']:,} rows (JSON objects), which the columns are read from: {_quoted_keys(late)}; "
        f"{verb(len(late), 'it is', 'they are')} audited as {verb(len(late), 'a column', 'columns')} missing on the "
        f"lines before, not by the checks that read the features together (missing cells per row, models on the "
        f"sample), and {verb(len(late), 'tells', 'tell')} rows apart (duplicates, label conflicts).",
        observed=len(late), examples=[k["line"] for k in late[:20]], details={"keys": late[:20]},
        hint="Give every line every key (null where it has no value), or put a line holding each key "
             "among the first rows, to audit these keys too.",
    )


def _quoted_keys(late: list[dict]) -> str:
    shown = ", ".join(f"{quoted(k['key'], 40)} (line {k['line']:,})" for k in late[:5])
    return shown + (f" and {len(late) - 5:,} more" if len(late) > 5 else "")


def _repeated_header(profile: Profile, rules: Rules, results: Results) -> None:
    """One finding for every repeat: they share one cause (files joined with their headers, an
    export that prints its header again), which the label and type findings they cause do not name."""
    n, rows = profile.repeated_headers, profile.repeated_header_rows
    if not n:
        return
    shown = ", ".join(f"{row:,}" for row in rows[:SHOWN_ROWS]) + (" ..." if n > SHOWN_ROWS else "")
    label = f" and a class {profile.label.column!r} of the target" if profile.label is not None else ""
    results.add(
        "source.repeated_header", rules.repeated_header.severity,
        f"{plural(n, 'row')} {verb(n, 'repeats', 'repeat')} the header, every cell its column's name "
        f"({verb(n, 'row', 'rows')} {shown}): the header's text among the values{label}, not data.",
        observed=n, examples=rows[:20], details={"rows": n, "first_rows": rows[:20]},
        hint="Files joined with their headers (`cat a.csv b.csv`), or an export that repeats its header, leave "
             "it among the rows: join them without it (`tail -n +2 b.csv`); `dataaudit clean` quarantines such rows.",
    )
