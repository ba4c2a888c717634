/**
 * Credentials synthesised at test time, each in its provider's published format, from a seeded
 * generator: no realistic secret is ever committed to this repository (push protection stays quiet),
 * and every run plants the same values, so a failure reproduces.
 */

import { ageSecretKey, withChecksum } from "../../../src/secrets/provider-checks.js";

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const HEX = "0123456789abcdef";
export const ALNUM = UPPER + LOWER + DIGITS;
const URLSAFE = `${ALNUM}_-`;
const BASE64 = `${ALNUM}+/`;
const BASE32 = `${UPPER}234567`;
const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/** A Slack-shaped value from its kind and its dash-separated parts. */
export const slackToken = (kind: string, ...parts: string[]) => [kind, ...parts].join("-");

/** mulberry32: small, fast, and good enough to look random to an entropy check. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class TokenFactory {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seeded(seed);
  }

  chars(n: number, alphabet = ALNUM): string {
    let out = "";
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** Like a real random token: at least one digit, one upper and one lower case letter. */
  mixed(n: number, alphabet = ALNUM): string {
    for (;;) {
      const s = this.chars(n, alphabet);
      if (/[0-9]/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s)) return s;
    }
  }

  anthropic = () => `sk-ant-api03-${this.mixed(93, URLSAFE)}AA`;
  openai = () => `sk-proj-${this.mixed(74, URLSAFE)}T3BlbkFJ${this.mixed(74, URLSAFE)}`;
  // GitHub's and npm's formats end in a CRC32 of the 30 random characters: planted ones are valid.
  githubPat = () => withChecksum("ghp_", this.mixed(30));
  githubOauth = () => withChecksum("gho_", this.mixed(30));
  githubApp = () => withChecksum("ghs_", this.mixed(30));
  githubFineGrained = () => `github_pat_${this.mixed(22)}_${this.mixed(59)}`;
  awsKeyId = () => `AKIA${this.chars(16, BASE32)}`;
  awsSecret = () => this.mixed(40, BASE64);
  slackBot = () => `xoxb-${this.chars(12, DIGITS)}-${this.chars(13, DIGITS)}-${this.mixed(24)}`;
  // Joined from parts, so this file holds no literal token the gate would report.
  slackUser = () =>
    slackToken(
      "xoxp",
      this.chars(12, DIGITS),
      this.chars(12, DIGITS),
      this.chars(13, DIGITS),
      this.chars(32, HEX),
    );
  slackApp = () =>
    slackToken("xapp", "1", `A${this.chars(10, BASE32)}`, this.chars(13, DIGITS), this.chars(64, HEX));
  slackRotating = () => `xoxe.${slackToken("xoxp", "1", this.mixed(166))}`;
  stripe = () => `sk_live_${this.mixed(24)}`;
  // Our rule takes base64url (`-` too); secretlint's takes word characters with one dash at most.
  sendgrid = () => `SG.${this.mixed(22, URLSAFE)}.${this.mixed(43, URLSAFE)}`;
  googleApiKey = () => `AIza${this.mixed(35, URLSAFE)}`;
  npm = () => withChecksum("npm_", this.mixed(30));
  azureStorageKey = () => `${this.mixed(86, BASE64)}==`;
  /** An HMAC-SHA256 signature, base64 then URL-encoded, as in a SAS URL. */
  sasSignature = () => encodeURIComponent(`${this.mixed(43, BASE64)}=`);
  azureAdSecret = () => `${this.chars(3, ALNUM)}8Q~${this.mixed(34, `${ALNUM}_~.-`)}`;
  password = () => this.mixed(20);
  generic = (n = 24) => this.mixed(n);
  pemBody = (lines = 6) => Array.from({ length: lines }, () => this.mixed(64, BASE64));
  /** An age identity: 52 random bech32 characters and their checksum. */
  ageKey = () => ageSecretKey(this.chars(52, BECH32));
}

export interface Planted {
  /** What the file looks like, with one secret per entry below. */
  content: string;
  /** 1-based line of each secret and the rule that must report it. */
  expected: { line: number; rule: string; value: string }[];
}

/**
 * A file holding one of every credential we claim to catch, in `env` style (KEY=value lines, the
 * shape of .env files and shell scripts) or `json` style (a settings file).
 */
export function plantAll(t: TokenFactory, style: "env" | "json"): Planted {
  const entries: { rule: string; value: string; env: string; json: string }[] = [];
  const add = (rule: string, value: string, env: string, json: string) =>
    entries.push({ rule, value, env, json });

  let v = t.anthropic();
  add("anthropic-api-key", v, `ANTHROPIC_API_KEY=${v}`, `"ANTHROPIC_API_KEY": "${v}",`);
  v = t.openai();
  add("openai-api-key", v, `OPENAI_API_KEY=${v}`, `"OPENAI_API_KEY": "${v}",`);
  v = t.githubPat();
  add("github-token", v, `GH_CLASSIC=${v}`, `"gh_classic": "${v}",`);
  v = t.githubOauth();
  add("github-token", v, `GH_OAUTH=${v}`, `"gh_oauth": "${v}",`);
  v = t.githubApp();
  add("github-token", v, `GH_APP=${v}`, `"gh_app": "${v}",`);
  v = t.githubFineGrained();
  add("github-token", v, `GH_FINE=${v}`, `"gh_fine": "${v}",`);
  v = t.awsKeyId();
  add("aws-access-key-id", v, `aws_access_key_id = ${v}`, `"aws_access_key_id": "${v}",`);
  v = t.awsSecret();
  add("aws-secret-access-key", v, `aws_secret_access_key = ${v}`, `"aws_secret_access_key": "${v}",`);
  v = t.slackBot();
  add("slack-token", v, `SLACK_BOT=${v}`, `"slack_bot": "${v}",`);
  v = t.stripe();
  add("stripe-secret-key", v, `STRIPE=${v}`, `"stripe": "${v}",`);
  v = t.sendgrid();
  add("sendgrid-api-key", v, `SENDGRID_API_KEY=${v}`, `"sendgrid": "${v}",`);
  v = t.googleApiKey();
  add("google-api-key", v, `GOOGLE_MAPS=${v}`, `"google_maps": "${v}",`);
  v = t.npm();
  add("npm-token", v, `//registry.npmjs.org/:_authToken=${v}`, `"npm": "${v}",`);
  v = t.azureStorageKey();
  const conn = `DefaultEndpointsProtocol=https;AccountName=acct${t.chars(6, LOWER)};AccountKey=${v};EndpointSuffix=core.windows.net`;
  add("azure-storage-key", v, `AZURE_STORAGE=${conn}`, `"azure_storage": "${conn}",`);
  v = t.sasSignature();
  const sas = `https://acct.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2031-01-01T00:00:00Z&spr=https&sig=${v}`;
  add("azure-sas-token", v, `BLOB_URL=${sas}`, `"blob_url": "${sas}",`);
  v = t.azureAdSecret();
  add("azure-ad-client-secret", v, `AZURE_CLIENT_SECRET=${v}`, `"azure_client_secret": "${v}",`);
  v = t.ageKey();
  add("age-secret-key", v, `SOPS_AGE_KEY=${v}`, `"sops_age_key": "${v}",`);
  v = t.password();
  const db = `postgresql://app_user:${v}@db.internal.example:5432/app`;
  add("database-url-password", v, `DATABASE_URL=${db}`, `"database_url": "${db}",`);
  v = t.generic(24);
  add("generic-api-key", v, `password = "${v}"`, `"password": "${v}",`);
  v = t.generic(32);
  add("generic-api-key", v, `api_key: ${v}`, `"api_key": "${v}",`);

  const lines: string[] = [];
  const expected: Planted["expected"] = [];
  if (style === "json") lines.push("{", '  "env": {');
  else lines.push("# service configuration");
  for (const e of entries) {
    lines.push(style === "json" ? `    ${e.json}` : e.env);
    expected.push({ line: lines.length, rule: e.rule, value: e.value });
  }
  const body = t.pemBody();
  if (style === "json") {
    lines.push(
      `    "private_key": "-----BEGIN PRIVATE KEY-----\\n${body.join("\\n")}\\n-----END PRIVATE KEY-----\\n"`,
    );
    expected.push({ line: lines.length, rule: "private-key", value: body.join("") });
    lines.push("  }", "}");
  } else {
    lines.push("-----BEGIN RSA PRIVATE KEY-----");
    expected.push({ line: lines.length, rule: "private-key", value: body.join("") });
    lines.push(...body, "-----END RSA PRIVATE KEY-----");
  }
  return { content: `${lines.join("\n")}\n`, expected };
}

/** Every provider the recall suite covers, by rule id. */
export const CLAIMED_RULES = [
  "anthropic-api-key",
  "openai-api-key",
  "github-token",
  "aws-access-key-id",
  "aws-secret-access-key",
  "slack-token",
  "stripe-secret-key",
  "sendgrid-api-key",
  "google-api-key",
  "npm-token",
  "azure-storage-key",
  "azure-sas-token",
  "azure-ad-client-secret",
  "age-secret-key",
  "database-url-password",
  "generic-api-key",
  "private-key",
];
