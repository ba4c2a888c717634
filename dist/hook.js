#!/usr/bin/env node
import { createRequire as __amplihackCreateRequire } from 'node:module';
const require = __amplihackCreateRequire(import.meta.url);
import { fileURLToPath as __amplihackFileURLToPath } from 'node:url';
const __filename = __amplihackFileURLToPath(import.meta.url);
const __dirname = __amplihackFileURLToPath(new URL('.', import.meta.url));

// src/core/notify/quick-look.ts
import { realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { sep } from "node:path";

// src/state/paths.ts
import { homedir } from "node:os";
import { join } from "node:path";

// src/util/errors.ts
var ExitCode = {
  ok: 0,
  /** The agent ran and exited non-zero, or the run failed on the target. */
  runFailed: 1,
  /** Bad options or arguments: nothing was started. */
  usage: 2,
  /** The secret gate blocked the upload. */
  secretFound: 3,
  /** The local environment is not ready (git, azlin, credential, tmux...). */
  environment: 4,
  /** The target (VM, azlin, ssh, transfer) failed. */
  target: 5,
  /** The agent hit the timeout. */
  timedOut: 6,
  /** The user interrupted us (Ctrl-C, SIGTERM) or killed the run. */
  interrupted: 130
};
var exitCodeFor = {
  usage: ExitCode.usage,
  "not-a-repo": ExitCode.environment,
  "no-commits": ExitCode.environment,
  "no-claude-dir": ExitCode.environment,
  "no-credential": ExitCode.environment,
  "missing-tool": ExitCode.environment,
  "secret-found": ExitCode.secretFound,
  "too-large": ExitCode.usage,
  "package-failed": ExitCode.environment,
  "azlin-missing": ExitCode.environment,
  "azlin-version": ExitCode.environment,
  "azlin-auth": ExitCode.environment,
  "azlin-no-rg": ExitCode.environment,
  "azlin-quota": ExitCode.target,
  "azlin-sku": ExitCode.target,
  "azlin-not-found": ExitCode.target,
  "azlin-timeout": ExitCode.target,
  "azlin-ssh": ExitCode.target,
  "azlin-failed": ExitCode.target,
  "transfer-failed": ExitCode.target,
  "remote-failed": ExitCode.target,
  "run-not-found": ExitCode.usage,
  "integrate-failed": ExitCode.runFailed,
  "state-corrupt": ExitCode.environment,
  "state-locked": ExitCode.environment,
  "state-unwritable": ExitCode.environment,
  "local-io": ExitCode.environment,
  interrupted: ExitCode.interrupted,
  "unsafe-archive": ExitCode.target,
  internal: ExitCode.runFailed
};

// src/state/paths.ts
function stateDir(env = process.env) {
  if (env.AMPLIHACK_REMOTE_STATE_DIR) return env.AMPLIHACK_REMOTE_STATE_DIR;
  if (env.CLAUDE_PLUGIN_DATA) return join(env.CLAUDE_PLUGIN_DATA, "state");
  const xdg = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  return join(xdg, "amplihack-remote");
}
var runsFile = (base = stateDir()) => join(base, "state.json");

// src/state/run-statuses.ts
var RUN_STATUSES = [
  "pending",
  /** Waiting for a VM: quota or --max-vms left none free (src/core/queue/). */
  "queued",
  "running",
  "succeeded",
  "failed",
  "timed-out",
  "killed",
  "blocked",
  "error"
];
var FINISHED = RUN_STATUSES.filter(
  (s) => s !== "pending" && s !== "queued" && s !== "running"
);

// src/core/notify/quick-look.ts
function bothPaths(dir) {
  try {
    return [.../* @__PURE__ */ new Set([dir, realpathSync(dir)])];
  } catch {
    return [dir];
  }
}
function inRepo(cwd, repo) {
  return bothPaths(cwd).some((c) => bothPaths(repo).some((r) => c === r || c.startsWith(r + sep)));
}
function stateDirsToAnnounce(env) {
  const { CLAUDE_PLUGIN_DATA: _plugin, ...outside } = env;
  return [.../* @__PURE__ */ new Set([stateDir(env), stateDir(outside)])];
}
function isUnannouncedFinished(record) {
  const r = record;
  return typeof r === "object" && r !== null && (r.announcedAt === null || r.announcedAt === void 0) && typeof r.status === "string" && FINISHED.includes(r.status);
}
function isNews(record, cwd) {
  const repo = record?.repo;
  return isUnannouncedFinished(record) && typeof repo === "string" && inRepo(cwd, repo);
}
async function quickLook(cwd, env) {
  for (const dir of stateDirsToAnnounce(env)) {
    let text;
    try {
      text = await readFile(runsFile(dir), "utf8");
    } catch (err) {
      if (err.code === "ENOENT") continue;
      return "maybe";
    }
    let runs;
    try {
      runs = JSON.parse(text).runs;
    } catch {
      return "maybe";
    }
    if (typeof runs !== "object" || runs === null) return "maybe";
    if (Object.values(runs).some((r) => isNews(r, cwd))) return "maybe";
  }
  return "none";
}

// src/cli/hook-input.ts
var HOOK_EVENTS = {
  "session-start": "SessionStart",
  "user-prompt-submit": "UserPromptSubmit"
};
function sessionCwd(input2) {
  try {
    const parsed = JSON.parse(input2);
    if (typeof parsed.cwd === "string" && parsed.cwd) return parsed.cwd;
  } catch {
  }
  return process.cwd();
}
async function readStdin() {
  if (process.stdin.isTTY) return "";
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

// src/cli/hook-front.ts
var event = process.argv[2] ?? "";
var input = await readStdin();
if (event in HOOK_EVENTS && await quickLook(sessionCwd(input), process.env) === "none") {
  process.exitCode = 0;
} else {
  const core = await import(new URL("./hook-core.js", import.meta.url).href);
  process.exitCode = await core.runHook(event, input);
}
