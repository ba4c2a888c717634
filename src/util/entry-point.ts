/**
 * Whether the module at `moduleUrl` is the script Node was started with: a bundle that is also
 * imported (the front ends load the full server and the full hook) acts only when run itself.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function isEntryPoint(moduleUrl: string): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
