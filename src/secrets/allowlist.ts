/**
 * What a reviewer can audit: an inline marker on the line itself, or a fingerprint in the committed
 * `.amplihack-remote-allow` at the repository root. There is deliberately no switch that turns the
 * gate off: every suppression names one finding and is counted in the report.
 */

export const ALLOWLIST_FILE = ".amplihack-remote-allow";

/** detect-secrets' and gitleaks' markers, so existing annotations keep working. */
const SAME_LINE_MARKER = /pragma:\s*allowlist[ -]secret|gitleaks:allow/i;
const NEXT_LINE_MARKER = /pragma:\s*allowlist[ -]nextline[ -]secret/i;

/** True when the line holding `index`, or the line before it (nextline form), carries a marker. */
export function hasInlineMarker(text: string, index: number): boolean {
  const lineStart = text.lastIndexOf("\n", index - 1) + 1;
  let lineEnd = text.indexOf("\n", index);
  if (lineEnd === -1) lineEnd = text.length;
  if (SAME_LINE_MARKER.test(text.slice(lineStart, lineEnd))) return true;
  if (lineStart === 0) return false;
  const prevStart = text.lastIndexOf("\n", lineStart - 2) + 1;
  return NEXT_LINE_MARKER.test(text.slice(prevStart, lineStart - 1));
}

/** One fingerprint per line; `#` starts a comment, also after a fingerprint. */
export function parseAllowlist(content: string): Set<string> {
  const entries = new Set<string>();
  for (const raw of content.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line) entries.add(line);
  }
  return entries;
}
