import type { Verdict } from "./provider-checks.js";

/**
 * The shape of one of our own detection rules. A rule is a function from text to matches so that
 * the generic assignment rule (which inspects the key name) and the plain regex rules share one
 * engine; `keywords` gate each rule the way gitleaks does, so a rule only runs on text that
 * contains one of them.
 */
export interface RuleMatch {
  /** Offset of the secret value (not the key name) in the text. */
  index: number;
  /** The secret value itself; masked before it leaves the engine, never stored or printed. */
  value: string;
  /** Where to report the finding when not at the value (a PEM block is reported at its BEGIN line). */
  reportIndex?: number;
  /** What to mask for display when not the value (the PEM header shows which kind of key). */
  shown?: string;
  /**
   * What the provider's own structure says of the value: "valid" (a token only the provider could
   * have issued), "invalid" (shaped like one but failing its checksum or cut short, or usable only
   * on the machine itself: a URL password for `localhost`), "unknown" (no structure to check:
   * generic assignments, headers, URL passwords, private keys). Decides the severity (severity.ts).
   */
  verdict: Verdict;
}

export interface SecretRule {
  id: string;
  description: string;
  /**
   * Lower-case literals (gitleaks' `keywords`): the rule runs only on text whose lower-cased form
   * contains one of them.
   */
  keywords: readonly string[];
  find(text: string): Iterable<RuleMatch>;
  /**
   * How far past the end of one of its keywords a match may run onto later lines, in bytes. Every
   * match of a rule holds one of its keywords, so the engine runs a rule only over the lines around
   * its keywords: from the line before a keyword to the end of the line this many bytes after it.
   * Default DEFAULT_REACH: room for the few whitespace characters (a newline among them) that
   * patterns allow between a name and its value; multi-line rules (a PEM block) say more.
   */
  reach?: number;
  /** What defines the rule's verdicts, hashed into the rule-set version for the scan cache. */
  signature: string;
  /**
   * A heuristic rule (a secret-sounding name and a random-looking value): where a provider's rule,
   * ours or secretlint's, matches the same text, the provider's finding is the one reported, so a
   * SendGrid key under `SENDGRID_API_KEY=` is named a SendGrid key.
   */
  heuristic?: boolean;
}

/** Enough for `\s{0,4}` between a name and a value to cross lines (see SecretRule.reach). */
export const DEFAULT_REACH = 64;
