/**
 * `exec` that loses the machine mid-run does not pretend the run ended: it hands the run off to
 * the detached path (VM and slot kept, record still running), and `status` later brings the
 * results home and releases the VM.
 */
import { describe, expect } from "vitest";
import { runStatus } from "../../src/core/runs/run-status.js";
import { executeRun } from "../../src/core/workflow/execute-run.js";
import { azlinModes, useAzlinRuns } from "../support/azlin-run.js";
import { RECORDING_AGENT } from "../support/local-run.js";
import { git, userStateHash } from "../support/repo.js";

describe.each(azlinModes(null).slice(0, 1))("exec handing off a run it lost contact with ($mode)", (mode) => {
  const { test, setup } = useAzlinRuns(mode);

  test("ssh dies while following: the run goes on, and status brings it home later", async () => {
    const { fake, repo, deps, makeDeps } = await setup();
    const before = userStateHash(repo);
    let polls = 0;
    const summary = await executeRun(
      {
        ...deps,
        // Results over the follow stream opened before the fault would bring the work home anyway.
        streamResultsMaxBytes: 0,
        onProgress: (e) => {
          // Once the agent runs, the network goes: the open follow stream dies, no new connection
          // or copy gets through (the retrieval needs only a copy).
          if (e.stage === "execute" && ++polls === 2) fake.setFaults("connect:cut,cp:fail");
        },
      },
      { command: "auto", prompt: "slow task", target: "azlin", agentCommand: [RECORDING_AGENT] },
    );
    expect(summary.status).toBe("error");
    expect(summary.error?.message).toMatch(/Lost contact/);
    expect(summary.error?.remedy).toContain(`amplihack-remote retrieve ${summary.runId}`);
    expect(summary.release).toMatchObject({ deleted: false, kept: true });
    const record = await deps.store.getRun(summary.runId);
    expect(record).toMatchObject({ status: "running", detached: true, summary: null });
    expect(record?.vm).toMatchObject({ created: true, deleted: false });
    expect(fake.vm(summary.vm!)).toBeDefined();

    // Contact comes back; the agent is still sleeping: stop it the normal way, then status retrieves.
    fake.setFaults("");
    const later = makeDeps();
    const { killRun } = await import("../../src/core/runs/kill-run.js");
    await killRun(later, summary.runId);
    const [entry] = await runStatus(later, summary.runId);
    // Killed while still sleeping, or already done when the fault met only the retrieval.
    expect(["killed", "succeeded"]).toContain(entry.record.status);
    expect(entry.record).toMatchObject({ summary: expect.any(Object), error: null });
    expect(git(repo, "log", "--format=%s", `remote-exec/${summary.runId}/main`)).toContain(
      "partial work before the timeout",
    );
    expect(userStateHash(repo)).toBe(before);
  });
});
