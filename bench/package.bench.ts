/**
 * Packaging benchmark: how long building the context archive takes (secret gate, WIP snapshot,
 * bundle, archive) against the floor of a bare `git bundle create` of the same refs, measured in
 * the same run on the same generated repository. Each package is paired with a floor measured just
 * before it, so a busy machine weighs on both alike; the ratio printed is per pair.
 *
 * Cold: empty scan and package caches. Warm: the same refs and work again (verdicts and the bundle
 * kept). Then uncommitted work (a new snapshot, so a new bundle), and that work packaged again.
 * Goal (issue 14): warm within 3x the floor.
 *
 *   npx tsx bench/package.bench.ts
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { agentInvocation } from "../src/core/agent-invocation.js";
import { runOptionsSchema } from "../src/core/options.js";
import { createGit } from "../src/git/git.js";
import { readRepoFacts } from "../src/git/repo-facts.js";
import { buildContext } from "../src/package/build-context.js";
import { generateRepo, median, time } from "./support.js";

const FILES = 3000;
const COMMITS = 400;
const WARM_PAIRS = 5;
const repo = generateRepo(`package-${FILES}x${COMMITS}`, FILES, COMMITS, 15);
const objects = execFileSync("git", ["count-objects", "-v"], { cwd: repo }).toString();
const work = mkdtempSync(join(tmpdir(), "ar-bench-"));
const floorFile = join(work, "floor.bundle");

async function floor(): Promise<number> {
  return (
    await time(() =>
      execFileSync("git", ["bundle", "create", "-q", floorFile, "--branches", "--tags", "HEAD"], {
        cwd: repo,
      }),
    )
  ).ms;
}

const facts = await readRepoFacts(repo);
const git = createGit(repo);
const options = runOptionsSchema.parse({
  command: "auto",
  prompt: "bench",
  target: "local",
  agentCommand: ["true"],
});
const agent = { argv: agentInvocation(options).argv, ensureTooling: false };
const cacheDir = join(work, "scan-cache");
const packageCacheDir = join(work, "package-cache");
const pairs: { label: string; floorMs: number; ms: number }[] = [];

async function pair(label: string): Promise<void> {
  const floorMs = await floor();
  const { ms, value } = await time(() =>
    buildContext({
      git,
      facts,
      runId: `bench-${pairs.length}`,
      options,
      agent,
      cwd: repo,
      cacheDir,
      packageCacheDir,
    }),
  );
  rmSync(value.dir, { recursive: true, force: true });
  pairs.push({ label, floorMs, ms });
}

await pair("cold (empty caches)");
for (let i = 0; i < WARM_PAIRS; i++) await pair("warm (same refs and work)");
// Uncommitted work: an edit to a tracked file and a new file (both undone at the end).
appendFileSync(join(repo, "src/mod0/file0.ts"), "export const edited = 1;\n");
appendFileSync(join(repo, "bench-new.ts"), "export const added = 1;\n");
try {
  await pair("new uncommitted work");
  await pair("warm (same work again)");
} finally {
  rmSync(join(repo, "bench-new.ts"), { force: true });
  execFileSync("git", ["checkout", "--", "src/mod0/file0.ts"], { cwd: repo });
}

const ratio = (p: { floorMs: number; ms: number }) => p.ms / p.floorMs;
const warm = pairs.filter((p) => p.label.startsWith("warm (same refs"));
console.log(
  `repository: ${FILES} files, ${COMMITS} commits; ${objects.match(/count: \d+|in-pack: \d+/g)?.join(", ")}`,
);
console.log(`bundle size: ${(statSync(floorFile).size / 1024 / 1024).toFixed(1)} MB`);
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} (2 cores)`,
);
console.log(
  "each package paired with a floor (git bundle create --branches --tags HEAD) measured just before it",
);
for (const p of pairs)
  console.log(
    `${p.label.padEnd(26)} floor ${p.floorMs.toFixed(0).padStart(5)} ms   package ${p.ms.toFixed(0).padStart(6)} ms   ${ratio(p).toFixed(2)}x`,
  );
console.log(
  `warm: median ${median(warm.map(ratio)).toFixed(2)}x, min ${Math.min(...warm.map(ratio)).toFixed(2)}x of the floor (goal: 3x)`,
);
rmSync(work, { recursive: true, force: true });
