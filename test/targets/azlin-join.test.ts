/**
 * Runs of a batch joining a VM a sibling acquired (AzlinTarget.join, used by core/pool.ts): on a
 * VM of someone's, all their slots are claimed in one connection and a run left without one is
 * told so (its launch then finds a VM of its own); on a VM the batch has just made, no connection
 * at all: each run's slot comes with its start, as the first run's does. Through the fake azlin.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RemoteError } from "../../src/util/errors.js";
import { createFakeAzlin, type FakeAzlin } from "../support/fake-azlin.js";
import { claimAsStartWould, holdSlot, onVm, request, subcommands, targetFor } from "./azlin-scenarios.js";

let fake: FakeAzlin;
beforeEach(async () => {
  fake = await createFakeAzlin();
});
afterEach(async () => {
  await fake?.cleanup();
});

const owners = async (vm: string) =>
  (await onVm(fake, vm, "cat .amplihack-remote/slots/*/owner 2>/dev/null | sed -n 's/^run_id=//p' | sort"))
    .split("\n")
    .filter(Boolean);

describe("runs joining a VM of the batch", () => {
  it("claims the slots of all of them in one connection; one left without a slot is told why", async () => {
    const vm = fake.addVm({ name: "amplihack-someone-vm", vmSize: "Standard_D4s_v3" }).name;
    await holdSlot(fake, vm, "busy-run"); // a live run of someone else's holds slot 0
    const target = targetFor(fake, { slots: { capacity: 3 } });
    const before = fake.argvs().length;
    const answers = await target.join(
      vm,
      ["r1", "r2", "r3"].map((id) => request(fake, id)),
      { created: false },
    );
    expect(subcommands(fake).slice(before)).toEqual(["connect"]);
    expect(answers.map((a) => (a instanceof Error ? "refused" : a.machine.name))).toEqual([
      vm,
      vm,
      "refused",
    ]);
    const refused = answers[2] as RemoteError;
    expect(refused).toBeInstanceOf(RemoteError);
    expect(refused.message).toMatch(/no free run slot/);
    expect(refused.remedy).toMatch(/another VM/);
    expect(await owners(vm)).toEqual(["busy-run", "r1", "r2"]);
  });

  it("on a VM the batch has just made, for runs starting with its first, opens no connection: each run's start takes its slot", async () => {
    const vm = fake.addVm({ name: "amplihack-testername-new", vmSize: "Standard_D4s_v3" }).name;
    const target = targetFor(fake, { slots: { capacity: 3 } });
    const before = fake.argvs().length;
    const requests = ["r1", "r2"].map((id) => request(fake, id));
    const leases = await target.join(vm, requests, { created: true, beforeItsStart: true });
    expect(fake.argvs().length).toBe(before);
    expect(requests.map((r) => r.log.known[0])).toMatchObject([
      { name: vm, created: true },
      { name: vm, created: true },
    ]);
    expect(await owners(vm)).toEqual([]);
    for (const lease of leases) {
      if (lease instanceof Error) throw lease;
      expect(lease.created).toBe(true);
      await claimAsStartWould(lease);
    }
    expect(await owners(vm)).toEqual(["r1", "r2"]);
  });
});
