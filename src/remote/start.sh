#!/usr/bin/env bash
# Launches one run detached from the caller, in the run directory that is the current directory.
# The context archive has been checksum-verified by the caller before this script was extracted.
#
# stdin: the agent's credentials as NAME=VALUE lines. They are handed to the runner through a
# FIFO (which holds no data on disk) so they never appear in an argv, a file or a log.
set -euo pipefail

run_dir=$(pwd -P)
area_dir=$(cd ../.. && pwd -P)
tar -xzf context.tar.gz --no-same-owner --no-same-permissions
# shellcheck source=/dev/null
. ./params.sh

rm -f secrets.fifo
mkfifo -m 600 secrets.fifo
runner_cmd="exec bash $(printf %q "$run_dir/remote/runner.sh") $(printf %q "$run_dir")"

if command -v tmux >/dev/null 2>&1; then
  # The agent is the session's command (not typed into a shell), so the session ends with it.
  # -e PATH: a tmux server started by an earlier run would otherwise hand this run its old PATH.
  tmux -S "$area_dir/tmux.sock" new-session -d -s "$AR_SESSION" -x 220 -y 50 -e "PATH=$PATH" "$runner_cmd"
  echo "tmux" > holder
else
  setsid bash -c "$runner_cmd" </dev/null >/dev/null 2>&1 &
  echo "setsid" > holder
fi

# Blocks until the runner opens the FIFO; bounded so a runner that died at birth is reported.
if ! timeout 60 cat > secrets.fifo; then
  rm -f secrets.fifo
  echo "amplihack-remote: the runner did not start (no reader on the credentials FIFO within 60 s)" >&2
  exit 21
fi
echo "started $AR_RUN_ID"
