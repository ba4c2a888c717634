/**
 * Picks the target implementation by name.
 */
import type { TargetName } from "../core/options.js";
import { localTargetHome } from "../state/paths.js";
import type { Runner } from "../util/run.js";
import { AzlinTarget } from "./azlin/target.js";
import { LocalTarget } from "./local/local-target.js";
import type { Target } from "./types.js";

export interface TargetContext {
  runner: Runner;
  stateDir: string;
}

export function createTarget(name: TargetName, ctx: TargetContext): Target {
  if (name === "local") return new LocalTarget(localTargetHome(ctx.stateDir), ctx.runner);
  return new AzlinTarget({ runner: ctx.runner });
}
