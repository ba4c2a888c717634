/**
 * The front end (dist/server.js) answers exactly what the full server (dist/server-core.js run on
 * its own, the single bundle we used to ship) answers: the same lines sent to both, the same
 * messages back. Well-formed initialize, tools/list and ping are the front end's own answers from
 * its build-time snapshot; everything else (malformed, unknown, not JSON) is the SDK's, after a
 * handover or not. Any drift between the snapshot and the server (a tool changed without a
 * rebuild, a new SDK) fails here.
 */
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanup, tempDir } from "../support/repo.js";
import {
  type Answer,
  CLAUDE_CODE_HELLO,
  CORE,
  FRONT,
  INITIALIZED,
  initialize,
  request,
  StdioSession,
} from "./stdio-session.js";

let state: string;
let project: string;
beforeAll(() => {
  state = tempDir("ar-front-state-");
  project = tempDir("ar-front-project-");
});
afterAll(() => cleanup(state, project));

/**
 * Sends `lines` and then a ping named `<name>-end`; returns every message written before (and
 * including) that ping's answer, in a stable order (the SDK answers async handlers out of order).
 * The environment says where state and the project are, so an answer that depended on them would
 * differ from the snapshot recorded at build time.
 */
async function exchange(file: string, name: string, lines: (object | string)[]): Promise<Answer[]> {
  const session = new StdioSession(file, {
    cwd: project,
    env: {
      ...process.env,
      AMPLIHACK_REMOTE_STATE_DIR: state,
      CLAUDE_PROJECT_DIR: project,
      // The front end alone answers what it can: no load of the full server behind its back.
      AMPLIHACK_REMOTE_MCP_PRELOAD: "0",
    },
  });
  session.send(...lines, request(`${name}-end`, "ping"));
  await session.answer(`${name}-end`);
  // A request answered asynchronously may still be on its way after the ping's answer; a server
  // exits (stdin ended) only once nothing is left to answer.
  expect(await session.end(), session.stderr).toBe(0);
  return [...session.messages].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

async function expectSameAnswers(name: string, lines: (object | string)[]): Promise<Answer[]> {
  const [front, core] = await Promise.all([exchange(FRONT, name, lines), exchange(CORE, name, lines)]);
  expect(front).toEqual(core);
  return front;
}

const CLAUDE_LIKE_CAPABILITIES = {
  roots: { listChanged: true },
  elicitation: { form: { applyDefaults: true }, url: {} },
  sampling: { context: {} },
  experimental: { "x/y": {} },
  tasks: { list: {}, requests: { elicitation: { create: {} } } },
  somethingNew: 42,
};

describe("the front end answers as the full server does", () => {
  it("initialize: the client's protocol version when the SDK supports it, else the SDK's latest", async () => {
    const versions = [...SUPPORTED_PROTOCOL_VERSIONS, "1999-01-01"];
    const answers = await expectSameAnswers(
      "versions",
      versions.map((v, i) => initialize(`v${i}`, v)),
    );
    for (const [i, v] of versions.entries()) {
      const answer = answers.find((a) => a.id === `v${i}`);
      const expected = SUPPORTED_PROTOCOL_VERSIONS.includes(v) ? v : LATEST_PROTOCOL_VERSION;
      expect(answer?.result).toMatchObject({
        protocolVersion: expected,
        serverInfo: { name: "amplihack-remote" },
      });
    }
  });

  it("initialize with a real client's capabilities, notifications/initialized, tools/list (with and without params), ping", async () => {
    const answers = await expectSameAnswers("session", [
      initialize(1, "2025-06-18", {
        capabilities: CLAUDE_LIKE_CAPABILITIES,
        clientInfo: {
          name: "claude-code",
          title: "Claude Code",
          version: "2.1.330",
          websiteUrl: "https://x",
        },
      }),
      INITIALIZED,
      request(2, "tools/list"),
      request(3, "tools/list", {}),
      request(4, "tools/list", { cursor: "next" }),
      request("five", "ping", {}),
    ]);
    const tools = answers.find((a) => a.id === 2)?.result?.tools as { name: string }[];
    expect(tools.map((t) => t.name)).toContain("remote_execute");
  });

  it("Claude Code's opening: a server/discover probe (which nobody serves), initialize, initialized, tools/list", async () => {
    const answers = await expectSameAnswers("claude", CLAUDE_CODE_HELLO);
    expect(answers.find((a) => a.id === "server-discover-probe-1")?.error?.message).toBe("Method not found");
  });

  // The full table of unusual messages is front-end-handover.test.ts, in-process; these go through
  // both built files, handover included.
  const HANDED_OVER: [string, (object | string)[]][] = [
    [
      "lines that are not JSON, and jsonrpc 1.0",
      ["{not json", "", { jsonrpc: "1.0", id: 1, method: "ping" }],
    ],
    [
      "a call of a tool that does not exist",
      [initialize(1), INITIALIZED, request(2, "tools/call", { name: "nope" })],
    ],
    [
      "initialize with a mistyped capability",
      [initialize(1, "2025-06-18", { capabilities: { roots: { listChanged: 1 } } })],
    ],
  ];
  it.each(HANDED_OVER)("%s", async (_, lines) => {
    await expectSameAnswers("case", lines);
  });
});
