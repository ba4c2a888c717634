/**
 * `amplihack-remote cleanup [NAME] [--older-than H] [--dry-run]`: deletes our VMs (only ours):
 * the one named, or those past their ttl (or older than H hours) that no run is using.
 */
import { type CleanupResult, cleanupVms } from "../../core/cleanup.js";
import { queuedRunCount } from "../../core/queue/queue-book.js";
import { cleanupViewSchema } from "../../core/views/fleet.js";
import { envNumber } from "../../util/env-number.js";
import { ExitCode, RemoteError } from "../../util/errors.js";
import { printError, printJson, printText } from "../print.js";
import { type FleetCommandDeps, formatAge, formatTable, resolveFleetDeps } from "./fleet-deps.js";

const VERB: Record<CleanupResult["action"], string> = {
  deleted: "deleted",
  "would-delete": "would delete",
  skipped: "skipped",
  failed: "FAILED",
};

export function formatCleanupTable(results: CleanupResult[], dryRun: boolean): string {
  if (results.length === 0) return "No amplihack-remote VMs in this resource group.";
  const rows = results.map((r) => [r.name, VERB[r.action], formatAge(r.ageHours), r.reason]);
  const count = (a: CleanupResult["action"]) => results.filter((r) => r.action === a).length;
  const summary = dryRun
    ? `Dry run: ${count("would-delete")} would be deleted, ${count("skipped")} skipped. Nothing was changed.`
    : `${count("deleted")} deleted, ${count("skipped")} skipped, ${count("failed")} failed.`;
  return `${formatTable(["NAME", "ACTION", "AGE", "WHY"], rows)}\n\n${summary}`;
}

export async function cleanupCommand(
  name: string | undefined,
  opts: { olderThan?: number; idleMinutes?: number; dryRun: boolean; json: boolean },
  deps: FleetCommandDeps = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const d = resolveFleetDeps(deps);
  try {
    const idleMinutes = opts.idleMinutes ?? envNumber(env, "AMPLIHACK_REMOTE_IDLE_MINUTES");
    if (opts.olderThan !== undefined && !(Number.isFinite(opts.olderThan) && opts.olderThan >= 0)) {
      throw new RemoteError(
        "usage",
        "--older-than must be a number of hours (0 or more).",
        "For example: --older-than 12",
      );
    }
    if (name && opts.olderThan !== undefined) {
      throw new RemoteError(
        "usage",
        "Give either a VM name or --older-than, not both.",
        "Run once per VM name, or without a name.",
      );
    }
    const store = d.store;
    const results = await cleanupVms(
      { name, olderThanHours: opts.olderThan, idleMinutes, dryRun: opts.dryRun },
      {
        fleet: d.fleet,
        now: d.now,
        signal: d.signal,
        onDeleted: (vm) => store.markVmDeleted(vm),
        known: await store.vmKnowledge().catch(() => undefined),
        queuedRuns: await queuedRunCount(store).catch(() => 0),
      },
    );
    if (opts.json) printJson(cleanupViewSchema, { dryRun: opts.dryRun, results }, d.stdout);
    else printText(formatCleanupTable(results, opts.dryRun), d.stdout);
    if (results.some((r) => r.action === "failed")) return ExitCode.target;
    // A named VM that was not deleted is a failure to do what was asked.
    if (name && !opts.dryRun && results[0]?.action !== "deleted") return ExitCode.target;
    return ExitCode.ok;
  } catch (err) {
    return printError(err, opts.json, d);
  }
}
