/**
 * Which names from the machine come home: plain ones only, so a pasted `git merge <ref>` runs git
 * and nothing else.
 */
import { describe, expect, it } from "vitest";
import { isPlainRefName, showRefName } from "../../src/git/ref-names.js";

describe("isPlainRefName", () => {
  it.each(["main", "feature/x-1.2", "amplihack-remote/20261201-1", "v1.0.0", "a_b/c_d"])(
    "accepts %s",
    (n) => {
      expect(isPlainRefName(n)).toBe(true);
    },
  );
  it.each([
    "$(touch /tmp/pwned)",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell's ${IFS}, literally
    "$(touch${IFS}/tmp/pwned)",
    "a;b",
    "x`id`",
    "-rf",
    "feature/-rf",
    "line\nbreak",
    "quote'd",
    'dq"',
    "sp ace",
    ".hidden",
    "a/.b",
    "a|b",
    "a&b",
    "~user",
    "",
  ])("refuses %j", (n) => {
    expect(isPlainRefName(n)).toBe(false);
  });
  it("shows a refused name quoted and without control characters", () => {
    expect(showRefName("a\nb\x1b[2J;c")).toBe('"a b;c"');
  });
});
