import { describe, expect, it } from "vitest";
import type { StatusEntry } from "../../../src/core/runs/run-status.js";
import { fingerprint } from "../../../src/core/runs/wait-for-change.js";
import { newRunRecord, type RunRecord } from "../../../src/state/run-record.js";

function entry(patch: Partial<RunRecord>): StatusEntry {
  const record = newRunRecord({
    id: "r1",
    repo: "/r",
    target: "azlin",
    command: "auto",
    promptPreview: "p",
    ...patch,
  });
  return { record, live: null, elapsedSeconds: null };
}

const queued = (position: number): Partial<RunRecord> => ({
  status: "queued",
  queue: {
    since: "2026-12-02T00:00:00Z",
    position,
    waitingFor: "turn",
    reason: "an older run",
    lastTry: null,
  },
});

describe("what a waiting status counts as a change", () => {
  it("a queued run moving up the line is a change, as its status and phase are", () => {
    expect(fingerprint([entry(queued(3))])).not.toBe(fingerprint([entry(queued(2))]));
    expect(fingerprint([entry(queued(2))])).toBe(fingerprint([entry(queued(2))]));
    expect(fingerprint([entry(queued(1))])).not.toBe(fingerprint([entry({ status: "running" })]));
    expect(fingerprint([entry({ status: "pending", phase: "acquiring" })])).not.toBe(
      fingerprint([entry({ status: "pending", phase: "uploading" })]),
    );
  });
});
