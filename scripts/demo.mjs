// `npm run demo`: the whole pipeline on the local target, no Azure needed. Makes a scratch repo
// with uncommitted work, runs the example agent through `amplihack-remote exec --target local`,
// and shows the branch that came home.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "cli.js");
const agent = join(root, "examples", "agents", "commit-agent.sh");
const scratch = mkdtempSync(join(tmpdir(), "amplihack-remote-demo-"));
const repo = join(scratch, "project");
const git = (...args) =>
  execFileSync("git", args, { cwd: repo, stdio: ["ignore", "pipe", "inherit"] }).toString();
const env = {
  ...process.env,
  AMPLIHACK_REMOTE_STATE_DIR: join(scratch, "state"),
  GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? "Demo User",
  GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? "demo@example.invalid",
  GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? "Demo User",
  GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? "demo@example.invalid",
};

mkdirSync(join(repo, ".claude"), { recursive: true });
execFileSync("git", ["init", "-q", "-b", "main", repo]);
writeFileSync(join(repo, "README.md"), "# Demo project\n");
writeFileSync(join(repo, ".claude", "settings.json"), '{ "permissions": {} }\n');
git("add", "-A");
execFileSync("git", ["commit", "-q", "-m", "Initial commit"], { cwd: repo, env });
// Uncommitted work travels too, as a snapshot commit: the user's tree stays as it is.
writeFileSync(join(repo, "README.md"), "# Demo project\n\nWork in progress.\n");

console.log(`Demo repository: ${repo}\n`);
const run = spawnSync(
  process.execPath,
  [cli, "exec", "--target", "local", "--agent-command", agent, "auto", "Write a haiku about remote VMs"],
  { cwd: repo, env, stdio: "inherit" },
);
if (run.status !== 0) {
  console.error(`\namplihack-remote exited ${run.status}`);
  process.exit(run.status ?? 1);
}
console.log("\n$ git log --oneline remote-exec/main");
process.stdout.write(execFileSync("git", ["log", "--oneline", "remote-exec/main"], { cwd: repo }).toString());
console.log("\n$ git status --short   (your working tree is untouched)");
process.stdout.write(execFileSync("git", ["status", "--short"], { cwd: repo }).toString());
