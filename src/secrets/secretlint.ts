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
import { checksumToken, slackShape, type Verdict } from "./provider-checks.js";
import type { MatchContext } from "./regex-rule.js";
import { urlHostVerdict } from "./url-password.js";

// (Imported from the top-level node_modules, which is the copy @secretlint/core uses as long as npm does not
// nest a second version under it; the engine test checks that no mark is recorded.)
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
 * Markers of every rule in the preset (the idea of repomix's quickSecretScreen): a lower-case
 * literal, and where the literal alone is common, a regex that must also match the lower-cased
 * text. Text with none of them cannot produce a secretlint finding, so secretlint is not run on it.
 */
export interface Marker {
  anchor: string;
  verify?: RegExp;
}

const AWS_ID = /\b(?:a3t[a-z0-9]|akia|agpa|aida|aroa|aipa|anpa|anva|asia)[a-z0-9]{16}\b/;
const USER_PASSWORD_URL = /:\/\/[^\s/?#@:]{1,256}:[^\s/?#@]{1,256}@/;

export const SECRETLINT_MARKERS: readonly Marker[] = [
  ...["akia", "a3t", "agpa", "aida", "aroa", "aipa", "anpa", "anva", "asia"].map((anchor) => ({
    anchor,
    verify: AWS_ID,
  })),
  { anchor: "secret_access" }, // aws secret access key
  { anchor: "secretaccess" },
  { anchor: "private_key_id" }, // gcp service account json
  // privatekey: its PEM pattern; prose that names a private key is common in docs.
  { anchor: "private key", verify: /-----begin[ ]?(?:(?:rsa|dsa|ec|openssh|pgp) )?private key/ },
  { anchor: "_authtoken" }, // npm
  { anchor: "npm_", verify: /npm_[a-z0-9]{36}/ },
  { anchor: "x-oauth-basic" },
  { anchor: "://", verify: USER_PASSWORD_URL }, // basicauth, database-connection-string
  // slack: a token kind and its dash; "xox" alone turns up in base64 (lockfile integrity hashes).
  { anchor: "xox", verify: /xox[bpaor]-/ },
  { anchor: "xapp-" },
  { anchor: "hooks.slack.com" },
  { anchor: "sg.", verify: /sg\.[\w-]{16,}\./ }, // sendgrid
  { anchor: "shp", verify: /shp(?:pa|ca|at|ss)_/ }, // shopify
  ...["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"].map((anchor) => ({ anchor })), // github
  ...["glpat-", "glc_", "glsa_"].map((anchor) => ({ anchor })), // gitlab, grafana
  ...["sk-ant-api0", "sk-proj-", "sk-svcacct-", "sk-admin-", "t3blbkfj"].map((anchor) => ({ anchor })), // anthropic, openai
  { anchor: "gsk_" }, // groq
  { anchor: "hf_", verify: /hf_[a-z]{34}/ }, // huggingface
  { anchor: "lin_api_" }, // linear
  { anchor: "ntn_" }, // notion
  { anchor: "ops_ey" }, // 1password
  ...["hvs.", "hvb.", "hvr."].map((anchor) => ({ anchor })), // hashicorp vault
  ...["vcp_", "vci_", "vca_", "vcr_", "vck_"].map((anchor) => ({ anchor })), // vercel
  { anchor: "dapi", verify: /dapi[a-f0-9]{32}/ }, // databricks
  { anchor: "dckr_pat_" }, // docker
  { anchor: "figd_" }, // figma
];

/** Version of the preset's verdicts, for the scan cache (bundled, so read from its code not package.json). */
export const SECRETLINT_SIGNATURE = `${PRESET_ID}@12|aws-id-on|account-id-off|markers@2|aws-unknown@1|slack-shape@1`;

export interface SecretlintHit {
  ruleId: string;
  /** Which of the rule's findings (the AWS rule has one per kind of key). */
  messageId?: string;
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
  return result.messages.map((m) => ({
    ruleId: m.ruleId,
    messageId: m.messageId,
    index: m.range[0],
    end: m.range[1],
  }));
}

/**
 * The preset's rules are provider rules (fixed markers and lengths), except the two that match
 * any URL with a password and the AWS ones: a secret access key is 40 base64 characters under a
 * name, and a key id names a key without granting anything (as our own aws rules judge them). A
 * GitHub or npm token it finds is held to its checksum like ours.
 */
export function secretlintVerdict(
  ruleId: string,
  matched: string,
  messageId?: string,
  at?: MatchContext,
): Verdict {
  if (ruleId.endsWith("-basicauth") || ruleId.endsWith("-database-connection-string"))
    return at ? urlHostVerdict(matched, at) : "unknown";
  if (
    ruleId.endsWith("-aws") &&
    messageId !== undefined &&
    /^AWS(?:SecretAccessKey|AccessKeyID)$/.test(messageId)
  )
    return "unknown";
  // Its Slack token pattern takes any dashed words after a token kind; the shape says which Slack issued.
  if (ruleId.endsWith("-slack") && slackShape(matched) === "invalid") return "invalid";
  return checksumToken(matched) === "invalid" ? "invalid" : "valid";
}
