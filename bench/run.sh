#!/usr/bin/env bash
# Registry-scale benchmark of the release binary (docs/performance.md).
#
# Builds release, generates workspaces with examples/gen-workspace.rs (5,000 and 10,000
# agreements of 3 parties, 1 version; and a history of 1,000 agreements x 10 versions) in a
# temporary directory, then times the real binary on each against the floor
# (examples/floor.rs) and prints a Markdown table: wall time, peak memory (max RSS) and the
# ratio to the floor. Each command runs BENCH_RUNS times, in rounds (the floor and every command,
# then again), and the table gives its fastest run and its largest peak memory: single runs on a
# shared machine vary by 10 to 20%. Last, the OpenSSH loop: `ssh-keygen -Y verify`, one process per
# signature, over a sample of signatures. Generation is not timed.
#
# Settings (environment):
#   BENCH_SIZES     agreements in the one-version workspaces (default "5000 10000")
#   BENCH_HISTORY   agreements x versions of the history workspace (default "1000x10"; "" skips)
#   BENCH_SSH       signatures in the OpenSSH sample (default 300; 0 skips)
#   BENCH_RUNS      rounds of runs of each command (default 3; the fastest is kept)
#   BENCH_KEEP      a directory to generate into and keep (default: a temporary one, removed)
#   DATAPACT_TODAY  the date every command takes as today (default 2026-12-02)
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${BENCH_SIZES-5000 10000}
HISTORY=${BENCH_HISTORY-1000x10}
SSH_SAMPLE=${BENCH_SSH-300}
RUNS=${BENCH_RUNS-3}
export DATAPACT_TODAY=${DATAPACT_TODAY:-2026-12-02}
# Plain output, no colour codes, whatever the terminal.
export NO_COLOR=1

echo "Building release (cargo build --release --examples --bins)..." >&2
cargo build --release --examples --bins >&2
BIN=$PWD/target/release/datapact
GEN=$PWD/target/release/examples/gen-workspace
FLOOR=$PWD/target/release/examples/floor

if [[ -n ${BENCH_KEEP-} ]]; then
  WORK=$BENCH_KEEP
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/datapact-bench.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi

TIME=/usr/bin/time
if [[ ! -x $TIME ]]; then
  echo "note: /usr/bin/time is missing, so peak memory is not measured (install it: apt-get install time)" >&2
  TIME=
fi

# gen NAME AGREEMENTS VERSIONS: generates $WORK/NAME unless it is there already.
gen() {
  local dir=$WORK/$1
  if [[ -d $dir/.git ]]; then
    echo "reusing $dir" >&2
  else
    "$GEN" --agreements "$2" --parties 3 --versions "$3" "$dir" >&2
  fi
}

# Per "WORKSPACE|LABEL": the fastest wall time, the largest peak memory and the highest exit
# code over the rounds, and the order the rows are printed in.
declare -A BEST MEM RC
ORDER=()

# measure WORKSPACE LABEL COMMAND...: runs COMMAND once (output discarded) and keeps its figures.
measure() {
  local ws=$1 label=$2
  shift 2
  local out=$WORK/time.out rc=0 wall mem
  if [[ -n $TIME ]]; then
    "$TIME" -v -o "$out" "$@" >/dev/null 2>"$WORK/stderr.out" || rc=$?
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$out")
    mem=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$out")
  else
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>"$WORK/stderr.out" || rc=$?
    end=$(date +%s.%N)
    wall=$(echo "$end - $start" | bc)
    mem="n/a"
  fi
  local key="$ws|$label"
  if [[ -z ${BEST[$key]-} ]]; then
    ORDER+=("$key")
    BEST[$key]=$wall MEM[$key]=$mem RC[$key]=$rc
  else
    BEST[$key]=$(awk -v a="${BEST[$key]}" -v b="$wall" 'BEGIN { print (b < a) ? b : a }')
    if [[ $mem != n/a && $mem -gt ${MEM[$key]} ]]; then
      MEM[$key]=$mem
    fi
    if [[ $rc -gt ${RC[$key]} ]]; then
      RC[$key]=$rc
    fi
  fi
  echo "  $ws: $label: ${wall} s, ${mem} MB, exit $rc" >&2
  if [[ $rc -gt 1 ]]; then
    echo "  stderr:" >&2
    tail -5 "$WORK/stderr.out" >&2
  fi
}

# bench_one NAME HISTORY?: the floor and the commands on workspace $WORK/NAME.
bench_one() {
  local name=$1 history=${2-}
  local dir=$WORK/$name
  # Warm the page cache, so the first timed command does not pay for cold reads alone.
  "$FLOOR" "$dir" >/dev/null
  local round
  for ((round = 1; round <= RUNS; round++)); do
    measure "$name" floor "$FLOOR" "$dir"
    if [[ -z $history ]]; then
      measure "$name" validate "$BIN" -C "$dir" validate
      measure "$name" check "$BIN" -C "$dir" check
      measure "$name" status "$BIN" -C "$dir" status
      measure "$name" verify "$BIN" -C "$dir" verify
      # Each round renders into a folder of its own, all removed once everything is timed:
      # removing sites between runs would time the file system, not the command (ext4 without
      # a journal, as on the machine in docs/performance.md, passes over each inode freed in
      # the last minutes when it creates a file: +1 to 2 s of system time at 10,000).
      measure "$name" "render --all" "$BIN" -C "$dir" render --all --out "$WORK/site-$name-$round"
      # Written back now, not during the next round's commands.
      sync
    else
      measure "$name" check "$BIN" -C "$dir" check
      measure "$name" verify "$BIN" -C "$dir" verify
      measure "$name" "verify --history" "$BIN" -C "$dir" verify --history
      measure "$name" "check --history" "$BIN" -C "$dir" check --history
    fi
  done
}

for n in $SIZES; do
  gen "n$n" "$n" 1
done
if [[ -n $HISTORY ]]; then
  gen "history${HISTORY}" "${HISTORY%x*}" "${HISTORY#*x}"
fi

echo "Timing (DATAPACT_TODAY=$DATAPACT_TODAY, $(nproc) cores, $RUNS rounds)..." >&2
for n in $SIZES; do
  bench_one "n$n"
done
if [[ -n $HISTORY ]]; then
  bench_one "history${HISTORY}" history
fi

rm -rf "$WORK"/site-*

echo
echo "| workspace | command | wall (s) | peak RSS (MB) | vs floor | exit |"
echo "|---|---|---:|---:|---:|---:|"
for key in "${ORDER[@]}"; do
  ws=${key%%|*} label=${key#*|}
  ratio=$(awk -v w="${BEST[$key]}" -v f="${BEST[$ws|floor]}" 'BEGIN { if (f > 0) printf "%.1fx", w / f; else print "-" }')
  echo "| $ws | \`$label\` | $(printf '%.2f' "${BEST[$key]}") | ${MEM[$key]} | $ratio | ${RC[$key]} |"
done

# The OpenSSH loop: one ssh-keygen process per signature, as a partner without datapact would.
if [[ $SSH_SAMPLE -gt 0 ]]; then
  echo
  if ! command -v ssh-keygen >/dev/null; then
    echo "OpenSSH loop skipped: ssh-keygen is not on PATH (Debian: apt-get install openssh-client)."
  else
    set -- $SIZES
    dir=$WORK/n${1}
    "$BIN" -C "$dir" keys export-allowed-signers --out "$WORK/allowed_signers" >&2
    mapfile -t sample < <(cd "$dir" && find signatures -name '*.toml' | sort | head -n "$SSH_SAMPLE")
    failed=0
    start=$(date +%s.%N)
    for statement in "${sample[@]}"; do
      party=$(basename "$statement" .toml)
      # The generated statements of version N are signed on 2026-03-(N+1).
      version=${statement%/*}
      version=${version##*/v}
      if ! ssh-keygen -Y verify -f "$WORK/allowed_signers" -I "dpo@$party.example.org" \
        -n datapact-agreement@datapact.dev -Overify-time="202603$(printf '%02d' $((version + 1)))" \
        -s "$dir/$statement.sig" <"$dir/$statement" >/dev/null 2>&1; then
        failed=$((failed + 1))
      fi
    done
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" -v n="${#sample[@]}" -v f="$failed" -v ws="n${1}" 'BEGIN {
      printf "OpenSSH loop (%s): %d signatures verified with ssh-keygen -Y verify, one process each, in %.2f s: %.2f ms per signature; %d failed\n", ws, n, e - s, (e - s) * 1000 / n, f
    }'
  fi
fi
