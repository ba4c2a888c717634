/**
 * refreshRun judges a run whose starter is gone on the record as it is when it writes, not as it
 * was read: a launch worker starts its run and exits, and a `status` that read the record while the
 * run was still starting must not then mark it "died while starting".
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { refreshRun } from "../../../src/core/runs/refresh-run.js";
import type { WorkflowDeps } from "../../../src/core/workflow/deps.js";
import { newRunRecord } from "../../../src/state/run-record.js";
import { StateStore } from "../../../src/state/store.js";
import { deadPid } from "../../support/fault-support.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), "ar-refresh-"));
  dirs.push(dir);
  const store = new StateStore(join(dir, "state.json"));
  const worker = deadPid();
  const starting = {
    ...newRunRecord({ id: "r1", repo: "/r", target: "azlin", command: "auto", promptPreview: "p" }),
    status: "pending" as const,
    phase: "starting" as const,
    detached: true,
    driverPid: worker,
    vm: { name: "vm-1", created: true, deleted: false },
  };
  await store.putRun(starting);
  return { store, starting, deps: { store } as unknown as WorkflowDeps };
}

describe("refreshRun on a run being started", () => {
  it("leaves a run its worker started (and exited) since it was read", async () => {
    const { store, starting, deps } = await setup();
    // The worker finished: the run runs, and the worker is gone.
    await store.patchRun("r1", {
      status: "running",
      phase: null,
      driverPid: null,
      startedAt: new Date().toISOString(),
    });
    const view = await refreshRun(deps, starting);
    expect(view.record.status).toBe("running");
    expect((await store.getRun("r1"))?.status).toBe("running");
    expect((await store.getRun("r1"))?.error).toBeNull();
  });

  it("marks a run whose starter died while starting it, naming the phase and the VM", async () => {
    const { store, starting, deps } = await setup();
    const view = await refreshRun(deps, starting);
    expect(view.record.status).toBe("error");
    expect(view.record.error?.message).toMatch(/died while starting, holding VM vm-1/);
    expect((await store.getRun("r1"))?.status).toBe("error");
  });
});
