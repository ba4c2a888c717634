/**
 * generic-api-key: a secret-sounding name assigned a high-entropy literal, modelled on gitleaks'
 * rule of the same id (keywords access/api/auth/key/credential/password/secret/token, entropy 3.5).
 *
 * A regex alone flags `monkey = ...`, `public_key = ...`, `token_url = ...` and
 * `apiKey: config.apiKey`, which is how the predecessor ended with 139 false hits on its own
 * repository. So the regex only finds "keyword ... operator value", and code here then checks the
 * whole key name part by part and the value's shape.
 */
import { shannonEntropy } from "./entropy.js";
import { isPlaceholderValue } from "./placeholders.js";
import { jwtShape } from "./provider-checks.js";
import type { RuleMatch, SecretRule } from "./rule-types.js";
import { isLocalHost } from "./url-password.js";

export const GENERIC_MIN_ENTROPY = 3.5;
const MIN_LENGTH = 10;
const HAS_DIGIT = /[0-9]/;
/** W3C traceparent: version-traceid-parentid-flags, all hex; an id of a request, not a secret. */
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/i;
/** A UUID anywhere in the value (`urn:uuid:...`, `{GUID}`, `user-<uuid>`): an id, not a key. */
const UUID_INSIDE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Two-letter words that join the words of identifiers (`defaultToConfig2`, `isOfType3`). */
const SHORT_WORDS = new Set([
  "to",
  "of",
  "in",
  "on",
  "at",
  "by",
  "is",
  "as",
  "or",
  "if",
  "id",
  "up",
  "no",
  "do",
]);

/**
 * Abbreviations programmers write without a vowel (`sigv4_auth_cls`, `tls_cfg`, `http_ctx`): a
 * piece of a name like a word, though the vowel test alone would take it for a consonant run.
 */
const VOWELLESS_ABBREVIATIONS = new Set(
  (
    "cls ctx cfg msg msgs src dst tmp pkg std str fmt ptr idx cmd btn fn db cb mgr svc http https " +
    "tls ssl jwt jwk jwks pwd ssh xml sql dns tcp udp rpc grpc kms crc " +
    // hoppscotch's settings keys (`mailer_smtp_oauth2_client_secret`), 70 versions.
    "smtp imap sftp ftp cdn vpn ntp mfa sms spf xss csrf csp"
  ).split(" "),
);

const IMAGE_URL_HEAD = /https?:\/\/[^\s"'()<>]+\.(?:svg|png|gif|jpe?g|webp)(?:\?[^\s"'()<>]*)?[?&]$/i;
// A segment may be a wildcard (`arn:*:secretsmanager:*:*:secret:name-*`, as IAM policies write them).
const RESOURCE_NAME_HEAD = /(?:^|[\s"'=(,])[A-Za-z][\w.-]*:(?:[\w.*-]*:)+$/;
/** An ISO 8601 date and time (`2013-07-02T21:36:25.344Z`): when a password changed, not the password. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const PACKAGE_SPECIFIER =
  /^(?:npm|jsr|workspace|file|link|portal|patch|github|registry|git\+(?:https?|ssh)):/;
const VERSIONED_SLUG = /^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*[-_]v?\d+(?:\.\d+)+$/;
/**
 * A version with its peers, as pnpm's lockfile writes a dependency (`7.18.6_@babel+core@7.19.6`,
 * `0.9.1(@firebase/app@0.9.1)`) under a package name that may hold "key" or "auth".
 */
const PEER_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?[_(]/;
/**
 * An HTTP header's name (`X-Amz-Server-Side-Encryption-Customer-Key-MD5`): capitalised words and
 * acronyms joined by hyphens, two of them words (a licence-key style token, `AB3CD-EF4GH`, has none).
 */
const HEADER_NAME =
  /^(?=(?:.*\b[A-Z][a-z]{2,}\b){2})(?:[A-Z][a-z]*|[A-Z0-9]{1,5})(?:-(?:[A-Z][a-z0-9]*|[A-Z0-9]{1,5})){1,12}$/;
/** A host and a path without a scheme, as pnpm's lockfile writes a tarball (`registry.npmjs.org/@types/jsonwebtoken/8.5.8`). */
const HOST_PATH = /^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?\/[\w@.+/-]*$/i;
/** A path of two or more segments to a file (an object's key in a bucket: `cloudfront/index.crates.io/E35K.2024-01-16.gz`). */
const FILE_PATH =
  /^[\w.-]+(?:\/[\w.-]+)+\.(?:gz|zip|tgz|tar|bz2|xz|zst|json|ya?ml|toml|txt|csv|log|html?|xml|md|png|jpe?g|gif|svg|pdf|js|ts|py|go|rs|rb|java|sh|pem|crt|cer|der|key|pub|bin|whl|jar)$/i;

const KEYWORD = "(?:key|token|secret|passw(?:or)?d|pwd|passphrase|credential|creds|auth|api|bearer|pepper)";

/**
 * keyword, rest of the name, optional closing quote or bracket, operator, then a quoted value (any
 * non-space characters) or a bare value (token characters, ended by a delimiter). Quantifiers are
 * bounded so a long minified line cannot make the regex backtrack without end.
 */
const ASSIGNMENT = new RegExp(
  KEYWORD +
    String.raw`[\w.-]{0,40}?["'\]]{0,2}(?:[ \t]{0,4}(?:=|:=|::=|:|=>|\?=|\|\|=)(?![=>])|>)[ \t]{0,4}` +
    String.raw`(?:(["'\x60])([^"'\x60\s\\]{${MIN_LENGTH},300})\1|([\w+/=.~!@#^*-]{${MIN_LENGTH},300})(?=[\s"'\x60;,)}\]<]|$))`,
  "gid",
);

/** Name parts that make a name secret-sounding on their own. */
const SECRET_PARTS = new Set([
  "key",
  "keys",
  "apikey",
  "api",
  "token",
  "secret",
  "secrets",
  "password",
  "passwords",
  "passwd",
  "pwd",
  "pass",
  "passphrase",
  "credential",
  "credentials",
  "creds",
  "auth",
  "authorization",
  "bearer",
  // The site-wide secret mixed into password digests (devise's `self.pepper = '…'`).
  "pepper",
]);
/** Compound lower-case parts (dbpassword, githubtoken) count when they end in one of these. */
const SECRET_SUFFIXES = [
  "password",
  "passwd",
  "secret",
  "token",
  "apikey",
  "accesskey",
  "secretkey",
  "privatekey",
];

/** Any of these parts makes the name describe something that is not a credential. */
const NOT_SECRET_PARTS = new Set([
  "public",
  "pub",
  "publishable",
  "cache",
  "primary",
  "foreign",
  "sort",
  "partition",
  "idempotency",
  "dedup",
  "dedupe",
  "row",
  "lookup",
  "map",
  "keyboard",
  "hotkey",
  "shortcut",
  "next",
  "page",
  "continuation",
  "cursor",
  "pagination",
  "csrf",
  "xsrf",
  "max",
  "min",
  "num",
  "count",
  "sha",
  "sha1",
  "sha256",
  "hash",
  "hashed",
  "digest",
  "checksum",
  "integrity",
  "fingerprint",
  "etag",
  "commit",
  "revision",
  "i18n",
  "translation",
  "label",
  // Distributed tracing ids (W3C traceparent, span and correlation ids) identify a request.
  "trace",
  "traceparent",
  "tracestate",
  "span",
  "correlation",
  // WebRTC's ICE credentials (`a=ice-pwd:` in SDP) are sent in the clear in every offer and answer
  // and last one session (RFC 8839): OpenAI's API reference prints one in a Realtime example.
  "ice",
  // Ciphertext, not the key (`encrypted_key` of RFC 7520's JOSE examples, `encryptedPassword`).
  "encrypted",
]);
/** A name ending in one of these holds metadata about a secret, not the secret. */
const NOT_SECRET_LAST_PARTS = new Set([
  "url",
  "uri",
  "urls",
  "endpoint",
  "path",
  "file",
  "filename",
  "dir",
  "name",
  "id",
  "ids",
  "type",
  "types",
  "length",
  "len",
  "size",
  "count",
  "limit",
  "version",
  "header",
  "headers",
  "env",
  "var",
  "prefix",
  "suffix",
  "format",
  "field",
  "column",
  "expiry",
  "expires",
  "expiration",
  "ttl",
  "timeout",
  "algorithm",
  "alg",
  "mode",
  "scope",
  "scopes",
  "kind",
  "index",
  "location",
  "region",
  "host",
  "port",
  "method",
  "provider",
  "policy",
  "enabled",
  "required",
  "hint",
  "pattern",
  "regex",
  "schema",
  "template",
  "description",
  "help",
  "title",
  "text",
  "message",
  "error",
  "status",
  "usage",
  "tokens",
  "source",
  "sources",
]);

export const genericApiKeyRule: SecretRule = {
  id: "generic-api-key",
  description: "A secret-sounding name assigned a high-entropy literal",
  heuristic: true,
  // One literal for each branch of KEYWORD: a match starts at one of them (engine.ts runs the rule
  // only on the lines that hold one).
  keywords: [
    "key",
    "token",
    "secret",
    "passw",
    "pwd",
    "passphrase",
    "credential",
    "creds",
    "auth",
    "api",
    "bearer",
    "pepper",
  ],
  // Name, operator and value are on one line: `[ \t]` between them, no whitespace in a value.
  reach: 0,
  signature: JSON.stringify([
    "generic-api-key@23",
    PACKAGE_SPECIFIER.source,
    VERSIONED_SLUG.source,
    PEER_VERSION.source,
    HEADER_NAME.source,
    FILE_PATH.source,
    HOST_PATH.source,
    RESOURCE_NAME_HEAD.source,
    IMAGE_URL_HEAD.source,
    ISO_TIMESTAMP.source,
    [...SHORT_WORDS],
    [...VOWELLESS_ABBREVIATIONS],
    ASSIGNMENT.source,
    GENERIC_MIN_ENTROPY,
    [...SECRET_PARTS],
    SECRET_SUFFIXES,
    [...NOT_SECRET_PARTS],
    [...NOT_SECRET_LAST_PARTS],
    TRACEPARENT.source,
    UUID_INSIDE.source,
  ]),
  *find(text: string): Iterable<RuleMatch> {
    ASSIGNMENT.lastIndex = 0;
    for (const m of text.matchAll(ASSIGNMENT)) {
      const quoted = m[2];
      const value = quoted ?? m[3];
      const span = m.indices?.[quoted ? 2 : 3];
      if (!value || !span || m.index === undefined) continue;
      // Most assignments in code (`apiKey: process.env.API_KEY`) hold no digit, and what is judged
      // below is a prefix of the value, so valueLooksSecret would refuse it: refused here, before
      // the name around the keyword is looked at (the costlier part).
      if (!HAS_DIGIT.test(value)) continue;
      // A bare value that runs into a CircleCI parameter (`key: v1-deps-<< parameters.ruby >>-…`)
      // is the literal head of a template, not a value of its own.
      if (!quoted && text.startsWith("<<", span[1])) continue;
      const { name, start } = keyNameAround(text, m.index, m[0]);
      if (!nameSoundsSecret(name)) continue;
      // `Public key: age1…`, `# public key: …`: prose naming a public key, the word before the name.
      if (/\bpublic[ \t]+$/i.test(text.slice(Math.max(0, start - 12), start))) continue;
      // Algolia's search-only key, which DocSearch issues to be embedded in public pages, written
      // beside the index it searches: `docsearch({ apiKey: '…', indexName: '…' })` in a site's
      // layout (thephpleague/oauth2-server's gh-pages). An admin key sits in an environment
      // (`ALGOLIA_API_KEY=`), not beside a JavaScript `indexName`.
      if (
        SEARCH_KEY_NAME.test(name) &&
        SEARCH_KEY_CONTEXT.test(text.slice(Math.max(0, start - 200), span[1] + 200))
      )
        continue;
      const before = text[start - 1];
      // `>` is the operator of an element's content (`<token>abc</token>`, `<ns:password>`): the
      // name must open a tag, with no quote after it. `...&utm_content=auth">auth0.com/overview</a>` is an HTML
      // attribute's end, not an element named auth.
      const head = text.slice(m.index, span[0] - (quoted ? 1 : 0));
      if (
        head.includes(">") &&
        !/=>/.test(head) &&
        (/["']/.test(head) || !/<(?:[\w.-]+:)?$/.test(text.slice(Math.max(0, start - 40), start)))
      )
        continue;
      // A segment of a colon-separated resource name (`orn:okta:idp:…:authorization_servers:aus1…`,
      // `arn:aws:secretsmanager:…:secret:name`): its colons separate parts, they assign nothing.
      if (before === ":" && RESOURCE_NAME_HEAD.test(text.slice(Math.max(0, start - 200), start))) continue;
      // `[SOME_META_KEY]: value` is a computed key: the name is a constant holding a key name,
      // and what it is assigned says nothing about secrets.
      if (before === "[" && m[0].slice(name.length - (m.index - start)).startsWith("]")) continue;
      // `?key=value#section` and `&token=abc`: a query parameter in a URL, whose value ends at the
      // next `&` or `#`. A real key in a URL keeps its length and randomness after the cut.
      const query = before === "?" || before === "&";
      // A badge's image URL (`dotenv.svg?token=…`, codecov's `badge.svg?token=…`): made to be
      // shown in a public README, it grants nothing but the picture.
      if (query && IMAGE_URL_HEAD.test(text.slice(Math.max(0, start - 300), start))) continue;
      const candidate = query ? value.split(/[&#]/)[0]! : value;
      // `isTestKey:!!e7.env.STRIPE_IS_TEST_KEY` in a minified bundle: a negated lookup, not a value.
      if (!quoted && /^!+[A-Za-z_$]/.test(candidate) && MEMBER_ACCESS.test(candidate.replace(/^!+/, "")))
        continue;
      if (!valueLooksSecret(candidate, quoted !== undefined)) continue;
      // A token in a link to the machine itself (documenso's `// http://localhost:3000/…?token=…`)
      // opens something only there: reported, not blocking, as a URL password for localhost is.
      const host = query ? URL_HEAD.exec(text.slice(Math.max(0, start - 300), start))?.[1] : undefined;
      const local = host !== undefined && isLocalHost(host);
      // Nothing here has a provider's structure to check (severity.ts).
      yield { index: span[0], value: candidate, verdict: local ? "invalid" : "unknown" };
    }
  },
};

/** The whole identifier around the keyword (`DB_PASSWORD`, `client.apiKey`, `"x-api-key"`) and where it starts. */
function keyNameAround(text: string, keywordAt: number, match: string): { name: string; start: number } {
  let start = keywordAt;
  while (start > 0 && keywordAt - start < 60 && /[\w.-]/.test(text[start - 1]!)) start--;
  const tail = /^[\w.-]*/.exec(match)![0];
  return { name: text.slice(start, keywordAt) + tail, start };
}

export function splitName(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[\s._-]+/)
    .map((p) => p.toLowerCase())
    .filter(Boolean);
}

export function nameSoundsSecret(name: string): boolean {
  const parts = splitName(name);
  if (parts.length === 0) return false;
  if (parts.some((p) => NOT_SECRET_PARTS.has(p))) return false;
  if (NOT_SECRET_LAST_PARTS.has(parts[parts.length - 1]!)) return false;
  return parts.some((p) => SECRET_PARTS.has(p) || SECRET_SUFFIXES.some((s) => p.endsWith(s)));
}

/**
 * What a token or password is made of. Brackets, braces, `$`, `|`, `?`, `&`, `%`, quotes and non-ASCII
 * mean a regex, a template, a query string or prose (a translated message), not a credential.
 */
const VALUE_CHARS = /^[A-Za-z0-9_.+/~!@#^*:,;=-]+$/;
const MEMBER_ACCESS = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
// Leading and trailing underscores: Python's module-private constants (`_IMDSV2_SESSION_TOKEN_TTL`).
const CONSTANT_NAME = /^_*[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+_*$/;
const WORDS_ONLY = /^[A-Za-z_.-]+$/;
const CAMEL_WORDS = /^[a-z]+(?:[A-Z][a-z]+)+$/;

/**
 * An identifier made of words and numbers (`ClientCapabilities2026Schema`, `MAX_RETRY_3`,
 * `defaultToConfig2`): every piece, split at case and digit changes, is a number, a word of three
 * or more letters with a vowel, or a two-letter joining word. Random tokens break into one- and
 * two-letter pieces and consonant runs.
 */
function isWordyIdentifier(value: string): boolean {
  if (!/^[A-Za-z_$][\w$]*$/.test(value)) return false;
  const pieces = value
    // OAuth is a word with a capital inside (Okta's `OAuth2ClientJsonWebKeyRequestBody`).
    .replace(/OAuth/g, "Oauth")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    // Boundaries, not characters: `Config2Keys` has two around its one digit.
    .replace(/(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])/g, " ")
    .split(/[\s_$]+/)
    .filter(Boolean);
  const word = (p: string) => /^[A-Za-z]{3,}$/.test(p) && /[aeiouyAEIOUY]/.test(p);
  // A capitalised two-letter piece with a vowel is an abbreviation in a name of words
  // (`Ed25519PrivateKey`, `IoError2`), when a real word is there too; random tokens break into
  // two-letter pieces without vowels often enough that they still fail.
  const hasWord = pieces.some(word);
  // An acronym (`EC`, `RSA`, `JSON`) among two or more words: `OAuth2ClientJsonWebKeyECRequest`.
  const words = pieces.filter(word).length;
  const parts = new Set(value.split("_"));
  return pieces.every(
    (p, i) =>
      /^\d+$/.test(p) ||
      // A version mark before its number: `prime256v1`, `api_v2`, `V2IamApiKeys` (stripe-node's class names).
      ((p === "v" || p === "V") && /^\d+$/.test(pieces[i + 1] ?? "")) ||
      word(p) ||
      SHORT_WORDS.has(p.toLowerCase()) ||
      VOWELLESS_ABBREVIATIONS.has(p.toLowerCase()) ||
      (hasWord && /^[A-Z][a-z]$/.test(p) && /[aeiouyAEIOUY]/.test(p)) ||
      (words >= 2 && /^[A-Z]{2,4}$/.test(p)) ||
      // An acronym as a part of its own beside a word: `EC_prime256v1`, `RSA_oaep`.
      (hasWord && /^[A-Z]{2,4}$/.test(p) && parts.has(p)),
  );
}

const URL_PATH_OF_WORDS = /^(?:\/(?:[a-z]+(?:[-_][a-z]+)*|v\d+))+\/?$/i;
/** A URL up to a query's parameter (`http://localhost:3000/sign?token=`), its host captured. */
const URL_HEAD =
  /[a-z][\w+.-]*:\/\/(?:[^\s/@?#]*@)?(\[[^\]\s]*\]|[^\s:/?#'"\x60<>@]+)(?::\d+)?(?:[/?][^\s'"\x60<>]*)?$/i;
const SEARCH_KEY_NAME = /^(?:[\w-]*\.)?(?:search)?apiKey$/i;
const SEARCH_KEY_CONTEXT = /\bindexName\b|\bdocsearch\s*\(/;
const URN = /^urn:[a-z0-9][a-z0-9-]{0,31}:[\w.:%/-]+$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const PRINTABLE = /^[\x20-\x7e]+$/;

/**
 * A stand-in written in base64, as a Kubernetes Secret or a config's `secret:` wants it: dex's
 * example client secret `ZXhh…cmV0` is base64 of `example-app-secret` (21 versions), and its
 * overlord manifest holds "32 x's base64 encoded twice". Decoded up to twice while it decodes
 * exactly to printable text; only a placeholder (placeholders.ts) is let go, so a real password in a
 * Secret manifest still counts whatever it decodes to.
 */
function encodesPlaceholder(value: string): boolean {
  let text = value;
  for (let round = 0; round < 2; round++) {
    if (text.length < 8 || text.length % 4 === 1 || !BASE64.test(text)) return false;
    const decoded = Buffer.from(text, "base64");
    // Exactly: base64 that decodes and encodes back the same (padding aside), nothing dropped.
    if (decoded.toString("base64").replace(/=+$/, "") !== text.replace(/=+$/, "")) return false;
    text = decoded.toString("latin1");
    if (!PRINTABLE.test(text)) return false;
    if (isPlaceholderValue(text)) return true;
  }
  return false;
}

/**
 * A protocol's or format's short name, or a number with its unit, a segment of its own between
 * separators: `h1`, `h2c`, `s3`, `ec2`, `x509`, `k8s`, `12H` (documenso's `MonthDateYear_TIME_12H`).
 */
const SHORT_CODE = /^(?:[a-z]{1,3}\d{1,4}[a-z]{0,2}|\d{1,4}[a-z]{1,2})$/i;

/**
 * A name of words with one or two short codes among its segments
 * (`reverse_proxy.tls_h1_only`, caddy's request variable, 7 versions; `s3_bucket_path`): the other
 * segments are a name of words, two of them real words. Only whole segments count: a token with
 * no separators (`ufwcig0zen9skyd545jc0fkq813ghar2`, a session token) is never read this way.
 */
function isNameWithShortCodes(value: string): boolean {
  const segments = value.split(/[_.-]+/).filter(Boolean);
  const codes = segments.filter((s) => SHORT_CODE.test(s)).length;
  if (codes === 0 || codes > 2 || segments.length - codes < 2) return false;
  const rest = segments.filter((s) => !SHORT_CODE.test(s));
  const realWords = rest.filter((s) => /^[A-Za-z]{3,}$/.test(s) && /[aeiouy]/i.test(s)).length;
  return realWords >= 2 && isWordyIdentifier(rest.join("_"));
}

function valueLooksSecret(value: string, quoted: boolean): boolean {
  if (value.length < MIN_LENGTH) return false;
  // Asked twice below, and an HS* token's check computes up to 14 HMACs: once per value.
  let shape: ReturnType<typeof jwtShape> | undefined;
  const jwt = () => {
    shape ??= jwtShape(value);
    return shape;
  };
  if (!VALUE_CHARS.test(value) || /=[^=]/.test(value)) return false; // `=` only as base64 padding
  // Random tokens of this length all but always hold a digit; names, ids and prose do not.
  if (!HAS_DIGIT.test(value)) return false;
  // Words and numbers joined by separators (release-2024, through-268345) are slugs and
  // ids: a random token mixes letters and digits within one run.
  if (value.split(/[-_.:/]+/).every((part) => /^[A-Za-z]*$/.test(part) || /^[0-9]*$/.test(part)))
    return false;
  if (isPlaceholderValue(value) || encodesPlaceholder(value)) return false;
  // A URN (RFC 8141) is a name: RFC 8693's `urn:ietf:params:oauth:token-type:saml2` under a
  // `tokenType…` constant (dexidp/dex, 60 versions) names a kind of token, it is not one.
  if (URN.test(value)) return false;
  // A PostHog project key sends events and nothing else; PostHog has it shipped in every page
  // (formbricks' and hoppscotch's telemetry, 22 versions). A personal key (`phx_`) still counts.
  if (/^phc_[A-Za-z0-9]{30,}$/.test(value)) return false;
  // gitleaks' own allowlist for this rule: letters and separators only is a name, not a key.
  if (WORDS_ONLY.test(value) || CAMEL_WORDS.test(value)) return false;
  if (/^\d+$/.test(value) || /^[\d.]+$/.test(value)) return false;
  if (value.includes("://")) return false; // URLs: the url rules look at their passwords
  if (ISO_TIMESTAMP.test(value)) return false;
  // A package specifier (`npm:@opentelemetry/api@^1.0.0` in a jsr.json or package.json).
  if (PACKAGE_SPECIFIER.test(value)) return false;
  // A name and a dotted version (a cache or artifact key: `libpq-manylinux-ppc64le-17.2-3.4.0`).
  if (VERSIONED_SLUG.test(value)) return false;
  if (PEER_VERSION.test(value) || HEADER_NAME.test(value) || FILE_PATH.test(value) || HOST_PATH.test(value))
    return false;
  // Unquoted, a name is a reference to a variable, a constant or a type: code, not a literal.
  // (A JWT is three dotted runs of word characters too, `eyJhbGci….eyJyb2xl….sig`: not a member.)
  if (
    !quoted &&
    (MEMBER_ACCESS.test(value) || CONSTANT_NAME.test(value) || isWordyIdentifier(value)) &&
    jwt() !== "valid"
  )
    return false;
  // Quoted, a snake/kebab/dotted name of words (`caching_sha2_password`, `grant-type-v2`) is an
  // enum value or a key name; passwords and tokens are not written as words joined by separators.
  if (quoted && /[_.-]/.test(value) && isWordyIdentifier(value.replace(/[.-]/g, "_"))) return false;
  if (quoted && isNameWithShortCodes(value)) return false;
  if (TRACEPARENT.test(value) || UUID_INSIDE.test(value)) return false;
  // `eyJhbGciOi...` that is not three base64url parts with a JSON header is a JWT cut short.
  if (jwt() === "invalid") return false;
  if (/^[./~]/.test(value) && /\/[\w.-]+\.[a-z]{1,5}$/.test(value)) return false; // a file path
  // An endpoint's path of words (`/pattern-library/api/v1/render-pattern` under wagtail's `…_API`).
  if (URL_PATH_OF_WORDS.test(value)) return false;
  return shannonEntropy(value) >= GENERIC_MIN_ENTROPY;
}
