/**
 * Helpers shared by the end-to-end tests that break things (fault matrix, SIGKILL recovery,
 * detached runs): waiting for conditions, reading the CLI's progress, and the checks every cell
 * makes — no VM untracked, no commit lost.
 */
import { spawnSync } from "node:child_process";
import { expect } from "vitest";
import type { WorkflowDeps } from "../../src/core/workflow/deps.js";
import { RemoteError } from "../../src/util/errors.js";
import type { startCli } from "./cli.js";
import type { FakeAzlin } from "./fake-azlin.js";
import { git } from "./repo.js";
import { EVENT_WAIT_MS } from "./waits.js";

export { EVENT_WAIT_MS };

/**
 * Polls `check` until it holds, or fails naming `what`. Tests wait for events, never for a margin
 * of their own: the only bound is the suite's safety net (EVENT_WAIT_MS), so a busy machine makes
 * a test slower, not red.
 */
export async function until(check: () => boolean | Promise<boolean>, what = "condition") {
  const end = Date.now() + EVENT_WAIT_MS;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not met within ${EVENT_WAIT_MS} ms`);
}

/** Waits until the CLI's stderr (progress lines) matches, and returns the match. */
export async function waitForOutput(
  run: ReturnType<typeof startCli>,
  pattern: RegExp,
): Promise<RegExpMatchArray> {
  const end = Date.now() + EVENT_WAIT_MS;
  for (;;) {
    const m = run.output().stderr.match(pattern);
    if (m) return m;
    if (run.child.exitCode !== null || Date.now() > end) {
      throw new Error(`CLI never printed ${pattern}:\n${run.output().stderr}\n${run.output().stdout}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The pid of a process that has exited (pids are not reused at once). */
export function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}

export function processAlive(pid: number): boolean {
  // kill(0 or less, 0) asks about a whole process group (ours among them): never a pid's answer.
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`not a process id: ${pid}`);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits for every azlin process the fake recorded to be gone (an orphan may still create a VM). */
export async function fakeProcessesGone(fake: FakeAzlin) {
  await until(() => fake.argvLog().every((r) => !processAlive(r.pid)), "the fake azlin's processes to end");
}

/** The rejection of `p`, which must be a RemoteError. */
export async function rejection(p: Promise<unknown>): Promise<RemoteError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(RemoteError);
    return err as RemoteError;
  }
  throw new Error("expected a rejection");
}

/**
 * Every VM the fake holds is recorded, not deleted, by some run (so `status`, `vms` and `cleanup`
 * can find it); every name in `gone` is really gone.
 */
export async function expectNoUntrackedVm(fake: FakeAzlin, deps: WorkflowDeps, gone: string[] = []) {
  const runs = Object.values((await deps.store.read()).runs);
  const tracked = runs.filter((r) => r.vm && !r.vm.deleted).map((r) => r.vm!.name);
  for (const name of Object.keys(fake.state().vms)) expect(tracked).toContain(name);
  for (const name of gone) expect(fake.vm(name)).toBeUndefined();
}

/** Subjects of the commits under remote-exec/<run>/<branch>, newest first ([] when absent). */
export function commitsHome(repo: string, runId: string, branch = "main"): string[] {
  const ref = `refs/remotes/remote-exec/${runId}/${branch}`;
  try {
    return git(repo, "log", "--format=%s", ref, "^main").trim().split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

/** The environment the real CLI needs to drive the fake azlin with an isolated state directory. */
export function cliEnvFor(s: { fake: FakeAzlin; state: string }, extra: Record<string, string> = {}) {
  return {
    ...s.fake.env,
    AMPLIHACK_REMOTE_RG: "amplihack-test-rg",
    AMPLIHACK_REMOTE_STATE_DIR: s.state,
    AMPLIHACK_REMOTE_POLL_SECONDS: "0.3",
    ...extra,
  };
}
