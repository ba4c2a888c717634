#!/usr/bin/env bash
# Watches one run from the machine's side and prints what changes, as it changes, so the laptop
# follows a run over one long-lived connection instead of one connection per poll.
#
#   watch.sh RUN_DIR FROM_BYTE WANT_LOG [BEAT_SECONDS] [RESULTS_MAX_BYTES]
#
# One record a line (the local side, src/core/workflow/watch-stream.ts, parses them):
#   P <phase>                      the phase, first as it is, then at each change
#   H <now> <heartbeat-age|-> <log-bytes>   every BEAT_SECONDS: the runner is alive, the link too
#   L <offset> <base64>            agent.log bytes from <offset> (WANT_LOG=1 only); binary-safe,
#                                  and a record that arrives whole is whole, so a dropped link
#                                  never delivers half a chunk: resume from the bytes received
#   R <bytes>                      results.tar.gz follows (RESULTS_MAX_BYTES > 0 and it is no
#                                  larger), as D records, just before E: the laptop that follows
#   D <base64>                     the run to its end needs no copy of its own to fetch it
#   E <status json>                the run is done (status.sh's line); the script then exits 0
# A start that goes on watching (protocol.ts startScript with `watch`) prints `S started` before
# the first of these, in the run directory, with RUN_DIR `.`.
# The log only ever grows, so byte offsets are a stable position to resume from.
set -u
dir=$1
offset=${2:-0}
want_log=${3:-0}
beat_every=${4:-15}
results_max=${5:-0}
chunk=49152

cd "$dir" 2>/dev/null || {
  echo 'E {"exists":false}'
  exit 0
}
# A negative start counts back from the log's current end (the recent lines, for a progress line).
if [ "$offset" -lt 0 ]; then
  offset=$(($(wc -c < agent.log 2>/dev/null || echo 0) + offset))
  [ "$offset" -lt 0 ] && offset=0
fi
status_json() { bash remote/status.sh . | tail -n 1; }
log_size() { wc -c < agent.log 2>/dev/null || echo 0; }

# Sends every complete chunk of the log past $offset (in pieces of at most $chunk bytes).
send_log() {
  [ "$want_log" = 1 ] || return 0
  local size n
  size=$(log_size)
  while [ "$size" -gt "$offset" ]; do
    n=$((size - offset))
    [ "$n" -gt "$chunk" ] && n=$chunk
    printf 'L %s %s\n' "$offset" "$(tail -c +$((offset + 1)) agent.log | head -c "$n" | base64 -w0)"
    offset=$((offset + n))
  done
}

# Sends the results archive (which no longer changes once exit_code exists), when asked and small.
send_results() {
  [ "$results_max" -gt 0 ] && [ -f results.tar.gz ] || return 0
  local size
  size=$(wc -c < results.tar.gz)
  [ "$size" -le "$results_max" ] || return 0
  printf 'R %s\n' "$size"
  base64 -w "$chunk" < results.tar.gz | sed 's/^/D /'
}

# The runner nudges the FIFO `wake` at each change of phase (runner.sh wake): the loop looks again
# at once instead of at its next turn, so the agent's exit is seen as it happens, not up to a
# turn later. Opened read-write, so neither side ever waits for the other; a bash without
# fractional read timeouts (3.x), or a directory where no FIFO can be made, just polls.
idle=${AR_WATCH_IDLE_SECONDS:-0.3} # between looks when nothing wakes the loop (tests hold it long)
woken=0
if [ "${BASH_VERSINFO[0]}" -ge 4 ]; then
  { [ -p wake ] || mkfifo -m 600 wake; } 2>/dev/null && exec 4<> wake && woken=1
fi
pause() {
  if [ "$woken" = 1 ]; then
    local nudge
    IFS= read -r -t "$1" nudge <&4 || true
  else
    sleep "$1"
  fi
}

last_phase=""
last_beat=0
while :; do
  # A builtin read, not a `cat`: this loop runs every 0.3 s (0.05 s near the end), and when woken.
  phase=starting
  { IFS= read -r phase || true; } 2>/dev/null < phase
  if [ "$phase" != "$last_phase" ]; then
    printf 'P %s\n' "$phase"
    last_phase=$phase
  fi
  send_log
  now=${EPOCHSECONDS:-$(date +%s)}
  if [ $((now - last_beat)) -ge "$beat_every" ]; then
    beat=""
    { IFS= read -r beat || true; } 2>/dev/null < heartbeat
    age=-
    [ -n "$beat" ] && age=$((now - beat))
    printf 'H %s %s %s\n' "$now" "$age" "$(log_size)"
    last_beat=$now
  fi
  # The runner writes exit_code last: after it, nothing in the run directory changes.
  if [ "$phase" = done ] && [ -f exit_code ]; then
    send_log
    send_results
    printf 'E %s\n' "$(status_json)"
    exit 0
  fi
  # While the runner packs the results the end is near: look more often, so the laptop starts
  # fetching them sooner (the loop's few processes are cheap against a connection's round trip).
  if [ "$phase" = collecting ] || [ "$phase" = done ]; then pause 0.05; else pause "$idle"; fi
done
