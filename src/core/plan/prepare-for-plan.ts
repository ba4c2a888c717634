/**
 * The free part of starting a run, for a plan: validate, measure and gate what would ship. Kept in
 * this one small module on purpose: when start-run's prepare step (validate + package + gate,
 * with no machine touched) exists on its own, this is the one place to point at it.
 */
import { createGit } from "../../git/git.js";
import { measureShipSize, type ShipSize } from "../../git/ship-size.js";
import { isExcludedFile } from "../../package/exclusions.js";
import type { RunOptions } from "../options.js";
import { type ShipScan, scanWhatShips } from "../scan-what-ships.js";
import type { WorkflowDeps } from "../workflow/deps.js";
import { type Validated, validateRun } from "../workflow/validate.js";

export interface Prepared {
  validated: Validated;
  size: ShipSize;
  gate: ShipScan;
}

export async function prepareForPlan(
  deps: WorkflowDeps,
  options: RunOptions,
  signal?: AbortSignal,
): Promise<Prepared> {
  const validated = await validateRun(deps, options, signal);
  const root = validated.facts.root;
  const [size, gate] = await Promise.all([
    measureShipSize(createGit(root, deps.runner), (p) => isExcludedFile(root, p)),
    scanWhatShips({
      path: root,
      agentCommand: options.agentCommand,
      cacheDir: deps.scanCacheDir,
      runner: deps.runner,
      signal,
    }),
  ]);
  return { validated, size, gate };
}
