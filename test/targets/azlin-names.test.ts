import { describe, expect, it } from "vitest";
import { isValidVmName, makeVmName, sanitizeUser } from "../../src/targets/azlin/names.js";
import { byYoungest, whyNotReusable } from "../../src/targets/azlin/reuse.js";
import { ownershipTags } from "../../src/targets/azlin/tags.js";

const now = new Date("2026-11-24T06:34:01.123Z");

describe("VM names", () => {
  it("amplihack-{user}-{YYYYMMDD-HHMMSS}-{hex}", () => {
    expect(makeVmName("alice", now, "a1b2")).toBe("amplihack-alice-20261124-063401-a1b2");
  });
  it("sanitizes the user to azlin's rules", () => {
    expect(sanitizeUser("John.Doe@CORP")).toBe("johndoecorp");
    expect(sanitizeUser("--é--")).toBe("user");
    expect(sanitizeUser("a__b--c")).toBe("ab-c");
    expect(makeVmName("DOMAIN\\Bob Smith", now, "0000")).toBe(
      "amplihack-domainbobsmith-20261124-063401-0000",
    );
  });
  it("truncates long users so the whole name fits in 64", () => {
    const name = makeVmName("x".repeat(100), now, "ffff");
    expect(name).toHaveLength(64);
    expect(isValidVmName(name)).toBe(true);
    expect(makeVmName(`${"y".repeat(32)}-${"z".repeat(10)}`, now, "ffff")).not.toMatch(/--/);
  });
  it("validates like azlin", () => {
    expect(isValidVmName("a")).toBe(true);
    expect(isValidVmName("-a")).toBe(false);
    expect(isValidVmName("a.")).toBe(false);
    expect(isValidVmName("a_b")).toBe(false);
    expect(isValidVmName("a".repeat(65))).toBe(false);
  });
});

describe("reuse eligibility", () => {
  const vm = (over: Record<string, unknown> = {}) => ({
    name: "v",
    resource_group: "RG",
    location: "westus2",
    vm_size: "Standard_D2s_v3",
    power_state: "Running",
    provisioning_state: "Succeeded",
    created_time: "2026-11-24 04:34:01 UTC",
    tags: ownershipTags({ user: "u", runId: "r", now }),
    ...over,
  });
  const wanted = { vmSize: "standard_d2s_v3", resourceGroup: "rg", now };
  it("ours, young, same size, running, same resource group (any case)", () => {
    expect(whyNotReusable(vm(), wanted)).toBeNull();
  });
  it("says why not", () => {
    expect(whyNotReusable(vm({ tags: {} }), wanted)).toContain("not tagged");
    expect(whyNotReusable(vm({ vm_size: "Standard_D4s_v3" }), wanted)).toContain("size");
    expect(whyNotReusable(vm({ location: "eastus" }), { ...wanted, region: "westus2" })).toContain("region");
    expect(whyNotReusable(vm({ power_state: "Stopped" }), wanted)).toContain("Stopped");
    expect(whyNotReusable(vm({ created_time: "2026-11-23 06:00:00 UTC" }), wanted)).toContain("h old");
    expect(
      whyNotReusable(
        vm({ created_time: null, tags: { ...vm().tags, amplihack_created: "2026-11-22T00:00:00Z" } }),
        wanted,
      ),
    ).toContain("h old");
    expect(whyNotReusable(vm({ resource_group: "other" }), wanted)).toContain("resource group");
  });
  it("prefers the youngest", () => {
    const a = vm({ name: "a", created_time: "2026-11-24 01:00:00 UTC" });
    const b = vm({ name: "b", created_time: "2026-11-24 05:00:00 UTC" });
    expect([a, b].sort(byYoungest).map((x) => x.name)).toEqual(["b", "a"]);
  });
});
