/**
 * Which names from the machine come home: plain ones only, so a pasted `git merge <ref>` runs git
 * and nothing else.
 */
import { spawnSync } from "node:child_process";
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
    "a..b",
    "topic.lock",
    "a.lock/b",
    "ends.",
    "a/b.",
  ])("refuses %j", (n) => {
    expect(isPlainRefName(n)).toBe(false);
  });
  it("accepts only names git itself accepts, without asking git for each", () => {
    const names = [
      "main",
      "v1.0.0",
      "a.b/c",
      "x.locked",
      "lock",
      "a..b",
      "topic.lock",
      "a.lock/b",
      "ends.",
      "a/b.",
    ];
    const plain = names.filter(isPlainRefName);
    expect(plain).toEqual(["main", "v1.0.0", "a.b/c", "x.locked", "lock"]);
    for (const n of names) {
      const gitSays = spawnSync("git", ["check-ref-format", `refs/heads/${n}`]).status === 0;
      expect([n, gitSays]).toEqual([n, plain.includes(n)]);
    }
  });
  it("shows a refused name quoted and without control characters", () => {
    expect(showRefName("a\nb\x1b[2J;c")).toBe('"a b;c"');
  });
});
