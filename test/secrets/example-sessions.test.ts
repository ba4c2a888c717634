import { describe, expect, it } from "vitest";
import { inExampleSession } from "../../src/secrets/example-sessions.js";

/** The 1-based numbers of the lines the check places in a session. */
function sessionLines(text: string): number[] {
  const lines = text.split("\n");
  return lines.flatMap((_, i) => (inExampleSession(lines, i + 1) ? [i + 1] : []));
}

describe("example sessions", () => {
  it("takes a prompt, its continuations and its output, up to a blank line", () => {
    const doc = [
      '    """Fetch a token.', //         1
      "", //                               2
      "    >>> session.fetch_token(url,", // 3
      "    ...     verifier=v)", //        4
      "    {", //                          5
      "        'token': 'x',", //          6
      "    }", //                          7
      "", //                               8
      "    The token is kept.", //         9
      '    """', //                        10
    ].join("\n");
    expect(sessionLines(doc)).toEqual([3, 4, 5, 6, 7]);
  });

  it("reads sessions in doc comments behind a comment's leader", () => {
    for (const leader of ["# ", "// ", "/// ", " * "]) {
      const text = [`${leader}>>> client.token`, `${leader}'abc'`, leader.trimEnd(), `${leader}after`].join(
        "\n",
      );
      expect(sessionLines(text), leader).toEqual([1, 2]);
    }
  });

  it("needs the prompt itself: `>>>` inside a line or a bit shift is not one", () => {
    expect(sessionLines("x = y >>> 2\ntoken = 'abc'")).toEqual([]);
    expect(sessionLines(">>>> quoted reply\ntoken = 'abc'")).toEqual([]);
    expect(sessionLines("token = 'abc'\n>>> later")).toEqual([2]);
  });

  it("follows output up to a hundred lines back", () => {
    const output = Array.from({ length: 150 }, (_, i) => `line ${i}`);
    const found = sessionLines([">>> dump()", ...output].join("\n"));
    expect(found[0]).toBe(1);
    expect(found.at(-1)).toBe(101);
  });
});
