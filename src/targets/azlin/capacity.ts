/**
 * How many runs one VM holds at once, by its size. Runs on one VM share its cores and memory;
 * an agent session wants about two vCPUs, so capacity follows the vCPU count in the SKU name.
 *
 *   tier  example SKU          vCPUs   concurrent runs
 *   s     Standard_D2s_v3      2       1
 *   m     Standard_D4s_v3      4       2
 *   l     Standard_D8s_v3      8       4
 *   xl    Standard_D16s_v5     16+     8
 *
 * AMPLIHACK_REMOTE_VM_CAPACITY overrides the table for every VM.
 */
import { envNumber } from "../../util/env-number.js";

export function capacityForSku(sku: string, env: NodeJS.ProcessEnv = process.env): number {
  const override = envNumber(env, "AMPLIHACK_REMOTE_VM_CAPACITY", { integer: true });
  if (override !== undefined) return override;
  const vcpus = Number(/^Standard_[A-Za-z]+?(\d+)/i.exec(sku)?.[1]);
  if (!Number.isFinite(vcpus) || vcpus <= 2) return 1;
  if (vcpus <= 4) return 2;
  if (vcpus <= 8) return 4;
  return 8;
}
