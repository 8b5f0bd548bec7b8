#!/usr/bin/env bash
# The GitHub Action's scan step (action.yml). Inputs come as INPUT_* variables; results go to
# $GITHUB_OUTPUT (report, sarif, exit-code) and the Markdown summary to $GITHUB_STEP_SUMMARY.
# It exits 0 after recording kubeharden's exit code, so the SARIF upload still runs; the action's
# last step fails the job. Runs the same outside GitHub (tests do): unset variables have defaults.
set -euo pipefail
root="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}"

if [[ -n "${KUBEHARDEN_BIN:-}" ]]; then
  kh=("$KUBEHARDEN_BIN")
else
  if [[ ! -f "$root/dist/cli/main.js" ]]; then
    echo "kubeharden: building the CLI from the action's checkout (npm ci, npm run build)" >&2
    (cd "$root" && npm ci --no-audit --no-fund --ignore-scripts && npm run build) >&2
  fi
  kh=(node "$root/dist/cli/main.js")
fi

format="${INPUT_FORMAT:-sarif}"
case "$format" in
  sarif) ext=sarif ;; json) ext=json ;; junit) ext=xml ;; html) ext=html ;; markdown) ext=md ;; text) ext=txt ;;
  *) echo "kubeharden: format \"$format\" is not one of sarif, json, junit, html, markdown, text" >&2; ext=out ;;
esac
out="${INPUT_OUTPUT_FILE:-kubeharden-report.$ext}"
read -r -a paths <<< "$(printf '%s' "${INPUT_PATH:-.}" | tr '\n' ' ')"
[[ ${#paths[@]} -gt 0 ]] || paths=(.)

common=()
[[ -n "${INPUT_CONFIG:-}" ]] && common+=(--config "$INPUT_CONFIG")
[[ -n "${INPUT_BASELINE:-}" ]] && common+=(--baseline "$INPUT_BASELINE")
repo_url=()
if [[ -n "${GITHUB_SERVER_URL:-}" && -n "${GITHUB_REPOSITORY:-}" && -n "${GITHUB_SHA:-}" ]]; then
  repo_url=(--repo-url "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA")
fi
framework=()
[[ -n "${INPUT_FRAMEWORK:-}" ]] && framework=(--framework "$INPUT_FRAMEWORK")
links=()
[[ "$format" == markdown || "$format" == html ]] && links=("${repo_url[@]}")

code=0
"${kh[@]}" scan "${paths[@]}" -o "$format" --output-file "$out" --fail-on "${INPUT_FAIL_ON:-high}" "${common[@]}" "${framework[@]}" "${links[@]}" || code=$?

sarif=""
if [[ "$format" == sarif ]]; then
  sarif="$out"
elif [[ "${INPUT_UPLOAD_SARIF:-false}" == true ]]; then
  sarif="kubeharden.sarif"
  "${kh[@]}" scan "${paths[@]}" -o sarif --output-file "$sarif" --fail-on none "${common[@]}" || true
fi

if [[ "${INPUT_JOB_SUMMARY:-true}" == true && -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  "${kh[@]}" scan "${paths[@]}" -o markdown --fail-on none "${common[@]}" "${framework[@]}" "${repo_url[@]}" >> "$GITHUB_STEP_SUMMARY" || true
fi

{
  echo "report=$out"
  echo "sarif=$sarif"
  echo "exit-code=$code"
} >> "${GITHUB_OUTPUT:-/dev/null}"
echo "kubeharden: exit code $code, report $out${sarif:+, SARIF $sarif}" >&2
exit 0
