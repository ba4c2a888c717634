// A regional vCPU quota per VM size, as Azure enforces it (per region, counted in cores): with
// AZLIN_FAKE_QUOTA="<sku>=<cores>[,...]" (or "<region>/<sku>=<cores>"; also read from
// <state-dir>/quota, which tests may change at any time), `new` refuses a VM whose cores do not fit
// beside the VMs of that size already in the region, with azlin's quota text and the real numbers.
// The check runs under the state lock, so parallel `new` calls never overbook.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { statePaths } from "./state.mjs";
import { skuShape } from "./texts.mjs";

function quotaText(env) {
  let fromFile = "";
  try {
    fromFile = readFileSync(join(statePaths(env).dir, "quota"), "utf8").trim();
  } catch {
    // no file: the environment alone decides
  }
  return [env.AZLIN_FAKE_QUOTA, fromFile].filter(Boolean).join(",");
}

/** The core limit for this size in this region, or null when none is set. */
export function coreLimit(env, region, sku) {
  let limit = null;
  for (const raw of quotaText(env)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [key, value] = raw.split("=");
    const [where, size] = key.includes("/") ? key.split("/") : [null, key];
    const cores = Number(value);
    if (!size || !Number.isInteger(cores) || cores < 0)
      throw new Error(`fake azlin: bad AZLIN_FAKE_QUOTA entry '${raw}'`);
    if (size.toLowerCase() === sku.toLowerCase() && (where === null || where === region)) limit = cores;
  }
  return limit;
}

/** The quota numbers when a VM of `sku` does not fit in `region` beside `state`'s VMs, else null. */
export function quotaShortfall(env, state, region, sku) {
  const limit = coreLimit(env, region, sku);
  if (limit === null) return null;
  const cores = (s) => Number(skuShape(s).cpu);
  const inUse = Object.values(state.vms)
    .filter((vm) => vm.location === region && vm.vm_size.toLowerCase() === sku.toLowerCase())
    .reduce((sum, vm) => sum + cores(vm.vm_size), 0);
  const requested = cores(sku);
  return inUse + requested > limit ? { limit, inUse, requested } : null;
}
