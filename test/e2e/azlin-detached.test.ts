import { afterAll, describe, expect } from "vitest";
import { killRun } from "../../src/core/runs/kill-run.js";
import { retrieveDetached } from "../../src/core/runs/retrieve-detached.js";
import { runOutput } from "../../src/core/runs/run-output.js";
import { runStatus } from "../../src/core/runs/run-status.js";
import { startDetached } from "../../src/core/runs/start-detached.js";
import { azlinModes, useAzlinRuns } from "../support/azlin-run.js";
import { until } from "../support/fault-support.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { git } from "../support/repo.js";
import { sshdForTests } from "../support/sshd.js";

const sshd = await sshdForTests();
afterAll(async () => {
  await sshd?.stop();
});

const SECRET = `sk-ant-api03-pool${"W".repeat(40)}`;

describe.each(azlinModes(sshd))("detached runs on an azlin pool ($mode)", (mode) => {
  const { ssh } = mode;
  const { test, setup } = useAzlinRuns(mode, { user: "pool" });

  const base = {
    command: "auto" as const,
    target: "azlin" as const,
    agentCommand: [RECORDING_AGENT],
    vmSize: "Standard_D4s_v3",
  };

  test("three prompts on an m pool land on two VMs, finish, and come home into distinct refs", async () => {
    const { fake, repo, makeDeps, calls } = await setup({ ANTHROPIC_API_KEY: SECRET });
    const outcomes = await startDetached(makeDeps(), base, ["task one", "task two", "task three"], {
      autoRetrieve: false,
    });
    expect(outcomes.map((o) => o.error?.message ?? "ok")).toEqual(["ok", "ok", "ok"]);
    const vms = new Set(outcomes.map((o) => o.vm));
    expect(vms.size).toBe(2);
    expect(fake.argvs().filter((a) => a[0] === "new")).toHaveLength(2);

    // Another process picks them up from the state file alone.
    const later = makeDeps();
    await until(async () =>
      (await runStatus(later, undefined, { autoRetrieve: false })).every(
        (e) => e.record.status === "succeeded",
      ),
    );
    for (const o of outcomes) {
      const summary = await retrieveDetached(later, o.runId);
      expect(summary.status).toBe("succeeded");
      expect(git(repo, "show", `remote-exec/${o.runId}/main:notes.txt`)).toBe(`${o.prompt}\n`);
    }
    // The last run released on each VM deleted it.
    expect(fake.state().vms).toEqual({});
    expect(JSON.stringify(fake.argvLog())).not.toContain(SECRET);
    expect(JSON.stringify(calls)).not.toContain(SECRET);
    if (ssh) expect(ssh.log()).not.toContain(SECRET);
  });

  test("a killed run reports killed while its neighbour on the same VM keeps running and succeeds", async () => {
    const { makeDeps } = await setup({ ANTHROPIC_API_KEY: SECRET });
    const deps = makeDeps();
    const [victim, neighbour] = await startDetached(deps, base, ["slow victim", "neighbour task"], {
      autoRetrieve: false,
    });
    expect(victim.vm).toBe(neighbour.vm);
    await until(async () =>
      (await runOutput(deps, victim.runId, { lines: 5 }).catch(() => ({ text: "" }))).text.includes(
        "sleeping",
      ),
    );
    const killed = await killRun(deps, victim.runId);
    expect(killed.record.status).toBe("killed");
    await until(
      async () =>
        (await runStatus(deps, neighbour.runId, { autoRetrieve: false }))[0].record.status === "succeeded",
    );
    const k = await retrieveDetached(deps, victim.runId);
    expect(k.status).toBe("killed");
    expect(k.branches[0]?.newCommits.map((c) => c.subject)).toEqual(["partial work before the timeout"]);
    const n = await retrieveDetached(deps, neighbour.runId);
    expect(n.status).toBe("succeeded");
  });
});
