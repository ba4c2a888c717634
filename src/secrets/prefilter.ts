/**
 * The keyword prefilter. Every rule names lower-case literals (gitleaks' `keywords`), and each of
 * secretlint's rules has a marker. All of them are compiled into one Aho-Corasick automaton over
 * bytes with ASCII case folded into its transitions, so the UTF-8 content is searched as it came
 * from git: no decoding, no lower-cased copy, one table lookup per byte. Content with no literal
 * is never decoded and never reaches a rule or secretlint; for content with some, only the rules
 * (and secretlint) whose literals occur are run.
 *
 * Folding is ASCII-only, as the literals are ASCII; `toLowerCase` would also turn a few non-ASCII
 * letters (the Kelvin sign) into ASCII ones, which no rule's own pattern matches anyway.
 */
import type { SecretRule } from "./rule-types.js";
import type { Marker } from "./secretlint.js";

export interface GateResult {
  /** Indexes into the rule list of the rules worth running, in rule order. */
  rules: number[];
  secretlint: boolean;
}

/** Where the literals of each open rule (and each secretlint marker) occur: byte offsets of their ends. */
export interface GateHits {
  /** Rule index -> end offsets of its keywords, ascending. */
  rules: Map<number, number[]>;
  /** Secretlint markers present, with the end offsets of their anchors, ascending. */
  markers: Map<Marker, number[]>;
}

export interface Gates {
  /** The bytes the gates look at, for callers holding a string (UTF-8, as git stores text). */
  prepare(text: string): Uint8Array;
  /**
   * Which rules (and whether secretlint) could match; undefined when nothing could. `text` is
   * the decoded content, asked for only when a marker must be verified by its regex.
   */
  open(content: Uint8Array, text?: () => string): GateResult | undefined;
  /**
   * Every occurrence of every literal, by rule and marker; undefined when there is none. Markers
   * are not verified here: the caller checks them on the text around them (engine.ts).
   */
  locate(content: Uint8Array): GateHits | undefined;
  /** Whether a marker found by locate() holds in `text` (its check, when it has one, matches). */
  markerHolds(marker: Marker, text: string): boolean;
  /**
   * The occurrences lying wholly in content[from, to), in the order locate() meets them, each as
   * one number (see OccurrenceKeys): sorting keys numerically puts them in that order again.
   */
  occurrences(content: Uint8Array, from: number, to: number, onKey: (key: number) => void): void;
  readonly keys: OccurrenceKeys;
  /** What locate() returns for content whose occurrences are `keys`, in order. */
  hitsOf(keys: ArrayLike<number>): GateHits | undefined;
}

/**
 * An occurrence as one number: its end, then its length longest first, then the literal. The
 * automaton reports occurrences by end, and at one end the longest first (a state's own literal,
 * then those of its failure chain), so numeric order is the automaton's order.
 */
export interface OccurrenceKeys {
  /** Every literal's length is below this; the reuse of occurrences counts on it (keyword-memo.ts). */
  readonly longest: number;
  of(literal: number, end: number): number;
  end(key: number): number;
  start(key: number): number;
  /** The key of an occurrence moved by `delta` bytes. */
  moved(key: number, delta: number): number;
}

const utf8 = new TextDecoder("utf-8");

export function buildGates(rules: readonly SecretRule[], secretlintMarkers: readonly Marker[]): Gates {
  const rulesFor = new Map<string, number[]>();
  rules.forEach((r, i) => {
    for (const k of r.keywords) rulesFor.set(k, [...(rulesFor.get(k) ?? []), i]);
  });
  const markersFor = new Map<string, Marker[]>();
  for (const m of secretlintMarkers) markersFor.set(m.anchor, [...(markersFor.get(m.anchor) ?? []), m]);
  const literals = [...new Set([...rulesFor.keys(), ...markersFor.keys()])];
  const automaton = compileAutomaton(literals);
  // By literal index, for the per-occurrence path (no string lookups there).
  const rulesOf = literals.map((w) => rulesFor.get(w) ?? []);
  const markersOf = literals.map((w) => markersFor.get(w) ?? []);
  const count = literals.length;
  const keys = occurrenceKeys(literals.map((w) => Buffer.byteLength(w, "utf8")));
  // A marker's regex is written for lower-cased text; with `i` it says the same of the original.
  const verifyOf = new Map<Marker, RegExp>();
  for (const m of secretlintMarkers)
    if (m.verify) verifyOf.set(m, new RegExp(m.verify.source, `${m.verify.flags.replace(/[gyi]/g, "")}i`));

  return {
    prepare: (text) => Buffer.from(text, "utf8"),
    // Callers pass a text() that decodes once (engine.ts); the default is for the odd verify.
    open(content, text = () => utf8.decode(content)) {
      const open = new Set<number>();
      const pendingMarkers: Marker[] = [];
      for (const literal of automaton.find(content)) {
        const word = literals[literal]!;
        for (const r of rulesFor.get(word) ?? []) open.add(r);
        for (const mk of markersFor.get(word) ?? []) pendingMarkers.push(mk);
      }
      let secretlint = false;
      for (const mk of pendingMarkers) {
        const verify = verifyOf.get(mk);
        if (!verify || verify.test(text())) {
          secretlint = true;
          break;
        }
      }
      if (open.size === 0 && !secretlint) return undefined;
      return { rules: [...open].sort((a, b) => a - b), secretlint };
    },
    locate(content) {
      let hits: GateHits | undefined;
      automaton.eachOccurrence(content, (literal, end) => {
        hits ??= { rules: new Map(), markers: new Map() };
        for (const r of rulesOf[literal]!) push(hits.rules, r, end);
        for (const mk of markersOf[literal]!) push(hits.markers, mk, end);
      });
      return hits;
    },
    markerHolds(marker, text) {
      const verify = verifyOf.get(marker);
      return !verify || verify.test(text);
    },
    occurrences(content, from, to, onKey) {
      automaton.eachOccurrence(content, (literal, end) => onKey(keys.of(literal, end)), from, to);
    },
    keys,
    hitsOf(list) {
      let hits: GateHits | undefined;
      for (let i = 0; i < list.length; i++) {
        const key = list[i]!;
        const literal = key % count;
        const end = keys.end(key);
        hits ??= { rules: new Map(), markers: new Map() };
        for (const r of rulesOf[literal]!) push(hits.rules, r, end);
        for (const mk of markersOf[literal]!) push(hits.markers, mk, end);
      }
      return hits;
    },
  };
}

function occurrenceKeys(lengths: readonly number[]): OccurrenceKeys {
  const count = lengths.length;
  const longest = Math.max(1, ...lengths) + 1;
  // Exact in a double for ends up to 2^53 / stride: terabytes.
  const stride = longest * count;
  return {
    longest,
    of: (literal, end) => end * stride + (longest - lengths[literal]!) * count + literal,
    end: (key) => Math.floor(key / stride),
    start: (key) => Math.floor(key / stride) - lengths[key % count]!,
    moved: (key, delta) => key + delta * stride,
  };
}

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export interface Automaton {
  /** Indexes of the literals occurring anywhere in `content` (ASCII case ignored), each once. */
  find(content: Uint8Array): number[];
  /**
   * Every occurrence, in text order: the literal's index and the offset just past its last byte.
   * With `from` and `to`, the automaton starts afresh at `from` and stops at `to`: the occurrences
   * lying wholly in content[from, to).
   */
  eachOccurrence(
    content: Uint8Array,
    onHit: (literal: number, end: number) => void,
    from?: number,
    to?: number,
  ): void;
}

/**
 * Aho-Corasick with the failure links resolved into a full transition table (a DFA): states x 256
 * entries, a few hundred KB for the few hundred bytes of literals we have.
 */
export function compileAutomaton(words: readonly string[]): Automaton {
  const encoded = words.map((w) => Buffer.from(w.toLowerCase(), "utf8"));
  // The trie: goto[state * 256 + byte], -1 where there is no edge yet.
  const capacity = 1 + encoded.reduce((n, w) => n + w.length, 0);
  const next = new Int32Array(capacity * 256).fill(-1);
  const outputs: number[][] = [[]];
  let states = 1;
  encoded.forEach((bytes, index) => {
    let s = 0;
    for (const b of bytes) {
      const slot = s * 256 + b;
      if (next[slot] === -1) {
        next[slot] = states++;
        outputs.push([]);
      }
      s = next[slot]!;
    }
    outputs[s]!.push(index);
  });
  // Breadth-first: each state's failure target is shallower, so its table row is already final.
  const fail = new Int32Array(states);
  const queue: number[] = [];
  for (let b = 0; b < 256; b++) {
    const t = next[b]!;
    if (t === -1) next[b] = 0;
    else queue.push(t);
  }
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head]!;
    outputs[s]!.push(...outputs[fail[s]!]!);
    for (let b = 0; b < 256; b++) {
      const t = next[s * 256 + b]!;
      const viaFail = next[fail[s]! * 256 + b]!;
      if (t === -1) next[s * 256 + b] = viaFail;
      else {
        fail[t] = viaFail;
        queue.push(t);
      }
    }
  }
  // Upper-case ASCII letters take the lower-case edges.
  for (let s = 0; s < states; s++)
    for (let b = 0x41; b <= 0x5a; b++) next[s * 256 + b] = next[s * 256 + b + 0x20]!;
  const table = next.slice(0, states * 256);
  const emits = new Uint8Array(states);
  for (let s = 0; s < states; s++) if (outputs[s]!.length > 0) emits[s] = 1;
  // The same table for the hot loop: each entry is the next state's row offset (state * 256), and
  // negative (bitwise not) when that state emits, so a byte costs one load and one sign test.
  const rows = new Int32Array(table.length);
  for (let i = 0; i < table.length; i++) {
    const t = table[i]!;
    rows[i] = emits[t] === 1 ? ~(t << 8) : t << 8;
  }

  return {
    find(content) {
      const seen = new Uint8Array(states);
      const hitStates: number[] = [];
      let s = 0;
      for (let i = 0; i < content.length; i++) {
        s = table[(s << 8) | content[i]!]!;
        if (emits[s] === 1 && seen[s] === 0) {
          seen[s] = 1;
          hitStates.push(s);
        }
      }
      const found = new Set<number>();
      for (const h of hitStates) for (const index of outputs[h]!) found.add(index);
      return [...found];
    },
    eachOccurrence(content, onHit, from = 0, to = content.length) {
      const length = Math.min(to, content.length);
      let row = 0;
      for (let i = from; i < length; i++) {
        const v = rows[row | content[i]!]!;
        if (v >= 0) {
          row = v;
          continue;
        }
        row = ~v;
        for (const index of outputs[row >> 8]!) onHit(index, i + 1);
      }
    },
  };
}
