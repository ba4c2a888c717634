import { fork } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { afterEach, describe, expect, it, vi } from "vitest";
import { StateStore } from "../../src/state/store.js";
import { cleanup, tempDir } from "../support/repo.js";
import { record } from "./store-record.js";

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  cleanup(...dirs.splice(0));
});

describe("StateStore", () => {
  it("round-trips runs and patches them", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const store = new StateStore(join(dir, "state.json"));
    await store.putRun(record("a"));
    const patched = await store.patchRun("a", { status: "running" });
    expect(patched.status).toBe("running");
    expect((await store.getRun("a"))?.status).toBe("running");
    await expect(store.patchRun("missing", {})).rejects.toThrow(/No run missing/);
  });

  it("reports a corrupt file with a remedy and keeps a backup instead of overwriting it", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, "state.json");
    writeFileSync(file, "{ not json");
    const store = new StateStore(file);
    const err = await store.update(() => {}).catch((e) => e);
    expect(err.code).toBe("state-corrupt");
    expect(err.remedy).toMatch(/move it away/);
    expect(readdirSync(dir).some((f) => f.startsWith("state.json.corrupt-"))).toBe(true);
    expect(existsSync(file)).toBe(true);
  });

  it("loses no update when 8 processes each make 50 read-modify-writes", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, "state.json");
    await new StateStore(file).putRun({ ...record("counter"), exitCode: 0 });
    const worker = join(import.meta.dirname, "store-worker.ts");
    const runs = Array.from(
      { length: 8 },
      (_, i) =>
        new Promise<number | null>((resolve) => {
          const child = fork(worker, [file, String(i), "50"], {
            execArgv: ["--import", "tsx"],
            stdio: "inherit",
          });
          child.on("exit", resolve);
        }),
    );
    expect(await Promise.all(runs)).toEqual(Array(8).fill(0));
    const state = await new StateStore(file).read();
    expect(state.runs.counter.exitCode).toBe(400);
    expect(Object.keys(state.runs)).toHaveLength(1 + 8);
  });

  it("makes the updates this process asks for at once under one lock, each as if alone", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const store = new StateStore(join(dir, "state.json"));
    await store.putRun(record("a"));
    const locks = vi.spyOn(lockfile, "lock");
    const ids = Array.from({ length: 8 }, (_, i) => `r${i}`);
    // Asked for in one turn (as a batch's runs resumed by one write ask for their next step), they
    // go together in one write, the first not alone before the rest.
    const patched = store.patchRun("a", { status: "running" });
    const puts = ids.map((id) => store.putRun(record(id)));
    // An update that fails half-way leaves nothing behind, and the others of its batch still land.
    const failing = store.update((s) => {
      s.runs.a.status = "failed";
      throw new Error("half-way");
    });
    const after = store.patchRun("a", { exitCode: 3 });
    await expect(failing).rejects.toThrow("half-way");
    await Promise.all(puts);
    expect(locks).toHaveBeenCalledTimes(1);
    // Asked for later (together again), they go in a write of their own.
    await Promise.all([store.patchRun("a", { exitCode: 4 }), store.patchRun("a", { exitCode: 3 })]);
    expect(locks).toHaveBeenCalledTimes(2);
    // A record an update returned is its own: a later update of the batch does not change it.
    expect((await patched).exitCode).toBeNull();
    expect((await after).exitCode).toBe(3);
    const state = await store.read();
    expect(state.runs.a.status).toBe("running");
    expect(state.runs.a.exitCode).toBe(3);
    expect(Object.keys(state.runs).sort()).toEqual(["a", ...ids]);
  });

  it("refuses an update asked for from inside another, instead of waiting for itself for ever", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const store = new StateStore(join(dir, "state.json"));
    await store.putRun(record("a"));
    const nested = store.update(async () => {
      await new StateStore(store.file).patchRun("a", { exitCode: 1 });
    });
    await expect(nested).rejects.toThrow(/asked for from inside another/);
    // The store is still usable afterwards.
    await store.patchRun("a", { exitCode: 2 });
    expect((await store.read()).runs.a.exitCode).toBe(2);
  });
});
