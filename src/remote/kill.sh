#!/usr/bin/env bash
# Stops one run's agent (its process group only: never a pkill by name) and lets the runner
# collect whatever the agent committed or left uncommitted (runner.sh records that as a commit).
# The argument is the run directory.
cd "$1" 2>/dev/null || { echo "no such run" >&2; exit 3; }
[ -f exit_code ] && { echo "already finished"; exit 0; }
: > killed
pgid=$(cat agent.pid 2>/dev/null || true)
if [ -n "$pgid" ] && kill -TERM -- "-$pgid" 2>/dev/null; then
  for _ in $(seq 1 20); do [ -f exit_code ] && break; sleep 0.5; done
  [ -f exit_code ] || kill -KILL -- "-$pgid" 2>/dev/null
  echo "killed"
else
  # Setup is still going: the runner checks the marker before it starts the agent.
  for _ in $(seq 1 120); do [ -f exit_code ] && break; sleep 0.5; done
  echo "stopped before the agent started"
fi
