/**
 * Whether a PEM private key block is whole. The DER formats (PKCS#1 `RSA`, SEC1 `EC`, `DSA`,
 * PKCS#8 and its encrypted form) open with a SEQUENCE that states its own length, so a body cut for
 * a doc (twilio's generated API docs show `-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAuyf… -----END…`,
 * 48 bytes of a 1,193-byte key) is told from a key: what is there cannot be used to sign anything.
 */
import type { Verdict } from "./provider-checks.js";
import type { MatchContext } from "./regex-rule.js";

const DER_TYPES = /-----BEGIN (?:(?:RSA|EC|DSA|ENCRYPTED) )?PRIVATE KEY-----/;
/**
 * Between the base64 runs of a body: line breaks, `\n` escapes, and the quotes, commas and `+`
 * of a body written as string pieces in code. A `+` only as an operator, after a closing quote and
 * before a space or the next quote: a line of base64 may start with one.
 */
const BETWEEN_RUNS = /^(?:\s|\\[nr]|["',\\]|(?<=["']\s*)\+(?=\s|["']))+/;
const RUN = /^[A-Za-z0-9+/=]+/;
/** The most of a body read: an 8192-bit RSA key is ~6.5 KB of PEM. */
const MAX_BODY = 16 * 1024;

/**
 * "invalid" when the block's body is shorter than its DER SEQUENCE says; "unknown" otherwise (a
 * whole key, an encrypted PEM body (Proc-Type: its bytes are ciphertext), or a format without a
 * length to check: OpenSSH, PGP).
 */
export function pemBodyVerdict(firstRun: string, at: MatchContext): Verdict {
  if (!DER_TYPES.test(at.match) || /Proc-Type|DEK-Info/.test(at.match)) return "unknown";
  let body = firstRun;
  let rest = at.text.slice(at.end, at.end + MAX_BODY);
  for (;;) {
    const gap = BETWEEN_RUNS.exec(rest);
    if (gap) rest = rest.slice(gap[0].length);
    const run = RUN.exec(rest);
    if (!run) break;
    body += run[0];
    rest = rest.slice(run[0].length);
  }
  const der = Buffer.from(body.replace(/=+$/, ""), "base64");
  const declared = derLength(der);
  return declared !== undefined && declared > der.length ? "invalid" : "unknown";
}

/** The whole length (tag, length and content) a DER SEQUENCE at the start declares, if it is one. */
function derLength(der: Buffer): number | undefined {
  if (der.length < 2 || der[0] !== 0x30) return undefined;
  const first = der[1]!;
  if (first < 0x80) return 2 + first;
  const octets = first & 0x7f;
  if (octets === 0 || octets > 3 || der.length < 2 + octets) return undefined;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + der[2 + i]!;
  return 2 + octets + length;
}
