#!/usr/bin/env bash
# An example agent for amplihack-remote (used by `npm run demo` and the tests).
#
# amplihack-remote runs an agent in a checkout of your repository with the prompt as its LAST
# argument, and AMPLIHACK_REMOTE_COMMAND / AMPLIHACK_REMOTE_MAX_TURNS / AMPLIHACK_REMOTE_RUN_ID
# in its environment. This one records the prompt in AGENT_NOTES.md and commits it, which is
# enough to watch a whole run come home as a remote-exec/ branch.
set -euo pipefail

prompt=${!#}
echo "example agent: command=${AMPLIHACK_REMOTE_COMMAND:-?} max-turns=${AMPLIHACK_REMOTE_MAX_TURNS:-?} run=${AMPLIHACK_REMOTE_RUN_ID:-?}"
echo "example agent: working in $(pwd) on branch $(git rev-parse --abbrev-ref HEAD)"

{
  printf '## Task %s (%s)\n\n' "${AMPLIHACK_REMOTE_RUN_ID:-local}" "${AMPLIHACK_REMOTE_COMMAND:-auto}"
  printf '%s\n\n' "$prompt"
} >> AGENT_NOTES.md

git add AGENT_NOTES.md
subject=$(printf '%s' "$prompt" | head -n 1 | cut -c 1-60)
git commit -q -m "agent: ${subject}"
echo "example agent: committed $(git rev-parse --short HEAD) \"agent: ${subject}\""
