/**
 * The MCP Inspector CLI (npm @modelcontextprotocol/inspector, a devDependency) as an independent
 * client of `node dist/server.js` over stdio: it lists the tools and calls them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanup, makeRepo, tempDir } from "../support/repo.js";
import { clientBinary, ROOT, run, throwawayHome } from "./support.js";

const inspector = clientBinary("mcp-inspector", "the MCP Inspector checks of the server need it");

describe.skipIf(!inspector)("MCP Inspector CLI against dist/server.js", () => {
  let repo: string;
  let state: string;
  beforeAll(() => {
    repo = makeRepo();
    state = tempDir("ar-inspector-state-");
  });
  afterAll(() => cleanup(repo, state));

  // The Inspector hands the server only the variables it is given with -e.
  const call = (...args: string[]) =>
    run(
      inspector!,
      [
        "--cli",
        "-e",
        `AMPLIHACK_REMOTE_STATE_DIR=${state}`,
        "--cwd",
        repo,
        "node",
        `${ROOT}/dist/server.js`,
        ...args,
      ],
      {
        cwd: ROOT,
        env: throwawayHome(),
      },
    );

  it("lists the tools", async () => {
    const r = await call("--method", "tools/list");
    expect(r.code, r.stderr).toBe(0);
    const { tools } = JSON.parse(r.stdout) as {
      tools: { name: string; annotations?: object; outputSchema?: object }[];
    };
    expect(tools.map((t) => t.name)).toContain("remote_execute");
    expect(tools).toHaveLength(8);
    for (const t of tools) expect(t.outputSchema, t.name).toBeDefined();
  });

  it("calls a tool and gets structured content back", async () => {
    const r = await call(
      "--method",
      "tools/call",
      "--tool-name",
      "scan_secrets",
      "--tool-arg",
      `repoPath=${repo}`,
    );
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { isError?: boolean; structuredContent: { blocked: boolean } };
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent.blocked).toBe(false);
  });

  it("gets an error result, with its remedy, for a run that does not exist", async () => {
    const r = await call(
      "--method",
      "tools/call",
      "--tool-name",
      "remote_status",
      "--tool-arg",
      "runId=20990101-000000-beef",
    );
    const result = JSON.parse(r.stdout) as { isError?: boolean; content: { text: string }[] };
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toContain("→ List runs with `amplihack-remote status`.");
  });
});
