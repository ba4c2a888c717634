/**
 * Shared helpers of the azlin target scenarios: a target wired to a fake, run options, and
 * seeding files on a fake VM through the fake's own connect (so in ssh mode they belong to the
 * VM's user, as on a real VM).
 */

import { expect } from "vitest";
import { type RunOptions, runOptionsSchema } from "../../src/core/options.js";
import { TAG } from "../../src/targets/azlin/tags.js";
import { AzlinTarget, type AzlinTargetOptions } from "../../src/targets/azlin/target.js";
import type { AcquireRequest, Lease } from "../../src/targets/types.js";
import { RemoteError } from "../../src/util/errors.js";
import type { FakeAzlin } from "../support/fake-azlin.js";

export function targetFor(fake: FakeAzlin, extra: AzlinTargetOptions = {}): AzlinTarget {
  return new AzlinTarget({
    env: { ...fake.env, AMPLIHACK_REMOTE_RG: fake.resourceGroup ?? "" },
    user: "Tester.Name",
    transfer: { minDelayMs: 20 },
    ...extra,
  });
}

export function runOptions(overrides: Partial<RunOptions> = {}): RunOptions {
  return { ...runOptionsSchema.parse({ command: "auto", prompt: "do it" }), ...overrides };
}

export interface AcquireLog {
  known: { name: string; created: boolean; argvSoFar: string[][] }[];
  progress: string[];
}

export function request(
  fake: FakeAzlin,
  runId: string,
  options: RunOptions = runOptions(),
): AcquireRequest & { log: AcquireLog } {
  const log: AcquireLog = { known: [], progress: [] };
  return {
    runId,
    options,
    log,
    onVmKnown: async (vm) => {
      log.known.push({ ...vm, argvSoFar: fake.argvs() });
    },
    onProgress: (m) => log.progress.push(m),
  };
}

/** Tags that make a seeded VM one of ours. */
export const ourTags = (runId = "20260101-000000-aaaa") => ({
  [TAG.workflow]: "true",
  [TAG.owner]: "someone",
  [TAG.ttlHours]: "24",
  [TAG.run]: runId,
});

/** Runs a shell command on a fake VM through the fake (as the VM's user in ssh mode). */
export async function onVm(fake: FakeAzlin, vm: string, command: string): Promise<string> {
  const r = await fake.run(["connect", vm, "--no-tmux", "--no-reconnect", "--no-status", "--", command]);
  if (r.exitCode !== 0) throw new Error(`seeding ${vm} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

/** A slot held by `runId` whose run shows a heartbeat `beatAgo` seconds old (and maybe ended). */
export async function holdSlot(
  fake: FakeAzlin,
  vm: string,
  runId: string,
  opts: { beatAgo?: number | null; ended?: boolean; slotAgo?: number } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  const lines = [
    "mkdir -p .amplihack-remote/slots/0",
    `printf 'run_id=%s\\ncreated=%s\\n' ${runId} ${now - (opts.slotAgo ?? 0)} > .amplihack-remote/slots/0/owner`,
    `mkdir -p .amplihack-remote/runs/${runId}`,
  ];
  if (opts.beatAgo !== null)
    lines.push(`echo ${now - (opts.beatAgo ?? 0)} > .amplihack-remote/runs/${runId}/heartbeat`);
  if (opts.ended) lines.push(`echo 0 > .amplihack-remote/runs/${runId}/exit_code`);
  await onVm(fake, vm, lines.join(" && "));
}

export async function slotOwner(fake: FakeAzlin, vm: string): Promise<string | null> {
  const out = await onVm(fake, vm, "cat .amplihack-remote/slots/0/owner 2>/dev/null || true");
  return /^run_id=(.*)$/m.exec(out)?.[1] ?? null;
}

export async function rejected(p: Promise<unknown>): Promise<RemoteError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(RemoteError);
    return err as RemoteError;
  }
  throw new Error("expected a rejection");
}

export const subcommands = (fake: FakeAzlin) =>
  fake.argvs().map((a) => (a[0] === "tag" ? `tag ${a[1]}` : a[0]));

/**
 * What the start does with a new VM's deferred claim (core/launch/launch-run.ts runs the script
 * inside the start script, then confirms): the slot is taken and the tags added.
 */
export async function claimAsStartWould(lease: Lease): Promise<void> {
  const claim = lease.deferredClaim;
  if (!claim) return;
  const r = await lease.machine.exec(claim.script);
  if (r.exitCode !== 0) throw new Error(`the claim failed (exit ${r.exitCode}): ${r.stderr}`);
  await claim.confirm();
}
