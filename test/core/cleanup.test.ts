/**
 * The reaper deletes our VMs and only ours: by name, or past their ttl / older than H hours and
 * not busy; dry-run changes nothing. Through the real fleet and the fake azlin.
 */
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AzlinClient } from "../../src/azlin/client.js";
import { cleanupCommand } from "../../src/cli/commands/cleanup.js";
import { cleanupVms } from "../../src/core/cleanup.js";
import { AzlinFleet } from "../../src/targets/azlin/fleet.js";
import { TAG } from "../../src/targets/azlin/tags.js";
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

const names = () => Object.keys(fake.state().vms).sort();
const byName = <T extends { name: string }>(rs: T[]) => Object.fromEntries(rs.map((r) => [r.name, r]));

function seedFleet() {
  fake.addVm({ name: "not-ours-old", createdAt: hoursAgo(100) });
  fake.addVm({ name: "ours-expired", tags: ourTags(), createdAt: hoursAgo(30) });
  fake.addVm({ name: "ours-short-ttl", tags: { ...ourTags(), [TAG.ttlHours]: "2" }, createdAt: hoursAgo(3) });
  fake.addVm({ name: "ours-young", tags: ourTags(), createdAt: hoursAgo(1) });
  fake.addVm({ name: "ours-busy-old", tags: ourTags(), createdAt: hoursAgo(40) });
  fake.addVm({
    name: "ours-stopped-old",
    tags: ourTags(),
    createdAt: hoursAgo(50),
    powerState: "Deallocated",
  });
}

describe("cleanupVms", () => {
  it("by default deletes ours past their ttl and not busy; leaves the rest with reasons", async () => {
    seedFleet();
    await holdSlot(fake, "ours-busy-old", "20260101-000000-busy", { beatAgo: 3 });
    const results = byName(await cleanupVms({ dryRun: false }, { fleet }));
    expect(results["ours-expired"]).toMatchObject({ action: "deleted" });
    expect(results["ours-expired"].reason).toContain("past its 24 h ttl");
    expect(results["ours-short-ttl"]).toMatchObject({ action: "deleted" });
    expect(results["ours-stopped-old"]).toMatchObject({ action: "deleted" });
    expect(results["ours-young"]).toMatchObject({ action: "skipped" });
    expect(results["ours-young"].reason).toMatch(/younger than 24 h/);
    expect(results["ours-busy-old"]).toMatchObject({
      action: "skipped",
      reason: "busy with run 20260101-000000-busy",
    });
    expect(results["not-ours-old"]).toBeUndefined();
    expect(names()).toEqual(["not-ours-old", "ours-busy-old", "ours-young"]);
    for (const kill of fake.argvs().filter((a) => a[0] === "kill")) expect(kill).toContain("--force");
  });

  it("--older-than H overrides the ttl", async () => {
    seedFleet();
    const results = byName(await cleanupVms({ olderThanHours: 0.5, dryRun: true }, { fleet }));
    expect(results["ours-young"]).toMatchObject({ action: "would-delete" });
    expect(results["ours-young"].reason).toContain("≥ 0.5 h");
  });

  it("dry-run lists what would go and deletes nothing", async () => {
    seedFleet();
    const before = names();
    const results = await cleanupVms({ dryRun: true }, { fleet });
    expect(
      results
        .filter((r) => r.action === "would-delete")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["ours-busy-old", "ours-expired", "ours-short-ttl", "ours-stopped-old"]);
    expect(names()).toEqual(before);
    expect(fake.argvs().map((a) => a[0])).not.toContain("kill");
  });

  it("by name: ours goes even when young; someone else's never", async () => {
    seedFleet();
    expect(await cleanupVms({ name: "ours-young", dryRun: false }, { fleet })).toEqual([
      expect.objectContaining({ name: "ours-young", action: "deleted", reason: "named" }),
    ]);
    const [other] = await cleanupVms({ name: "not-ours-old", dryRun: false }, { fleet });
    expect(other).toMatchObject({ action: "skipped" });
    expect(other.reason).toContain("not an amplihack-remote VM");
    expect(names()).toContain("not-ours-old");
    expect((await cleanupVms({ name: "ghost", dryRun: false }, { fleet }))[0]).toMatchObject({
      action: "skipped",
      reason: "no such VM in the resource group",
    });
  });

  it("by name: a VM we named but never got to tag is ours", async () => {
    fake.addVm({ name: "amplihack-tester-20261124-063001-beef", createdAt: hoursAgo(1) });
    const [r] = await cleanupVms({ name: "amplihack-tester-20261124-063001-beef", dryRun: false }, { fleet });
    expect(r.action).toBe("deleted");
  });

  it("a VM whose busy-ness cannot be read is skipped unless named", async () => {
    fake.addVm({ name: "ours-unreachable", tags: ourTags(), createdAt: hoursAgo(30) });
    fake.setFaults("connect:ssh255");
    const [r] = await cleanupVms({ dryRun: false }, { fleet });
    expect(r).toMatchObject({ action: "skipped" });
    expect(r.reason).toContain("could not check");
    expect((await cleanupVms({ name: "ours-unreachable", dryRun: false }, { fleet }))[0].action).toBe(
      "deleted",
    );
  });

  it("a delete that fails is reported as failed", async () => {
    fake.addVm({ name: "ours-stuck", tags: ourTags(), createdAt: hoursAgo(30) });
    fake.setFaults("kill:timeout");
    const [r] = await cleanupVms({ dryRun: false }, { fleet });
    expect(r.action).toBe("failed");
    expect(r.reason).toContain("timed out");
    expect(names()).toEqual(["ours-stuck"]);
  });
});

describe("cleanupCommand", () => {
  it("prints a table and returns 0", async () => {
    seedFleet();
    let out = "";
    const code = await cleanupCommand(
      undefined,
      { dryRun: true, json: false },
      { fleet, stdout: (t) => (out += t) },
    );
    expect(code).toBe(0);
    expect(out).toMatch(/^NAME\s+ACTION\s+AGE\s+WHY\n/);
    expect(out).toContain("would delete");
    expect(out).toContain("Dry run: 4 would be deleted, 1 skipped. Nothing was changed.");
  });
  it("JSON, and a non-zero exit when a named VM was not deleted", async () => {
    fake.addVm({ name: "someone", createdAt: hoursAgo(1) });
    let out = "";
    const code = await cleanupCommand(
      "someone",
      { dryRun: false, json: true },
      { fleet, stdout: (t) => (out += t) },
    );
    expect(code).toBe(5);
    expect(JSON.parse(out).results[0]).toMatchObject({ name: "someone", action: "skipped" });
  });
  it("rejects a name together with --older-than", async () => {
    let err = "";
    expect(
      await cleanupCommand(
        "x",
        { olderThan: 3, dryRun: false, json: false },
        { fleet, stderr: (t) => (err += t) },
      ),
    ).toBe(2);
    expect(err).toContain("not both");
  });

  it("with idleMinutes, deletes a young pool VM idle since its last run ended, and keeps a recently used one", async () => {
    fake.addVm({ name: "ours-idle", tags: ourTags(), createdAt: hoursAgo(3) });
    fake.addVm({ name: "ours-recent", tags: ourTags(), createdAt: hoursAgo(3) });
    fake.addVm({ name: "ours-never-ran", tags: ourTags(), createdAt: hoursAgo(2) });
    const ended = (vm: string, run: string, minutesAgo: number) => {
      const dir = join(fake.vmHome(vm), ".amplihack-remote", "runs", run);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "exit_code"), "0\n");
      const t = Date.now() / 1000 - minutesAgo * 60;
      utimesSync(join(dir, "exit_code"), t, t);
    };
    ended("ours-idle", "r1", 90);
    ended("ours-idle", "r2", 75);
    ended("ours-recent", "r3", 10);
    const results = byName(await cleanupVms({ idleMinutes: 60, dryRun: false }, { fleet }));
    expect(results["ours-idle"]).toMatchObject({ action: "deleted" });
    expect(results["ours-idle"].reason).toMatch(/idle 7\d min since its last run ended/);
    expect(results["ours-never-ran"]).toMatchObject({ action: "deleted" });
    expect(results["ours-recent"]).toMatchObject({ action: "skipped" });
    expect(results["ours-recent"].reason).toMatch(/idle 1\d min/);
    expect(names()).toEqual(["ours-recent"]);
  });

  it("with runs queued for a VM: an idle young VM is left for them, and a VM it does delete says so", async () => {
    fake.addVm({ name: "ours-idle", tags: ourTags(), createdAt: hoursAgo(3) });
    fake.addVm({ name: "ours-expired", tags: ourTags(), createdAt: hoursAgo(30) });
    const dir = join(fake.vmHome("ours-idle"), ".amplihack-remote", "runs", "r1");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "exit_code"), "0\n");
    const t = Date.now() / 1000 - 90 * 60;
    utimesSync(join(dir, "exit_code"), t, t);
    const results = byName(await cleanupVms({ idleMinutes: 60, dryRun: false }, { fleet, queuedRuns: 3 }));
    expect(results["ours-idle"]).toMatchObject({ action: "skipped" });
    expect(results["ours-idle"].reason).toContain("3 queued runs are about to use it");
    expect(results["ours-expired"]).toMatchObject({ action: "deleted" });
    expect(results["ours-expired"].reason).toContain("3 queued runs wait for a VM");
    expect(names()).toEqual(["ours-idle"]);
  });

  it("never reaps a VM whose run results are not retrieved yet, and reaps an untagged VM our records name", async () => {
    fake.addVm({ name: "ours-with-results", tags: ourTags(), createdAt: hoursAgo(30) });
    fake.addVm({ name: "amplihack-me-20260101-000000-abcd", createdAt: hoursAgo(30) }); // never got its tags
    fake.addVm({ name: "amplihack-other-20260101-000000-beef", createdAt: hoursAgo(30) }); // untagged, unknown here
    const known = (name: string) => ({
      recorded: name === "ours-with-results" || name === "amplihack-me-20260101-000000-abcd",
      unretrievedRun: name === "ours-with-results" ? "20260101-000000-wait" : null,
    });
    const results = byName(await cleanupVms({ dryRun: false }, { fleet, known }));
    expect(results["ours-with-results"]).toMatchObject({ action: "skipped" });
    expect(results["ours-with-results"].reason).toContain("amplihack-remote retrieve 20260101-000000-wait");
    expect(results["amplihack-me-20260101-000000-abcd"]).toMatchObject({ action: "deleted" });
    expect(results["amplihack-other-20260101-000000-beef"]).toBeUndefined();
    expect(names()).toEqual(["amplihack-other-20260101-000000-beef", "ours-with-results"]);
  });
});
