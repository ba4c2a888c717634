#!/usr/bin/env bash
# Checks the default agent's tooling on an azlin VM before a run, and installs what is missing:
# independent of the target repository, idempotent, and kept on the VM so a reused VM pays once.
# Every step has its own time bound, so setup never hangs; everything printed here goes to the
# run's runner.log, which comes home with the run's logs.
#
# azlin's cloud-init puts amplihack (amplihack-rs) in /usr/local/bin, on the PATH, and Claude Code
# in ~/.local/bin, which a non-interactive ssh command does not have on its PATH; amplihack's own
# fallback install puts Claude Code in ~/.npm-global/bin. azlin 2.7.3 fails the Claude Code step
# and records that in /var/lib/azlin (provisioning-status, provisioning.tsv).
set -uo pipefail
export PATH="$HOME/.local/bin:$HOME/.npm-global/bin:$PATH"
records=${AZLIN_RECORDS_DIR:-/var/lib/azlin}

say() { printf 'ensure-tooling: %s\n' "$*"; }
die() {
  say "FAILED: $*" >&2
  say "FAILED: $*"
  exit 1
}

# Runs one step under its own bound; stdin closed so nothing waits for input.
bounded() {
  local seconds=$1 what=$2
  shift 2
  say "$what (at most ${seconds}s)"
  timeout --kill-after=10 "$seconds" "$@" < /dev/null
  local rc=$?
  [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && say "$what did not finish within ${seconds}s"
  return "$rc"
}

# --- what azlin says about this VM -------------------------------------------------------------
if [ -r "$records/provisioning-status" ]; then
  status=$(head -c 64 "$records/provisioning-status" | tr -dc 'a-z-')
  if [ "$status" = ok ]; then
    say "azlin provisioning: ok"
  else
    failed=$(awk -F'\t' '$2 == "failed" { printf "%s ", $1 }' "$records/provisioning.tsv" 2> /dev/null)
    say "WARNING: azlin provisioning is ${status:-unknown}; failed sections: ${failed:-not recorded}"
  fi
else
  say "no azlin provisioning record in $records (not an azlin-provisioned VM?)"
fi

# --- Claude Code ---------------------------------------------------------------------------------
if ! command -v claude > /dev/null 2>&1; then
  if ! command -v npm > /dev/null 2>&1; then
    bounded 600 "installing Node.js (for Claude Code)" sudo -n apt-get install -y -qq nodejs npm ||
      die "Claude Code is missing and Node.js could not be installed; on the VM: curl -fsSL https://claude.ai/install.sh | bash"
  fi
  bounded 600 "installing Claude Code into ~/.local" npm install -g --prefix "$HOME/.local" @anthropic-ai/claude-code ||
    die "Claude Code is missing and npm could not install it; on the VM: curl -fsSL https://claude.ai/install.sh | bash"
fi
say "claude: $(command -v claude)"

# --- amplihack (amplihack-rs) --------------------------------------------------------------------
if ! command -v amplihack > /dev/null 2>&1; then
  command -v npx > /dev/null 2>&1 || die "amplihack is missing and so is npx; install amplihack-rs (see its README) on the VM"
  # amplihack-rs's npm wrapper downloads its release binary and runs `amplihack install`.
  bounded 900 "installing amplihack-rs" npx --yes --package=git+https://github.com/rysweet/amplihack-rs.git -- amplihack install ||
    die "amplihack is missing and its install failed; install amplihack-rs (see its README) on the VM"
  command -v amplihack > /dev/null 2>&1 || die "amplihack was installed but is not on the PATH"
fi
say "amplihack: $(command -v amplihack)"
