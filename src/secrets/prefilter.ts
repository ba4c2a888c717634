/**
 * The keyword prefilter. Every rule names lower-case literals (gitleaks' `keywords`), and each of
 * secretlint's rules has a marker. All of them are folded into one regex, written as a trie
 * (`s(?:k-|ecret_access|...)`), which a backtracking engine walks far faster than a flat list of
 * alternatives; it runs once over the lower-cased text. Text with no keyword never reaches a rule
 * or secretlint; for text with some, only the rules (and secretlint) whose keywords occur are run.
 *
 * The generic rule's keywords (key, token, auth...) are on most lines of code, so they are not in
 * the walk: one plain test each decides that rule.
 */
import type { SecretRule } from "./rule-types.js";
import type { Marker } from "./secretlint.js";

export interface GateResult {
  /** Indexes into the rule list of the rules worth running, in rule order. */
  rules: number[];
  secretlint: boolean;
}

export interface Gates {
  /** The text every gate looks at; compute once per text. */
  prepare(text: string): string;
  /** Which rules (and whether secretlint) could match; undefined when nothing could. */
  open(lowered: string): GateResult | undefined;
}

/** Rules whose keywords are too common for the shared walk. */
const COMMON_KEYWORD_RULES = new Set(["generic-api-key"]);

export function buildGates(rules: readonly SecretRule[], secretlintMarkers: readonly Marker[]): Gates {
  const rulesFor = new Map<string, number[]>();
  const common: { test: RegExp; rule: number }[] = [];
  rules.forEach((r, i) => {
    if (COMMON_KEYWORD_RULES.has(r.id)) {
      common.push({ test: new RegExp(r.keywords.map(escapeRegex).join("|")), rule: i });
      return;
    }
    for (const k of r.keywords) rulesFor.set(k, [...(rulesFor.get(k) ?? []), i]);
  });
  const markersFor = new Map<string, Marker[]>();
  for (const m of secretlintMarkers) markersFor.set(m.anchor, [...(markersFor.get(m.anchor) ?? []), m]);
  const literals = [...new Set([...rulesFor.keys(), ...markersFor.keys()])];
  const walk = new RegExp(trieRegex(literals), "g");

  return {
    prepare: (text) => text.toLowerCase(),
    open(lowered) {
      const hit = new Set<string>();
      walk.lastIndex = 0;
      for (let m = walk.exec(lowered); m; m = walk.exec(lowered)) {
        // The walk reports one literal per position; others may start here too ("sk-" and "sk-ant-").
        for (const literal of literals) if (lowered.startsWith(literal, m.index)) hit.add(literal);
        walk.lastIndex = m.index + 1;
      }
      const open = new Set<number>();
      let secretlint = false;
      for (const literal of hit) {
        for (const r of rulesFor.get(literal) ?? []) open.add(r);
        if (!secretlint)
          secretlint = (markersFor.get(literal) ?? []).some((mk) => !mk.verify || mk.verify.test(lowered));
      }
      for (const c of common) if (c.test.test(lowered)) open.add(c.rule);
      if (open.size === 0 && !secretlint) return undefined;
      return { rules: [...open].sort((a, b) => a - b), secretlint };
    },
  };
}

/** A regex matching any of `words`, factored by common prefixes. */
export function trieRegex(words: readonly string[]): string {
  interface Node {
    end: boolean;
    next: Map<string, Node>;
  }
  const root: Node = { end: false, next: new Map() };
  for (const w of words) {
    let node = root;
    for (const ch of w) {
      let child = node.next.get(ch);
      if (!child) {
        child = { end: false, next: new Map() };
        node.next.set(ch, child);
      }
      node = child;
    }
    node.end = true;
  }
  const render = (node: Node): string => {
    const branches = [...node.next].map(([ch, child]) => escapeRegex(ch) + render(child));
    if (branches.length === 0) return "";
    const body = branches.length === 1 ? branches[0]! : `(?:${branches.join("|")})`;
    // A word that ends here is a match already; what follows is optional.
    return node.end ? `(?:${body})?` : body;
  };
  return render(root);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
