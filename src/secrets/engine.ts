/**
 * Scans one text: prefilter, our rules, then secretlint; overlapping matches on a line are reduced
 * to the most specific one, every value is masked here, and raw values go no further.
 */
import { createHash } from "node:crypto";
import { extname } from "node:path";
import { hasInlineMarker } from "./allowlist.js";
import { MIN_RUN } from "./binary.js";
import { CREDENTIAL_CONTENT_RULES } from "./credential-files.js";
import { shannonEntropy } from "./entropy.js";
import { exampleLines } from "./examples.js";
import { KeywordMemo, type LastScan } from "./keyword-memo.js";
import { maskValue } from "./mask.js";
import { isPlaceholderValue, PLACEHOLDER_SIGNATURE } from "./placeholders.js";
import { buildGates } from "./prefilter.js";
import type { Verdict } from "./provider-checks.js";
import type { MatchContext } from "./regex-rule.js";
import { asBuffer, lineCounter, lineRegions, type Region, type Span, spansAround } from "./regions.js";
import { DEFAULT_REACH } from "./rule-types.js";
import { OWN_RULES, RULES_REVISION } from "./rules.js";
import {
  type Marker,
  runSecretlint,
  SECRETLINT_MARKERS,
  SECRETLINT_SIGNATURE,
  secretlintVerdict,
} from "./secretlint.js";
import { SEVERITY_SIGNATURE, severityOf } from "./severity.js";
import type { SharedRange } from "./shared-ranges.js";
import type { Severity } from "./types.js";
import { isRealUrlPassword } from "./url-password.js";
import { OVERLAP_BYTES, WINDOW_BYTES } from "./windows.js";

export interface RawFinding {
  rule: string;
  line: number;
  column: number;
  masked: string;
  /** The line (or the one before it) carries `pragma: allowlist secret` or `gitleaks:allow`. */
  allowedInline: boolean;
  /** "warn" is reported and does not block (severity.ts), for the path this text was scanned as. */
  severity: Severity;
  /**
   * What the provider's structure says of the value; with the path a blob ships at, it decides
   * the severity. Cached with the finding, so the severity is decided again for each path a
   * cached blob is reported at (the same blob may be a fixture in one place and config in another).
   */
  verdict: Verdict;
  /** In an interactive session shown as an example (example-sessions.ts); cached with the finding. */
  inExample?: true;
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
 * This thread's memory of the last text scanned at each path (keyword-memo.ts): the versions of a
 * file in a history share most of their bytes. 64 MB holds the last version of every file of
 * most repositories; past that the oldest are forgotten and scanned whole next time.
 */
const MEMO_BYTES = 64 * 1024 * 1024;
const keywordMemo = new KeywordMemo<RegionTable>(gates, MEMO_BYTES);

/**
 * What our rules found in one region, with lines counted from the region's first line: a region
 * of the next version of the file with the same bytes and the same rules is the same text to every
 * rule, so its result is taken over instead of decoded and matched again (only its lines move).
 */
type RegionResult = readonly Candidate[];
const NOTHING: RegionResult = [];
/**
 * Drops this thread's memory of scanned texts. Worker threads end with their scan; the calling
 * thread (an MCP server runs for days) would otherwise hold the last scan's files.
 */
export function forgetScannedTexts(): void {
  keywordMemo.clear();
}

/** Bytes of scanned texts this thread holds (see forgetScannedTexts). */
export function scannedTextsHeld(): number {
  return keywordMemo.held;
}

/** Regions this thread matched its rules over, and how many of them it took over instead. */
export const regionCounts = { matched: 0, takenOver: 0 };

/**
 * The regions of one text, in order, and the results of those that found something. Typed arrays
 * and no string keys: a table per remembered text lives until the next version, and a map of
 * strings per region was felt in the garbage collector.
 */
interface RegionTable {
  starts: Float64Array;
  ends: Float64Array;
  /** The region's rules, as a bit set (2^index). */
  rules: Float64Array;
  results: Map<number, RegionResult>;
}

/** Bits of a double's mantissa: rule indexes above this would not fit a region's bit set. */
const MAX_RULES = 52;

/** Where the table of the text being scanned is collected (reused; copied out once it is done). */
class RegionTableBuilder {
  private starts = new Float64Array(256);
  private ends = new Float64Array(256);
  private rules = new Float64Array(256);
  private results = new Map<number, RegionResult>();
  private count = 0;

  reset(): void {
    this.count = 0;
    this.results = new Map();
  }

  add(start: number, end: number, rules: number, result: RegionResult): void {
    if (this.count === this.starts.length) {
      this.starts = doubled(this.starts);
      this.ends = doubled(this.ends);
      this.rules = doubled(this.rules);
    }
    if (result.length > 0) this.results.set(this.count, result);
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.rules[this.count++] = rules;
  }

  table(): RegionTable {
    return {
      starts: this.starts.slice(0, this.count),
      ends: this.ends.slice(0, this.count),
      rules: this.rules.slice(0, this.count),
      results: this.results,
    };
  }
}

function doubled(a: Float64Array): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

const regionTable = new RegionTableBuilder();

/** Line and column packed into one number (see pieceOf): a line is worth this much. */
const LINE_KEY = 2 ** 24;

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
  /** Line and column of the report, and the match's extent as line/column keys (see at()). */
  line: number;
  column: number;
  from: number;
  to: number;
  allowedInline: boolean;
  shown: string;
  verdict: Verdict;
}

/**
 * How far past a secretlint marker its match may run. The preset's rules are one-line provider
 * patterns, except the PEM block, whose header holds the marker and whose body (a 8192-bit key is
 * ~6.5 KB) follows on later lines.
 */
const SECRETLINT_REACH = 1024;
const SECRETLINT_PEM_REACH = 16 * 1024;

export async function scanText(text: string, path: string, mode: ScanMode = "text"): Promise<TextScanResult> {
  return scanContent(gates.prepare(text), path, mode, text);
}

/**
 * Scans UTF-8 content as git stores it. The prefilter reads the bytes and says where each keyword
 * is; each rule runs only over the lines around its own keywords (regions.ts), and only those lines
 * are decoded. A caller holding the decoded text hands it over as `known`.
 */
export async function scanContent(
  content: Uint8Array,
  path: string,
  mode: ScanMode = "text",
  known?: string,
): Promise<TextScanResult> {
  const hits = keywordMemo.locate(content, `${mode}\0${path}`);
  if (!hits) return { findings: [], reachedEngine: false };
  const bytes = asBuffer(content);
  const whole = { text: known };
  const lineAt = lineCounter(bytes);
  const candidates: Candidate[] = [];

  const ruleSpans: Span[] = [];
  for (const [index, ends] of hits.rules) {
    const rule = RULES[index]!;
    if (mode === "binary" && TEXT_ONLY_RULES.has(rule.id)) continue;
    const reach = rule.reach ?? DEFAULT_REACH;
    spansAround(ends, reach, index, ruleSpans);
  }
  const last = RULES.length <= MAX_RULES ? keywordMemo.last : undefined;
  regionTable.reset();
  for (const region of regionsOf(bytes, ruleSpans)) {
    const tags = region.tags.sort((a, b) => a - b);
    const rules = tags.reduce((set, t) => set + 2 ** t, 0);
    // The whole text is decoded differently when the caller knows it (`known`): never taken over.
    const remembered = last && !(region.start === 0 && region.end === bytes.length) ? last : undefined;
    let result = remembered && regionBefore(remembered, region, rules);
    if (result) regionCounts.takenOver++;
    else {
      regionCounts.matched++;
      const found: Candidate[] = [];
      const piece = pieceOf(bytes, region, whole, lineAt);
      for (const priority of tags) {
        const rule = RULES[priority]!;
        for (const m of rule.find(piece.text)) {
          found.push(
            piece.candidate(
              rule.id,
              // After secretlint's (RULES.length): a provider's name wins over a heuristic's.
              rule.heuristic ? RULES.length + 1 + priority : priority,
              m.reportIndex ?? m.index,
              m.index,
              m.value.length,
              m.shown ?? m.value,
              m.verdict,
            ),
          );
        }
      }
      const before = found.length > 0 ? lineAt(region.start) - 1 : 0;
      result = found.length > 0 ? found.map((c) => movedDown(c, -before)) : NOTHING;
    }
    if (remembered) regionTable.add(region.start, region.end, rules, result);
    if (result.length === 0) continue;
    const before = lineAt(region.start) - 1;
    for (const c of result) candidates.push(movedDown(c, before));
  }
  last?.keep(regionTable.table());

  for (const piece of secretlintPieces(bytes, hits.markers, path, whole, lineAt)) {
    for (const hit of await runSecretlint(piece.text, path)) {
      const matched = piece.text.slice(hit.index, hit.end);
      // secretlint's AWS secret range runs from the name for the value's length, so it stops short
      // of the value's end: the stand-in check reads on to the end of the token.
      const at: MatchContext = { match: matched, text: piece.text, end: hit.end };
      if (!secretlintHitStands(hit.ruleId, piece.text.slice(hit.index, tokenEnd(piece.text, hit.end)), at))
        continue;
      candidates.push(
        piece.candidate(
          hit.ruleId,
          RULES.length,
          hit.index,
          hit.index,
          matched.length,
          matched,
          secretlintVerdict(hit.ruleId, matched, hit.messageId, at),
        ),
      );
    }
  }
  if (candidates.length === 0) return { findings: [], reachedEngine: true };

  const kept: Candidate[] = [];
  const byPriority = candidates.sort((a, b) => a.priority - b.priority || a.from - b.from);
  for (const c of byPriority) {
    const clash = kept.some(
      (k) => k.line === c.line && (k.rule === c.rule || (c.from < k.to && k.from < c.to)),
    );
    if (!clash) kept.push(c);
  }
  kept.sort((a, b) => a.line - b.line || a.column - b.column);
  // Only a match without provider structure can be softened by sitting in an example.
  let inExample: ((line: number) => boolean) | undefined;
  const exampleAt = (c: Candidate) => {
    if (c.verdict !== "unknown") return false;
    if (!inExample) {
      whole.text ??= decodeUtf8(bytes);
      inExample = exampleLines(whole.text.split("\n"), path);
    }
    return inExample(c.line);
  };
  return {
    reachedEngine: true,
    findings: kept.map((c) => {
      const example = exampleAt(c);
      return {
        rule: c.rule,
        line: c.line,
        column: c.column,
        masked: maskValue(c.shown),
        allowedInline: c.allowedInline,
        severity: severityOf(c.verdict, path, example),
        verdict: c.verdict,
        ...(example ? { inExample: true as const } : {}),
      };
    }),
  };
}

/** The result of the same region in the version before, when its bytes are shared with it. */
function regionBefore(last: LastScan<RegionTable>, region: Region, rules: number): RegionResult | undefined {
  const table = last.before;
  if (!table) return undefined;
  const range = rangeHolding(last.shared, region.start, region.end);
  if (!range) return undefined;
  const shift = range.oldFrom - range.from;
  const start = region.start + shift;
  let lo = 0;
  let hi = table.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = table.starts[mid]!;
    if (at < start) lo = mid + 1;
    else if (at > start) hi = mid - 1;
    else {
      if (table.ends[mid] !== region.end + shift || table.rules[mid] !== rules) return undefined;
      return table.results.get(mid) ?? NOTHING;
    }
  }
  return undefined;
}

/** The shared range holding [from, to) whole, if any (ranges are in order and disjoint). */
function rangeHolding(ranges: readonly SharedRange[], from: number, to: number): SharedRange | undefined {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (r.to <= from) lo = mid + 1;
    else if (r.from > from) hi = mid - 1;
    else return to <= r.to ? r : undefined;
  }
  return undefined;
}

/** A candidate `lines` lines further down (or up, when negative). */
function movedDown(c: Candidate, lines: number): Candidate {
  return { ...c, line: c.line + lines, from: c.from + lines * LINE_KEY, to: c.to + lines * LINE_KEY };
}

/**
 * The lines around the spans. Even when they cover most of a text, decoding them piece by piece
 * costs about what one decode does, and a line with one emoji makes only its own piece a two-byte
 * string (slow to decode and to match), not the whole file.
 */
function regionsOf(bytes: Buffer, spans: Span[]): Region[] {
  spans.sort((a, b) => a.from - b.from);
  return lineRegions(bytes, spans);
}

interface Piece {
  text: string;
  candidate(
    rule: string,
    priority: number,
    reportAt: number,
    start: number,
    length: number,
    shown: string,
    verdict: Verdict,
  ): Candidate;
}

/** A region decoded, and how its offsets become lines and columns of the whole text. */
function pieceOf(
  bytes: Buffer,
  region: Region,
  whole: { text?: string },
  lineAt: (o: number) => number,
): Piece {
  const isWhole = region.start === 0 && region.end === bytes.length;
  if (isWhole && whole.text === undefined) whole.text = decodeUtf8(bytes);
  const text = isWhole ? whole.text! : decodeUtf8(bytes.subarray(region.start, region.end));
  let lines: ReturnType<typeof lineIndex> | undefined;
  let firstLine = 0;
  // Line and column packed into one number, so extents in different regions compare.
  const at = (offset: number) => {
    lines ??= lineIndex(text);
    firstLine ||= lineAt(region.start);
    const local = lines.lineOf(offset);
    return { line: firstLine + local - 1, column: offset - lines.startOf(local) + 1 };
  };
  const key = (offset: number) => {
    const p = at(offset);
    return p.line * LINE_KEY + p.column;
  };
  return {
    text,
    candidate(rule, priority, reportAt, start, length, shown, verdict) {
      const report = at(reportAt);
      return {
        rule,
        priority,
        ...report,
        from: key(start),
        to: key(start + length),
        allowedInline: hasInlineMarker(text, reportAt),
        shown,
        verdict,
      };
    },
  };
}

/**
 * Where secretlint runs: around the markers whose check holds there. A service-account JSON is
 * recognised by parsing the whole file (the preset's GCP rule), so such a file goes whole.
 */
function* secretlintPieces(
  bytes: Buffer,
  markers: Map<Marker, number[]>,
  path: string,
  whole: { text?: string },
  lineAt: (o: number) => number,
): Generator<Piece> {
  if (markers.size === 0) return;
  const list = [...markers.keys()];
  const spans: Span[] = [];
  list.forEach((marker, tag) => {
    const reach = marker.anchor === "private key" ? SECRETLINT_PEM_REACH : SECRETLINT_REACH;
    spansAround(markers.get(marker)!, reach, tag, spans);
  });
  const jsonKey = extname(path).toLowerCase() === ".json" && list.some((m) => m.anchor === "private_key_id");
  const regions = jsonKey
    ? [{ start: 0, end: bytes.length, tags: [...list.keys()] }]
    : regionsOf(bytes, spans);
  for (const region of regions) {
    const piece = pieceOf(bytes, region, whole, lineAt);
    if (region.tags.some((t) => gates.markerHolds(list[t]!, piece.text))) yield piece;
  }
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
function secretlintHitStands(ruleId: string, matched: string, at: MatchContext): boolean {
  if (isPlaceholderValue(matched)) return false;
  // A hit that takes in its setting's name (`_authToken=npm_XXXX`): the value after it, alone.
  const named = /^[A-Za-z_][\w.-]*[ \t]*[=:][ \t]*(?=[^=\s])/.exec(matched);
  if (named && isPlaceholderValue(matched.slice(named[0].length))) return false;
  const basicAuth = ruleId.endsWith("-basicauth");
  if (basicAuth || ruleId.endsWith("-database-connection-string")) {
    const password = /:\/\/[^:/\s@]*:([^@/\s]*)@/.exec(matched)?.[1];
    if (password !== undefined && !isRealUrlPassword(password, at)) return false;
    if (password !== undefined && basicAuth && shannonEntropy(password) < 3) return false;
  }
  return true;
}

/** Where the token running through `at` ends (token characters of keys and base64). */
function tokenEnd(text: string, at: number): number {
  let end = at;
  while (end < text.length && end - at < 300 && /[A-Za-z0-9+/=_.~-]/.test(text[end]!)) end++;
  return end;
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
const SCAN_METHOD = [
  WINDOW_BYTES,
  OVERLAP_BYTES,
  MIN_RUN,
  [...TEXT_ONLY_RULES],
  ["keyword-regions@2", DEFAULT_REACH, SECRETLINT_REACH, SECRETLINT_PEM_REACH],
];

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
