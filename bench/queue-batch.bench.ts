/**
 * A batch larger than the quota (issue 16): the wall time of 8 prompts on a regional quota that
 * holds 2 VMs of the size (the fake azlin's quota, test/fake-azlin/quota.mjs), from `start` until
 * every result is home, against the floor measured in the same run: 4 x one run started alone
 * (8 runs, 2 at a time, is 4 waves if the queue wasted nothing). `new` is made slow to stand for
 * provisioning, which each wave pays again (a run's VM is deleted when its results are home).
 *
 *   npx tsx bench/queue-batch.bench.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTarget } from "../src/core/app/targets.js";
import { runStatus } from "../src/core/runs/run-status.js";
import { startDetached } from "../src/core/runs/start-detached.js";
import type { WorkflowDeps } from "../src/core/workflow/deps.js";
import { StateStore } from "../src/state/store.js";
import { AzlinTarget } from "../src/targets/azlin/target.js";
import { defaultRunner } from "../src/util/run.js";
import { createFakeAzlin } from "../test/support/fake-azlin.js";
import { makeRepo } from "../test/support/repo.js";
import { time } from "./support.js";

process.env.GIT_AUTHOR_NAME ??= "b";
process.env.GIT_AUTHOR_EMAIL ??= "b@x";
process.env.GIT_COMMITTER_NAME ??= "b";
process.env.GIT_COMMITTER_EMAIL ??= "b@x";
const SIZE = "Standard_D2s_v3";
const agent = resolve("test/fixtures/agents/recording-agent.sh");

async function batch(prompts: string[]): Promise<number> {
  const fake = await createFakeAzlin({ faults: "new:slow:2" });
  fake.setQuota(`${SIZE}=4`);
  const work = mkdtempSync(join(tmpdir(), "ar-queue-bench-"));
  const target = new AzlinTarget({
    env: { ...fake.env, AMPLIHACK_REMOTE_RG: "amplihack-test-rg" },
    user: "bench",
  });
  const deps: WorkflowDeps = {
    runner: defaultRunner,
    store: new StateStore(join(work, "state.json")),
    target: (name) =>
      name === "azlin" ? target : createTarget(name, { runner: defaultRunner, stateDir: work }),
    env: { ...process.env, AMPLIHACK_REMOTE_QUEUE_RETRY_SECONDS: "5" },
    cwd: makeRepo(mkdtempSync(join(work, "repo-"))),
    scanCacheDir: join(work, "scan-cache"),
    pollSeconds: 0.2,
  };
  const { ms } = await time(async () => {
    // No launcher in deps: the launch (and the queue's waiting) runs in this process.
    const outcomes = await startDetached(
      deps,
      { command: "auto", target: "azlin", agentCommand: [agent], vmSize: SIZE },
      prompts,
    );
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length) throw new Error(`runs failed: ${failed.map((o) => o.error?.message).join("; ")}`);
    for (;;) {
      const entries = await runStatus(deps);
      if (entries.every((e) => e.record.status === "succeeded" && e.record.summary)) return;
      const bad = entries.find((e) => ["failed", "error", "killed", "timed-out"].includes(e.record.status));
      if (bad)
        throw new Error(`run ${bad.record.id} ended ${bad.record.status}: ${bad.record.error?.message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  await fake.cleanup();
  rmSync(work, { recursive: true, force: true });
  return ms;
}

const one = await batch(["one run alone"]);
const eight = await batch(Array.from({ length: 8 }, (_, i) => `batch task ${i + 1}`));
console.log(`one run, start to results home:        ${(one / 1000).toFixed(1)} s`);
console.log(`8 runs, quota for 2 VMs, start to home: ${(eight / 1000).toFixed(1)} s`);
console.log(
  `ratio 8-run batch / (4 x one run): ${(eight / (4 * one)).toFixed(2)} (1.00 = no time lost to queueing)`,
);
