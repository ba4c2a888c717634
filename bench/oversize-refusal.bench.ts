/**
 * Issue 12, item 4: an untracked 600 MB file over --max-size is refused before anything is hashed
 * or written. Measures the time from `exec` to the refusal (the whole validate + package path on
 * the local target) against the floor of `git status` on the same repository in the same run, and
 * the size of .git before and after (it must not change). The file is sparse: the size check reads
 * sizes from the file system, so a sparse file is refused exactly as a real one would be.
 *
 *   npx tsx bench/oversize-refusal.bench.ts
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTarget } from "../src/core/app/targets.js";
import { executeRun } from "../src/core/workflow/execute-run.js";
import { StateStore } from "../src/state/store.js";
import { RemoteError } from "../src/util/errors.js";
import { defaultRunner } from "../src/util/run.js";
import { generateRepo, median } from "./support.js";

const RUNS = 5;
const work = mkdtempSync(join(tmpdir(), "ar-bench-oversize-"));

function gitDirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const abs = join(dir, name);
    const st = statSync(abs);
    total += st.isDirectory() ? gitDirBytes(abs) : st.size;
  }
  return total;
}

function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

try {
  // 2,000 files, 200 commits: a modest project (generated once under .bench-tmp/, reused).
  const repo = generateRepo("oversize-refusal", 2000, 200, 20);
  mkdirSync(join(repo, ".claude"), { recursive: true });
  writeFileSync(join(repo, ".claude", "settings.json"), "{}\n");
  writeFileSync(join(repo, "huge.bin"), "");
  truncateSync(join(repo, "huge.bin"), 600 * 1024 * 1024);
  execFileSync("git", ["status", "--porcelain"], { cwd: repo }); // warm the index's stat cache
  const before = gitDirBytes(join(repo, ".git"));

  const floor: number[] = [];
  const refusal: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(timed(() => spawnSync("git", ["status", "--porcelain"], { cwd: repo })));
    const state = mkdtempSync(join(work, "state-"));
    const t0 = performance.now();
    const outcome = await executeRun(
      {
        runner: defaultRunner,
        store: new StateStore(join(state, "state.json")),
        target: (name) => createTarget(name, { runner: defaultRunner, stateDir: state }),
        env: process.env,
        cwd: repo,
        scanCacheDir: join(state, "scan-cache"),
      },
      {
        command: "auto",
        prompt: "x",
        target: "local",
        agentCommand: [resolve("test/fixtures/agents/recording-agent.sh")],
        maxSizeMb: 100,
      },
    ).then(
      () => "ran",
      (err) => (err instanceof RemoteError ? err.code : String(err)),
    );
    refusal.push(performance.now() - t0);
    if (outcome !== "too-large") throw new Error(`expected a too-large refusal, got ${outcome}`);
  }
  const after = gitDirBytes(join(repo, ".git"));
  const f = median(floor);
  const r = median(refusal);
  console.log(`git status (floor)          median ${f.toFixed(0)} ms`);
  console.log(`refuse 600 MB untracked     median ${r.toFixed(0)} ms  (${(r / f).toFixed(1)}x git status)`);
  console.log(
    `.git before ${before} bytes, after ${after} bytes (${after === before ? "unchanged" : "CHANGED"})`,
  );
} finally {
  rmSync(join(process.cwd(), ".bench-tmp", "oversize-refusal", "huge.bin"), { force: true });
  rmSync(work, { recursive: true, force: true });
}
