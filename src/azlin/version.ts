/**
 * The azlin versions whose CLI we speak. 2.7.0 changed `list -o json` from a bare array to
 * `{filters, vms}` (CHANGELOG "BREAKING"); older versions would parse as garbage.
 */
import { RemoteError } from "../util/errors.js";

export const MIN_AZLIN_VERSION = "2.7.0";

export interface AzlinVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** Reads `azlin 2.7.3` (clap's --version) or `azlin 2.7.3 (rust)` (`azlin version`). */
export function parseAzlinVersion(output: string): AzlinVersion | null {
  const m = /\bazlin\s+v?(\d+)\.(\d+)\.(\d+)/i.exec(output);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: `${m[1]}.${m[2]}.${m[3]}` };
}

function atLeast(v: AzlinVersion, min: string): boolean {
  const [a, b, c] = min.split(".").map(Number);
  if (v.major !== a) return v.major > a;
  if (v.minor !== b) return v.minor > b;
  return v.patch >= c;
}

/** Throws azlin-version unless the output names a version we speak. */
export function requireSupportedVersion(output: string): AzlinVersion {
  const version = parseAzlinVersion(output);
  if (!version) {
    throw new RemoteError(
      "azlin-version",
      `Could not read azlin's version from \`azlin --version\` (it printed: ${JSON.stringify(output.trim().slice(0, 200))}).`,
      `amplihack-remote needs azlin ${MIN_AZLIN_VERSION} or newer (the Rust CLI). Run \`azlin update\`, or reinstall from https://github.com/rysweet/azlin/releases.`,
    );
  }
  if (!atLeast(version, MIN_AZLIN_VERSION)) {
    throw new RemoteError(
      "azlin-version",
      `azlin ${version.text} is too old: amplihack-remote needs azlin ${MIN_AZLIN_VERSION} or newer (its \`list -o json\` format changed in 2.7.0).`,
      "Update it with `azlin update` (or reinstall from https://github.com/rysweet/azlin/releases), then retry.",
      { details: { azlinVersion: version.text, required: MIN_AZLIN_VERSION } },
    );
  }
  return version;
}
