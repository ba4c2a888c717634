/**
 * Values that sit where a secret would but are not one: template variables, documentation
 * stand-ins, provider example keys, lockfile integrity strings, UUIDs. Every rule drops these,
 * the way gitleaks' global allowlist drops `${VAR}` and `{{ x }}`.
 */

const TEMPLATE = [
  /^\$\{/, // ${VAR}, ${VAR:-default}
  /^\$\(/, // $(command)
  /^\$[A-Za-z_][A-Za-z0-9_]*$/, // $VAR
  /^%\(?[A-Za-z_]*\)?s$/, // %s, %(name)s
  /\{\{|\}\}/, // {{ x }} (Jinja, Handlebars, GitHub Actions)
  /^<[^>]*>?$|^<.*>$/, // <your-key>
  /^\[\[.*\]\]$/,
  /^%[A-Za-z_][A-Za-z0-9_]*%$/, // %VAR% (Windows)
  /^#\{.*\}$/, // #{ruby}
  /^\{[A-Za-z_][\w.]*\}$/, // {NAME} (Python str.format and f-strings, Rust format!)
  /^(?:process\.env|os\.environ|import\.meta\.env|env\.|ENV\[|getenv)/,
];

/**
 * Words that mark a documentation stand-in wherever they appear in the value. Matched in one case
 * (redacted, REDACTED, Redacted), never mixed: a random token holds "fAKE" or "XxXx" about once in 10^4.
 */
const STAND_IN_WORDS = [
  "example",
  "placeholder",
  "changeme",
  "change_me",
  "change-me",
  "replaceme",
  "replace_me",
  "replace-me",
  "your_",
  "your-",
  "yourkey",
  "yourtoken",
  "yourapikey",
  "redacted",
  "notreal",
  "not_real",
  "not-real",
  "not-a-real",
  "not_a_real",
  "insert_",
  "insert-",
];
const STAND_IN = new RegExp(
  [
    ...STAND_IN_WORDS.flatMap((w) => [w, w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1)]),
    // Masks and elisions: xxxxx, ***, ...., ####, _____, -----. Runs long enough that a random
    // token over an alphabet holding . _ - (Azure AD secrets, URL-safe base64) rarely has one.
    "x{5,}",
    "X{5,}",
    "\\*{3}",
    "\\.{4}",
    "…",
    "#{4}",
    "_{5}",
    "-{5}",
    "<your",
  ]
    .map((w) => w.replace(/[-_]/g, (c) => `\\${c}`))
    .concat(
      // Short words only as words of their own (fake_token, FAKE-KEY, fakeToken, yourApiKey):
      // inside a random token they turn up by chance.
      "(?<![A-Za-z0-9])(?:fake|Fake|FAKE|dummy|Dummy|DUMMY|mock|Mock|MOCK)(?![a-z])",
      // A provider's prefix and a short mask: `npm_XXXX`, `ghp_xxx`, `sk-***` (longer masks are above).
      "^[A-Za-z]{2,12}[_-](?:X{3,}|x{3,}|\\*{3,})$",
      // A value cut for display, its middle left out: `99ae8af...snip...ec0f262ac`, `abc<snip>`.
      "(?<![A-Za-z])(?:snip|SNIP|snipped|elided|omitted)(?![a-z])",
      "(?<![A-Za-z0-9])[Yy]our[A-Z]",
    )
    .join("|"),
);

const LITERAL_STAND_INS = new Set([
  "true",
  "false",
  "null",
  "none",
  "nil",
  "undefined",
  "empty",
  "secret",
  "password",
  "passwd",
  "token",
  "apikey",
  "api_key",
  "string",
  "required",
  "optional",
]);

/**
 * Tokens that specifications print as their examples, copied into countless tests and docs:
 * RFC 6749 (OAuth 2.0) access and refresh tokens, authorization code, client id and its Basic
 * credential; RFC 6750's bearer token; RFC 7636's PKCE verifier and challenge; RFC 5849 (OAuth
 * 1.0) consumer key and token; RFC 7591 and 7592 (dynamic client registration) client secret and
 * registration access token.
 */
const SPEC_EXAMPLE_TOKENS = new Set([
  "2YotnFZFEjr1zCsicMWpAA",
  "tGzv3JOkF0XG5Qx2TlKWIA",
  "SplxlOBeZQQYbYS6WxSbIA",
  "s6BhdRkqt3",
  "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
  "mF_9.B5f-4.1JqM",
  "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
  "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  "dGhlIHNhbXBsZSBub25jZQ==", // RFC 6455's sample WebSocket key ("the sample nonce")
  "dpf43f3p2l4k3l03", // RFC 5849's client, temporary credential, verifier and request examples
  "hdhd0244k9j7ao03",
  "hfdp7dh39dks9884",
  "9djdj82h48djs9d2",
  "kkk9d7dh3k39sjv7",
  "0685bd9184jfhq22",
  "ad180jjd733klru7",
  "nnch734d00sl2jdk",
  "hh5s93j4hdidpola",
  "hdk48Djdsa",
  "kd94hf93k423kf44",
  "pfkkdhi9sl3r4s00",
  "cf136dc3c1fc93f31185e5885805d",
  "reg-23410913-abewfq.123483",
  // The Azure Storage emulator's account key (devstoreaccount1), the same in every Azurite.
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
  // MinIO's public playground (play.min.io), printed in its SDKs' READMEs and used by their CI.
  "Q3AM3UQ867SPQQA43P2F",
  "zuf+tfteSlswRu7BJ86wekitnifILbZam1KYY3TG",
]);

/**
 * Passwords that specifications and docs print as their example: RFC 2617 and 7617 (Aladdin's),
 * and xkcd 936's, the stock example of a strong password.
 */
const SPEC_EXAMPLE_PASSWORDS = new Set([
  "open sesame",
  "opensesame",
  "correct horse battery staple",
  "gx1fbat3bv", // RFC 6749's client secret (s6BhdRkqt3:gX1fBat3bV), compared lower-cased
  "tiger", // Oracle's demo account scott/tiger, in SQLAlchemy's docs and celery's changelog
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Subresource integrity, as in package-lock.json: sha512-<base64>. */
const SRI = /^sha(?:1|256|384|512)-[A-Za-z0-9+/=]+$/;
/** Passwords only a tutorial or a local docker-compose uses, not worth blocking a run. */
const LEET_DIGITS: Record<string, string> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t" };
const JOINED_TRIVIAL =
  /^(?:[a-z]{2,8}(?:password|passwd|pass|secret|test|admin)|(?:password|pass|secret|test|admin)[a-z]{2,8})$/;
const EMPHASIS = /^(?:super|my|top|very|so)(?=\p{L}{4})/u;
const TRIVIAL_PASSWORDS = new Set([
  "password",
  "passwd",
  "pass",
  "postgres",
  "root",
  "admin",
  "secret",
  "test",
  "user",
  "guest",
  "mysql",
  "redis",
  "example",
  // The most common weak passwords, which tests and docs reach for: abc123, qwerty, letmein.
  "abc",
  "qwerty",
  "letmein",
  "welcome",
  "hunter",
  "foobar",
  "changeit",
]);

/** A value ending in an ellipsis (two or more dots, or the … character) was cut short. */
const TRUNCATED = /(?:\.{2,}|…)$/;
/** One character repeated (aaaaaaaa, 00000000) or a run like abcdefgh / 12345678. */
const REPEATED = /^(.)\1+$/;

/** What decides a stand-in, for the rule-set version (a change here can turn a verdict). */
export const PLACEHOLDER_SIGNATURE = JSON.stringify([
  TEMPLATE.map((re) => re.source),
  STAND_IN.source,
  [...LITERAL_STAND_INS],
  UUID.source,
  SRI.source,
  TRUNCATED.source,
  [...SPEC_EXAMPLE_TOKENS],
  [...SPEC_EXAMPLE_PASSWORDS],
  [...TRIVIAL_PASSWORDS],
  "trivial-stem@6",
  JOINED_TRIVIAL.source,
  "camel-phrase@1",
  EMPHASIS.source,
  "decoded-stand-in@3",
  "sequential@6",
]);

export function isPlaceholderValue(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  if (LITERAL_STAND_INS.has(v.toLowerCase()) || SPEC_EXAMPLE_TOKENS.has(v)) return true;
  if (TEMPLATE.some((re) => re.test(v))) return true;
  if (STAND_IN.test(v)) return true;
  if (UUID.test(v) || SRI.test(v) || REPEATED.test(v)) return true;
  if (isSequential(v)) return true;
  // Filler in each part (kubeadm's documented bootstrap token `abcdef.0123456789abcdef`), maybe
  // after a provider's lower-case prefix (payload's `vercel_blob_rw_abc123_xyz789`).
  const parts = v.split(/[.:_-]/);
  const filler = parts.filter((p) => p.length >= 4 && isSequential(p)).length;
  if (
    parts.length >= 2 &&
    filler >= 1 &&
    /\d/.test(parts.at(-1) ?? "") &&
    parts.every((p) => (p.length >= 4 && isSequential(p)) || /^[a-z]{1,10}$/.test(p))
  )
    return true;
  if (isTrivialPhrase(v)) return true;
  // Cut short for display: `eyJhbGciOiJIUzI1NiIs...`, `sk-abc123..`. What is left is not the key.
  if (TRUNCATED.test(v)) return true;
  return false;
}

/**
 * abcdefghij, 0123456789, ABCDEF012345, 1234567890abcdef...: keyboard-walk fillers in docs and
 * tests. The digit row ends 9, 0 on a keyboard, so 9 to 0 is a step too.
 */
function isSequential(v: string): boolean {
  if (v.length < 6) return false;
  let runs = 0;
  for (let i = 1; i < v.length; i++) {
    const step = v.charCodeAt(i) === v.charCodeAt(i - 1) + 1 || (v[i - 1] === "9" && v[i] === "0");
    if (step) runs++;
  }
  const breaks = v.length - 1 - runs;
  // A long value of a few ascending runs is an alphabet (supabase-js's base64 table, A-Z a-z 0-9
  // + / =): a random token steps up by one about once in 60 characters.
  if (breaks <= 1 || (v.length >= 20 && breaks <= v.length / 8)) return true;
  // Ascending runs of three or more end to end (`abc123xyz456`, `abcd1234`): typed, not drawn.
  return ascendingRuns(v).every((n) => n >= 3);
}

/** The lengths of the maximal runs of characters that each step up by one. */
function ascendingRuns(v: string): number[] {
  const runs: number[] = [];
  let length = 1;
  for (let i = 1; i < v.length; i++) {
    if (v.charCodeAt(i) === v.charCodeAt(i - 1) + 1) length++;
    else {
      runs.push(length);
      length = 1;
    }
  }
  runs.push(length);
  return runs;
}

/** A URL password worth reporting: not a placeholder, not a tutorial default. */
export function isRealPassword(value: string): boolean {
  // `secret123`, `Password1!`, `test_2024`: a tutorial word with digits or symbols added is as
  // much a stand-in as the word alone.
  let plain = value;
  try {
    plain = decodeURIComponent(value); // a URL password arrives percent-encoded: pass%3Bword
  } catch {}
  return (
    value.length >= 4 &&
    !isTutorialPassword(plain) &&
    !SPEC_EXAMPLE_PASSWORDS.has(plain.toLowerCase()) &&
    !isPlaceholderValue(value) &&
    // As it reads once decoded: `not-re%40l` is `not-re@l`, the stand-in `not-real`.
    !isPlaceholderValue(deleet(plain))
  );
}

/**
 * The word a stand-in spells: `@` and `$` between letters read as the letters they stand for
 * (p@ssword, ch@ngeme), and accents dropped (pässword, as werkzeug's IRI tests write it).
 */
const deleet = (s: string) =>
  s
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    // `{}`, `()` and `[]` for an o (`pa$$w{}rd`, mongodb's changelog), between letters.
    .replace(/(?<=\p{L})(?:\{\}|\(\)|\[\])(?=\p{L})/gu, "o")
    .replace(/(?<=\p{L}[@$]*)[@$](?=[@$]*\p{L})/gu, (c) => (c === "@" ? "a" : "s"));

/**
 * A phrase around a trivial word in camel case, digits for letters: S0meVeryHardPassword (knex's
 * compose file), YourStrong!Passw0rd (SQL Server's image docs). Words with vowels only: a random
 * token breaks into pieces without them.
 */
function isTrivialPhrase(value: string): boolean {
  const phrase = value
    .replace(/(?<=\p{L})[013457](?=\p{L})/gu, (d) => LEET_DIGITS[d]!)
    .split(/(?<=\p{Ll})(?=\p{Lu})|[^\p{L}]+/u)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  return (
    phrase.length >= 2 &&
    phrase.length <= 6 &&
    phrase.some((w) => TRIVIAL_PASSWORDS.has(w)) &&
    phrase.every((w) => /^\p{L}{2,}$/u.test(w) && /[aeiouy]/.test(w))
  );
}

/**
 * A tutorial word, dressed up: `pass;word` and `Password123!` (the word with symbols and digits),
 * `p@ssword` (leetspeak), `a secret` (a short phrase around the word). Only a few words long, and
 * no word other than the tutorial one is longer than two letters.
 */
function isTutorialPassword(plain: string): boolean {
  const lower = deleet(
    plain.toLowerCase().replace(/\\(?:u[0-9a-f]{4}|x[0-9a-f]{2})/g, ""), // escapes in JSON or code: pass[\u007F
  );
  const stem = lower.replace(/[^\p{L}\d]+/gu, "").replace(/\d+$/, "");
  if (TRIVIAL_PASSWORDS.has(stem)) return true;
  // A trivial word made emphatic: supersecret (Okta's API docs), mypassword, topsecret.
  if (TRIVIAL_PASSWORDS.has(stem.replace(EMPHASIS, ""))) return true;
  // A trivial word joined to one short word: knextest (knex's compose file), dbpass, adminuser.
  if (JOINED_TRIVIAL.test(stem)) return true;
  if (isTrivialPhrase(plain)) return true;
  const words = lower.split(/[^\p{L}\d]+/u).filter(Boolean);
  if (words.length > 4) return false;
  const trivial = (w: string) => TRIVIAL_PASSWORDS.has(w.replace(/\d+$/, ""));
  return words.some(trivial) && words.every((w) => trivial(w) || w.length <= 2);
}
