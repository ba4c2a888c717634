import { describe, expect, it } from "vitest";
import { describedExampleLines, inExampleSession } from "../../src/secrets/examples.js";

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

describe("examples in API descriptions", () => {
  const spec = [
    "components:", //                       1
    "  examples:", //                        2
    "    ClientResponse:", //                3
    "      summary: a client", //            4
    "      value:", //                       5
    "        client_id: abc", //             6
    "", //                                   7
    "        # the secret", //               8
    "        client_secret: xyz", //         9
    "  schemas:", //                         10
    "    Client:", //                        11
    "      properties:", //                  12
    "        client_secret:", //             13
    "          type: string", //             14
    "          example: s3cr3t", //          15
    "          default: none", //            16
  ];
  const marked = (lines: string[], path: string) => {
    const marks = describedExampleLines(lines, path);
    return lines.flatMap((_, i) => (marks[i + 1] ? [i + 1] : []));
  };
  const under = (path: string) => marked(spec, path);

  it("takes what sits under an example or examples key, by indentation, past blank lines and comments", () => {
    // The key's own line is in: its value is the example (line 15).
    expect(under("oas-spec/management.yaml")).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 15]);
  });

  it("takes a description's prose too", () => {
    const doc = [
      "paths:",
      "  /token:",
      "    post:",
      "      description: |-",
      "        ```",
      '        "client_secret" : "x"',
      "        ```",
      "      operationId: token",
    ];
    expect(marked(doc, "oauth.yaml")).toEqual([4, 5, 6, 7]);
  });

  it("reads only YAML and JSON", () => {
    expect(under("notes/management.txt")).toEqual([]);
  });

  it("reads pretty-printed JSON the same way", () => {
    const json = [
      "{",
      '  "examples": {',
      '    "A": {',
      '      "value": { "token": "x" }',
      "    }",
      "  },",
      '  "token": "y"',
      "}",
    ];
    expect(marked(json, "api.json")).toEqual([2, 3, 4, 5]);
  });
});

describe("examples far below their key", () => {
  it("finds a line 24,000 lines under its examples key", () => {
    const filler = Array.from({ length: 24_000 }, (_, i) => `      field${i}: value`);
    const lines = [
      "components:",
      "  examples:",
      "    Big:",
      "      value:",
      ...filler,
      "        clientSecret: x",
      "  schemas:",
      "    A: {}",
    ];
    const marks = describedExampleLines(lines, "spec.yaml");
    expect(marks[lines.length - 2]).toBe(1);
    expect(marks[lines.length - 1]).toBe(0);
  });
});
