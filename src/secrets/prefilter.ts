/**
 * The keyword prefilter. One combined regex answers "could anything here be a secret?"; text that
 * contains no keyword of any rule and no secretlint marker never reaches the rules or secretlint.
 * For text that passes, each rule's own gate says whether that rule is worth running.
 */
import type { SecretRule } from "./rule-types.js";

export interface Gates {
  /** True when some rule or secretlint could match. */
  any(text: string): boolean;
  /** True when this rule's keywords occur. */
  rule(index: number, text: string): boolean;
  secretlint(text: string): boolean;
}

export function buildGates(rules: readonly SecretRule[], secretlintMarkers: readonly string[]): Gates {
  const ruleGates = rules.map((r) => new RegExp(r.keywords.join("|")));
  const secretlintGate = new RegExp(secretlintMarkers.join("|"));
  const all = new RegExp([...rules.flatMap((r) => r.keywords), ...secretlintMarkers].join("|"));
  return {
    any: (text) => all.test(text),
    rule: (index, text) => ruleGates[index]!.test(text),
    secretlint: (text) => secretlintGate.test(text),
  };
}
