/**
 * secretlint's recommended preset as a second engine beside our own rules.
 *
 * Two things are done once, at import: AWS key ids are switched on (the preset leaves them off),
 * and secretlint's profiler is made a no-op. The profiler's PerformanceObserver does an O(n²) scan
 * over every mark it has ever seen (secretlint#1633, #1653): linting 3,000 blobs in one process
 * took 63 s instead of ~1 s. repomix ships the same workaround.
 */

import { extname } from "node:path";
import { lintSource } from "@secretlint/core";
import { secretLintProfiler } from "@secretlint/profiler";
import { creator as recommendedPreset } from "@secretlint/secretlint-rule-preset-recommend";
import type { SecretLintCoreConfig } from "@secretlint/types";
import { anyCase } from "./regex-rule.js";

Object.defineProperty(secretLintProfiler, "mark", { value: () => {}, writable: true, configurable: true });

const PRESET_ID = "@secretlint/secretlint-rule-preset-recommend";

const config: SecretLintCoreConfig = {
  rules: [
    {
      id: PRESET_ID,
      rule: recommendedPreset,
      rules: [
        {
          id: "@secretlint/secretlint-rule-aws",
          options: { enableIDScanRule: true },
          // An account number identifies an account; it does not grant access to it.
          allowMessageIds: ["AWSAccountID"],
        },
      ],
    },
  ],
};

/**
 * Markers of every rule in the preset (the idea of repomix's quickSecretScreen): text with none of
 * them cannot produce a secretlint finding, so secretlint is not run on it.
 */
export const SECRETLINT_MARKERS: readonly string[] = [
  "A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA",
  `${anyCase("secret")}_?${anyCase("access")}`,
  "private_key_id|PRIVATE KEY",
  "_authToken|npm_|x-oauth-basic",
  "://[^\\s/?#@:]{1,256}:[^\\s/?#@]{1,256}@",
  "xox[a-z]-|xapp-|hooks\\.slack\\.com",
  "SG\\.[\\w-]{8}",
  "shp(?:pa|ca|at|ss)_",
  "gh[pousr]_|github_pat_",
  "glpat-|glc_|glsa_",
  "sk-",
  "gsk_|hf_[a-zA-Z]{34}|lin_api_|ntn_\\d|ops_ey",
  `${anyCase("mongodb")}|${anyCase("mysql")}|${anyCase("postgres")}`,
  "hv[sbr]\\.|vc[pciar]_|dapi[a-fA-F0-9]{8}|dckr_pat_|figd_",
];

/** Version of the preset's verdicts, for the scan cache (bundled, so read from its code not package.json). */
export const SECRETLINT_SIGNATURE = `${PRESET_ID}@12|aws-id-on|account-id-off`;

export interface SecretlintHit {
  ruleId: string;
  index: number;
  end: number;
}

export async function runSecretlint(text: string, path: string): Promise<SecretlintHit[]> {
  const result = await lintSource({
    // ext matters: the GCP rule only parses .json files as service-account keys.
    source: { content: text, filePath: path, ext: extname(path), contentType: "text" },
    // maskSecrets keeps raw values out of the messages; we never print them, but belt and braces.
    options: { config, maskSecrets: true, noPhysicFilePath: true },
  });
  return result.messages.map((m) => ({ ruleId: m.ruleId, index: m.range[0], end: m.range[1] }));
}
