/**
 * Builds a rule from regexes whose capture group is the secret, plus the checks that separate a
 * live credential from text shaped like one: minimum entropy, a placeholder filter, and an
 * optional mix of character classes (a random token almost always has a digit and both cases).
 */
import { shannonEntropy } from "./entropy.js";
import { isPlaceholderValue } from "./placeholders.js";
import type { Verdict } from "./provider-checks.js";
import type { RuleMatch, SecretRule } from "./rule-types.js";

/** Where a value was matched, for checks that read around it (a URL's user and host, a PEM body). */
export interface MatchContext {
  /** The whole match. */
  match: string;
  /** The text matched in, and the offset of the match's end in it. */
  text: string;
  end: number;
}

export interface RegexRuleSpec {
  id: string;
  description: string;
  keywords: readonly string[];
  /** Global regexes; `group` (default 1) captures the secret value. */
  patterns: readonly RegExp[];
  group?: number;
  minEntropy?: number;
  requireDigit?: boolean;
  requireMixedCase?: boolean;
  /** Extra check on the value; return false to drop the match. */
  accept?: (value: string, at: MatchContext) => boolean;
  /** Report at the start of the whole match and show it (masked) instead of the value. */
  reportWholeMatch?: boolean;
  /**
   * The provider's structure: a checker (a checksum), or "fixed" when the regex itself pins the
   * provider's marker, alphabet and length so that a match is structurally one of its tokens.
   * Absent: a heuristic rule, whose matches have no structure to check ("unknown").
   */
  structure?: "fixed" | ((value: string, at: MatchContext) => Verdict);
  /** See SecretRule.reach: bytes past a keyword a match may still run, for multi-line patterns. */
  reach?: number;
}

export function regexRule(spec: RegexRuleSpec): SecretRule {
  const group = spec.group ?? 1;
  // The `d` flag gives the offset of the capture group, so the reported column points at the value.
  const patterns = spec.patterns.map(
    (re) => new RegExp(re.source, re.flags.includes("d") ? re.flags : `${re.flags}d`),
  );
  return {
    id: spec.id,
    description: spec.description,
    keywords: spec.keywords,
    ...(spec.reach !== undefined ? { reach: spec.reach } : {}),
    signature: JSON.stringify([
      spec.id,
      patterns.map((p) => `${p.source}/${p.flags}`),
      group,
      spec.minEntropy ?? 0,
      Boolean(spec.requireDigit),
      Boolean(spec.requireMixedCase),
      spec.accept ? spec.accept.name : "",
      typeof spec.structure === "function" ? spec.structure.name : (spec.structure ?? ""),
      spec.reach ?? "",
    ]),
    *find(text: string): Iterable<RuleMatch> {
      for (const pattern of patterns) {
        pattern.lastIndex = 0;
        for (const m of text.matchAll(pattern)) {
          const value = m[group];
          const span = m.indices?.[group];
          if (!value || !span || m.index === undefined) continue;
          const at: MatchContext = { match: m[0], text, end: m.index + m[0].length };
          if (!valueLooksSecret(value, spec, at)) continue;
          const verdict = verdictOf(value, spec, at);
          yield spec.reportWholeMatch
            ? { index: span[0], value, reportIndex: m.index, shown: m[0], verdict }
            : { index: span[0], value, verdict };
        }
      }
    },
  };
}

function verdictOf(value: string, spec: RegexRuleSpec, at: MatchContext): Verdict {
  if (typeof spec.structure === "function") return spec.structure(value, at);
  return spec.structure === "fixed" ? "valid" : "unknown";
}

function valueLooksSecret(value: string, spec: RegexRuleSpec, at: MatchContext): boolean {
  if (isPlaceholderValue(value)) return false;
  if (spec.minEntropy !== undefined && shannonEntropy(value) < spec.minEntropy) return false;
  if (spec.requireDigit && !/[0-9]/.test(value)) return false;
  if (spec.requireMixedCase && !(/[a-z]/.test(value) && /[A-Z]/.test(value))) return false;
  if (spec.accept && !spec.accept(value, at)) return false;
  return true;
}

/** A keyword branch that matches any letter case without the `i` flag: "key" -> "[Kk][Ee][Yy]". */
export function anyCase(word: string): string {
  return word.replace(/[A-Za-z]/g, (ch) => `[${ch.toUpperCase()}${ch.toLowerCase()}]`);
}
