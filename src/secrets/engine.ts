/**
 * Scans one text: prefilter, our rules, then secretlint; overlapping matches on a line are reduced
 * to the most specific one, every value is masked here, and raw values go no further.
 */
import { createHash } from "node:crypto";
import { hasInlineMarker } from "./allowlist.js";
import { MIN_RUN } from "./binary.js";
import { CREDENTIAL_CONTENT_RULES } from "./credential-files.js";
import { shannonEntropy } from "./entropy.js";
import { maskValue } from "./mask.js";
import { isPlaceholderValue, isRealPassword, PLACEHOLDER_SIGNATURE } from "./placeholders.js";
import { buildGates } from "./prefilter.js";
import type { Verdict } from "./provider-checks.js";
import { OWN_RULES, RULES_REVISION } from "./rules.js";
import { runSecretlint, SECRETLINT_MARKERS, SECRETLINT_SIGNATURE, secretlintVerdict } from "./secretlint.js";
import { SEVERITY_SIGNATURE, severityOf } from "./severity.js";
import type { Severity } from "./types.js";
import { OVERLAP_BYTES, WINDOW_BYTES } from "./windows.js";

export interface RawFinding {
  rule: string;
  line: number;
  column: number;
  masked: string;
  /** The line (or the one before it) carries `pragma: allowlist secret` or `gitleaks:allow`. */
  allowedInline: boolean;
  /** "warn" is reported and does not block (severity.ts). */
  severity: Severity;
}

export interface TextScanResult {
  findings: RawFinding[];
  /** False when the prefilter cleared the text without running any rule. */
  reachedEngine: boolean;
}

/** Our provider rules, then the credential-file content rules (lower index wins an overlap). */
const RULES = [...OWN_RULES, ...CREDENTIAL_CONTENT_RULES];
const gates = buildGates(RULES, SECRETLINT_MARKERS);

/**
 * In the printable runs of binary content only the provider rules run: the generic assignment
 * rule is written for source code, and in compiled bytes and symbol tables it finds only noise.
 */
const TEXT_ONLY_RULES = new Set(["generic-api-key"]);

/** "text" for text; "binary" for the printable runs of binary content (see binary.ts). */
export type ScanMode = "text" | "binary";

interface Candidate {
  rule: string;
  /** Lower wins when two candidates overlap: our rules in order, then secretlint. */
  priority: number;
  start: number;
  end: number;
  reportAt: number;
  shown: string;
  verdict: Verdict;
}

export async function scanText(text: string, path: string, mode: ScanMode = "text"): Promise<TextScanResult> {
  return scanContent(gates.prepare(text), path, mode, text);
}

/**
 * Scans UTF-8 content as git stores it. The prefilter reads the bytes; only content it lets through
 * is decoded, and a text-decoding caller hands its string over as `known` so it is not done twice.
 */
export async function scanContent(
  content: Uint8Array,
  path: string,
  mode: ScanMode = "text",
  known?: string,
): Promise<TextScanResult> {
  let decoded = known;
  const decode = () => (decoded ??= decodeUtf8(content));
  const open = gates.open(content, decode);
  if (!open) return { findings: [], reachedEngine: false };
  const text = decode();
  const candidates: Candidate[] = [];
  for (const priority of open.rules) {
    const rule = RULES[priority]!;
    if (mode === "binary" && TEXT_ONLY_RULES.has(rule.id)) continue;
    for (const m of rule.find(text)) {
      candidates.push({
        rule: rule.id,
        priority,
        start: m.index,
        end: m.index + m.value.length,
        reportAt: m.reportIndex ?? m.index,
        shown: m.shown ?? m.value,
        verdict: m.verdict,
      });
    }
  }
  if (open.secretlint) {
    for (const hit of await runSecretlint(text, path)) {
      if (!secretlintHitStands(hit.ruleId, text.slice(hit.index, hit.end))) continue;
      candidates.push({
        rule: hit.ruleId,
        priority: RULES.length,
        start: hit.index,
        end: hit.end,
        reportAt: hit.index,
        shown: text.slice(hit.index, hit.end),
        verdict: secretlintVerdict(hit.ruleId, text.slice(hit.index, hit.end)),
      });
    }
  }
  if (candidates.length === 0) return { findings: [], reachedEngine: true };

  const lines = lineIndex(text);
  const kept: (Candidate & { line: number })[] = [];
  const byPriority = candidates
    .map((c) => ({ ...c, line: lines.lineOf(c.reportAt) }))
    .sort((a, b) => a.priority - b.priority || a.start - b.start);
  for (const c of byPriority) {
    const clash = kept.some(
      (k) => k.line === c.line && (k.rule === c.rule || (c.start < k.end && k.start < c.end)),
    );
    if (!clash) kept.push(c);
  }
  kept.sort((a, b) => a.reportAt - b.reportAt);
  return {
    reachedEngine: true,
    findings: kept.map((c) => ({
      rule: c.rule,
      line: c.line,
      column: c.reportAt - lines.startOf(c.line) + 1,
      masked: maskValue(c.shown),
      allowedInline: hasInlineMarker(text, c.reportAt),
      severity: severityOf(c.verdict, path),
    })),
  };
}

/**
 * WHATWG UTF-8 decoding (invalid bytes become U+FFFD, a leading byte order mark is dropped), as
 * TextDecoder does it; Buffer's decoder does the same replacement and is faster, but keeps the BOM.
 */
export function decodeUtf8(content: Uint8Array): string {
  const bytes = Buffer.isBuffer(content)
    ? content
    : Buffer.from(content.buffer, content.byteOffset, content.length);
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.toString("utf8", bom ? 3 : 0);
}

/**
 * secretlint has no placeholder filter and flags `https://user:pass@example.com`; hold its hits to
 * the same standard as ours, so "not a secret" means the same whichever engine matched.
 */
function secretlintHitStands(ruleId: string, matched: string): boolean {
  if (isPlaceholderValue(matched)) return false;
  const basicAuth = ruleId.endsWith("-basicauth");
  if (basicAuth || ruleId.endsWith("-database-connection-string")) {
    const password = /:\/\/[^:/\s@]*:([^@/\s]*)@/.exec(matched)?.[1];
    if (password !== undefined && !isRealPassword(password)) return false;
    if (password !== undefined && basicAuth && shannonEntropy(password) < 3) return false;
  }
  return true;
}

/** 1-based line numbers by binary search over line starts, built only when something matched. */
function lineIndex(text: string) {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return {
    lineOf(offset: number): number {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lo + 1;
    },
    startOf(line: number): number {
      return starts[line - 1]!;
    },
  };
}

/**
 * How content reaches the rules (windows over large text, printable runs of binary content); part
 * of the rule-set version, because a verdict reached another way may have missed something.
 */
const SCAN_METHOD = [WINDOW_BYTES, OVERLAP_BYTES, MIN_RUN, [...TEXT_ONLY_RULES]];

/**
 * Identifies everything that decides a verdict; the scan cache keys verdicts by blob id and this
 * string, so changing any rule rescans everything once.
 */
export const RULESET_VERSION = createHash("sha256")
  .update(
    JSON.stringify([
      RULES_REVISION,
      SCAN_METHOD,
      SEVERITY_SIGNATURE,
      RULES.map((r) => r.signature),
      PLACEHOLDER_SIGNATURE,
      SECRETLINT_SIGNATURE,
    ]),
  )
  .digest("hex")
  .slice(0, 16);
