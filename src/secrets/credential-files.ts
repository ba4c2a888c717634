/**
 * Well-known credential files. Their content often looks like nothing a token rule knows (a
 * `.pgpass` line is `host:port:db:user:password`, a `.netrc` password can be any word, a `.p12` is
 * opaque bytes), so they are recognised by name: an untracked one never ships (see
 * package/exclusions.ts) and a committed one blocks the run wherever it sits in history. Files
 * whose name alone says little (`.npmrc`, `.yarnrc.yml`, a kubeconfig or a service-account key with
 * any name) are recognised by content, through the rules at the bottom, which run with the others.
 */
import { isRealPassword } from "./placeholders.js";
import { regexRule } from "./regex-rule.js";
import type { SecretRule } from "./rule-types.js";

export const CREDENTIAL_FILE_RULE = "credential-file";

interface NameRule {
  kind: string;
  test(parts: readonly string[], name: string): boolean;
}

const endsWithDirs = (parts: readonly string[], ...dirs: string[]) =>
  dirs.every((d, i) => parts[parts.length - 1 - dirs.length + i] === d);

/** Matched against the lower-cased path split on `/`; `name` is its last part. Each at any depth. */
const NAME_RULES: readonly NameRule[] = [
  { kind: "netrc", test: (_, n) => n === ".netrc" || n === "_netrc" },
  { kind: "pgpass", test: (_, n) => n === ".pgpass" || n === "pgpass.conf" },
  { kind: "git-credentials", test: (_, n) => n === ".git-credentials" },
  { kind: "pypirc", test: (_, n) => n === ".pypirc" },
  { kind: "docker-config", test: (p, n) => n === "config.json" && endsWithDirs(p, ".docker") },
  {
    kind: "kubeconfig",
    test: (p, n) =>
      (n === "config" && endsWithDirs(p, ".kube")) || n === "kubeconfig" || n.endsWith(".kubeconfig"),
  },
  { kind: "aws-credentials", test: (p, n) => n === "credentials" && endsWithDirs(p, ".aws") },
  // Every file under ~/.azure is CLI state: tokens (msal_token_cache.*), service principals, profiles.
  { kind: "azure-cli", test: (p) => p.slice(0, -1).includes(".azure") },
  {
    kind: "gcloud",
    test: (p, n) =>
      n === "application_default_credentials.json" ||
      p.slice(0, -1).some((d, i) => d === "gcloud" && p[i - 1] === ".config"),
  },
  {
    kind: "key-store",
    test: (_, n) => [".p12", ".pfx", ".jks", ".keystore"].some((ext) => n.endsWith(ext)),
  },
  {
    kind: "ssh-private-key",
    test: (_, n) => /^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/.test(n),
  },
];

/** Names that hold a credential only when their content has one; see CREDENTIAL_CONTENT_RULES. */
const CONTENT_DECIDES = new Set([".npmrc", ".yarnrc.yml", ".yarnrc"]);

function parts(path: string): string[] {
  return path
    .replace(/\\/g, "/")
    .split("/")
    .filter((p) => p && p !== ".")
    .map((p) => p.toLowerCase());
}

/** Which well-known credential file `path` is by its name, if any. */
export function credentialFileKind(path: string): string | undefined {
  const p = parts(path);
  const name = p.at(-1);
  if (!name) return undefined;
  return NAME_RULES.find((r) => r.test(p, name))?.kind;
}

/**
 * For an untracked file: is it a credential file? `readContent` is asked only for the names whose
 * content decides (`.npmrc` with an auth token); without it such a name counts as a credential,
 * since leaving a registry config behind costs less than shipping its token.
 */
export function isCredentialFile(path: string, readContent?: () => string | undefined): boolean {
  if (credentialFileKind(path)) return true;
  const name = parts(path).at(-1) ?? "";
  if (!CONTENT_DECIDES.has(name)) return false;
  const content = readContent?.();
  if (content === undefined) return true;
  return CREDENTIAL_CONTENT_RULES.some((rule) => [...rule.find(content)].length > 0);
}

const realSecret = (v: string) => isRealPassword(v);

/**
 * Content rules for credential files whatever their name. Each names the field a tool reads its
 * credential from, so a match is a credential by construction; placeholders (`${NPM_TOKEN}`) are
 * dropped by the shared placeholder filter.
 */
export const CREDENTIAL_CONTENT_RULES: readonly SecretRule[] = [
  regexRule({
    id: "npmrc-auth",
    description: "npm/yarn 1 registry credential in an .npmrc (_authToken, _auth, _password)",
    keywords: ["_authtoken", "_auth", "_password"],
    patterns: [/^[ \t]*(?:\/\/[^\s=]*:)?_(?:authToken|auth|password)[ \t]*=[ \t]*["']?([^\s"']+)/gm],
    accept: realSecret,
  }),
  regexRule({
    id: "yarnrc-auth",
    description: "Yarn 2+ registry credential in a .yarnrc.yml (npmAuthToken, npmAuthIdent)",
    keywords: ["npmauthtoken", "npmauthident"],
    // Not an object or a list: Yarn's own bundle (`.yarn/releases/yarn-4.9.2.cjs`) declares the
    // setting as `npmAuthToken:{description:…}`.
    patterns: [/\bnpmAuth(?:Token|Ident)[ \t]*:[ \t]*["']?([^\s"'{[(][^\s"']*)/g],
    accept: realSecret,
  }),
  regexRule({
    id: "docker-config-auth",
    description: "Registry credential in a Docker config.json (base64 user:password under auths)",
    keywords: ['"auths"'],
    // Anchored on the "auths" map ("auth" alone is a common JSON key); no lookbehind, which V8
    // would evaluate at every position of the text.
    patterns: [/"auths"\s*:\s*\{[\s\S]{0,2000}?"auth"\s*:\s*"([A-Za-z0-9+/]{12,}={0,2})"/g],
    minEntropy: 3,
    // 2,000 characters of JSON (up to 4 bytes each) between "auths" and "auth", then the value.
    reach: 16 * 1024,
  }),
  regexRule({
    id: "kubeconfig-credential",
    description: "Client key of a kubeconfig user",
    keywords: ["client-key-data"],
    // Only the key: a bare `token:` line is too common in YAML to tell a kubeconfig by.
    patterns: [/^[ \t]*client-key-data:[ \t]*["']?([A-Za-z0-9+/]{40,}={0,2})/gm],
    minEntropy: 3.5,
  }),
  regexRule({
    id: "service-account-json",
    description: "Google Cloud service-account key file (private_key_id next to a private key)",
    keywords: ["private_key_id"],
    patterns: [/"private_key_id"\s*:\s*"([0-9a-f]{40})"(?=[\s\S]{0,200}"private_key"\s*:)/g],
    reach: 2048, // the lookahead's 200 characters, up to 4 bytes each, and the id before them
  }),
  regexRule({
    id: "netrc-password",
    description: "A password in netrc syntax (machine ... login ... password ...)",
    keywords: ["machine"],
    // From the start of a line, as netrc files are written; prose and code that name the syntax are not.
    patterns: [/^[ \t]*machine[ \t]+\S+[ \t\n]+(?:login[ \t]+\S+[ \t\n]+)?password[ \t]+(\S+)/gm],
    accept: realSecret,
    reach: 4096, // machine, login and password may each sit on a line of their own
  }),
];
