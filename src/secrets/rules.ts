/**
 * Our own rules. secretlint's recommended preset runs beside them (see secretlint.ts); these cover
 * what the preset lacks (generic assignments, Azure, Stripe, Google API keys, database URLs) and
 * restate the providers we promise to catch, so that recall for those does not hang on one
 * engine's regex quirks and redactText() can mask them synchronously.
 *
 * Order matters: when two rules match overlapping text on one line, the earlier one is reported.
 */
import { genericApiKeyRule } from "./generic-rule.js";
import { pemBodyVerdict } from "./pem-body.js";
import { isRealPassword } from "./placeholders.js";
import {
  ageSecretKeyShape,
  checksumToken,
  decodeBasic,
  jwtShape,
  slackShape,
  type Verdict,
} from "./provider-checks.js";
import { regexRule } from "./regex-rule.js";
import type { SecretRule } from "./rule-types.js";
import { isRealUrlPassword, urlHostVerdict } from "./url-password.js";

/**
 * Bump when code (not a regex or list already hashed into RULESET_VERSION) changes what a rule
 * reports: the scan cache keeps clean verdicts per version.
 */
export const RULES_REVISION = "2026-12-r25";

/** Token edges: not preceded or followed by a character that could continue the token. */
const B = "(?<![A-Za-z0-9_-])";
const E = "(?![A-Za-z0-9_-])";

export const OWN_RULES: readonly SecretRule[] = [
  regexRule({
    id: "private-key",
    description: "A PEM private key block",
    keywords: ["private key"],
    // The body must follow the header (after any Proc-Type/DEK-Info lines, `\n` escapes in JSON,
    // and the quotes and `+` of a key written as string pieces in code): a regex or a doc that
    // merely names the header is not a key.
    patterns: [
      /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:\s|\\[nr]|["'+,]){0,24}(?:(?:Proc-Type|DEK-Info|Comment):[^\n]{0,200}?(?:\n|\\n)(?:\s|\\[nr]|["'+,]){0,24}){0,4}([A-Za-z0-9+/]{40,}={0,2})/g,
    ],
    minEntropy: 3.5,
    reportWholeMatch: true,
    // A body shorter than its DER header says (cut for a doc) is reported, not blocking.
    structure: pemBodyVerdict,
    // The body runs on for lines after the header; a 8192-bit RSA key is ~6.5 KB of PEM.
    reach: 16 * 1024,
  }),
  regexRule({
    id: "age-secret-key",
    description: "An age identity (secret key)",
    keywords: ["age-secret-key-1"],
    patterns: [/(?<![A-Za-z0-9-])(AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58})(?![A-Za-z0-9])/g],
    structure: ageSecretKeyShape,
  }),
  regexRule({
    id: "anthropic-api-key",
    description: "Anthropic API or admin key",
    keywords: ["sk-ant-", "anthropic_", "claude_"],
    patterns: [
      new RegExp(`${B}(sk-ant-[a-z]{2,8}\\d{2}-[A-Za-z0-9_-]{32,200})${E}`, "g"),
      /(?:ANTHROPIC|CLAUDE)_(?:API_)?KEY["']?\s{0,4}[:=]\s{0,4}["']?([A-Za-z0-9_-]{20,200})/gi,
    ],
    minEntropy: 3.5,
    structure: anthropicShape,
  }),
  regexRule({
    id: "openai-api-key",
    description: "OpenAI API key",
    keywords: ["sk-proj-", "sk-svcacct-", "sk-admin-", "t3blbkfj", "openai_"],
    patterns: [
      new RegExp(`${B}(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,250})${E}`, "g"),
      new RegExp(`${B}(sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})${E}`, "g"),
      /OPENAI_(?:API_)?KEY["']?\s{0,4}[:=]\s{0,4}["']?(sk-[A-Za-z0-9_-]{16,250})/gi,
    ],
    minEntropy: 3.5,
    accept: (v) => !v.startsWith("sk-ant-"),
    structure: openaiShape,
  }),
  // Other "sk-" keys (DeepSeek, legacy OpenAI): a word edge, length and a mix of character classes,
  // so that "task-management-overview-framework" and "risk-2024-report" never match.
  regexRule({
    id: "sk-api-key",
    description: "An sk- prefixed API key",
    keywords: ["sk-"],
    patterns: [new RegExp(`${B}(sk-[A-Za-z0-9][A-Za-z0-9_-]{30,250})${E}`, "g")],
    minEntropy: 4,
    requireDigit: true,
    requireMixedCase: true,
    accept: (v) => !/^sk-(?:ant|proj|svcacct|admin)-/.test(v),
  }),
  regexRule({
    id: "github-token",
    description: "GitHub personal, OAuth, app or refresh token",
    keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    patterns: [
      /(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,255})(?![A-Za-z0-9_])/g,
      /(?<![A-Za-z0-9])(github_pat_[A-Za-z0-9_]{60,255})(?![A-Za-z0-9_])/g,
    ],
    minEntropy: 3,
    structure: checksumUnlessWrong,
  }),
  regexRule({
    id: "aws-access-key-id",
    description: "AWS access key id",
    keywords: ["akia", "asia", "abia", "acca", "a3t"],
    patterns: [/(?<![A-Za-z0-9])((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Za-z0-9])/g],
    // No checksum, and an id names a key without granting anything: made-up ids fill tests and
    // docs (golang/oauth2's aws_test.go), where it is reported; elsewhere it blocks.
    minEntropy: 2.5, // 16 characters of A-Z2-7 repeat often; a stand-in (AKIAXXXX...) is caught anyway
  }),
  regexRule({
    id: "aws-secret-access-key",
    description: "AWS secret access key",
    keywords: ["secret_access", "secretaccess", "secret_key", "secretkey"],
    patterns: [
      /(?:aws)?_?secret_?(?:access)?_?key(?:_id)?["']?\s{0,4}(?::|=>|=)\s{0,4}["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    ],
    minEntropy: 4,
  }),
  regexRule({
    id: "slack-token",
    description: "Slack bot, user, app or configuration token",
    keywords: ["xox", "xapp-"],
    patterns: [new RegExp(`${B}((?:xox[abposre]|xapp)-[0-9A-Za-z][A-Za-z0-9-]{14,250})${E}`, "g")],
    structure: slackShape,
    minEntropy: 3,
    requireDigit: true,
  }),
  regexRule({
    id: "slack-webhook-url",
    description: "Slack incoming webhook URL",
    keywords: ["hooks.slack.com"],
    patterns: [/hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9+/_-]{30,120})/g],
    structure: "fixed",
    minEntropy: 3,
  }),
  regexRule({
    id: "stripe-secret-key",
    description: "Stripe secret or restricted key",
    keywords: ["k_live_", "k_test_", "k_prod_"],
    patterns: [/(?<![A-Za-z0-9_])((?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{20,247})(?![A-Za-z0-9_])/g],
    // A test-mode key reaches only the account's sandbox (no money moves): in a test or a doc it
    // is a fixture (stripe-python's tests hold Stripe's documented one) and is reported; elsewhere
    // it blocks like any match without a checksum. Live keys block wherever they sit.
    structure: (value) => (/^[sr]k_test_/.test(value) ? "unknown" : "valid"),
    minEntropy: 3.5,
  }),
  regexRule({
    id: "sendgrid-api-key",
    description: "SendGrid API key",
    // "sg." is in every `msg.`: the rule runs on many lines, but it is one anchored regex.
    keywords: ["sg."],
    // SendGrid's format: SG., 22 and 43 base64url characters. secretlint's pattern takes word
    // characters with one dash at most (in the last part), and so misses about 4 keys in 10.
    patterns: [/(?<![A-Za-z0-9_.-])(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g],
    structure: "fixed",
    minEntropy: 3.5,
  }),
  regexRule({
    id: "google-api-key",
    description: "Google API key",
    keywords: ["aiza"],
    patterns: [new RegExp(`${B}(AIza[A-Za-z0-9_-]{35})${E}`, "g")],
    structure: "fixed",
    minEntropy: 3.5,
  }),
  regexRule({
    id: "npm-token",
    description: "npm access token or .npmrc auth token",
    keywords: ["npm_", "_authtoken"],
    patterns: [
      /(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
      /_authToken\s{0,4}=\s{0,4}["']?([A-Za-z0-9._~+/=-]{10,300})(?=["'\s]|$)/gm,
    ],
    minEntropy: 3,
    // npm_ tokens carry GitHub's CRC32 checksum; an .npmrc _authToken may be any registry's.
    structure: npmShape,
  }),
  regexRule({
    id: "azure-storage-key",
    description: "Azure storage account key or Service Bus shared access key in a connection string",
    keywords: ["accountkey", "sharedaccesskey"],
    patterns: [/(?:AccountKey|SharedAccessKey)\s{0,4}=\s{0,4}([A-Za-z0-9+/]{40,100}={0,2})/gi],
    minEntropy: 4,
  }),
  regexRule({
    id: "azure-sas-token",
    description: "Azure shared access signature (sig=)",
    keywords: ["sig="],
    patterns: [/(?:^|[?&;\s"'])sig=([A-Za-z0-9%+/]{30,200}(?:%3[Dd]|=){0,2})/gm],
    minEntropy: 3.5,
  }),
  regexRule({
    id: "azure-ad-client-secret",
    description: "Azure AD (Entra ID) client secret",
    keywords: ["q~"],
    patterns: [
      /(?:^|[\\'"\x60\s>=:(,)])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?=$|[\\'"\x60\s<),])/gm,
    ],
    structure: "fixed",
    minEntropy: 3,
  }),
  regexRule({
    id: "database-url-password",
    description: "Database connection URL with a password",
    // Every scheme of the pattern, followed by "://" or by "+" and a driver (mssql+pyodbc://).
    keywords: [
      "jdbc:",
      ...[
        "postgres",
        "postgresql",
        "mysql",
        "mysqlx",
        "mariadb",
        "mongodb",
        "redis",
        "rediss",
        "amqp",
        "amqps",
        "mssql",
        "sqlserver",
        "oracle",
        "clickhouse",
        "couchdb",
        "neo4j",
        "cockroachdb",
      ].flatMap((scheme) => [`${scheme}://`, `${scheme}+`]),
    ],
    patterns: [
      /\b(?:postgres(?:ql)?|mysqlx?|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|clickhouse|couchdb|neo4j(?:\+s)?|cockroachdb|jdbc:[a-z0-9]+)(?:\+[a-z0-9]+)?:\/\/[^:/\s@'"\x60]{1,100}:([^@/\s'"\x60]{1,200})@/gi,
    ],
    accept: isRealUrlPassword,
    structure: urlHostVerdict,
  }),
  regexRule({
    id: "url-credentials",
    description: "A URL with a user and password (https://user:password@host)",
    keywords: ["://"],
    patterns: [
      /\b(?:https?|ftps?|sftp|ssh|git|smtps?|imaps?|ldaps?|wss?):\/\/[^:/\s@'"\x60]{1,100}:([^@/\s'"\x60]{1,200})@[\w.-]/gi,
    ],
    minEntropy: 3,
    accept: isRealUrlPassword,
    structure: urlHostVerdict,
  }),
  // Two schemes, one id: each scheme's value has its own structure to check.
  regexRule({
    id: "authorization-header",
    description: "A bearer credential in an Authorization header",
    keywords: ["bearer"],
    patterns: [/\bBearer\s{1,4}([A-Za-z0-9._~+/-]{20,2000}={0,2})/gi],
    minEntropy: 3.5,
    requireDigit: true,
    // `eyJhbGciOi...` is a JWT cut short for a doc or a test, not one a server would accept.
    accept: function isNotBrokenJwt(v) {
      return jwtShape(v) !== "invalid";
    },
  }),
  regexRule({
    id: "authorization-header",
    description: "A basic credential in an Authorization header",
    keywords: ["basic ", "basic\t", "basic\n", "basic\r"], // `\s` after the scheme
    patterns: [/\bBasic\s{1,4}([A-Za-z0-9+/]{16,2000}={0,2})(?![A-Za-z0-9+/=])/gi],
    minEntropy: 3.5,
    requireDigit: true,
    // A Basic credential is base64 of `user:password`: decode it and hold the password to the
    // standard of a URL password, so `client123:secret123` in a test is not a finding.
    accept: function isBasicCredential(v) {
      const basic = decodeBasic(v);
      return basic !== undefined && isRealPassword(basic.password);
    },
  }),
  genericApiKeyRule,
];

/** sk-ant- keys have Anthropic's marker; a value found only by its variable name has none. */
function anthropicShape(value: string): Verdict {
  return /^sk-ant-[a-z]{2,8}\d{2}-/.test(value) ? "valid" : "unknown";
}

/** OpenAI's project, service-account and admin prefixes, or the T3BlbkFJ marker of legacy keys. */
function openaiShape(value: string): Verdict {
  return /^sk-(?:proj|svcacct|admin)-|T3BlbkFJ/.test(value) ? "valid" : "unknown";
}

/**
 * The prefix alone is strong evidence; only a checksum that is there and wrong says "not issued".
 * (Without zlib.crc32, on Node < 20.15, the token counts as valid: fail closed.)
 */
function checksumUnlessWrong(value: string): Verdict {
  return checksumToken(value) === "invalid" ? "invalid" : "valid";
}

function npmShape(value: string): Verdict {
  return value.startsWith("npm_") ? checksumUnlessWrong(value) : "unknown";
}

export function ruleById(id: string): SecretRule | undefined {
  return OWN_RULES.find((r) => r.id === id);
}
