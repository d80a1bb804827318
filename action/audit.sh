#!/usr/bin/env bash
# The audit step of the composite action (action.yml): runs `dataaudit audit` with the action's
# inputs, appends the Markdown report to the job summary, and records the exit code so the
# report is uploaded before the job fails on it.
set -uo pipefail

out="${DATAAUDIT_OUTPUT_DIR:-dataaudit-report}"
mkdir -p "$out"
args=(audit "$DATAAUDIT_DATA" --rules "${DATAAUDIT_RULES:-default}")
[[ -n "${DATAAUDIT_TARGET:-}" ]] && args+=(--target "$DATAAUDIT_TARGET")
[[ "${DATAAUDIT_STRICT:-false}" == "true" ]] && args+=(--strict)
# Markdown always (the job summary), then each requested format into the output folder
args+=(-f markdown -o "$out/report.md")
# shellcheck disable=SC2206  # the formats input is a space-separated list
formats=(${DATAAUDIT_FORMATS:-json})
# code scanning reads report.sarif (the upload step of action.yml)
[[ "${DATAAUDIT_SARIF:-false}" == "true" && " ${formats[*]} " != *" sarif "* ]] && formats+=(sarif)
for fmt in "${formats[@]}"; do
  [[ "$fmt" == markdown || "$fmt" == console ]] && continue
  args+=(-f "$fmt" -o "$out/report.$fmt")
done
# shellcheck disable=SC2086  # extra arguments are split on purpose
dataaudit "${args[@]}" ${DATAAUDIT_ARGS:-}
code=$?
if [[ -n "${GITHUB_STEP_SUMMARY:-}" && -f "$out/report.md" ]]; then
  cat "$out/report.md" >> "$GITHUB_STEP_SUMMARY"
fi
echo "exit-code=$code" >> "${GITHUB_OUTPUT:-/dev/null}"
echo "passed=$([[ $code == 0 ]] && echo true || echo false)" >> "${GITHUB_OUTPUT:-/dev/null}"
exit 0
