/**
 * The harness itself: the real Claude Code CLI, offline against the scripted model, runs a
 * conversation of two tool calls (Write, then Bash) and ends with the scripted text. Proves the
 * mock speaks the streaming protocol well enough for Claude Code to act on a tool_use.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientBinary } from "../plugin/support.js";
import { runClaude } from "../support/claude-session.js";
import {
  isMainTurn,
  lastMessageText,
  lastToolResults,
  type MockAnthropic,
  startMockAnthropic,
} from "../support/mock-anthropic.js";

const claude = clientBinary("claude", "the real-client scenarios need it");

describe.skipIf(!claude)("the scripted model", () => {
  let mock: MockAnthropic;
  const work = mkdtempSync(join(tmpdir(), "ar-mock-"));
  const file = join(work, "hello.txt");

  beforeAll(async () => {
    mock = await startMockAnthropic([
      {
        name: "write the file",
        when: (r) => isMainTurn(r) && lastMessageText(r).includes("write hello.txt"),
        reply: [
          { type: "text", text: "Writing it." },
          { type: "tool_use", name: "Write", input: { file_path: file, content: "hello from the mock\n" } },
        ],
      },
      {
        name: "count its lines",
        when: (r) => lastToolResults(r).some((t) => t.name === "Write" && !t.isError),
        reply: [
          {
            type: "tool_use",
            name: "Bash",
            input: { command: `wc -l < ${file}`, description: "count lines" },
          },
        ],
      },
      {
        name: "finish",
        when: (r) => lastToolResults(r).some((t) => t.name === "Bash"),
        reply: (r) => [{ type: "text", text: `Lines: ${lastToolResults(r)[0].text.trim()}` }],
      },
    ]);
  });
  afterAll(() => mock.close());

  it("drives a whole session of Claude Code: a Write, a Bash call and the final text", async () => {
    const s = await runClaude({
      mock,
      home: join(work, "home"),
      cwd: work,
      prompt: "write hello.txt",
      args: ["--allowedTools", "Write", "Bash(wc:*)"],
    });
    expect(s.code, s.stderr).toBe(0);
    expect(s.toolCalls.map((c) => c.name)).toEqual(["Write", "Bash"]);
    expect(readFileSync(file, "utf8")).toBe("hello from the mock\n");
    expect(s.result?.result).toBe("Lines: 1");
    expect(mock.unusedSteps()).toEqual([]);
    // Every request reached the mock's endpoints; the main turns were streamed.
    const main = mock.requests.filter((r) => r.step !== null);
    expect(main.map((r) => r.body?.stream)).toEqual([true, true, true]);
    expect(mock.requests.every((r) => r.path.startsWith("/v1/messages"))).toBe(true);
    expect(existsSync(join(work, "home", ".claude"))).toBe(true);
  });
});
