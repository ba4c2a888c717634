/**
 * list_vms and cleanup_vms against the fake azlin (its VMs seeded in its state file): only our
 * VMs are listed or deleted, deleting needs dryRun: false, and azlin's failures come back with
 * their remedies.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createFakeAzlin, type FakeAzlin, hoursAgo } from "../support/fake-azlin.js";
import { type Connected, connect, errorCodeOf, textOf } from "./support.js";

let mcp: Connected | undefined;
let fake: FakeAzlin | undefined;
afterEach(async () => {
  await mcp?.close();
  await fake?.cleanup();
  mcp = undefined;
  fake = undefined;
});

const OURS = { amplihack_workflow: "true", amplihack_owner: "tester", amplihack_ttl_hours: "24" };

async function withFleet() {
  fake = await createFakeAzlin();
  // Stopped VMs: no ssh round trip is needed to know nothing runs on them.
  fake.addVm({
    name: "amplihack-tester-20260101-000000-aaaa",
    tags: OURS,
    createdAt: hoursAgo(30),
    powerState: "Deallocated",
  });
  fake.addVm({
    name: "amplihack-tester-20260102-000000-bbbb",
    tags: OURS,
    createdAt: hoursAgo(2),
    powerState: "Deallocated",
  });
  fake.addVm({ name: "someone-elses-vm", createdAt: hoursAgo(100), powerState: "Deallocated" });
  mcp = await connect({ env: fake.env });
  return { fake, mcp };
}

describe("list_vms", () => {
  it("lists our VMs only, oldest first, with age, expiry and cost", async () => {
    const { mcp } = await withFleet();
    const r = await mcp.call("list_vms");
    expect(r.isError, textOf(r)).toBeFalsy();
    const { vms } = r.structuredContent as {
      vms: { name: string; expired: boolean; busy: string; ageHours: number }[];
    };
    expect(vms.map((v) => v.name)).toEqual([
      "amplihack-tester-20260101-000000-aaaa",
      "amplihack-tester-20260102-000000-bbbb",
    ]);
    expect(vms.map((v) => v.expired)).toEqual([true, false]);
    expect(vms[0].ageHours).toBeGreaterThan(29);
    expect(textOf(r)).toContain("2 VM(s), 0 running");
    expect(textOf(r)).not.toContain("someone-elses-vm");
  });

  it("passes on azlin's failure with its remedy", async () => {
    fake = await createFakeAzlin({ faults: "any:auth" });
    mcp = await connect({ env: fake.env });
    const r = await mcp.call("list_vms");
    expect(r.isError).toBe(true);
    expect(errorCodeOf(r)).toBe("azlin-auth");
    expect(textOf(r)).toMatch(/\n {2}→ .*az login/);
  });
});

describe("cleanup_vms", () => {
  it("is a dry run by default: says what would go and deletes nothing", async () => {
    const { mcp, fake } = await withFleet();
    const r = await mcp.call("cleanup_vms");
    expect(r.isError, textOf(r)).toBeFalsy();
    const out = r.structuredContent as { dryRun: boolean; results: { name: string; action: string }[] };
    expect(out.dryRun).toBe(true);
    expect(out.results.map((x) => [x.name, x.action])).toEqual([
      ["amplihack-tester-20260101-000000-aaaa", "would-delete"],
      ["amplihack-tester-20260102-000000-bbbb", "skipped"],
    ]);
    expect(textOf(r)).toContain("Nothing was changed");
    expect(Object.keys(fake.state().vms)).toHaveLength(3);
  });

  it("deletes the expired VM of ours with dryRun: false, and leaves the rest", async () => {
    const { mcp, fake } = await withFleet();
    const r = await mcp.call("cleanup_vms", { dryRun: false });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect((r.structuredContent as { results: { action: string }[] }).results.map((x) => x.action)).toEqual([
      "deleted",
      "skipped",
    ]);
    expect(Object.keys(fake.state().vms).sort()).toEqual([
      "amplihack-tester-20260102-000000-bbbb",
      "someone-elses-vm",
    ]);
  });

  it("never deletes a VM that is not ours, even by name, and says so as an error", async () => {
    const { mcp, fake } = await withFleet();
    const r = await mcp.call("cleanup_vms", { name: "someone-elses-vm", dryRun: false });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("not an amplihack-remote VM");
    expect(fake.vm("someone-elses-vm")).toBeDefined();
  });

  it("refuses a name together with an age", async () => {
    const { mcp } = await withFleet();
    const r = await mcp.call("cleanup_vms", { name: "x", olderThanHours: 3 });
    expect(r.isError).toBe(true);
    expect(errorCodeOf(r)).toBe("usage");
    expect(textOf(r)).toBe(
      "Give either a VM name or olderThanHours, not both.\n  → Call once per VM name, or without a name.",
    );
  });
});
