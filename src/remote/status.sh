#!/usr/bin/env bash
# Prints one JSON line describing a run; the argument is the run directory.
cd "$1" 2>/dev/null || { echo '{"exists":false}'; exit 0; }
# Builtins rather than a `cat` or `date` per field: this runs at the end of every followed run,
# between the agent's exit and the laptop fetching its results.
# get VAR FILE DEFAULT: the file's first line, or DEFAULT when the file is missing or empty.
get() {
  local line=""
  if { IFS= read -r line || [ -n "$line" ]; } 2>/dev/null < "$2"; then
    printf -v "$1" '%s' "$line"
  else
    printf -v "$1" '%s' "$3"
  fi
}
get phase phase starting
get exit_code exit_code null
# The runner writes exit_code last (after the phase says done): until then it is still finishing,
# and a status read in between would record the run's end without its exit code.
if [ "$phase" = done ] && [ "$exit_code" = null ]; then phase=collecting; fi
now=${EPOCHSECONDS:-$(date +%s)}
get beat heartbeat ""
age=null
[ -n "$beat" ] && age=$((now - beat))
log_bytes=$(wc -c < agent.log 2>/dev/null || echo 0)
get outcome outcome ""
[ -n "$outcome" ] && outcome="\"$outcome\"" || outcome=null
get started started_at null
# Once the run is done its results archive no longer changes: its checksum saves the download a
# connection of its own to ask for it.
results=null
if [ "$phase" = done ] && [ -f exit_code ] && [ -f results.tar.gz ]; then
  sum=$(sha256sum results.tar.gz)
  results="\"${sum:0:64}\""
fi
printf '{"exists":true,"phase":"%s","exitCode":%s,"outcome":%s,"heartbeatAge":%s,"logBytes":%s,"startedAt":%s,"now":%s,"resultsSha256":%s}\n' \
  "$phase" "$exit_code" "$outcome" "$age" "$log_bytes" "$started" "$now" "$results"
