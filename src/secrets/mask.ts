/**
 * The only form in which a secret is ever printed: a public format prefix (ghp_, sk-ant-api03-,
 * AKIA...) or at most a few leading characters, then asterisks. Nothing else of the value leaves
 * the engine, so a finding, a log line or a JSON report can be pasted anywhere.
 */

/** Prefixes that name a token's format; showing them tells a reviewer what leaked, not the secret. */
const FORMAT_PREFIXES = [
  /^sk-ant-[a-z]+\d{2}-/,
  /^sk-(?:proj|svcacct|admin)-/,
  /^sk-/,
  /^github_pat_/,
  /^gh[pousr]_/,
  /^(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)/,
  /^xox[a-z]-/,
  /^(?:sk|rk)_(?:live|test|prod)_/,
  /^AIza/,
  /^npm_/,
  /^glpat-/,
  /^-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/,
];

export const MASK = "****";

export function maskValue(value: string): string {
  for (const prefix of FORMAT_PREFIXES) {
    const m = prefix.exec(value);
    if (m && m[0].length < value.length) return m[0] + MASK;
  }
  // Short values show nothing; longer ones a couple of characters to help find the line.
  const shown = value.length >= 16 ? 3 : value.length >= 10 ? 2 : 0;
  return value.slice(0, shown) + MASK;
}
