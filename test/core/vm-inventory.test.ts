/**
 * `vms`: our VMs only, with age, power state, busy/free read on the VM (unknown when ssh fails),
 * run ids from tags and slots, and an hourly price estimate. Through the real fleet and the fake.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AzlinClient } from "../../src/azlin/client.js";
import { hourlyPriceUsd } from "../../src/azlin/prices.js";
import { formatVmsTable, vmsCommand } from "../../src/cli/commands/vms.js";
import { costSoFarByVm, costSoFarText, formatHourlyPrice, listOurVms } from "../../src/core/vm-inventory.js";
import { AzlinFleet } from "../../src/targets/azlin/fleet.js";
import { createFakeAzlin, type FakeAzlin, hoursAgo } from "../support/fake-azlin.js";
import { holdSlot, ourTags } from "../targets/azlin-scenarios.js";

let fake: FakeAzlin;
let fleet: AzlinFleet;
beforeEach(async () => {
  fake = await createFakeAzlin();
  fleet = new AzlinFleet(new AzlinClient({ env: { ...fake.env, AMPLIHACK_REMOTE_RG: "amplihack-test-rg" } }));
});
afterEach(async () => {
  await fake.cleanup();
});

describe("price table", () => {
  it("knows the common SKUs and says ? for others", () => {
    expect(hourlyPriceUsd("Standard_D2s_v3")).toBeCloseTo(0.096);
    expect(hourlyPriceUsd("standard_e16as_v5")).toBeGreaterThan(0.5);
    for (const sku of [
      "D4s_v3",
      "D8s_v3",
      "D2s_v5",
      "D4s_v5",
      "D8s_v5",
      "D16s_v5",
      "E2as_v5",
      "E4as_v5",
      "E8as_v5",
    ]) {
      expect(hourlyPriceUsd(`Standard_${sku}`)).toBeGreaterThan(0);
    }
    expect(hourlyPriceUsd("Standard_NC24ads_A100_v4")).toBeNull();
    expect(formatHourlyPrice(null)).toBe("?");
    expect(formatHourlyPrice(0.096)).toBe("$0.10/h");
  });
});

describe("listOurVms", () => {
  it("lists only our VMs, oldest first, with what they are doing", async () => {
    const now = new Date();
    fake.addVm({ name: "someone-elses", createdAt: hoursAgo(1, now) });
    fake.addVm({
      name: "ours-free",
      tags: ourTags("20260101-000000-0001"),
      createdAt: hoursAgo(2, now),
      vmSize: "Standard_D4s_v5",
    });
    fake.addVm({ name: "ours-busy", tags: ourTags("20260101-000000-0002"), createdAt: hoursAgo(5, now) });
    fake.addVm({
      name: "ours-stopped",
      tags: ourTags(),
      createdAt: hoursAgo(30, now),
      powerState: "Deallocated",
      vmSize: "Standard_NC6",
    });
    await holdSlot(fake, "ours-busy", "20260101-000000-0003", { beatAgo: 2 });

    const vms = await listOurVms(fleet, { now });
    expect(vms.map((v) => v.name)).toEqual(["ours-stopped", "ours-busy", "ours-free"]);
    const [stopped, busy, free] = vms;
    expect(free).toMatchObject({
      size: "Standard_D4s_v5",
      region: "westus2",
      powerState: "Running",
      busy: "free",
      expired: false,
      hourlyCostUsd: 0.192,
    });
    expect(free.ageHours).toBeCloseTo(2, 1);
    expect(free.runIds).toEqual(["20260101-000000-0001"]);
    expect(busy).toMatchObject({ busy: "busy", runIds: ["20260101-000000-0002", "20260101-000000-0003"] });
    expect(stopped).toMatchObject({
      busy: "free",
      expired: true,
      hourlyCostUsd: null,
      powerState: "Deallocated",
    });
    // Slots are read only on running VMs.
    const connects = fake
      .argvs()
      .filter((a) => a[0] === "connect")
      .map((a) => a[1]);
    expect(connects).not.toContain("ours-stopped");
    expect(connects).not.toContain("someone-elses");

    const table = formatVmsTable(vms);
    expect(table).toMatch(/^NAME\s+SIZE\s+REGION\s+AGE\s+STATE\s+BUSY\s+RUNS\s+COST\/H\s+SO FAR\n/);
    expect(table).toContain("(expired)");
    expect(table).toMatch(/ours-stopped .* \?\n/);
    expect(table).toContain("$0.19/h");
    // Accrued estimate: hourly price × age, for every VM whose price and age are known.
    const priced = vms.filter((v) => v.hourlyCostUsd !== null && v.ageHours !== null);
    expect(priced.length).toBeGreaterThan(0);
    for (const v of priced)
      expect(v.accruedCostUsd).toBeCloseTo((v.hourlyCostUsd ?? 0) * (v.ageHours ?? 0), 1);
  });

  it("a VM named like ours but never tagged is listed as untagged", async () => {
    fake.addVm({ name: "amplihack-bob-20261124-063001-abcd", createdAt: hoursAgo(1) });
    const [vm] = await listOurVms(fleet);
    expect(vm).toMatchObject({ name: "amplihack-bob-20261124-063001-abcd", tagged: false });
    expect(formatVmsTable([vm])).toContain("amplihack-bob-20261124-063001-abcd (untagged)");
  });

  it("an unreachable VM is busy=unknown, not an error", async () => {
    fake.addVm({ name: "ours-unreachable", tags: ourTags(), createdAt: hoursAgo(1) });
    fake.setFaults("connect:ssh255");
    const [vm] = await listOurVms(fleet);
    expect(vm.busy).toBe("unknown");
    expect(vm.busyNote).toContain("ssh");
  });
});

describe("vmsCommand", () => {
  it("prints JSON and returns 0", async () => {
    fake.addVm({ name: "ours-j", tags: ourTags(), createdAt: hoursAgo(1) });
    let out = "";
    const code = await vmsCommand({ json: true }, { fleet, stdout: (t) => (out += t) });
    expect(code).toBe(0);
    expect(JSON.parse(out).vms[0]).toMatchObject({
      name: "ours-j",
      busy: "free",
      howToReach: "azlin connect ours-j --rg amplihack-test-rg",
    });
  });
  it("an azlin failure prints the message and remedy and returns its exit code", async () => {
    fake.setFaults("any:auth");
    let err = "";
    const code = await vmsCommand({ json: false }, { fleet, stderr: (t) => (err += t) });
    expect(code).toBe(4);
    expect(err).toContain("az login");
  });
  it("says so when there are none", async () => {
    let out = "";
    await vmsCommand({ json: false }, { fleet, stdout: (t) => (out += t) });
    expect(out).toBe("No amplihack-remote VMs in this resource group.\n");
  });
});

// A status line that names a running VM names what it has cost so far (one read-only listing).
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
