# shellcheck shell=bash
# The step runner behind scripts/setup.sh: one line per step, the noise in one log file.
#
#   source scripts/lib/steps.sh
#   steps_init <number of steps> [log file]      prints "[setup] log: <path>" once
#   step_run "<label>" <function> [args…]        runs the function, prints
#                                                "[setup] 2/6 Build ........ up to date (0.1 s)"
#   steps_finish                                 prints "[setup] done in 1.2 s"
#
# Inside a step function (it runs in a subshell with `set -euo pipefail`, stdout and stderr to the log):
#   step_result "<text>"   what the step did, shown on its line (default: "done")
#   step_hint "<text>"     the one line of what to do, shown only if the step fails
#   step_fail "<message>" ["<hint>"]   stop the step with a message (kept in the log and shown)
#   step_exec <command> [args…]   log "$ command args…", then run it
#
# On a TTY the running step has a live line (spinner, elapsed seconds, the log's last line) that
# the final line replaces; otherwise (CI, a pipe) plain lines only. A failing step prints its last
# lines of log, the log path and the hint, and step_run exits the script with the step's status.

STEPS_PREFIX="${STEPS_PREFIX:-[setup]}"
STEPS_LABEL_WIDTH="${STEPS_LABEL_WIDTH:-24}"
STEPS_TAIL_LINES="${STEPS_TAIL_LINES:-20}"
STEPS_DEFAULT_HINT="${STEPS_DEFAULT_HINT:-fix the cause above, then re-run: bash scripts/setup.sh}"

# Milliseconds since the epoch (bash 5's EPOCHREALTIME; whole seconds on older shells).
steps_now_ms() {
  if [ -n "${EPOCHREALTIME:-}" ]; then
    local t="${EPOCHREALTIME/[.,]/}"
    printf '%s\n' "$((10#$t / 1000))"
  else
    printf '%s000\n' "$(date +%s)"
  fi
}

# "0.1 s", "12.3 s", "1 min 55 s"
steps_format_ms() {
  local ms="$1"
  if [ "$ms" -lt 60000 ]; then
    printf '%d.%d s' "$((ms / 1000))" "$(((ms % 1000) / 100))"
  else
    printf '%d min %d s' "$((ms / 60000))" "$(((ms % 60000) / 1000))"
  fi
}

# "[setup] 2/6 Build ..................."
steps_heading() {
  local label="$1" dots=''
  local n=$((STEPS_LABEL_WIDTH - ${#label}))
  [ "$n" -lt 3 ] && n=3
  printf -v dots '%*s' "$n" ''
  printf '%s %d/%d %s %s' "$STEPS_PREFIX" "$STEP_INDEX" "$STEPS_TOTAL" "$label" "${dots// /.}"
}

steps_init() {
  STEPS_TOTAL="$1"
  STEP_INDEX=0
  STEPS_STARTED_MS="$(steps_now_ms)"
  if [ -n "${2:-}" ]; then
    STEPS_LOG="$2"
  else
    local stamp
    stamp="$(date +%Y%m%d-%H%M%S)"
    STEPS_LOG="${TMPDIR:-/tmp}/tfactory-setup-${stamp}.log"
    [ -e "$STEPS_LOG" ] && STEPS_LOG="${TMPDIR:-/tmp}/tfactory-setup-${stamp}-$$.log"
  fi
  mkdir -p "$(dirname "$STEPS_LOG")"
  : >>"$STEPS_LOG"
  STEPS_TMP="$(mktemp -d "${TMPDIR:-/tmp}/tfactory-steps.XXXXXX")"
  STEPS_SPINNER_PID=''
  # Live line only on a terminal that can take it; STEPS_TTY=0/1 forces either way.
  if [ -n "${STEPS_TTY:-}" ]; then
    STEPS_LIVE="$STEPS_TTY"
  elif [ -t 1 ] && [ "${TERM:-dumb}" != dumb ] && [ "${CI:-}" != true ]; then
    STEPS_LIVE=1
  else
    STEPS_LIVE=0
  fi
  trap steps_cleanup EXIT
  printf '%s log: %s\n' "$STEPS_PREFIX" "$STEPS_LOG"
  printf '# TFactory set-up log, %s (%s)\n' "$(date '+%Y-%m-%d %H:%M:%S %z')" "$PWD" >>"$STEPS_LOG"
}

steps_cleanup() {
  # Interrupted mid-step: end the live line, so the shell prompt starts on a line of its own.
  if [ -n "${STEPS_SPINNER_PID:-}" ]; then printf '\n'; fi
  steps_stop_spinner
  [ -n "${STEPS_TMP:-}" ] && rm -rf "$STEPS_TMP"
  return 0
}

steps_stop_spinner() {
  if [ -n "${STEPS_SPINNER_PID:-}" ]; then
    kill "$STEPS_SPINNER_PID" 2>/dev/null || true
    wait "$STEPS_SPINNER_PID" 2>/dev/null || true
    STEPS_SPINNER_PID=''
  fi
}

# The live line: heading, spinner, elapsed seconds and the log's last line, cut to the terminal width.
steps_spinner() {
  local heading="$1" started="$2" frames='|/-\' i=0 cols last elapsed line
  cols="$(stty size 2>/dev/null </dev/tty | cut -d' ' -f2)" || cols=''
  [ -n "$cols" ] && [ "$cols" -gt 0 ] 2>/dev/null || cols=80
  while :; do
    elapsed=$((($(steps_now_ms) - started) / 1000))
    last="$(tail -c 400 "$STEPS_LOG" 2>/dev/null | grep -v '^==== ' | tail -n 1 | tr -cd '[:print:]')" || last=''
    line="$heading ${frames:i%4:1} ${elapsed} s  ${last}"
    printf '\r\033[K%s' "${line:0:cols-1}"
    i=$((i + 1))
    sleep 0.2
  done
}

# ERR trap of a step: name the failing command (step_exec's own arguments when it ran "$@").
steps_on_error() {
  local rc="$1" cmd="$2"
  shift 2
  # shellcheck disable=SC2016
  if [ "$cmd" = '"$@"' ] && [ "$#" -gt 0 ]; then cmd="$*"; fi
  printf '(stopped: `%s` exited with status %d)\n' "$cmd" "$rc" >&2
}

step_result() { printf '%s' "$*" >"$STEPS_TMP/result"; }
step_hint() { printf '%s' "$*" >"$STEPS_TMP/hint"; }
step_fail() {
  printf '%s\n' "$1" >&2
  if [ -n "${2:-}" ]; then step_hint "$2"; fi
  exit 1
}
# Logs the command line ("$ npm ci"), then runs it.
step_exec() {
  printf '$ %s\n' "$*"
  "$@"
}

step_run() {
  local label="$1"
  shift
  STEP_INDEX=$((STEP_INDEX + 1))
  local heading started rc offset ms result hint
  heading="$(steps_heading "$label")"
  rm -f "$STEPS_TMP/result" "$STEPS_TMP/hint"
  printf '\n==== %d/%d %s (%s) ====\n' "$STEP_INDEX" "$STEPS_TOTAL" "$label" "$(date +%H:%M:%S)" >>"$STEPS_LOG"
  offset="$(wc -c <"$STEPS_LOG")"
  started="$(steps_now_ms)"
  if [ "$STEPS_LIVE" = 1 ]; then
    steps_spinner "$heading" "$started" &
    STEPS_SPINNER_PID=$!
  else
    printf '%s ' "$heading"
  fi
  # The step runs in the foreground (Ctrl-C reaches it) in a subshell with errexit on. It must not
  # be called from an `if`/`||` context, where bash would ignore `set -e` inside it.
  set +e
  (
    set -eEuo pipefail
    # Name the command that stopped the step, so a silent failure still says what failed.
    trap 'steps_on_error $? "$BASH_COMMAND" "$@"' ERR
    "$@"
  ) </dev/null >>"$STEPS_LOG" 2>&1
  rc=$?
  set -e
  ms=$(($(steps_now_ms) - started))
  if [ "$STEPS_LIVE" = 1 ]; then
    steps_stop_spinner
    printf '\r\033[K%s ' "$heading"
  fi
  if [ "$rc" = 0 ]; then
    result="done"
    [ -s "$STEPS_TMP/result" ] && result="$(cat "$STEPS_TMP/result")"
    printf '%s (%s)\n' "$result" "$(steps_format_ms "$ms")"
    printf '==== %d/%d %s: %s (%s) ====\n' "$STEP_INDEX" "$STEPS_TOTAL" "$label" "$result" "$(steps_format_ms "$ms")" >>"$STEPS_LOG"
    return 0
  fi
  hint="$STEPS_DEFAULT_HINT"
  [ -s "$STEPS_TMP/hint" ] && hint="$(cat "$STEPS_TMP/hint")"
  printf 'FAILED (%s)\n' "$(steps_format_ms "$ms")"
  {
    printf '%s %s failed (exit status %d); last lines of its log:\n' "$STEPS_PREFIX" "$label" "$rc"
    # The step's own part of the log (it starts after the step's header line).
    tail -c +"$((offset + 1))" "$STEPS_LOG" | tail -n "$STEPS_TAIL_LINES" | sed 's/^/    /'
    printf '%s full log: %s\n' "$STEPS_PREFIX" "$STEPS_LOG"
    printf '%s what to do: %s\n' "$STEPS_PREFIX" "$hint"
  } >&2
  printf '==== %d/%d %s: FAILED with exit status %d (%s) ====\n' "$STEP_INDEX" "$STEPS_TOTAL" "$label" "$rc" "$(steps_format_ms "$ms")" >>"$STEPS_LOG"
  exit "$rc"
}

steps_finish() {
  printf '%s done in %s\n' "$STEPS_PREFIX" "$(steps_format_ms $(($(steps_now_ms) - STEPS_STARTED_MS)))"
}
