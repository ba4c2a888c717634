/**
 * Offline checks of a token's own structure, so a token-shaped fixture can be told from one a
 * provider issued. Each returns "valid" (the structure holds: treat as real), "invalid" (shaped
 * like the provider's token but not one it could have issued) or "unknown" (nothing to check).
 */
import { createHmac } from "node:crypto";
import * as zlib from "node:zlib";

export type Verdict = "valid" | "invalid" | "unknown";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** zlib.crc32 exists from Node 20.15 / 22.2; older Nodes get "unknown" (and so a blocking finding). */
const crc32 = (zlib as { crc32?: (data: string) => number }).crc32;

function base62(n: number, width: number): string {
  let out = "";
  for (let v = n; v > 0; v = Math.floor(v / 62)) out = BASE62[v % 62] + out;
  return out.padStart(width, "0");
}

/**
 * GitHub's 2021 formats (ghp_, gho_, ghu_, ghs_, ghr_) and npm's (npm_) end in six base62
 * characters holding the CRC32 of the 30 random characters before them: GitHub's own secret
 * scanning uses it to discard look-alikes, and so do we. A wrong checksum means nobody issued it.
 * Older 40-hex tokens and fine-grained github_pat_ tokens have no checksum we can check.
 */
export function checksumToken(token: string): Verdict {
  const m = /^(?:gh[pousr]|npm)_([A-Za-z0-9]{30})([A-Za-z0-9]{6})$/.exec(token);
  if (!m) return "unknown";
  if (!crc32) return "unknown";
  return base62(crc32(m[1]!), 6) === m[2] ? "valid" : "invalid";
}

/** Builds a token with a correct checksum (tests and docs of this module only need it). */
export function withChecksum(prefix: string, random30: string): string {
  if (!crc32) throw new Error("zlib.crc32 needs Node >= 20.15");
  return `${prefix}${random30}${base62(crc32(random30), 6)}`;
}

/**
 * Slack's tokens (api.slack.com/authentication/token-types) end in a secret Slack generated: 24
 * base62 characters for a bot, 32 or 64 hex for users and apps, 140 or more for rotating tokens
 * (`xoxe.xoxp-1-…`, `xoxe-1-…`). Bot, user, legacy and app-level tokens also carry the workspace's,
 * user's or app's numeric ids before it. A value without that tail (a bot token written as
 * "abc-1232" after its kind, an app token as "A111-222-xyz") or, for the kinds with ids, without an
 * id (a keyboard run after the kind) is a stand-in from docs and tests: python-slack-sdk's history
 * holds 900 of them.
 */
export function slackShape(token: string): Verdict {
  const m = /^(?:xoxe\.)?(xox[a-z]|xapp)-([A-Za-z0-9-]+)$/.exec(token);
  if (!m) return "unknown";
  const parts = m[2]!.split("-");
  const tail = parts.pop()!;
  if (!/^[A-Za-z0-9]{16,}$/.test(tail) || !/[A-Za-z]/.test(tail)) return "invalid";
  // A rotating token's long tail follows only a version digit (and a match may start after `xoxe.`).
  if (tail.length >= 100) return "valid";
  const carriesIds = /^(?:xox[bpos]|xapp)$/.test(m[1]!);
  return carriesIds && !parts.some((p) => /^\d{6,}$/.test(p)) ? "invalid" : "valid";
}

/**
 * A JSON Web Token: three base64url parts, the first a JSON header naming an algorithm. A value
 * starting `eyJ` that fails this is a cut-short example (`eyJhbGciOi...`), not a credential.
 */
export function jwtShape(value: string): Verdict {
  if (!value.startsWith("eyJ")) return "unknown";
  const parts = value.split(".");
  if (parts.length !== 3 || parts.some((p, i) => i < 2 && !/^[A-Za-z0-9_-]+$/.test(p))) return "invalid";
  let alg: unknown;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as unknown;
    if (!(header && typeof header === "object" && "alg" in header)) return "invalid";
    alg = header.alg;
  } catch {
    return "invalid";
  }
  if (
    typeof alg === "string" &&
    Object.hasOwn(HMAC_DIGESTS, alg) &&
    !hmacSignatureCounts(alg as HmacAlg, parts)
  )
    return "invalid";
  return claimsGrantNothing(parts[1]!) ? "invalid" : "valid";
}

/** An HS* token's signature is its digest: 32, 48 or 64 bytes. */
const HMAC_DIGESTS = { HS256: ["sha256", 32], HS384: ["sha384", 48], HS512: ["sha512", 64] } as const;
type HmacAlg = keyof typeof HMAC_DIGESTS;

/**
 * Keys that docs and tests sign sample HS* tokens with: jwt.io's defaults and the words every
 * tutorial uses. A token that verifies with one of them is one anyone can mint (Keats/jsonwebtoken's
 * tests sign theirs with "secret"), so it grants nothing; its key, if a real one, is found on its own.
 */
const DEMO_HMAC_KEYS = [
  "secret",
  "your-256-bit-secret",
  "your-384-bit-secret",
  "your-512-bit-secret",
  "key",
  "secretkey",
  "secret-key",
  "secret_key",
  "mysecret",
  "supersecret",
  "shhhhh",
  "changeme",
  "password",
  "test",
];

/**
 * Whether an HS* token's signature could be a real one: of its digest's length (`wrong`, a
 * truncated or padded copy is not), and not made with a demo key.
 */
function hmacSignatureCounts(alg: HmacAlg, parts: readonly string[]): boolean {
  const [digest, bytes] = HMAC_DIGESTS[alg];
  const signature = parts[2]!.replace(/=+$/, "");
  if (!/^[A-Za-z0-9_-]+$/.test(signature) || signature.length !== Math.ceil((bytes * 4) / 3)) return false;
  const signed = `${parts[0]}.${parts[1]}`;
  return !DEMO_HMAC_KEYS.some(
    (key) => createHmac(digest, key).update(signed).digest("base64url") === signature,
  );
}

/** jwt.io's example token is issued at 1516239022; whoever edits its claims keeps that. */
const JWT_IO_EXAMPLE_IAT = 1516239022;

/**
 * Claims that make a well-formed JWT no credential: jwt.io's example (supabase-js's docs sign an
 * edited copy), a key meant to be public, Supabase's anon key (role "anon": its docs put it in
 * browsers; what it may do is whatever row-level security lets anyone do), or a token past its
 * expiry (`exp`), which every verifier refuses: djangorestframework-simplejwt's README shows tokens
 * that expired in 1970.
 */
function claimsGrantNothing(payload: string): boolean {
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const expired = typeof claims.exp === "number" && claims.exp * 1000 < Date.now();
    return claims.iat === JWT_IO_EXAMPLE_IAT || claims.role === "anon" || expired;
  } catch {
    return false; // an encrypted or odd payload: the header said JWT, so it may be one
  }
}

/**
 * An HTTP Basic credential is base64 of `user:password` in printable text. Anything else after
 * `Basic ` (a word, random base64 of binary) is not a credential a server would accept.
 */
export function decodeBasic(value: string): { user: string; password: string } | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  // RFC 7617 allows UTF-8 (имя:пароль); control characters or invalid UTF-8 mean it is not text.
  const text = Buffer.from(value, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon <= 0 || /[\p{Cc}\uFFFD]/u.test(text)) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BECH32_GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

/** BIP-173's checksum function over 5-bit values. */
function bech32Polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= BECH32_GEN[i]!;
  }
  return chk;
}

const expandHrp = (hrp: string) => [
  ...[...hrp].map((c) => c.charCodeAt(0) >>> 5),
  0,
  ...[...hrp].map((c) => c.charCodeAt(0) & 31),
];

const AGE_HRP = "age-secret-key-";

/**
 * An age identity (`AGE-SECRET-KEY-1` and 58 bech32 characters) carries bech32's checksum: one a
 * tool generated holds it, a hand-made stand-in does not ("invalid"). A whole one is still only
 * "unknown", like a PEM key: anyone's age-keygen makes them, so the checksum cannot tell a test's
 * key (age's own tests and docs hold dozens) from someone's real one; where it sits decides.
 */
export function ageSecretKeyShape(key: string): Verdict {
  const m = /^AGE-SECRET-KEY-1([0-9A-Z]+)$/.exec(key);
  if (!m) return "unknown";
  const values = [...m[1]!.toLowerCase()].map((c) => BECH32.indexOf(c));
  if (values.includes(-1)) return "invalid";
  return bech32Polymod([...expandHrp(AGE_HRP), ...values]) === 1 ? "unknown" : "invalid";
}

/** An age identity with a correct checksum after 52 bech32 characters (tests and docs of this module only need it). */
export function ageSecretKey(data52: string): string {
  const data = data52.toLowerCase();
  const values = [...data].map((c) => BECH32.indexOf(c));
  const chk = bech32Polymod([...expandHrp(AGE_HRP), ...values, 0, 0, 0, 0, 0, 0]) ^ 1;
  let sum = "";
  for (let i = 0; i < 6; i++) sum += BECH32[(chk >>> (5 * (5 - i))) & 31];
  return `AGE-SECRET-KEY-1${(data + sum).toUpperCase()}`;
}
