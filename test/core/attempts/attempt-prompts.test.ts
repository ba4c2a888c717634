/** Best of N as a batch: the same prompt N times, and the requests it refuses. */
import { describe, expect, it } from "vitest";
import { attemptPrompts } from "../../../src/core/attempts/attempt-prompts.js";
import { parseRunOptions } from "../../../src/core/workflow/execute-run.js";

describe("attemptPrompts", () => {
  it("repeats the one prompt N times; without --attempts the prompts are as given", () => {
    expect(attemptPrompts(3, ["fix it"])).toEqual(["fix it", "fix it", "fix it"]);
    expect(attemptPrompts(undefined, ["a", "b"])).toEqual(["a", "b"]);
  });

  it("refuses several prompts with --attempts", () => {
    expect(() => attemptPrompts(2, ["a", "b"])).toThrow(
      /runs one prompt several times, and 2 prompts were given/,
    );
  });

  it("leaves an out-of-range count to the options schema, which names the rule", () => {
    expect(attemptPrompts(100, ["a"])).toEqual(["a"]);
    for (const attempts of [1, 9, 2.5])
      expect(() => parseRunOptions({ command: "auto", prompt: "a", attempts })).toThrow(/--attempts must be/);
    expect(() => parseRunOptions({ command: "auto", prompt: "a", check: "  " })).toThrow(
      /--check must not be blank/,
    );
  });
});
