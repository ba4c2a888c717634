#!/usr/bin/env bash
# Launches one run detached from the caller, in the run directory that is the current directory.
# The context archive has been checksum-verified and extracted here by the caller (protocol.ts's
# startScript). Runs of a batch start side by side on one machine, so every process spawned here is
# paid once per run while the others wait for the cores: builtins where a builtin will do.
#
# stdin: the agent's credentials as NAME=VALUE lines. They are handed to the runner through a
# FIFO (which holds no data on disk) so they never appear in an argv, a file or a log.
set -euo pipefail

cd -P . && run_dir=$PWD # physical, as pwd -P (a builtin: no fork)
area_dir=${run_dir%/*/*} # <area>/runs/<id>, physical already
# One archive serves every run of a batch: this run's own id and agent argv (its prompt) may come
# first on stdin as one "AR-RUN-FILES <run id> <argv as base64>" line (src/remote/run-files.ts).
# bash's read takes one line from a pipe and leaves the credentials after it in place.
first_line=""
IFS= read -r first_line || true
case $first_line in
  "AR-RUN-FILES "*)
    rest=${first_line#AR-RUN-FILES }
    id=${rest%% *}
    case $id in
      '' | *[!a-z0-9-]*)
        echo "amplihack-remote: the start's input names no valid run id" >&2
        exit 24
        ;;
    esac
    printf 'AR_RUN_ID=%s\nAR_SESSION=ar-%s\n' "$id" "$id" >> params.sh
    printf '%s' "${rest#* }" | base64 -d > agent.argv
    first_line=""
    ;;
esac
# shellcheck source=/dev/null
. ./params.sh

note() { printf '%s start: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >> runner.log; }

# A Unix socket path holds at most 107 bytes on Linux (103 on macOS), and the area can live deep
# (an installed plugin's data directory under a long HOME): the tmux socket goes to a short
# directory of this user's own instead, named after the area so areas never share a server.
# Sets $socket to its path, or leaves it "" (and notes why) when no safe short directory exists.
socket=""
tmux_socket() {
  local uid=${EUID:-} dir
  [ -n "$uid" ] || uid=$(id -u)
  if [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -d "$XDG_RUNTIME_DIR" ] && [ -O "$XDG_RUNTIME_DIR" ]; then
    dir="$XDG_RUNTIME_DIR/amplihack-remote"
  else
    dir="${TMUX_TMPDIR:-/tmp}/amplihack-remote-$uid" # tmux's own convention for its sockets
  fi
  [ -d "$dir" ] || mkdir -m 700 -p "$dir" 2>/dev/null || true
  # Someone else's directory (or a link planted in /tmp) must not hold our server's socket.
  if [ -L "$dir" ] || [ ! -d "$dir" ] || [ ! -O "$dir" ]; then
    note "not using tmux: $dir is not a directory owned by uid $uid"
    return 0
  fi
  # Its mode is set once (the mark inside says so): only its owner can have changed it since, and a
  # batch's runs each paid a chmod process for it.
  if [ ! -f "$dir/.mode-set" ]; then chmod 700 "$dir" && : > "$dir/.mode-set"; fi
  # The key names the area's server (the path itself would be too long): random, made by the first
  # run in the area and kept there. The runs of a batch start side by side, in subshells of one
  # shell: the first to create the file (noclobber: an exclusive create) names the server for all.
  # A run that finds the file unreadable (not yet written, or damaged) writes its own key over it and
  # uses that, a server of its own: each run records its socket (tmux_socket), so nothing else
  # depends on the key. Builtins only.
  local key="" key_file="$area_dir/tmux-key" mine
  valid_key() {
    case $1 in [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) return 0 ;; esac
    return 1
  }
  if [ -f "$key_file" ]; then IFS= read -r key < "$key_file" || true; fi
  if ! valid_key "$key"; then
    printf -v mine '%04x%04x%04x' "$RANDOM" "$RANDOM" "$RANDOM"
    set -C
    if { printf '%s\n' "$mine" > "$key_file"; } 2> /dev/null; then
      key=$mine
    else
      key=""
      IFS= read -r key < "$key_file" 2> /dev/null || true
    fi
    set +C
    if ! valid_key "$key"; then
      key=$mine
      printf '%s\n' "$key" 2> /dev/null > "$key_file" || true
    fi
  fi
  local candidate="$dir/$key.sock"
  if [ "${#candidate}" -gt 100 ]; then
    note "not using tmux: the socket path $candidate is longer than a Unix socket allows"
    return 0
  fi
  socket=$candidate
}

if [ -e secrets.fifo ] || [ -L secrets.fifo ]; then rm -f secrets.fifo; fi
mkfifo -m 600 secrets.fifo

holder=""
if command -v tmux >/dev/null 2>&1; then
  tmux_socket
  if [ -n "$socket" ]; then
    # The agent is the session's command (not typed into a shell), so the session ends with it.
    # -e PATH: a tmux server started by an earlier run would otherwise hand this run its old PATH.
    # The runner as argv, run directly by tmux 3.0+ with this bash's own path: a shell between
    # would cost every run of a batch a bash of its own. An older tmux refuses; setsid starts it.
    if err=$(tmux -S "$socket" new-session -d -s "$AR_SESSION" -x 220 -y 50 -e "PATH=$PATH" "$BASH" "$run_dir/remote/runner.sh" "$run_dir" 2>&1); then
      holder=tmux
      printf '%s\n' "$socket" > tmux_socket
    else
      note "tmux failed (${err:-no message}); starting under setsid instead"
    fi
  fi
fi
if [ -z "$holder" ]; then
  if ! command -v setsid >/dev/null 2>&1; then
    rm -f secrets.fifo
    echo "amplihack-remote: cannot detach the run: tmux did not start it and setsid is missing (see $run_dir/runner.log)" >&2
    exit 22
  fi
  printf -v runner_cmd 'exec bash %q %q' "$run_dir/remote/runner.sh" "$run_dir"
  setsid bash -c "$runner_cmd" </dev/null >/dev/null 2>&1 &
  holder=setsid
fi
echo "$holder" > holder

# Waits until the runner opens the FIFO, bounded so a runner that died at birth is reported: the
# FIFO is opened by tee, under timeout (a redirection of this shell's would block in open(2) for
# ever, before any timeout could start). A first line that was not the run's files is a credential:
# it goes first. The lines are copied by builtins.
wait_s=${AR_START_WAIT_SECONDS:-60} # the machine's own override (the tests shorten it)
case $wait_s in '' | *[!0-9]*) wait_s=60 ;; esac
if ! {
  [ -z "$first_line" ] || printf '%s\n' "$first_line"
  while IFS= read -r line || [ -n "$line" ]; do printf '%s\n' "$line"; done
} | timeout "$wait_s" tee secrets.fifo > /dev/null; then
  rm -f secrets.fifo
  echo "amplihack-remote: the runner did not start (no reader on the credentials FIFO within $wait_s s; see $run_dir/runner.log)" >&2
  exit 21
fi
echo "started $AR_RUN_ID"
