#!/usr/bin/env bash
# Installs the default agent's tooling on a VM when it is missing: independent of the target
# repository, idempotent, and kept on the VM so a reused VM pays for it once.
set -euo pipefail
export PATH="$HOME/.local/bin:$PATH"

if ! command -v claude >/dev/null 2>&1; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "installing Node.js (for Claude Code)"
    sudo apt-get update -qq && sudo apt-get install -y -qq nodejs npm
  fi
  echo "installing Claude Code"
  npm install -g --prefix "$HOME/.local" @anthropic-ai/claude-code
fi

if ! command -v amplihack >/dev/null 2>&1; then
  if ! command -v uv >/dev/null 2>&1; then
    echo "installing uv"
    curl -LsSf https://astral.sh/uv/install.sh | sh
  fi
  echo "installing amplihack"
  uv tool install --from git+https://github.com/rysweet/amplihack amplihack
fi
command -v amplihack
command -v claude
