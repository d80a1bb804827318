"""`dataaudit clean chats.jsonl`: the fine-tuning form of `clean_files`, with the table clean's
destinations, refusals, manifest and exit code, so both cleans look alike from the outside.

A JSON file holding one array of examples is written as a JSON array (`.json`): the form it came
in, which the trainer or console that took the input takes. Its quarantine is JSONL as any
other, one example a line with its index.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dataaudit.compression import compression_of, uncompressed_name
from dataaudit.errors import InputError
from dataaudit.io.json_array import is_json_array
from dataaudit.io.spool import display_name, readable_path
from dataaudit.output import all_or_nothing, check_destinations
from dataaudit.preprocess import manifest as manifests
from dataaudit.preprocess.clean import CleanRun, destinations
from dataaudit.preprocess.writers import beside, output_format
from dataaudit.report.model import Report
from dataaudit.rules.model import RulePack
from dataaudit.text.clean import CleanSummary, clean_jsonl


def clean_jsonl_files(data: str | Path, output: Path, *, rules: str | Path | RulePack | None = "default",
                      format_kind: str | None = None, quarantine: Path | None = None, manifest: Path | None = None,
                      report: Path | None = None, dry_run: bool = False, force: bool = False,
                      trim: bool | None = None, strip_metadata: bool | None = None, prompt_key: str | None = None,
                      completion_key: str | None = None, redact: tuple[str, ...] = ()) -> CleanRun:
    """Clean `data` into `output`, the quarantine beside it (OUTPUT.quarantine.jsonl) and a
    manifest (OUTPUT.manifest.json); the run's report is the text audit of `output`."""
    form = "json" if is_json_array(readable_path(data)) else "jsonl"
    output, quarantine, manifest = _destinations(form, Path(output), quarantine, manifest, force, (report,),
                                                 (data, rules))
    with all_or_nothing() as outputs:  # a dry run opens no file in it
        summary = clean_jsonl(data, output, quarantine, rules=rules, format_kind=format_kind, dry_run=dry_run,
                              trim=trim, strip_metadata=strip_metadata, prompt_key=prompt_key,
                              completion_key=completion_key, redact=redact, outputs=outputs)
        written = [manifests.file_entry(file.path, fmt, file.sha256, content=file.content)
                   for file, fmt in zip(outputs.files, (form, "jsonl"), strict=False)]
        output_entry, quarantine_entry = written or (None, None)
        read = manifests.file_entry(readable_path(data), form)  # standard input: its copy's bytes
        built = build_manifest(summary, {"input": {**read, "path": display_name(data)}, "output": output_entry,
                                         "quarantine": quarantine_entry})
        if not dry_run:
            if report is not None:
                from dataaudit.report.formats import Format, render

                outputs.text(report, render(_report(summary), Format.JSON))
            outputs.json(manifest, built)
    return CleanRun(_report(summary), None, built, output, quarantine, manifest, not dry_run)


def _destinations(form: str, output: Path, quarantine: Path | None, manifest: Path | None, force: bool,
                  others: tuple[Path | None, ...], inputs: tuple[object, ...]) -> tuple[Path, Path, Path]:
    """The table clean's `destinations`, the output in the input's `form` (a JSON array's items
    are written as a JSON array), the quarantine JSONL, compressed as the output is (`out.json.gz`:
    `out.quarantine.jsonl.gz`)."""
    if form == "jsonl":
        output, quarantine, manifest = destinations(output, quarantine, manifest, force, others, inputs)
    elif uncompressed_name(output).suffix.lower() != ".json":
        raise InputError(f"{output}: the items of a JSON array are written as a JSON array; name it .json")
    else:
        compressed = output.suffix if compression_of(output) is not None else ""
        quarantine = Path(quarantine or beside(output, "quarantine", f".jsonl{compressed}"))
        manifest = Path(manifest or beside(output, "manifest", ".json"))
        check_destinations((output, quarantine, manifest, *others), inputs, overwrite=force)
    for path in (output, quarantine)[form == "json":]:
        if output_format(path) != "jsonl":
            raise InputError(f"{path}: the lines of a JSONL file are written as JSONL; name it .jsonl")
    return output, quarantine, manifest


def _report(summary: CleanSummary) -> Report:
    assert summary.report is not None, "clean_jsonl always audits what it keeps"
    return summary.report


def build_manifest(summary: CleanSummary, files: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """Which bytes went in and came out, how many lines and why the others left; no clock time,
    so the same input gives the same manifest."""
    report = summary.report
    assert report is not None
    return {
        "tool": manifests.tool_entry(),
        "files": files,
        "lines": {"in": summary.lines, "out": summary.kept, "quarantined": sum(summary.quarantined.values()),
                  "trimmed": summary.trimmed, "stripped": summary.stripped, "redacted": summary.redacted_lines},
        "quarantine_reasons": summary.quarantined,
        "redactions": summary.redacted,
        "parameters": {"format_kind": summary.kind, "examples_are": f"{summary.unit}s", **summary.keys,
                       "rules": manifests.rules_entry(report.rules),
                       "drop_duplicates": summary.drop_duplicates, "trim": summary.trim,
                       "strip_metadata": summary.strip_metadata, "redact": summary.redact},
        "audit": {"passed_after": report.passed, "fail findings": report.counts["fail"],
                  "warn findings": report.counts["warn"]},
    }
