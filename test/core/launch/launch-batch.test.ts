/**
 * A batch's runs on one VM launch with the calls one run needs (core/launch/launch-batch.ts): one
 * `new`, one upload, one start connection for all of them (their slots taken there, the VM being
 * new), one tag; and each run still gets its own prompt and comes home on its own. Through the
 * fake azlin, directly.
 */
import { describe, expect } from "vitest";
import { retrieveDetached } from "../../../src/core/runs/retrieve-detached.js";
import { runStatus } from "../../../src/core/runs/run-status.js";
import { startDetached } from "../../../src/core/runs/start-detached.js";
import { azlinModes, useAzlinRuns } from "../../support/azlin-run.js";
import { until } from "../../support/fault-support.js";
import { RECORDING_AGENT } from "../../support/local-run.js";
import { git } from "../../support/repo.js";

const SECRET = `sk-ant-api03-batch${"Q".repeat(40)}`;

describe("the runs of a batch sharing a VM", () => {
  const { test, setup } = useAzlinRuns(azlinModes(null)[0], { user: "batch" });

  test("four prompts on an l VM: list, new, cp, one connect, tag; each run its own prompt, home into its own refs", async () => {
    const { fake, repo, makeDeps, calls } = await setup({ ANTHROPIC_API_KEY: SECRET });
    const prompts = ["task one", "task two", "task three", "task four"];
    const outcomes = await startDetached(
      makeDeps(),
      { command: "auto", target: "azlin", agentCommand: [RECORDING_AGENT], vmSize: "Standard_D8s_v3" },
      prompts,
      { autoRetrieve: false },
    );
    expect(outcomes.map((o) => o.error?.message ?? "ok")).toEqual(["ok", "ok", "ok", "ok"]);
    expect(new Set(outcomes.map((o) => o.vm)).size).toBe(1);
    expect(fake.argvs().map((a) => a[0])).toEqual(["list", "new", "cp", "connect", "tag"]);

    const later = makeDeps();
    await until(async () =>
      (await runStatus(later, undefined, { autoRetrieve: false })).every(
        (e) => e.record.status === "succeeded",
      ),
    );
    for (const o of outcomes) {
      expect((await retrieveDetached(later, o.runId)).status).toBe("succeeded");
      expect(git(repo, "show", `remote-exec/${o.runId}/main:notes.txt`)).toBe(`${o.prompt}\n`);
    }
    expect(fake.state().vms).toEqual({});
    expect(JSON.stringify(fake.argvLog())).not.toContain(SECRET);
    expect(JSON.stringify(calls)).not.toContain(SECRET);
  });
});
