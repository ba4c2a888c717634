/**
 * A batch's runs share VMs by capacity (core/pool.ts): one acquire per group, the rest join it;
 * and a group never reuses a VM another group of the same batch is creating or has filled.
 */
import { describe, expect, it } from "vitest";
import { poolingTarget } from "../../src/core/pool.js";
import type { AcquireRequest, Lease, Target } from "../../src/targets/types.js";

function fakeTarget() {
  const looked: { runId: string; avoided: string[] }[] = [];
  const joined: { runId: string; vm: string }[] = [];
  let made = 0;
  const lease = (name: string, created: boolean) =>
    ({ machine: { name }, created, reused: !created }) as Lease;
  const target = {
    name: "azlin",
    pollSeconds: 1,
    needsAgentTooling: false,
    validate: async () => {},
    attach: async () => lease("x", false),
    runsPerMachine: () => 2,
    async acquire(request: AcquireRequest): Promise<Lease> {
      const name = `vm-${++made}`;
      await request.onVmKnown?.({ name, created: true });
      await new Promise((r) => setTimeout(r, 5)); // the reuse lookup runs after other groups began
      looked.push({ runId: request.runId, avoided: [...(request.avoidVms ?? [])] });
      return lease(name, true);
    },
    async join(vmName: string, request: AcquireRequest): Promise<Lease> {
      joined.push({ runId: request.runId, vm: vmName });
      return lease(vmName, false);
    },
  } as unknown as Target;
  return { target, looked, joined };
}

const request = (runId: string): AcquireRequest => ({
  runId,
  options: { vmSize: "Standard_D4s_v3" } as AcquireRequest["options"],
});

describe("a batch's runs on shared VMs", () => {
  it("acquires once per group, joins the rest, and no group looks at another group's VM", async () => {
    const { target, looked, joined } = fakeTarget();
    const pool = poolingTarget(target);
    const leases = await Promise.all(["r1", "r2", "r3", "r4", "r5"].map((id) => pool.acquire(request(id))));
    expect(leases.map((l) => l.machine.name)).toEqual(["vm-1", "vm-1", "vm-2", "vm-2", "vm-3"]);
    expect(joined).toEqual([
      { runId: "r2", vm: "vm-1" },
      { runId: "r4", vm: "vm-2" },
    ]);
    // Each group's lookup was told to leave alone every VM the batch had already taken.
    const byRun = Object.fromEntries(looked.map((l) => [l.runId, l.avoided]));
    expect(byRun.r3).toContain("vm-1");
    expect(byRun.r5).toEqual(expect.arrayContaining(["vm-1", "vm-2"]));
  });
});
