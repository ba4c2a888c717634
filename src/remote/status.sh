#!/usr/bin/env bash
# Prints one JSON line describing a run; the argument is the run directory.
cd "$1" 2>/dev/null || { echo '{"exists":false}'; exit 0; }
phase=$(cat phase 2>/dev/null || echo starting)
exit_code=$(cat exit_code 2>/dev/null || echo null)
now=$(date +%s)
beat=$(cat heartbeat 2>/dev/null || echo "")
age=null
[ -n "$beat" ] && age=$((now - beat))
log_bytes=$(wc -c < agent.log 2>/dev/null || echo 0)
outcome=$(cat outcome 2>/dev/null || true)
[ -n "$outcome" ] && outcome="\"$outcome\"" || outcome=null
started=$(cat started_at 2>/dev/null || echo null)
# Once the run is done its results archive no longer changes: its checksum saves the download a
# connection of its own to ask for it.
results=null
if [ "$phase" = done ] && [ -f exit_code ] && [ -f results.tar.gz ]; then
  results="\"$(sha256sum results.tar.gz | cut -c1-64)\""
fi
printf '{"exists":true,"phase":"%s","exitCode":%s,"outcome":%s,"heartbeatAge":%s,"logBytes":%s,"startedAt":%s,"now":%s,"resultsSha256":%s}\n' \
  "$phase" "$exit_code" "$outcome" "$age" "$log_bytes" "$started" "$now" "$results"
