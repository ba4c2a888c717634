/**
 * A status line that names a running VM names what it has cost so far: hourly price × age, from
 * one read-only fleet listing (through the real fleet and the fake azlin); nothing when unknown.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AzlinClient } from "../../src/azlin/client.js";
import { costSoFarByVm, costSoFarText } from "../../src/core/vm-inventory.js";
import { AzlinFleet } from "../../src/targets/azlin/fleet.js";
import { createFakeAzlin, type FakeAzlin, hoursAgo } from "../support/fake-azlin.js";

let fake: FakeAzlin;
let fleet: AzlinFleet;
beforeEach(async () => {
  fake = await createFakeAzlin();
  fleet = new AzlinFleet(new AzlinClient({ env: { ...fake.env, AMPLIHACK_REMOTE_RG: "amplihack-test-rg" } }));
});
afterEach(async () => {
  await fake.cleanup();
});

describe("cost so far", () => {
  it("prices each named running VM by its age, and leaves out the stopped, the unknown and the unnamed", async () => {
    const now = new Date();
    const tags = { amplihack_workflow: "true" };
    fake.addVm({ name: "vm-a", vmSize: "Standard_D4s_v3", createdAt: hoursAgo(2.5, now), tags });
    fake.addVm({ name: "vm-stopped", powerState: "Stopped", createdAt: hoursAgo(3, now), tags });
    fake.addVm({ name: "vm-odd", vmSize: "Standard_X9", createdAt: hoursAgo(1, now), tags });
    fake.addVm({ name: "vm-other", createdAt: hoursAgo(1, now), tags });
    const costs = await costSoFarByVm(fleet, ["vm-a", "vm-stopped", "vm-odd", "gone"], { now });
    expect([...costs.keys()]).toEqual(["vm-a"]);
    expect(costs.get("vm-a")).toEqual({ hourlyUsd: 0.192, soFarUsd: 0.48 });
    expect(costSoFarText(costs, "vm-a")).toBe("VM $0.48 so far");
    expect(costSoFarText(costs, "vm-odd")).toBe("");
    expect(
      fake
        .argvs()
        .map((a) => a[0])
        .filter((v) => v !== "list" && v !== "show"),
    ).toEqual([]);
  });

  it("asks nothing when no running VM is named", async () => {
    expect((await costSoFarByVm(fleet, [])).size).toBe(0);
    expect(fake.argvs()).toEqual([]);
  });
});
