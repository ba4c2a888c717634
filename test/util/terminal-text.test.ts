/**
 * The one sanitiser for text from the machine: escape sequences and control characters go, the
 * words stay, newline and tab stay.
 */
import { describe, expect, it } from "vitest";
import { sanitizeLine, sanitizeTerminalText } from "../../src/util/terminal-text.js";

describe("sanitizeTerminalText", () => {
  it.each([
    ["CSI (clear screen, colour)", "a\x1b[2Jb\x1b[31mc\x1b[0m", "abc"],
    ["OSC ended by BEL (window title)", "a\x1b]0;pwned\x07b", "ab"],
    ["OSC ended by ST (hyperlink)", "a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"],
    ["DCS", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"],
    ["8-bit CSI and OSC", "a\x9b2Jb\x9d0;t\x9cc", "abc"],
    ["two-byte escapes", "a\x1bcb\x1b7c", "abc"],
    ["carriage return and backspace (overwrite what is shown)", "safe\rrm -rf\x08", "saferm -rf"],
    ["bidirectional overrides", "a\u202eb\u2066c", "abc"],
    ["a lone ESC at the end", "abc\x1b", "abc"],
  ])("strips %s", (_what, input, output) => {
    expect(sanitizeTerminalText(input)).toBe(output);
  });

  it("keeps newline, tab and ordinary Unicode", () => {
    expect(sanitizeTerminalText("line 1\n\tline 2 · ✔ é")).toBe("line 1\n\tline 2 · ✔ é");
  });

  it("sanitizeLine makes one line of it", () => {
    expect(sanitizeLine("a\nb\tc\x1b[2J")).toBe("a b c");
  });
});
