#!/usr/bin/env bash
# Runs one task from start to finish on the machine, independent of the laptop that started it:
# restore the repository, run the agent under a timeout enforced here, and pack the results so
# that whoever asks later (the same process, another terminal, the MCP server) can fetch them.
#
# Files in the run directory (the protocol with the local side, see src/remote/protocol.ts):
#   phase       setup | running | collecting | done
#   heartbeat   epoch seconds, refreshed every 5 s while this script lives
#   agent.pid   process group of the agent (the `timeout` wrapper leads it)
#   outcome     succeeded | failed | timed-out | killed | setup-failed
#   exit_code   the agent's exit code, written last
#   results.tar.gz  result.json, results.bundle (if any new commits), refs.txt (final branches
#                   and tags), logs/
set -uo pipefail
trap '' HUP

cd "$1" || exit 90
run_dir=$(pwd -P)
# shellcheck source=/dev/null
. ./params.sh

# Absolute paths: setup runs parts of itself inside the workspace, and a log line written there
# would come home as the agent's uncommitted work.
# The clock from bash itself (5.0+: EPOCHSECONDS, strftime under a TZ of the call's own), not a
# `date` per line: the runner's lines fall between the agent's exit and the laptop fetching its
# results. An older bash (a laptop's 3.2) asks date.
# epoch_now gives whole seconds (the heartbeat and started_at are read by shell arithmetic);
# end_time_now the run's end for result.json, to the microsecond where bash can: the laptop measures
# the run from its creation (milliseconds) to this, and whole seconds made a quick run last 0 s.
if [ "${BASH_VERSINFO[0]}" -ge 5 ]; then
  utc_now() { TZ=UTC printf -v "$1" '%(%Y-%m-%dT%H:%M:%SZ)T' -1; }
  epoch_now() { printf -v "$1" '%s' "$EPOCHSECONDS"; }
  end_time_now() { printf -v "$1" '%s' "${EPOCHREALTIME/,/.}"; } # a locale may write a comma
else
  utc_now() { printf -v "$1" '%s' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"; }
  epoch_now() { printf -v "$1" '%s' "$(date +%s)"; }
  end_time_now() { epoch_now "$1"; }
fi
log() {
  local at
  utc_now at
  printf '%s %s\n' "$at" "$*" >> "$run_dir/runner.log"
}
atomic_write() { printf '%s\n' "$2" > "$run_dir/$1.tmp" && mv -f "$run_dir/$1.tmp" "$run_dir/$1"; }
# Wakes a watcher waiting on the run (watch.sh): a line into its FIFO, opened read-write so this
# never blocks, whether or not anyone is watching.
wake() { if [ -p "$run_dir/wake" ]; then printf 'x\n' 1<> "$run_dir/wake"; fi 2>/dev/null || true; }
set_phase() { atomic_write phase "$1"; log "phase $1"; wake; }

# --- credentials: read from the FIFO into this shell's environment only -------------------------
secret_values=()
if [ -p secrets.fifo ]; then
  exec 3<secrets.fifo
  rm -f secrets.fifo
  while IFS= read -r line <&3 || [ -n "$line" ]; do
    name=${line%%=*}
    value=${line#*=}
    case $name in '' | *[!A-Za-z0-9_]*) continue ;; esac
    export "$name=$value" # a builtin: nothing is exec'd, so nothing shows in any argv
    secret_values+=("$value")
  done
  exec 3<&-
fi

# From here on the runner and its agent run at a lower priority (nice 10): its setup (a dozen git
# commands) and the agent's builds would otherwise take the machine's cores from what must answer at
# once, the starts of the other runs of its batch still going in the same connection, and every
# later status, watch or collect connection. Not before: the start waits for the credentials to be
# read. Alone on the machine, the run loses nothing by it.
# Where the kernel groups processes by session (autogroup, on by default in Ubuntu's kernels), a
# process's nice value only ranks it inside its own session's group, and the runner leads a session
# of its own (tmux or setsid): the group's nice value is the one that counts against ssh sessions.
# The group goes to 19: four runs' groups at 10 would still take 30% of a core from one connection
# (weights 4 x 110 against 1024), at 19 under 6%. Runs on one machine are all at 19, so they share
# its cores among themselves as before.
renice -n 10 -p $$ > /dev/null 2>&1 || true
if [ -w "/proc/$$/autogroup" ]; then printf '19\n' 2> /dev/null > "/proc/$$/autogroup" || true; fi

( while :; do epoch_now beat && printf '%s\n' "$beat" > heartbeat.tmp && mv -f heartbeat.tmp heartbeat; sleep 5; done ) &
heartbeat_pid=$!

# Replaces every credential value in the agent's output before it reaches the log on disk.
redact_stream() {
  if [ ${#secret_values[@]} -eq 0 ]; then
    cat
    return
  fi
  local line v
  while IFS= read -r line || [ -n "$line" ]; do
    for v in "${secret_values[@]}"; do
      [ ${#v} -ge 6 ] && line=${line//"$v"/[REDACTED]}
    done
    printf '%s\n' "$line"
  done
}

agent_rc=""
status="failed"
cache_pid="" # the repository cache's update, going on in the background (setup)

# What the agent left in its workspace (modified, deleted and untracked non-ignored files) becomes
# one labelled commit on top of its own, so it comes home like any other result: after a success,
# a failure, a timeout or a kill alike. A copy of the agent's index is staged, never its own index.
# On a detached HEAD that no branch holds, a branch is made for it so the bundle carries it.
UNCOMMITTED_TRAILER="Amplihack-Remote-Uncommitted-Work"
record_uncommitted() {
  [ -f started_at ] && [ -d workspace/.git ] || return 0
  local head tree new index="$run_dir/uncommitted.index"
  head=$(git -C workspace rev-parse --verify --quiet 'HEAD^{commit}') || return 0
  cp -f workspace/.git/index "$index" 2>/dev/null || rm -f "$index"
  if ! GIT_INDEX_FILE=$index git -C workspace add -A -- . >> runner.log 2>&1 ||
    ! tree=$(GIT_INDEX_FILE=$index git -C workspace write-tree 2>> runner.log); then
    log "could not record the agent's uncommitted work"
    rm -f "$index"
    return 0
  fi
  rm -f "$index"
  if [ "$tree" != "$(git -C workspace rev-parse "$head^{tree}")" ]; then
    new=$(GIT_AUTHOR_NAME=amplihack-remote GIT_AUTHOR_EMAIL=amplihack-remote@localhost \
      GIT_COMMITTER_NAME=amplihack-remote GIT_COMMITTER_EMAIL=amplihack-remote@localhost \
      git -C workspace commit-tree "$tree" -p "$head" \
      -m "amplihack-remote: uncommitted work left by the agent (run $AR_RUN_ID)" \
      -m "The agent left these changes in its workspace without committing them; amplihack-remote recorded them so they are not lost." \
      -m "$UNCOMMITTED_TRAILER: $AR_RUN_ID" 2>> runner.log) || { log "could not commit the uncommitted work"; return 0; }
    local branch
    if branch=$(git -C workspace symbolic-ref --quiet HEAD); then
      git -C workspace update-ref -m "amplihack-remote: uncommitted work" "$branch" "$new" "$head" >> runner.log 2>&1
    else
      git -C workspace update-ref --no-deref HEAD "$new" "$head" >> runner.log 2>&1
    fi
    log "recorded the agent's uncommitted work as $new"
    head=$new
  fi
  if ! git -C workspace symbolic-ref --quiet HEAD > /dev/null &&
    [ -z "$(git -C workspace for-each-ref --contains "$head" --count=1 refs/heads)" ]; then
    git -C workspace update-ref "refs/heads/amplihack-remote/detached-$AR_RUN_ID" "$head" >> runner.log 2>&1
    log "the agent's detached HEAD $head kept as branch amplihack-remote/detached-$AR_RUN_ID"
  fi
}

# --- issue 15: the --check step (best of N; core/attempts/) ----------------------------------------
# AR_CHECK, when set, runs by bash in the workspace after the agent and after its uncommitted work is
# recorded (so nothing the check writes changes what comes home), under its own timeout
# (AR_CHECK_TIMEOUT_SECONDS, bounded by the run's on the local side). It leads its own process group
# through agent.pid, so `kill` stops it as it stops the agent. Its output (redacted like the agent's)
# and its exit code come home with the logs: logs/check.log and logs/check.exit. It is skipped when
# the agent never ran or was killed: there is no result to check then.
run_check() {
  [ -n "${AR_CHECK:-}" ] || return 0
  if [ ! -f started_at ] || [ "$status" = killed ] || [ "$status" = setup-failed ] || [ ! -d workspace ]; then
    log "check skipped: the agent did not run to an end"
    return 0
  fi
  log "running the check"
  rm -f check.out
  mkfifo check.out
  redact_stream < check.out > check.log &
  local redact=$! rc
  (
    cd workspace || exit 92
    exec timeout --kill-after=10 "${AR_CHECK_TIMEOUT_SECONDS:-900}" bash -c "$AR_CHECK"
  ) < /dev/null > check.out 2>&1 &
  echo "$!" > agent.pid
  wait "$!"
  rc=$?
  wait "$redact"
  rm -f check.out agent.pid
  mkdir -p logs
  printf '%s\n' "$rc" > logs/check.exit
  cp -f check.log logs/ 2>/dev/null
  log "check exited $rc"
}
# --- end of the --check step ---------------------------------------------------------------------

collect_and_finish() {
  set_phase collecting
  record_uncommitted
  run_check
  rm -f results.bundle refs.txt
  local has_bundle=false
  if [ -d workspace/.git ]; then
    # Only the commits the run made: everything the shipped heads already contain is excluded.
    local not_args=()
    for c in $AR_SHIPPED_COMMITS; do not_args+=("^$c"); done
    # Branches and tags as they ended (the local side tells deleted ones from unchanged ones); not
    # after a failed setup, which never had them all in place (the agent deleted nothing).
    if [ "${status:-}" != "setup-failed" ]; then
      git -C workspace for-each-ref --format='%(objectname) %(refname)' refs/heads refs/tags > refs.txt 2>> runner.log
    fi
    if out=$(git -C workspace bundle create --quiet ../results.bundle --branches --tags "${not_args[@]}" 2>&1); then
      has_bundle=true
    elif printf '%s' "$out" | grep -q "empty bundle"; then
      log "no new commits"
    else
      log "results bundle failed: $out"
    fi
  fi
  # The repository cache's update logs to runner.log: it ends before the log is taken.
  [ -n "$cache_pid" ] && wait "$cache_pid" 2>/dev/null
  mkdir -p logs
  cp -f agent.log runner.log logs/ 2>/dev/null
  if [ -d workspace/.claude/runtime/logs ]; then
    mkdir -p logs/claude-runtime
    cp -R workspace/.claude/runtime/logs/. logs/claude-runtime/ 2>/dev/null
  fi
  local started=null ended
  { IFS= read -r started || [ -n "$started" ]; } 2>/dev/null < started_at || started=null
  end_time_now ended
  printf '{"runId":"%s","status":"%s","exitCode":%s,"startedAt":%s,"endedAt":%s,"hasBundle":%s}\n' \
    "$AR_RUN_ID" "$status" "${agent_rc:-null}" "$started" "$ended" "$has_bundle" > result.json
  local members=(result.json logs)
  [ -f refs.txt ] && members+=(refs.txt)
  [ "$has_bundle" = true ] && members+=(results.bundle)
  tar -czf results.tar.gz.tmp "${members[@]}" && mv -f results.tar.gz.tmp results.tar.gz
  atomic_write outcome "$status"
  set_phase done
  atomic_write exit_code "${agent_rc:-255}"
  wake
  kill "$heartbeat_pid" 2>/dev/null
  exit 0
}

fail_setup() {
  log "setup failed: $*"
  printf 'amplihack-remote setup failed: %s\n' "$*" >> agent.log
  status="setup-failed"
  agent_rc=""
  collect_and_finish
}

# --- setup --------------------------------------------------------------------------------------
set_phase setup
: > agent.log
# The VM keeps one bare repository per project (keyed by its root commit) holding everything
# earlier runs received, so a reused VM is sent only the objects it lacks (a thin bundle).
area_dir=${run_dir%/*/*} # <area>/runs/<id>; run_dir is physical (pwd -P)
cache="$area_dir/cache/${AR_REPO_KEY:-none}.git"
# Runs started together race to make the cache: one that saw the folder while another was still
# initialising it would push into a half-made repository. mkdir is the portable atomic lock; a lock
# left by a killed runner is waited out (bounded) rather than trusted for ever.
ensure_cache() {
  [ -f "$cache/HEAD" ] && return 0
  mkdir -p "${cache%/*}" || return 1
  local i
  for i in $(seq 1 100); do mkdir "$cache.lock" 2>/dev/null && break; sleep 0.1; done
  [ -f "$cache/HEAD" ] || git init -q --bare "$cache"
  local rc=$?
  rmdir "$cache.lock" 2>/dev/null
  return $rc
}
git init -q workspace || fail_setup "git init"
cd workspace || fail_setup "cd workspace"
if [ "${AR_THIN:-0}" = 1 ]; then
  [ -d "$cache" ] || { cd ..; fail_setup "a thin upload was sent but the VM's repository cache is gone; run again with --no-reuse"; }
  git fetch -q "$cache" '+refs/runs/*:refs/amplihack-import/cache/*' >> ../runner.log 2>&1 ||
    { cd ..; fail_setup "reading the VM's repository cache"; }
fi
# heads.txt lists the shipped refs as the laptop read them ("<sha> <ref>" lines, HEAD among them
# when it ships). A thin bundle leaves out the refs whose commits the cache holds, HEAD too: whether
# the bundle itself holds HEAD is read from its header (text up to the first empty line), by
# builtins, not by asking git.
ships_head=false
if [ -f ../repo.bundle ]; then
  while IFS= read -r line; do
    [ -z "$line" ] && break
    case $line in -*) ;; *" HEAD") ships_head=true ;; esac # a prerequisite line ends in a subject
  done < ../repo.bundle
  # No separate `git bundle verify`: the fetch checks the same prerequisites and fails the same way.
  # A fetch from a bundle unpacks all of it, but only when some refspec matches: a bundle can hold
  # nothing but HEAD (a detached HEAD, no branch or tag).
  specs=('+refs/*:refs/amplihack-import/bundle/*')
  [ "$ships_head" = true ] && specs+=('+HEAD:refs/amplihack-import/HEAD')
  git fetch -q ../repo.bundle "${specs[@]}" >> ../runner.log 2>&1 || { cd ..; fail_setup "fetch from bundle (it does not verify here: see runner.log)"; }
fi
# The shipped branches and tags, exactly as the user has them, and the fetch's own names for the
# bundle's refs gone, in one transaction (deleting a name the fetch did not make is no error).
while read -r sha ref; do
  case $ref in
    HEAD) printf 'delete refs/amplihack-import/HEAD\n' ;;
    refs/heads/* | refs/tags/*) printf 'update %s %s\ndelete refs/amplihack-import/bundle/%s\n' "$ref" "$sha" "${ref#refs/}" ;;
    refs/*) printf 'delete refs/amplihack-import/bundle/%s\n' "${ref#refs/}" ;;
  esac
done < ../heads.txt | git update-ref --stdin >> ../runner.log 2>&1 || { cd ..; fail_setup "restoring the shipped refs"; }
git cat-file -e "$AR_START_COMMIT^{commit}" 2>/dev/null || { cd ..; fail_setup "the start commit $AR_START_COMMIT is missing"; }
# A thin upload also fetched the cache's refs, under names only a listing finds.
if [ "${AR_THIN:-0}" = 1 ]; then
  git for-each-ref --format='delete %(refname)' refs/amplihack-import | git update-ref --stdin
fi
git config user.name "$AR_GIT_NAME"
git config user.email "$AR_GIT_EMAIL"
if [ -n "$AR_BRANCH" ]; then
  git checkout -q -B "$AR_BRANCH" "$AR_START_COMMIT" >> ../runner.log 2>&1 || { cd ..; fail_setup "checkout"; }
else
  git checkout -q -b "amplihack-remote/$AR_RUN_ID" "$AR_START_COMMIT" >> ../runner.log 2>&1 || { cd ..; fail_setup "checkout"; }
fi
# The cache is for the next run on this machine, not for this one: it is brought up to date beside
# the rest of setup and the agent (a first push packs the whole history, seconds on a large
# repository), and awaited before the run's logs are taken. A later run's claim names only the commits the
# cache holds by then, so a push still going on makes its upload less thin, never wrong.
if [ "${AR_REPO_KEY:-}" ]; then
  (
    ensure_cache && git push -q --force "$cache" "+refs/heads/*:refs/runs/$AR_RUN_ID/heads/*" "+refs/tags/*:refs/runs/$AR_RUN_ID/tags/*" \
        >> ../runner.log 2>&1 || log "could not update the repository cache (the next run sends everything)"
    # Keep the cache to the runs still on this machine.
    git -C "$cache" for-each-ref --format='%(refname)' refs/runs/ | while read -r ref; do
      r=${ref#refs/runs/}
      [ -d "$area_dir/runs/${r%%/*}" ] || printf 'delete %s\n' "$ref"
    done | git -C "$cache" update-ref --stdin 2>/dev/null
  ) < /dev/null &
  cache_pid=$!
fi
if [ -d ../claude-dir ]; then
  mkdir -p .claude
  cp -R ../claude-dir/. .claude/ || { cd ..; fail_setup "copy .claude"; }
fi
# What the runner put in the workspace is not the agent's work: the untracked .claude files copied
# above and the tooling's runtime state (its logs come home as logs) stay out of the agent's
# `git status` and out of the record of its uncommitted work. Exact paths, glob characters escaped.
{
  printf '/.claude/runtime/\n'
  git ls-files -z --others --exclude-standard -- .claude | while IFS= read -r -d '' path; do
    printf '/%s\n' "$(printf '%s' "$path" | sed 's/[][*?!#\\]/\\&/g')"
  done
} >> .git/info/exclude
cd "$run_dir" || exit 91

if [ "${AR_ENSURE_AMPLIHACK:-0}" = 1 ]; then
  bash remote/ensure-tooling.sh >> runner.log 2>&1 || fail_setup "installing the agent tooling (see runner.log)"
  export PATH="$HOME/.local/bin:$PATH"
fi

# --- issue 15: continuing an earlier run (core/continue/) ----------------------------------------
# AR_CONTINUE_FROM names the run this one continues. When that run's directory is still on this
# machine (it was kept: its workspace and session are what the agent left), the agent's Claude Code conversations from its workspace are copied to this
# workspace's project directory (Claude Code keeps them under ~/.claude/projects/<the working
# directory with every character but letters and digits made '-'>), so `--continue` resumes that
# conversation here. AR_RESUME_ARG is the agent argument asking for that (the local side adds it
# for the default agent); with no conversation to resume it is taken out again, so the agent starts
# afresh from the earlier run's commits instead of failing. Any agent learns both facts from its
# environment: AMPLIHACK_REMOTE_CONTINUED_FROM and AMPLIHACK_REMOTE_SESSION_KEPT (1 or 0).
session_kept=0
if [ -n "${AR_CONTINUE_FROM:-}" ]; then
  claude_projects="${CLAUDE_CONFIG_DIR:-$HOME/.claude}/projects"
  project_key() { printf '%s' "$1" | sed 's/[^A-Za-z0-9]/-/g'; }
  parent_ws="$area_dir/runs/$AR_CONTINUE_FROM/workspace"
  from="$claude_projects/$(project_key "$parent_ws")"
  to="$claude_projects/$(project_key "$run_dir/workspace")"
  if [ -d "$area_dir/runs/$AR_CONTINUE_FROM" ] && [ -d "$from" ] && [ -n "$(ls -A "$from" 2>/dev/null)" ]; then
    mkdir -p "$to" && cp -R "$from/." "$to/" && session_kept=1
    # The conversation names the earlier run's workspace in every path it touched (tool calls,
    # its cwd). Resumed as is, the agent would go on editing there, where nothing is collected:
    # those paths are pointed at this run's workspace. Both are pwd -P paths under our area.
    sed_literal() { printf '%s' "$1" | sed 's/[][\.*^$|&/]/\\&/g'; }
    old_path=$(sed_literal "$parent_ws")
    new_path=$(sed_literal "$run_dir/workspace")
    find "$to" -type f -name '*.jsonl' -exec sed -i "s|$old_path|$new_path|g" {} + ||
      log "warning: could not point the carried-over conversation at this workspace"
  fi
  log "continuing run $AR_CONTINUE_FROM; its agent session $([ "$session_kept" = 1 ] && echo "carried over" || echo "is not on this machine")"
  export AMPLIHACK_REMOTE_CONTINUED_FROM="$AR_CONTINUE_FROM"
fi
export AMPLIHACK_REMOTE_SESSION_KEPT="$session_kept"
# --- end of continuing ---------------------------------------------------------------------------

# --- run ----------------------------------------------------------------------------------------
agent_argv=()
while IFS= read -r -d '' arg; do agent_argv+=("$arg"); done < agent.argv
# An agent shipped in the archive is named relative to the run directory.
case ${agent_argv[0]} in agent/*) agent_argv[0]="$run_dir/${agent_argv[0]}" ;; esac
# (issue 15, continuing) No conversation to resume: the resume argument goes (its first occurrence,
# which the local side puts before the prompt).
if [ -n "${AR_RESUME_ARG:-}" ] && [ "$session_kept" != 1 ]; then
  kept_argv=()
  dropped=0
  for arg in "${agent_argv[@]}"; do
    if [ "$dropped" = 0 ] && [ "$arg" = "$AR_RESUME_ARG" ]; then dropped=1; continue; fi
    kept_argv+=("$arg")
  done
  agent_argv=("${kept_argv[@]}")
fi

export AMPLIHACK_REMOTE_COMMAND="$AR_COMMAND"
export AMPLIHACK_REMOTE_MAX_TURNS="$AR_MAX_TURNS"
export AMPLIHACK_REMOTE_RUN_ID="$AR_RUN_ID"

# A kill that arrived during setup (before there was an agent to signal) is honoured here.
if [ -f killed ]; then
  status="killed"
  log "killed before the agent started"
  collect_and_finish
fi

set_phase running
epoch_now started && printf '%s\n' "$started" > started_at
rm -f agent.out
mkfifo agent.out
redact_stream < agent.out >> agent.log &
redact_pid=$!
(
  cd workspace || exit 92
  # timeout leads its own process group, so `kill -- -PGID` stops exactly this run's agent.
  exec timeout --kill-after=30 "$AR_TIMEOUT_SECONDS" "${agent_argv[@]}"
) < /dev/null > agent.out 2>&1 &
agent_pid=$!
echo "$agent_pid" > agent.pid
wait "$agent_pid"
agent_rc=$?
wait "$redact_pid"
rm -f agent.out agent.pid

if [ -f killed ]; then
  status="killed"
elif [ "$agent_rc" -eq 124 ] || { [ "$agent_rc" -eq 137 ] && [ $(($(date +%s) - $(cat started_at))) -ge "$AR_TIMEOUT_SECONDS" ]; }; then
  status="timed-out"
elif [ "$agent_rc" -eq 0 ]; then
  status="succeeded"
else
  status="failed"
fi
log "agent exited $agent_rc ($status)"
collect_and_finish
