/**
 * Packaging benchmark: how long building the context archive takes (secret gate, WIP snapshot,
 * bundle, archive) against the floor of a bare `git bundle create` of the same refs, measured in
 * the same run on the same generated repository.
 *
 *   npx tsx bench/package.bench.ts
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentInvocation } from "../src/core/agent-invocation.js";
import { runOptionsSchema } from "../src/core/options.js";
import { createGit } from "../src/git/git.js";
import { readRepoFacts } from "../src/git/repo-facts.js";
import { buildContext } from "../src/package/build-context.js";
import { generateRepo, median, time } from "./support.js";

const FILES = 3000;
const COMMITS = 400;
const repo = generateRepo(`package-${FILES}x${COMMITS}`, FILES, COMMITS, 15);
const objects = execFileSync("git", ["count-objects", "-v"], { cwd: repo }).toString();
const work = mkdtempSync(join(tmpdir(), "ar-bench-"));

const floor: number[] = [];
for (let i = 0; i < 3; i++) {
  const file = join(work, `floor-${i}.bundle`);
  floor.push(
    (
      await time(() =>
        execFileSync("git", ["bundle", "create", "-q", file, "--branches", "--tags", "HEAD"], { cwd: repo }),
      )
    ).ms,
  );
}
const bundleBytes = statSync(join(work, "floor-0.bundle")).size;

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
const runs: { label: string; ms: number }[] = [];
for (const label of ["cold (empty scan cache)", "warm (cached verdicts)", "warm (cached verdicts)"]) {
  const { ms, value } = await time(() =>
    buildContext({ git, facts, runId: `bench-${runs.length}`, options, agent, cwd: repo, cacheDir }),
  );
  rmSync(value.dir, { recursive: true, force: true });
  runs.push({ label, ms });
}

const floorMs = median(floor);
console.log(
  `repository: ${FILES} files, ${COMMITS} commits; ${objects.match(/count: \d+|in-pack: \d+/g)?.join(", ")}`,
);
console.log(`bundle size: ${(bundleBytes / 1024 / 1024).toFixed(1)} MB`);
console.log(`floor: git bundle create --branches --tags HEAD   ${floorMs.toFixed(0)} ms (median of 3)`);
for (const r of runs)
  console.log(
    `package ${r.label.padEnd(26)} ${r.ms.toFixed(0).padStart(6)} ms   ${(r.ms / floorMs).toFixed(2)}x floor`,
  );
rmSync(work, { recursive: true, force: true });
