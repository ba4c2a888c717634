/**
 * What a reused VM saves on transfer: bytes uploaded and wall time of a whole run (`exec` through
 * the azlin target and the fake azlin, its VMs real directories) on a fresh VM against the next
 * run on the same VM after one new local commit, on a generated repository of realistic size.
 * The floor is the same run's archive size if sent whole.
 *
 *   npx tsx bench/reuse-transfer.bench.ts
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTarget } from "../src/core/app/targets.js";
import type { RunOptionsInput } from "../src/core/options.js";
import type { WorkflowDeps } from "../src/core/workflow/deps.js";
import { executeRun } from "../src/core/workflow/execute-run.js";
import { StateStore } from "../src/state/store.js";
import { AzlinTarget } from "../src/targets/azlin/target.js";
import { defaultRunner } from "../src/util/run.js";
import { createFakeAzlin } from "../test/support/fake-azlin.js";
import { generateRepo, time } from "./support.js";

const source = generateRepo("reuse-1500x200", 1500, 200, 10);
const work = mkdtempSync(join(tmpdir(), "ar-reuse-bench-"));
const repo = join(work, "repo");
execFileSync("git", ["clone", "-q", source, repo]);
const agent = resolve("test/fixtures/agents/recording-agent.sh");
const fake = await createFakeAzlin();
const state = join(work, "state");
const target = new AzlinTarget({
  env: { ...fake.env, AMPLIHACK_REMOTE_RG: "amplihack-test-rg" },
  user: "bench",
});
const deps: WorkflowDeps = {
  runner: defaultRunner,
  store: new StateStore(join(state, "state.json")),
  target: (name) =>
    name === "azlin" ? target : createTarget(name, { runner: defaultRunner, stateDir: state }),
  env: {
    ...process.env,
    GIT_AUTHOR_NAME: "b",
    GIT_AUTHOR_EMAIL: "b@x",
    GIT_COMMITTER_NAME: "b",
    GIT_COMMITTER_EMAIL: "b@x",
  },
  cwd: repo,
  scanCacheDir: join(state, "scan-cache"),
  pollSeconds: 0.2,
};
const options = (prompt: string): RunOptionsInput => ({
  command: "auto",
  prompt,
  target: "azlin",
  agentCommand: [agent],
  keepVm: true,
});
const uploaded = (vm: string, runId: string) =>
  statSync(join(fake.vmHome(vm), ".amplihack-remote", "runs", runId, "context.tar.gz")).size;

const fresh = await time(() => executeRun(deps, options("fresh run")));
writeFileSync(join(repo, "CHANGELOG.md"), "one more line\n");
execFileSync("git", ["add", "CHANGELOG.md"], { cwd: repo });
execFileSync("git", ["-c", "user.name=b", "-c", "user.email=b@x", "commit", "-q", "-m", "one new commit"], {
  cwd: repo,
});
const reused = await time(() => executeRun(deps, options("reused run")));

const f = uploaded(fresh.value.vm!, fresh.value.runId);
const r = uploaded(reused.value.vm!, reused.value.runId);
console.log("repository: 1500 files, 200 commits (generated)");
console.log(
  `fresh VM : uploaded ${(f / 1024).toFixed(0).padStart(7)} KiB   run ${(fresh.ms / 1000).toFixed(2)} s   (${fresh.value.status})`,
);
console.log(
  `reused VM: uploaded ${(r / 1024).toFixed(0).padStart(7)} KiB   run ${(reused.ms / 1000).toFixed(2)} s   (${reused.value.status}, same VM: ${reused.value.vm === fresh.value.vm})`,
);
console.log(
  `reuse sends ${((r / f) * 100).toFixed(1)}% of the bytes (${(f / r).toFixed(0)}x fewer); time ratio ${(reused.ms / fresh.ms).toFixed(2)}`,
);
console.log(
  "(the fake's VMs are local directories: times here are our own overhead, without Azure's latency)",
);
await fake.cleanup();
rmSync(work, { recursive: true, force: true });
