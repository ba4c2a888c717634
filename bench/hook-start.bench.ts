/**
 * The plugin's hook runs before every Claude Code session and every prompt the user submits, and
 * the user waits for it. This measures `node dist/hook.js user-prompt-submit` when nothing is new
 * (the usual case: the front end's quick look), the full hook doing the same work
 * (`node dist/hook-core.js`, which is what dist/hook.js was before it had a front end), against the
 * floor of `node -e 0`, in the same run, interleaved so load affects each alike.
 *
 *   npm run build && npx tsx bench/hook-start.bench.ts
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { median } from "./support.js";

const RUNS = 15;
const FRONT = resolve("dist/hook.js");
const CORE = resolve("dist/hook-core.js");
if (!existsSync(FRONT) || !existsSync(CORE))
  throw new Error("dist/hook*.js are missing: run `npm run build`");

// A state file with some history in it: finished runs of another repository, all announced.
const state = mkdtempSync(join(tmpdir(), "ar-bench-hook-"));
const runs: Record<string, object> = {};
for (let i = 0; i < 200; i++) {
  const id = `20261201-0000${String(i).padStart(2, "0")}-ab${String(i % 100).padStart(2, "0")}`;
  runs[id] = {
    id,
    repo: "/elsewhere/repo",
    status: "succeeded",
    announcedAt: "2026-12-01T00:00:00Z",
    createdAt: "2026-12-01T00:00:00Z",
    updatedAt: "2026-12-01T00:00:00Z",
  };
}
writeFileSync(join(state, "state.json"), JSON.stringify({ schemaVersion: 1, runs }));

/** Spawn to exit, in ms. */
function time(args: string[]): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ["pipe", "ignore", "ignore"],
    env: { ...process.env, AMPLIHACK_REMOTE_STATE_DIR: state },
    cwd: tmpdir(),
  });
  child.stdin.end(JSON.stringify({ cwd: tmpdir(), hook_event_name: "UserPromptSubmit" }));
  return new Promise((res, rej) => {
    child.once("error", rej);
    child.once("exit", () => res(performance.now() - t0));
  });
}

const cases = {
  "node -e 0": ["-e", "0"],
  "dist/hook.js (front end)": [FRONT, "user-prompt-submit"],
  "dist/hook-core.js (full hook)": [CORE, "user-prompt-submit"],
} as const;
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
const load0 = loadavg();
for (let i = 0; i < RUNS; i++) {
  for (const [name, args] of Object.entries(cases)) samples[name].push(await time([...args]));
}
const floor = median(samples["node -e 0"]);
console.log(`hook start-up, nothing new, ${RUNS} interleaved runs each (state file of 200 runs)`);
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs);
  console.log(
    `  ${name.padEnd(32)} median ${m.toFixed(0).padStart(5)} ms  ${(m / floor).toFixed(2)}x node -e 0`,
  );
}
console.log(
  `load average before: ${load0.map((l) => l.toFixed(1)).join(" ")}; after: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
rmSync(state, { recursive: true, force: true });
