/**
 * A start packages the repository (and passes the secret gate) while the target's own check
 * (azlin: one `list`, seconds on a real one) is answered, and that check still decides first: a
 * failing check stops the run with its own error before anything is recorded, made or uploaded.
 * Through the fake azlin, whose `list` is held until the test lets it answer.
 */
import { describe, expect } from "vitest";
import type { ProgressEvent } from "../../../src/core/progress.js";
import { executeRun } from "../../../src/core/workflow/execute-run.js";
import { azlinModes, useAzlinRuns } from "../../support/azlin-run.js";
import { rejection, until } from "../../support/fault-support.js";
import { RECORDING_AGENT } from "../../support/local-run.js";

describe.each(azlinModes(null).slice(0, 1))("validation beside packaging ($mode)", (mode) => {
  const { test, setup } = useAzlinRuns(mode);

  test("the package is made while azlin's check is held; the check's failure is still the error, with nothing recorded or made", async () => {
    const { fake, deps } = await setup();
    const events: ProgressEvent[] = [];
    deps.onProgress = (e) => events.push(e);
    fake.setFaults("list:slow:600,list:auth");
    let settled = false;
    const run = executeRun(deps, {
      command: "auto",
      prompt: "never starts",
      target: "azlin",
      agentCommand: [RECORDING_AGENT],
    }).finally(() => {
      settled = true;
    });
    run.catch(() => {});
    await until(
      () => events.some((e) => e.stage === "scan" && e.message === "writing the archive"),
      "the archive to be written while azlin list is held",
    );
    expect(settled).toBe(false);
    expect(fake.argvs().map((a) => a[0])).toEqual(["list"]);
    expect((await deps.store.read()).runs).toEqual({});

    fake.setFaults("list:auth"); // the held list goes on, and fails
    const e = await rejection(run);
    // The same error as the check alone gives.
    const alone = await rejection(deps.target("azlin").validate());
    expect(e.code).toBe("azlin-auth");
    expect([e.code, e.message, e.remedy]).toEqual([alone.code, alone.message, alone.remedy]);
    expect(fake.argvs().map((a) => a[0])).toEqual(["list", "list"]);
    expect((await deps.store.read()).runs).toEqual({});
    expect(fake.state().vms).toEqual({});
  });
});
