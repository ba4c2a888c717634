/**
 * Picks the target implementation by name.
 */
import { RemoteError } from "../core/errors.js";
import type { TargetName } from "../core/options.js";
import { localTargetHome } from "../state/paths.js";
import type { Runner } from "../util/run.js";
import { LocalTarget } from "./local/local-target.js";
import type { Target } from "./types.js";

export interface TargetContext {
  runner: Runner;
  stateDir: string;
}

export function createTarget(name: TargetName, ctx: TargetContext): Target {
  if (name === "local") return new LocalTarget(localTargetHome(ctx.stateDir), ctx.runner);
  throw new RemoteError(
    "usage",
    "The azlin target is not available in this build yet.",
    "Use --target local to run the pipeline on this machine.",
  );
}
