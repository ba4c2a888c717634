import { describe, expect, it } from "vitest";
import { enqueue, queuedInOrder, vmsInUse } from "../../../src/core/queue/queue-book.js";
import { quotaNumbers, vmsTheQuotaHolds } from "../../../src/core/queue/quota-numbers.js";
import { newRunRecord } from "../../../src/state/run-record.js";
import type { StateData } from "../../../src/state/store.js";

const run = (id: string, extra: Partial<Parameters<typeof newRunRecord>[0]> = {}) =>
  newRunRecord({ id, repo: "/r", target: "azlin", command: "auto", promptPreview: id, ...extra });

describe("the quota error's numbers", () => {
  it("reads limit, in use and requested from azlin's block and sizes what the quota holds", () => {
    // azlin's block (error_handler.rs::format_quota_error_from_message), as classify.ts keeps it.
    const block = [
      "Error: ❌ Quota exceeded: not enough vCPU cores available.",
      "   Region:     westus2",
      "   VM size:    Standard_D2s_v3",
      "   Limit:      4 cores",
      "   In use:     4 cores",
      "   Requested:  2 cores",
    ].join("\n");
    const n = quotaNumbers(block);
    expect(n).toEqual({ limit: 4, inUse: 4, requested: 2 });
    expect(vmsTheQuotaHolds(n!)).toBe(2);
    expect(quotaNumbers("No region found with available quota for X (needs 2 cores).")).toBeNull();
  });
});

describe("the queue in the state file", () => {
  it("keeps the oldest first and numbers places from 1; a requeue keeps its place", () => {
    const state: StateData = { schemaVersion: 1, runs: { a: run("a"), b: run("b"), c: run("c") } };
    enqueue(state, "b", { waitingFor: "quota", reason: "q", since: "2026-01-01T00:00:01Z" });
    enqueue(state, "c", { waitingFor: "turn", reason: "t", since: "2026-01-01T00:00:02Z" });
    enqueue(state, "a", { waitingFor: "quota", reason: "q", since: "2026-01-01T00:00:03Z" });
    expect(queuedInOrder(state).map((r) => [r.id, r.queue?.position])).toEqual([
      ["b", 1],
      ["c", 2],
      ["a", 3],
    ]);
    enqueue(state, "b", { waitingFor: "quota", reason: "again" });
    expect(state.runs.b.queue).toMatchObject({ position: 1, since: "2026-01-01T00:00:01Z", reason: "again" });
  });

  it("counts VMs held until results are home, plus runs admitted and holding none yet", () => {
    const vm = (name: string) => ({ name, created: true, deleted: false });
    const state: StateData = {
      schemaVersion: 1,
      runs: {
        running: run("running", { status: "running", vm: vm("v1"), startedAt: "x" }),
        neighbour: run("neighbour", { status: "running", vm: vm("v1"), startedAt: "x" }),
        unretrieved: run("unretrieved", { status: "succeeded", vm: vm("v2"), startedAt: "x" }),
        deleted: run("deleted", { status: "succeeded", vm: { ...vm("v3"), deleted: true }, startedAt: "x" }),
        acquiring: run("acquiring", { acquiring: true }),
        failedEarly: run("failedEarly", { status: "error", acquiring: true }),
        local: run("local", { target: "local", status: "running", vm: vm("local") }),
      },
    };
    expect(vmsInUse(state)).toBe(3);
    expect(vmsInUse(state, "acquiring")).toBe(2);
  });
});
