/**
 * The slot scripts, run for real with bash in a temp "home": atomic take, capacity as a
 * parameter, the staleness rule, release by owner only, and no double booking under a race.
 */
import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireSlot, isBusy, readSlots, releaseSlot } from "../../src/targets/azlin/slots.js";
import type { ExecOptions } from "../../src/targets/types.js";
import { defaultRunner } from "../../src/util/run.js";

let home: string;
const machine = {
  name: "local-home",
  exec: async (script: string, options: ExecOptions = {}) => {
    const r = await defaultRunner("bash", ["-c", script], {
      cwd: home,
      input: options.input,
      timeoutMs: options.timeoutMs,
    });
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  },
};
const now = () => Math.floor(Date.now() / 1000);
const run = (id: string) => join(home, ".amplihack-remote", "runs", id);
function beat(id: string, secondsAgo: number, ended = false) {
  mkdirSync(run(id), { recursive: true });
  writeFileSync(join(run(id), "heartbeat"), `${now() - secondsAgo}\n`);
  if (ended) writeFileSync(join(run(id), "exit_code"), "0\n");
}
function backdateSlot(n: string, secondsAgo: number) {
  const owner = join(home, ".amplihack-remote/slots", n, "owner");
  writeFileSync(owner, readFileSync(owner, "utf8").replace(/created=\d+/, `created=${now() - secondsAgo}`));
}

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "slots-"));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

describe("run slots on a machine", () => {
  it("takes a free slot, writes its owner, and is idempotent for the same run", async () => {
    expect(await acquireSlot(machine, "run-a")).toEqual({ acquired: true, slot: "0", reclaimedFrom: null });
    expect(readFileSync(join(home, ".amplihack-remote/slots/0/owner"), "utf8")).toMatch(
      /^run_id=run-a\ncreated=\d+\n$/,
    );
    expect(await acquireSlot(machine, "run-a")).toMatchObject({ acquired: true, slot: "0" });
  });

  it("answers a probe in the claim's connection, only once the slot is taken; a failing probe leaves the claim", async () => {
    const probe = "printf 'a\\nb\\n'; printf 'hidden\\n' >&2";
    expect(await acquireSlot(machine, "run-a", undefined, {}, probe)).toEqual({
      acquired: true,
      slot: "0",
      reclaimedFrom: null,
      probed: "a\nb\n",
    });
    expect(await acquireSlot(machine, "run-b", undefined, {}, probe)).toEqual({
      acquired: false,
      holders: ["run-a"],
    });
    expect(await acquireSlot(machine, "run-a", undefined, {}, "exit 7")).toEqual({
      acquired: true,
      slot: "0",
      reclaimedFrom: null,
      probed: "",
    });
  });

  it("capacity is a parameter: two slots, then busy", async () => {
    const policy = { capacity: 2, staleAfterSeconds: 600 };
    expect(await acquireSlot(machine, "a", policy)).toMatchObject({ acquired: true, slot: "0" });
    expect(await acquireSlot(machine, "b", policy)).toMatchObject({ acquired: true, slot: "1" });
    expect(await acquireSlot(machine, "c", policy)).toEqual({ acquired: false, holders: ["a", "b"] });
  });

  it("a slot whose run is alive is not taken", async () => {
    await acquireSlot(machine, "live");
    beat("live", 5);
    expect(await acquireSlot(machine, "other")).toEqual({ acquired: false, holders: ["live"] });
  });

  it("a slot whose run ended more than 10 minutes ago is reclaimed", async () => {
    await acquireSlot(machine, "old");
    beat("old", 601, true);
    expect(await acquireSlot(machine, "new")).toEqual({ acquired: true, slot: "0", reclaimedFrom: "old" });
  });

  it("an ended run with a fresh heartbeat (being collected) keeps its slot", async () => {
    await acquireSlot(machine, "collecting");
    beat("collecting", 30, true);
    expect((await acquireSlot(machine, "new")).acquired).toBe(false);
  });

  it("a stopped heartbeat without exit_code keeps the slot (the run may be paused)", async () => {
    await acquireSlot(machine, "paused");
    beat("paused", 3600, false);
    expect((await acquireSlot(machine, "new")).acquired).toBe(false);
  });

  it("a slot with no heartbeat at all is reclaimed 10 minutes after it was taken", async () => {
    await acquireSlot(machine, "never-started");
    expect((await acquireSlot(machine, "new")).acquired).toBe(false);
    backdateSlot("0", 601);
    expect(await acquireSlot(machine, "new")).toMatchObject({
      acquired: true,
      reclaimedFrom: "never-started",
    });
  });

  it("a slot directory without an owner file ages by its mtime", async () => {
    mkdirSync(join(home, ".amplihack-remote/slots/0"), { recursive: true });
    expect((await acquireSlot(machine, "x")).acquired).toBe(false);
    const old = new Date(Date.now() - 700_000);
    utimesSync(join(home, ".amplihack-remote/slots/0"), old, old);
    expect(await acquireSlot(machine, "x")).toMatchObject({ acquired: true, reclaimedFrom: "unknown" });
  });

  it("release frees only the caller's slot", async () => {
    const policy = { capacity: 2, staleAfterSeconds: 600 };
    await acquireSlot(machine, "a", policy);
    await acquireSlot(machine, "b", policy);
    await releaseSlot(machine, "a", policy);
    expect((await readSlots(machine, policy)).map((s) => s.runId)).toEqual(["b"]);
    await releaseSlot(machine, "nobody", policy);
    expect((await readSlots(machine, policy)).map((s) => s.runId)).toEqual(["b"]);
  });

  it("reads slots with their staleness", async () => {
    expect(await readSlots(machine)).toEqual([]);
    await acquireSlot(machine, "r1");
    beat("r1", 700, true);
    const slots = await readSlots(machine);
    expect(slots).toEqual([{ slot: "0", runId: "r1", createdEpoch: expect.any(Number), stale: true }]);
    expect(isBusy(slots)).toBe(false);
    beat("r1", 1, true);
    expect(isBusy(await readSlots(machine))).toBe(true);
  });

  it("twenty racing runs on one slot: exactly one wins", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => acquireSlot(machine, `racer-${i}`)),
    );
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    const winner = readFileSync(join(home, ".amplihack-remote/slots/0/owner"), "utf8");
    expect(execFileSync("ls", [join(home, ".amplihack-remote/slots")], { encoding: "utf8" })).toBe("0\n");
    expect(winner).toMatch(/^run_id=racer-\d+\n/);
  });

  it("reads the slots' owners with shell builtins: no sed or head on the machine's PATH", async () => {
    // Only the commands a claim must run (an atomic mkdir, the time, the owner file's rename, the lock).
    const bin = join(home, "bin");
    mkdirSync(bin);
    for (const tool of ["mkdir", "date", "mv", "flock"]) {
      const path = execFileSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
      symlinkSync(path, join(bin, tool));
    }
    const bare = {
      name: "bare-home",
      exec: async (script: string) =>
        defaultRunner("/bin/bash", ["-c", script], { cwd: home, env: { PATH: bin }, extendEnv: false }),
    };
    const policy = { capacity: 3, staleAfterSeconds: 600 };
    expect(await acquireSlot(bare, "a", policy)).toMatchObject({ acquired: true, slot: "0" });
    expect(await acquireSlot(bare, "b", policy)).toMatchObject({ acquired: true, slot: "1" });
    // b holds slot 1 already: found by its owner file, not a third slot taken.
    expect(await acquireSlot(bare, "b", policy)).toMatchObject({ acquired: true, slot: "1" });
    expect(await acquireSlot(bare, "c", policy)).toMatchObject({ acquired: true, slot: "2" });
    expect(await acquireSlot(bare, "d", policy)).toEqual({ acquired: false, holders: ["a", "b", "c"] });
  });
});
