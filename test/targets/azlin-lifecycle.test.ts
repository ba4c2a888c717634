/**
 * The azlin target's VM lifecycle through the fake azlin, in both modes: directly, and across a
 * real sshd (skipped with a printed reason where sshd cannot run, never under CI).
 */
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { TAG } from "../../src/targets/azlin/tags.js";
import { createFakeAzlin, type FakeAzlin, hoursAgo } from "../support/fake-azlin.js";
import { cleanup, tempDir } from "../support/repo.js";
import { sshdForTests } from "../support/sshd.js";
import {
  claimAsStartWould,
  holdSlot,
  ourTags,
  rejected,
  request,
  runOptions,
  slotOwner,
  subcommands,
  targetFor,
} from "./azlin-scenarios.js";

const sshd = await sshdForTests();
afterAll(async () => {
  await sshd?.stop();
});

const modes = [
  { mode: "direct", ssh: null, skip: false },
  { mode: "ssh", ssh: sshd, skip: !sshd },
];

describe.each(modes)("azlin target lifecycle ($mode)", ({ ssh, skip }) => {
  let fake: FakeAzlin;
  beforeEach(async () => {
    if (skip) return;
    fake = await createFakeAzlin({ ssh });
  });
  afterEach(async () => {
    await fake?.cleanup();
  });
  const test = skip ? it.skip : it;

  test("a fresh VM: named and recorded before `new`, provisioned safely, tagged, slot taken, deleted on release", async () => {
    const target = targetFor(fake, { now: () => new Date("2026-11-24T06:30:01Z"), randomHex: () => "beef" });
    const req = request(fake, "20261124-063001-0001");
    const lease = await target.acquire(req);
    const name = lease.machine.name;
    // Untagged and unclaimed until the start's own connection takes the slot (no connection of its own).
    expect(subcommands(fake)).toEqual(["list", "new"]);
    expect(fake.vm(name)?.tags[TAG.workflow]).toBeUndefined();
    await claimAsStartWould(lease);

    expect(name).toBe("amplihack-testername-20261124-063001-beef");
    expect(req.log.known).toHaveLength(1);
    expect(req.log.known[0]).toMatchObject({ name, created: true });
    expect(req.log.known[0].argvSoFar.map((a) => a[0])).not.toContain("new");
    expect(lease.created).toBe(true);
    expect(lease.reused).toBe(false);

    const create = fake.argvs().find((a) => a[0] === "new");
    expect(create).toEqual([
      "new",
      "--name",
      name,
      "--vm-size",
      "Standard_D2s_v3",
      "--rg",
      "amplihack-test-rg",
      "--no-auto-connect",
    ]);
    expect(fake.vm(name)?.auth_forwarded).toBe(false);
    expect(fake.vm(name)?.tags).toMatchObject({
      [TAG.workflow]: "true",
      [TAG.owner]: "testername",
      [TAG.created]: "2026-11-24T06:30:01Z",
      [TAG.ttlHours]: "24",
      [TAG.run]: "20261124-063001-0001",
    });
    expect(await slotOwner(fake, name)).toBe("20261124-063001-0001");
    expect(lease.machine.howToReach).toBe(`azlin connect ${name} --rg amplihack-test-rg`);

    const beforeRelease = fake.argvs().length;
    const outcome = await lease.release({ keep: false });
    expect(outcome).toMatchObject({ deleted: true, kept: false });
    expect(outcome.message).toContain(name);
    // A VM holding one run, made by it: deleting it frees the slot too, no connection first.
    expect(subcommands(fake).slice(beforeRelease)).toEqual(["kill"]);
    expect(fake.vm(name)).toBeUndefined();
    const killIndex = subcommands(fake).lastIndexOf("kill");
    expect(fake.argvs()[killIndex]).toEqual(["kill", name, "--rg", "amplihack-test-rg", "--force"]);
    // Release is idempotent.
    expect(await lease.release({ keep: false })).toBe(outcome);
  });

  test("a VM of ours that fits is reused, and stays up after the run", async () => {
    fake.addVm({
      name: "ours-1",
      tags: ourTags(),
      createdAt: hoursAgo(3),
      resourceGroup: "AMPLIHACK-TEST-RG",
    });
    const target = targetFor(fake);
    const req = request(fake, "20261124-063001-0002");
    const lease = await target.acquire(req);
    expect(lease.machine.name).toBe("ours-1");
    expect(lease).toMatchObject({ created: false, reused: true });
    expect(req.log.known).toEqual([expect.objectContaining({ name: "ours-1", created: false })]);
    expect(subcommands(fake)).not.toContain("new");
    expect(await slotOwner(fake, "ours-1")).toBe("20261124-063001-0002");

    const outcome = await lease.release({ keep: false });
    expect(outcome).toMatchObject({ deleted: false, kept: true });
    expect(fake.vm("ours-1")).toBeDefined();
    expect(subcommands(fake)).not.toContain("kill");
    expect(await slotOwner(fake, "ours-1")).toBeNull();
  });

  test("VMs that do not fit are not reused: untagged, too old, other size, other region, stopped", async () => {
    fake.addVm({ name: "not-ours", createdAt: hoursAgo(1), region: "eastus" });
    fake.addVm({ name: "too-old", tags: ourTags(), createdAt: hoursAgo(25), region: "eastus" });
    fake.addVm({ name: "other-size", tags: ourTags(), vmSize: "Standard_D8s_v5", region: "eastus" });
    fake.addVm({ name: "other-region", tags: ourTags(), region: "westus2" });
    fake.addVm({ name: "stopped", tags: ourTags(), powerState: "Deallocated", region: "eastus" });
    const target = targetFor(fake);
    const lease = await target.acquire(
      request(fake, "20261124-063001-0003", runOptions({ region: "eastus" })),
    );
    expect(lease.created).toBe(true);
    expect(fake.argvs().find((a) => a[0] === "new")).toContain("eastus");
    expect(subcommands(fake).filter((s) => s === "connect")).toHaveLength(0); // the new VM's slot comes with the start
    await lease.release({ keep: false });
  });

  test("a busy VM is not reused; one whose run ended long ago is reclaimed", async () => {
    fake.addVm({ name: "busy-vm", tags: ourTags(), createdAt: hoursAgo(2) });
    await holdSlot(fake, "busy-vm", "20261124-000000-busy", { beatAgo: 5 });
    const target = targetFor(fake);
    const lease = await target.acquire(request(fake, "20261124-063001-0004"));
    await claimAsStartWould(lease);
    expect(lease.machine.name).not.toBe("busy-vm");
    expect(lease.created).toBe(true);
    expect(await slotOwner(fake, "busy-vm")).toBe("20261124-000000-busy");
    await lease.release({ keep: false });

    fake.addVm({ name: "done-vm", tags: ourTags(), createdAt: hoursAgo(1) });
    await holdSlot(fake, "done-vm", "20261124-000000-done", { beatAgo: 3600, ended: true });
    const reused = await target.acquire(request(fake, "20261124-063001-0005"));
    expect(reused.machine.name).toBe("done-vm");
    expect(await slotOwner(fake, "done-vm")).toBe("20261124-063001-0005");
    await reused.release({ keep: false });
  });

  test("--vm-name uses that VM and never deletes it", async () => {
    fake.addVm({ name: "my-dev-box", vmSize: "Standard_E16as_v5" });
    const target = targetFor(fake);
    const req = request(fake, "20261124-063001-0006", runOptions({ vmName: "my-dev-box" }));
    const lease = await target.acquire(req);
    expect(lease).toMatchObject({ created: false, reused: false });
    expect(lease.machine.name).toBe("my-dev-box");
    expect(req.log.known).toEqual([expect.objectContaining({ name: "my-dev-box", created: false })]);
    const outcome = await lease.release({ keep: false });
    expect(outcome.deleted).toBe(false);
    expect(outcome.message).toContain("--vm-name");
    expect(fake.vm("my-dev-box")).toBeDefined();
    expect(subcommands(fake)).not.toContain("kill");
    expect(subcommands(fake)).not.toContain("new");
  });

  test("--vm-name that does not exist, or is stopped, or is busy: a clear error", async () => {
    const target = targetFor(fake);
    const missing = await rejected(target.acquire(request(fake, "r1", runOptions({ vmName: "ghost-box" }))));
    expect(missing.code).toBe("azlin-not-found");
    expect(missing.message).toContain("ghost-box");
    fake.addVm({ name: "off-box", powerState: "Deallocated" });
    const off = await rejected(target.acquire(request(fake, "r2", runOptions({ vmName: "off-box" }))));
    expect(off.message).toContain("Deallocated");
    expect(off.remedy).toContain("azlin start off-box");
    fake.addVm({ name: "taken-box" });
    await holdSlot(fake, "taken-box", "20261124-000000-othr", { beatAgo: 1 });
    const busy = await rejected(target.acquire(request(fake, "r3", runOptions({ vmName: "taken-box" }))));
    expect(busy.message).toContain("20261124-000000-othr");
    expect(subcommands(fake)).not.toContain("new");
  });

  test("--no-reuse provisions even when a VM fits", async () => {
    fake.addVm({ name: "fits", tags: ourTags(), createdAt: hoursAgo(1) });
    const lease = await targetFor(fake).acquire(
      request(fake, "20261124-063001-0007", runOptions({ noReuse: true })),
    );
    expect(lease.created).toBe(true);
    expect(subcommands(fake)).not.toContain("list");
    await lease.release({ keep: false });
  });

  test("keep: the VM stays and the message says how to reach it", async () => {
    const lease = await targetFor(fake).acquire(request(fake, "20261124-063001-0008"));
    const outcome = await lease.release({ keep: true });
    expect(outcome).toMatchObject({ deleted: false, kept: true });
    expect(outcome.message).toContain(`azlin connect ${lease.machine.name}`);
    expect(fake.vm(lease.machine.name)).toBeDefined();
    expect(subcommands(fake)).not.toContain("kill");
  });

  test("quota fails fast with azlin's explanation and leaves no VM", async () => {
    fake.setFaults("new:quota");
    const req = request(fake, "20261124-063001-0009");
    const e = await rejected(targetFor(fake).acquire(req));
    expect(e.code).toBe("azlin-quota");
    expect(e.message).toContain("Quota exceeded");
    expect(e.details).toMatchObject({ vm: req.log.known[0].name, vmExists: false });
    expect(Object.keys(fake.state().vms)).toEqual([]);
    expect(subcommands(fake).slice(-1)).toEqual(["new"]); // no show, no kill: nothing to find
  });

  test("a create that timed out but made the VM: found with show, used, tagged", async () => {
    fake.setFaults("new:timeout");
    const req = request(fake, "20261124-063001-0010");
    const lease = await targetFor(fake).acquire(req);
    await claimAsStartWould(lease);
    expect(lease.created).toBe(true);
    expect(subcommands(fake)).toEqual(expect.arrayContaining(["new", "show", "connect", "tag add"]));
    expect(req.log.progress.join("\n")).toContain("exists and is running");
    expect(fake.vm(lease.machine.name)?.tags[TAG.workflow]).toBe("true");
    await lease.release({ keep: false });
    expect(fake.vm(lease.machine.name)).toBeUndefined();
  });

  test("a create that failed but made an unusable VM: deleted, and the error says so", async () => {
    fake.setFaults("new:egress");
    const req = request(fake, "20261124-063001-0011");
    const e = await rejected(targetFor(fake).acquire(req));
    const name = req.log.known[0].name;
    expect(e.details).toMatchObject({ vm: name, vmDeleted: true });
    expect(e.message).toContain(`unusable VM ${name} was deleted`);
    expect(fake.vm(name)).toBeUndefined();
  });

  test("an unusable VM that cannot be deleted is reported, never forgotten", async () => {
    fake.setFaults("new:egress,kill:timeout");
    const req = request(fake, "20261124-063001-0012");
    const e = await rejected(targetFor(fake).acquire(req));
    const name = req.log.known[0].name;
    expect(e.details).toMatchObject({ vm: name, vmDeleted: false, vmExists: true });
    expect(e.message).toContain(`amplihack-remote cleanup ${name}`);
    expect(fake.vm(name)).toBeDefined();
  });

  test("a kill that fails is reported and the VM recorded as not deleted", async () => {
    const lease = await targetFor(fake).acquire(request(fake, "20261124-063001-0013"));
    fake.setFaults("kill:timeout");
    const outcome = await lease.release({ keep: false });
    expect(outcome).toMatchObject({ deleted: false, kept: false });
    expect(outcome.message).toContain(`azlin kill ${lease.machine.name} --force`);
    expect(fake.vm(lease.machine.name)).toBeDefined();
  });

  test("a kill that timed out while Azure finished the delete counts as deleted (re-read with show)", async () => {
    const lease = await targetFor(fake).acquire(request(fake, "20261124-063001-0014"));
    fake.setFaults("kill:timeout-gone");
    const outcome = await lease.release({ keep: false });
    expect(outcome.deleted).toBe(true);
    expect(subcommands(fake).slice(-2)).toEqual(["kill", "show"]);
  });

  test("attach: the VM of an earlier run, released by that run's id (deleted only if it created it)", async () => {
    const target = targetFor(fake);
    const lease = await target.acquire(request(fake, "20261124-063001-0015"));
    const name = lease.machine.name;
    const again = await target.attach({ runId: "20261124-063001-0015", vmName: name, created: true });
    expect(again).toMatchObject({ created: true, reused: false });
    expect((await again.machine.exec("echo hi")).stdout).toBe("hi\n");
    expect(await again.release({ keep: false })).toMatchObject({ deleted: true });
    expect(fake.vm(name)).toBeUndefined();

    fake.addVm({ name: "shared-box", tags: ourTags() });
    await holdSlot(fake, "shared-box", "20261124-063001-0016", { beatAgo: 1 });
    const other = await target.attach({
      runId: "20261124-063001-0016",
      vmName: "shared-box",
      created: false,
    });
    expect(await other.release({ keep: false })).toMatchObject({ deleted: false, kept: true });
    expect(await slotOwner(fake, "shared-box")).toBeNull();
    expect(fake.vm("shared-box")).toBeDefined();
    await expect(target.attach({ runId: "x", vmName: null, created: false })).rejects.toThrow(
      /no VM on record/,
    );
  });

  test("validate: version, login and resource group before anything costs money, in one call", async () => {
    const target = targetFor(fake);
    await target.validate();
    expect(subcommands(fake)).toEqual(["list"]);
    fake.setFaults("any:auth");
    expect((await rejected(target.validate())).code).toBe("azlin-auth");
  });

  test("validate: an azlin older than the list format we read is named by its version", async () => {
    // azlin before 2.7.0 printed `list -o json` as a bare array (its CHANGELOG's BREAKING note).
    const dir = tempDir("ar-old-azlin-");
    const old = join(dir, "azlin");
    writeFileSync(
      old,
      `#!/usr/bin/env bash
case "$1" in --version) echo "azlin 2.6.4" ;; list) echo "[]" ;; *) exit 2 ;; esac
`,
    );
    chmodSync(old, 0o755);
    try {
      const target = targetFor(fake, {
        env: { ...fake.env, AMPLIHACK_REMOTE_RG: "rg", AMPLIHACK_REMOTE_AZLIN: old },
      });
      const e = await rejected(target.validate());
      expect(e.code).toBe("azlin-version");
      expect(e.message).toContain("azlin 2.6.4 is too old");
    } finally {
      cleanup(dir);
    }
  });
});
