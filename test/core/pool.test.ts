/**
 * A batch's runs share VMs by capacity (core/pool.ts): one acquire per group, the rest join it
 * all at once; a group never reuses a VM another group of the same batch is creating or has
 * filled; a run that cannot join gets a VM of its own; and while a group launches, a run that
 * fails gives its VM back only when it is the last of the group.
 */
import { describe, expect, it } from "vitest";
import { poolingTarget } from "../../src/core/pool.js";
import type { AcquireRequest, Lease, ReleaseOutcome, Target } from "../../src/targets/types.js";

function fakeTarget(options: { refuse?: string[]; capacity?: number; tagFails?: boolean } = {}) {
  const looked: { runId: string; avoided: string[] }[] = [];
  const joins: { vm: string; runIds: string[]; beforeItsStart?: boolean }[] = [];
  const released: { runId: string; keep: boolean }[] = [];
  const tags: string[] = [];
  let made = 0;
  const lease = (name: string, created: boolean, runId: string, claim = false): Lease => ({
    machine: { name } as Lease["machine"],
    created,
    reused: !created,
    deferredClaim: claim
      ? {
          script: `claim ${runId}`,
          confirm: async () => {
            tags.push(`${name} by ${runId}`);
            if (options.tagFails) throw new Error("tagging failed");
          },
        }
      : undefined,
    async release({ keep }): Promise<ReleaseOutcome> {
      released.push({ runId, keep });
      return { deleted: created && !keep, kept: keep, message: keep ? "kept" : "deleted" };
    },
  });
  const target = {
    name: "azlin",
    pollSeconds: 1,
    needsAgentTooling: false,
    validate: async () => {},
    attach: async () => lease("x", false, "x"),
    runsPerMachine: () => options.capacity ?? 2,
    async acquire(request: AcquireRequest): Promise<Lease> {
      const name = `vm-${++made}`;
      await request.onVmKnown?.({ name, created: true });
      await new Promise((r) => setTimeout(r, 5)); // the reuse lookup runs after other groups began
      looked.push({ runId: request.runId, avoided: [...(request.avoidVms ?? [])] });
      return lease(name, true, request.runId, true);
    },
    async join(
      vmName: string,
      requests: AcquireRequest[],
      shared: { created: boolean; beforeItsStart?: boolean },
    ) {
      joins.push({ vm: vmName, runIds: requests.map((r) => r.runId), beforeItsStart: shared.beforeItsStart });
      return requests.map((r) =>
        options.refuse?.includes(r.runId)
          ? new Error(`no slot for ${r.runId}`)
          : lease(vmName, shared.created, r.runId, shared.created),
      );
    },
  } as unknown as Target;
  return { target, looked, joins, released, tags };
}

const request = (runId: string): AcquireRequest => ({
  runId,
  options: { vmSize: "Standard_D4s_v3" } as AcquireRequest["options"],
});

describe("a batch's runs on shared VMs", () => {
  it("acquires once per group, joins the rest, and no group looks at another group's VM", async () => {
    const { target, looked, joins } = fakeTarget();
    const pool = poolingTarget(target);
    const leases = await Promise.all(["r1", "r2", "r3", "r4", "r5"].map((id) => pool.acquire(request(id))));
    expect(leases.map((l) => l.machine.name)).toEqual(["vm-1", "vm-1", "vm-2", "vm-2", "vm-3"]);
    expect(joins).toEqual([
      { vm: "vm-1", runIds: ["r2"], beforeItsStart: true },
      { vm: "vm-2", runIds: ["r4"], beforeItsStart: true },
    ]);
    // Each group's lookup was told to leave alone every VM the batch had already taken.
    const byRun = Object.fromEntries(looked.map((l) => [l.runId, l.avoided]));
    expect(byRun.r3).toContain("vm-1");
    expect(byRun.r5).toEqual(expect.arrayContaining(["vm-1", "vm-2"]));
    expect(await pool.startGroup("vm-1")).toEqual(["r1", "r2"]);
    expect(await pool.startGroup("vm-3")).toEqual(["r5"]);
    expect(pool.startGroup("vm-9")).toBeUndefined();
  });

  it("the runs waiting for a group's VM join it in one go; one refused gets a VM of its own and is not of the group", async () => {
    const { target, joins } = fakeTarget({ capacity: 4, refuse: ["r3"] });
    const pool = poolingTarget(target);
    const leases = await Promise.all(["r1", "r2", "r3", "r4"].map((id) => pool.acquire(request(id))));
    expect(joins).toEqual([{ vm: "vm-1", runIds: ["r2", "r3", "r4"], beforeItsStart: true }]);
    expect(leases.map((l) => l.machine.name)).toEqual(["vm-1", "vm-1", "vm-2", "vm-1"]);
    expect(await pool.startGroup("vm-1")).toEqual(["r1", "r2", "r4"]);
  });

  it("a run asking after its group's VM came joins alone, its slot claimed at once (the VM may be tagged before it starts)", async () => {
    const { target, joins } = fakeTarget({ capacity: 3 });
    const pool = poolingTarget(target);
    await pool.acquire(request("r1"));
    const late = await pool.acquire(request("r2"));
    expect(late.machine.name).toBe("vm-1");
    expect(joins).toEqual([{ vm: "vm-1", runIds: ["r2"], beforeItsStart: undefined }]);
    // Not of the group that starts together (it started later).
    expect(await pool.startGroup("vm-1")).toEqual(["r1"]);
  });

  it("a run of a group that fails keeps the VM up for the others; the last to fail gives it back", async () => {
    const { target, released } = fakeTarget({ capacity: 3 });
    const pool = poolingTarget(target);
    const [l1, l2, l3] = await Promise.all(["r1", "r2", "r3"].map((id) => pool.acquire(request(id))));
    const first = await l1.release({ keep: false });
    expect(first).toMatchObject({ deleted: false, kept: true });
    expect(first.message).toMatch(/stays up for the other runs of this batch/);
    await l3.release({ keep: false });
    expect(released).toEqual([
      { runId: "r1", keep: true },
      { runId: "r3", keep: true },
    ]);
    // r2 is last: its release is the real one (it deletes the VM this batch made).
    expect(await l2.release({ keep: false })).toMatchObject({ deleted: true });
    expect(released.at(-1)).toEqual({ runId: "r2", keep: false });
    // Released once only.
    await l2.release({ keep: false });
    expect(released).toHaveLength(3);
  });

  it("a new VM is tagged once, by whichever run of its group starts first; only the first run's start fails on it", async () => {
    const { target, tags } = fakeTarget({ capacity: 3 });
    const pool = poolingTarget(target);
    const [l1, l2, l3] = await Promise.all(["r1", "r2", "r3"].map((id) => pool.acquire(request(id))));
    expect(l2.deferredClaim?.script).toBe("claim r2");
    await l2.deferredClaim?.confirm();
    await l3.deferredClaim?.confirm();
    await l1.deferredClaim?.confirm();
    expect(tags).toEqual(["vm-1 by r1"]);

    const failing = fakeTarget({ capacity: 2, tagFails: true });
    const pool2 = poolingTarget(failing.target);
    const [f1, f2] = await Promise.all(["r1", "r2"].map((id) => pool2.acquire(request(id))));
    await expect(f2.deferredClaim?.confirm()).resolves.toBeUndefined();
    await expect(f1.deferredClaim?.confirm()).rejects.toThrow(/tagging failed/);
    expect(failing.tags).toHaveLength(1);
  });
});
