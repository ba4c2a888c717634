/**
 * cleanup_vms: the reaper. Deletes our VMs only: one by name, or those older than a number of
 * hours (default: past their own ttl) that no run is using. A dry run unless dryRun is false.
 */
import { z } from "zod";
import { cleanupVms as cleanup } from "../../core/cleanup.js";
import { queuedRunCount } from "../../core/queue/queue-book.js";
import { cleanupViewShape } from "../../core/views/fleet.js";
import { RemoteError } from "../../util/errors.js";
import { defineTool } from "../define-tool.js";

const VERB = {
  deleted: "deleted",
  "would-delete": "would delete",
  skipped: "skipped",
  failed: "FAILED",
} as const;

export const cleanupVms = defineTool({
  name: "cleanup_vms",
  title: "Delete our idle or expired VMs",
  description:
    "Deletes amplihack-remote's VMs (never anyone else's): the one named, or every one of ours older than olderThanHours " +
    "(default: past its own ttl tag) that no run is using. It is a DRY RUN unless dryRun is false: show the dry run to the user " +
    "and ask before deleting.",
  input: {
    name: z.string().min(1).optional().describe("Delete this VM (ours only)"),
    olderThanHours: z.number().min(0).optional().describe("Delete our idle VMs older than this many hours"),
    idleMinutes: z
      .number()
      .positive()
      .optional()
      .describe("Also delete our VMs with no run for this many minutes since the last one ended"),
    dryRun: z.boolean().default(true).describe("Only report what would be deleted (default true)"),
  },
  output: cleanupViewShape,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },

  async run(args, { context, signal }) {
    if (args.name && args.olderThanHours !== undefined) {
      throw new RemoteError(
        "usage",
        "Give either a VM name or olderThanHours, not both.",
        "Call once per VM name, or without a name.",
      );
    }
    const store = context.deps().store;
    const results = await cleanup(
      {
        name: args.name,
        olderThanHours: args.olderThanHours,
        idleMinutes: args.idleMinutes,
        dryRun: args.dryRun,
      },
      {
        fleet: context.fleet(),
        signal,
        onDeleted: (name) => store.markVmDeleted(name),
        known: await store.vmKnowledge().catch(() => undefined),
        queuedRuns: await queuedRunCount(store).catch(() => 0),
      },
    );
    const count = (a: keyof typeof VERB) => results.filter((r) => r.action === a).length;
    const lines = results.map((r) => `${r.name}  ${VERB[r.action]}  ${r.reason}`);
    const tally = args.dryRun
      ? `Dry run: ${count("would-delete")} would be deleted, ${count("skipped")} skipped. Nothing was changed; call again with dryRun: false to delete.`
      : `${count("deleted")} deleted, ${count("skipped")} skipped, ${count("failed")} failed.`;
    const text =
      results.length === 0
        ? "No amplihack-remote VMs in this resource group."
        : [...lines, "", tally].join("\n");
    // Not doing what was asked is an error: a deletion failed, or the named VM is still there.
    const missed =
      count("failed") > 0 || (Boolean(args.name) && !args.dryRun && results[0]?.action !== "deleted");
    return { structured: { dryRun: args.dryRun, results }, text, isError: missed };
  },
});
