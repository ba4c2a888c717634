/**
 * What a reviewer can audit: an inline marker on the line itself, or a fingerprint in the committed
 * `.amplihack-remote-allow` at the repository root. There is deliberately no switch that turns the
 * gate off: every suppression names one finding and is counted in the report.
 */

import type { Finding } from "./types.js";

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

/**
 * The allow file with today's findings added, one line each: the fingerprint, then as a comment
 * where it was and which rule (never the value, not even masked). Existing lines, comments
 * included, stay as they are; a fingerprint already there is not added twice.
 */
export function withAccepted(
  content: string,
  findings: readonly Finding[],
  date: Date,
): { content: string; added: number } {
  const known = parseAllowlist(content);
  const day = date.toISOString().slice(0, 10);
  const added: string[] = [];
  for (const f of findings) {
    if (known.has(f.fingerprint)) continue;
    known.add(f.fingerprint);
    added.push(`${f.fingerprint}  # ${oneLine(f.path)}:${f.line} ${f.rule}`);
  }
  if (added.length === 0) return { content, added: 0 };
  const head = content.length === 0 || content.endsWith("\n") ? content : `${content}\n`;
  return {
    content: `${head}# accepted with \`amplihack-remote scan --accept\` on ${day}\n${added.join("\n")}\n`,
    added: added.length,
  };
}

/** A path is the only text of the repository's that goes into the file: keep it on its line. */
function oneLine(path: string): string {
  return path.replace(/[\r\n]/g, "?");
}

/** Entries that suppressed nothing in this scan: their finding is gone (fixed, rewritten, moved). */
export function staleEntries(allowlist: ReadonlySet<string>, used: ReadonlySet<string>): string[] {
  return [...allowlist].filter((fp) => !used.has(fp)).sort();
}
