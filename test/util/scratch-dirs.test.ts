import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detachedLauncher } from "../../src/core/launch/launcher.js";
import {
  holdScratchDir,
  holdScratchDirForJob,
  makeScratchDir,
  processAlive,
  sweepScratchDirs,
} from "../../src/util/scratch-dirs.js";
import { deadPid } from "../support/fault-support.js";

const roots: string[] = [];
function root(): string {
  const r = mkdtempSync(join(tmpdir(), "ar-sweep-test-"));
  roots.push(r);
  return r;
}
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function dir(at: string, name: string): string {
  const d = join(at, name);
  mkdirSync(d);
  writeFileSync(join(d, "context.tar.gz"), "x");
  return d;
}

describe("sweepScratchDirs", () => {
  it("removes the directories of processes that are gone, and only those", async () => {
    const at = root();
    const dead = deadPid();
    expect(processAlive(dead)).toBe(false);
    const gone = dir(at, `amplihack-remote-pkg-${dead}-aB3dE9`);
    const results = dir(at, `amplihack-remote-results-${dead}-Zz0000`);
    const mine = dir(at, `amplihack-remote-pkg-${process.pid}-aaaaaa`);
    const others = dir(at, `someone-else-${dead}-aaaaaa`);
    const removed = await sweepScratchDirs({ root: at });
    expect(removed.sort()).toEqual([gone, results].sort());
    expect(existsSync(mine)).toBe(true);
    expect(existsSync(others)).toBe(true);
  });

  it("keeps a directory another live process holds, and what the caller still wants", async () => {
    const at = root();
    const dead = deadPid();
    const handedOver = dir(at, `amplihack-remote-pkg-${dead}-hand00`);
    await holdScratchDir(handedOver, process.pid);
    const heldByDead = dir(at, `amplihack-remote-pkg-${dead}-held00`);
    await holdScratchDir(heldByDead, deadPid());
    const queued = dir(at, `amplihack-remote-pkg-${dead}-queue0`);
    const removed = await sweepScratchDirs({ root: at, keep: (d) => d === queued });
    expect(removed).toEqual([heldByDead]);
    expect(existsSync(handedOver)).toBe(true);
    expect(existsSync(queued)).toBe(true);
    // The dead holder's marker went with its directory; the live one's stays.
    expect(readdirSync(at).filter((n) => n.includes(".held-by-"))).toEqual([
      `${basename(handedOver)}.held-by-${process.pid}`,
    ]);
  });

  it("takes a directory without a pid in its name (an older build's) for stale only after a day", async () => {
    const at = root();
    const old = dir(at, "amplihack-remote-pkg-Old000");
    const wip = dir(at, "amplihack-wip-Old111");
    const fresh = dir(at, "amplihack-remote-results-New000");
    const demo = dir(at, "amplihack-remote-demo-Old222"); // the demo's repository: the user's
    const uid = dir(at, "amplihack-remote-0"); // the tmux socket directory of runs on this machine
    const dayAgo = (Date.now() - 25 * 3_600_000) / 1000;
    utimesSync(old, dayAgo, dayAgo);
    for (const d of [wip, demo, uid]) utimesSync(d, dayAgo, dayAgo);
    expect((await sweepScratchDirs({ root: at })).sort()).toEqual([old, wip].sort());
    for (const d of [fresh, demo, uid]) expect(existsSync(d)).toBe(true);
  });

  it("drops markers whose directory is gone", async () => {
    const at = root();
    writeFileSync(join(at, `amplihack-remote-pkg-1-abcdef.held-by-${process.pid}`), "");
    await sweepScratchDirs({ root: at });
    expect(readdirSync(at)).toEqual([]);
  });

  it("keeps a package a launch job needs, whoever sweeps, until the job file goes", async () => {
    const at = root();
    const state = root(); // another state directory than any sweeper's: no `keep` knows the job
    const pkg = dir(at, `amplihack-remote-pkg-${deadPid()}-jobkp0`);
    await holdScratchDir(pkg, deadPid());
    const job = join(state, "b1.json");
    writeFileSync(job, "{}");
    await holdScratchDirForJob(pkg, job);
    expect(await sweepScratchDirs({ root: at })).toEqual([]);
    expect(existsSync(pkg)).toBe(true);
    rmSync(job);
    expect(await sweepScratchDirs({ root: at })).toEqual([pkg]);
    expect(readdirSync(at)).toEqual([]); // both markers went with it
  });

  it("drops a job's marker whose package is gone", async () => {
    const at = root();
    await holdScratchDirForJob(join(at, "amplihack-remote-pkg-1-abcdef"), join(at, "nowhere.json"));
    await sweepScratchDirs({ root: at });
    expect(readdirSync(at)).toEqual([]);
  });

  it("makeScratchDir names the directory with this process's pid", async () => {
    const d = await makeScratchDir("pkg");
    try {
      expect(basename(d)).toMatch(new RegExp(`^amplihack-remote-pkg-${process.pid}-[A-Za-z0-9]{6}$`));
      expect(await sweepScratchDirs({ root: join(d, "..") })).not.toContain(d);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe("the launcher's sweep", () => {
  it("keeps the package a job file points at, and sweeps nothing while a job file cannot be read", async () => {
    const state = root();
    const scratch = root();
    const dead = deadPid();
    const pkg = join(scratch, `amplihack-remote-pkg-${dead}-jobpk0`);
    mkdirSync(pkg);
    try {
      mkdirSync(join(state, "launch"));
      const job = join(state, "launch", "b1.json");
      writeFileSync(job, JSON.stringify({ pkg: { dir: pkg } }));
      const launcher = detachedLauncher({ stateDir: state, env: process.env, scratchRoot: scratch });
      await launcher.sweep();
      expect(existsSync(pkg)).toBe(true);
      writeFileSync(job, '{"pkg": {"dir": '); // half written
      await launcher.sweep();
      expect(existsSync(pkg)).toBe(true);
      rmSync(job);
      await launcher.sweep();
      expect(existsSync(pkg)).toBe(false);
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });
});
