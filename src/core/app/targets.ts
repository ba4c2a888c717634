/**
 * Builds a target by name with the environment the caller was given: an env handed to the MCP
 * server or the CLI reaches azlin (and so its PATH, config dir and resource group) as it reaches
 * everything else.
 */
import { localTargetHome } from "../../state/paths.js";
import { AzlinTarget } from "../../targets/azlin/target.js";
import { LocalTarget } from "../../targets/local/local-target.js";
import type { Target, TargetName } from "../../targets/types.js";
import type { Runner } from "../../util/run.js";

export interface TargetContext {
  runner: Runner;
  stateDir: string;
  /** The environment azlin runs with; the process's when absent. */
  env?: NodeJS.ProcessEnv;
}

export function createTarget(name: TargetName, ctx: TargetContext): Target {
  const targets: Record<TargetName, () => Target> = {
    local: () => new LocalTarget(localTargetHome(ctx.stateDir), ctx.runner),
    azlin: () => new AzlinTarget({ runner: ctx.runner, env: ctx.env }),
  };
  return targets[name]();
}
