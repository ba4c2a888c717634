/**
 * Every azlin call costs seconds on a real VM (Azure resolves the VM, often through a Bastion
 * tunnel), so how many a run makes is a promise: counted here through the fake azlin's argv log,
 * for a run on a new VM, a run that reuses a VM, and `status` of three detached runs on one VM.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect } from "vitest";
import { runStatus } from "../../src/core/runs/run-status.js";
import { startDetached } from "../../src/core/runs/start-detached.js";
import { waitForChange } from "../../src/core/runs/wait-for-change.js";
import { executeRun } from "../../src/core/workflow/execute-run.js";
import { azlinModes, useAzlinRuns } from "../support/azlin-run.js";
import type { FakeAzlin } from "../support/fake-azlin.js";
import { until } from "../support/fault-support.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { cleanup, git, tempDir } from "../support/repo.js";
import { sshdForTests } from "../support/sshd.js";

const sshd = await sshdForTests();
afterAll(async () => {
  await sshd?.stop();
});

const KEY = { ANTHROPIC_API_KEY: `sk-ant-api03-count${"C".repeat(40)}` };
/** A directory the agent on the VM can look into (in ssh mode it runs as another user). */
function openGate(): string {
  const dir = tempDir("ar-count-gate-");
  chmodSync(dir, 0o755);
  return dir;
}
const subcommandsSince = (fake: FakeAzlin, from: number) =>
  fake
    .argvs()
    .slice(from)
    .map((a) => a[0]);

describe.each(azlinModes(sshd))("azlin calls per run ($mode)", (mode) => {
  const { test, setup } = useAzlinRuns(mode, { user: "count" });
  const options = (prompt: string, extra: Record<string, unknown> = {}) => ({
    command: "auto" as const,
    prompt,
    target: "azlin" as const,
    agentCommand: [RECORDING_AGENT],
    ...extra,
  });

  test("a run on a new VM makes 6: list, new, cp up, start and follow in one (slot, checksum, start, watcher; the results come with it), tag beside it, kill", async () => {
    const { fake, repo, deps } = await setup(KEY);
    const summary = await executeRun(deps, options("count the calls"));
    expect(summary.status).toBe("succeeded");
    expect(git(repo, "show", "remote-exec/main:notes.txt")).toBe("count the calls\n");
    expect(subcommandsSince(fake, 0).join(" ")).toBe("list new cp connect tag kill");
  });

  test("a run that reuses a VM makes 6: list, show, slot and cache probe in one, cp up, start and follow in one (the results come with it), slot freed", async () => {
    const { fake, deps } = await setup(KEY);
    const first = await executeRun(deps, options("first", { keepVm: true }));
    expect(first.status).toBe("succeeded");
    const from = fake.argvs().length;
    const second = await executeRun(deps, options("second"));
    expect(second.status).toBe("succeeded");
    expect(second.vm).toBe(first.vm);
    expect(subcommandsSince(fake, from).join(" ")).toBe("list show connect cp connect connect");
  });

  test("status of three detached runs on one VM asks it once", async () => {
    const { fake, makeDeps } = await setup(KEY);
    const gate = openGate();
    const release = join(gate, "go");
    try {
      const outcomes = await startDetached(
        makeDeps(),
        { ...options(""), vmSize: "Standard_D8s_v3" },
        [`hold ${release}`, `hold ${release}`, `hold ${release}`],
        { autoRetrieve: false },
      );
      expect(outcomes.map((o) => o.error?.message ?? "ok")).toEqual(["ok", "ok", "ok"]);
      expect(new Set(outcomes.map((o) => o.vm)).size).toBe(1);
      const later = makeDeps();
      await until(async () =>
        (await runStatus(later, undefined, { autoRetrieve: false })).every(
          (e) => e.live?.phase === "running",
        ),
      );
      const from = fake.argvs().length;
      const entries = await runStatus(makeDeps(), undefined, { autoRetrieve: false });
      expect(entries.map((e) => e.live?.phase)).toEqual(["running", "running", "running"]);
      expect(subcommandsSince(fake, from).join(" ")).toBe("connect");
      // Let the agents end before the fake VM is removed (they write into it until then).
      writeFileSync(release, "");
      await until(async () =>
        (await runStatus(later, undefined, { autoRetrieve: false })).every(
          (e) => e.record.status !== "running" || e.live?.phase === "done",
        ),
      );
    } finally {
      writeFileSync(release, "");
      cleanup(gate);
    }
  });

  test("a status call that waits follows the run over its watcher stream, not by polling", async () => {
    const { fake, makeDeps } = await setup(KEY);
    const gate = openGate();
    const release = join(gate, "go");
    try {
      const [run] = await startDetached(makeDeps(), options(""), [`hold ${release}`], {
        autoRetrieve: false,
      });
      const deps = makeDeps(); // polls every 0.2 s if it polls at all
      await until(
        async () => (await runStatus(deps, run.runId, { autoRetrieve: false }))[0].live?.phase === "running",
      );
      const from = fake.argvs().length;
      const quiet = await waitForChange(deps, run.runId, { waitSeconds: 15, autoRetrieve: false });
      expect(quiet.changed).toBe(false);
      // At most a look, one stream for the rest of the wait, a last look (polling: one per 0.2 s).
      const calls = subcommandsSince(fake, from);
      expect(calls.every((c) => c === "connect")).toBe(true);
      expect(calls.length).toBeLessThanOrEqual(3);

      // Released only once the wait has taken its first look and opened its stream (two connects):
      // released earlier, the first look could already see the run ended, and nothing would change.
      const before = fake.argvs().length;
      const moved = waitForChange(deps, run.runId, { waitSeconds: 110, autoRetrieve: false });
      await until(async () => subcommandsSince(fake, before).filter((c) => c === "connect").length >= 2);
      writeFileSync(release, "");
      const seen = await moved;
      expect(seen.changed).toBe(true);
      expect(seen.entries[0].live?.phase ?? seen.entries[0].record.status).not.toBe("running");
      // The run may still be collecting, writing into the fake VM: let it end before it is removed.
      await until(async () => {
        const [entry] = await runStatus(deps, run.runId, { autoRetrieve: false });
        return entry.record.status !== "running" || entry.live?.phase === "done";
      });
    } finally {
      writeFileSync(release, "");
      cleanup(gate);
    }
  });
});
