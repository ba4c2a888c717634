import type { RunRecord } from "../../src/state/run-record.js";

/** A minimal valid run record for state tests. */
export function record(id: string): RunRecord {
  const now = new Date().toISOString();
  return {
    id,
    repo: "/r",
    target: "local",
    command: "auto",
    promptPreview: "p",
    status: "pending",
    vm: null,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    endedAt: null,
    exitCode: null,
    shippedHeads: [],
    resultRefs: [],
    retrieved: false,
    keepVm: false,
    detached: false,
    logsDir: null,
    error: null,
    driverPid: null,
    autoRetrieve: true,
    summary: null,
  };
}
