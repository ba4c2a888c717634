/**
 * Issue 12 item 8: with --json every failure, argument errors included, prints exactly one JSON
 * object on stdout with the fields of every other error, and exits with the usage code. The same
 * bad input through the MCP tools is an isError result with the rule and a remedy.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/util/errors.js";
import { type Connected, connect, errorCodeOf, textOf } from "../mcp/support.js";
import { runCli } from "../support/cli.js";
import { cleanup, makeRepo, tempDir } from "../support/repo.js";

const dirs: string[] = [];
let mcp: Connected | undefined;
afterEach(async () => {
  await mcp?.close();
  mcp = undefined;
  cleanup(...dirs.splice(0));
});

const CASES: Array<[string, string[], RegExp]> = [
  ["unknown option", ["exec", "--json", "--frobnicate", "auto", "x"], /unknown option '--frobnicate'/],
  ["missing argument", ["exec", "--json", "auto"], /missing required argument 'prompt'/],
  ["bad choice", ["exec", "--json", "--target", "mars", "auto", "x"], /Allowed choices are local, azlin/],
  ["non-integer", ["output", "--json", "--lines", "ten", "some-run"], /--lines must be a whole number/],
  [
    "non-integer run option",
    ["exec", "--json", "--max-turns", "ten", "auto", "x"],
    /--max-turns must be a whole number/,
  ],
  [
    "range",
    ["exec", "--json", "--max-turns", "0", "--target", "local", "auto", "x"],
    /--max-turns must be between 1 and 50/,
  ],
  [
    "range of a reaper option",
    ["cleanup", "--json", "--older-than", "-3"],
    /--older-than must be a number of hours/,
  ],
  [
    "negative count",
    ["output", "--json", "--lines", "-3", "some-run"],
    /--lines must be a whole number of at least 1/,
  ],
  [
    "wait beyond the long poll",
    ["status", "--json", "--wait", "600"],
    /--wait must be a whole number from 0 to 110/,
  ],
  ["unknown command", ["frobnicate", "--json"], /unknown command 'frobnicate'/],
];

describe("--json on argument errors (CLI)", () => {
  it("prints one error object with code, message, remedy and exit code, and exits 2", async () => {
    const repo = makeRepo();
    const state = tempDir("ar-state-");
    dirs.push(repo, state);
    // One process per case, all at once: each is a cold start of the CLI.
    const results = await Promise.all(
      CASES.map(([, args]) => runCli(args, { cwd: repo, env: { AMPLIHACK_REMOTE_STATE_DIR: state } })),
    );
    results.forEach((r, i) => {
      const [name, , message] = CASES[i];
      expect(r.code, name).toBe(ExitCode.usage);
      const parsed = JSON.parse(r.stdout); // exactly one JSON document, nothing else on stdout
      expect(Object.keys(parsed), name).toEqual(["error"]);
      expect(parsed.error, name).toMatchObject({ code: "usage", exitCode: ExitCode.usage });
      expect(parsed.error.message, name).toMatch(message);
      expect(parsed.error.message, name).not.toMatch(/^error:/);
      expect(parsed.error.remedy, name).toMatch(/--help|Fix the|For example/);
      expect(r.stderr, name).toMatch(message); // the human still reads it on stderr
    });
  }, 600_000); // eight cold starts of the CLI at once on a shared, loaded machine
});

describe("bad arguments through the MCP tools", () => {
  it.each([
    ["remote_execute", { command: "deploy", prompt: "x" }, /command/],
    ["remote_execute", { command: "auto", prompt: "x", maxTurns: 0 }, /--max-turns must be between 1 and 50/],
    ["remote_output", { runId: "r", lines: "ten" }, /lines/],
    ["cleanup_vms", { olderThanHours: -1 }, /olderThanHours/],
  ])("%s %j is an isError result with the rule and a remedy", async (tool, args, rule) => {
    mcp = await connect();
    const result = await mcp.call(tool, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(rule);
    expect(textOf(result)).toContain("→ Fix the argument and call the tool again; nothing was started.");
    // The same error object as every other failure, for programs that do not parse text.
    expect(errorCodeOf(result)).toBe("usage");
    expect((await mcp.store.read()).runs).toEqual({});
  });
});
