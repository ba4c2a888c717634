/**
 * The real Claude Code CLI (npm @anthropic-ai/claude-code, a devDependency) against the plugin:
 * it validates the manifest and the command (strict, and with the plugin directory's profile),
 * lists the plugin's components, and starts our MCP server and connects to it. Offline, with a
 * throwaway HOME, from a directory outside this repository (whose own .mcp.json would otherwise
 * be read as a project configuration too).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { clientBinary, ROOT, run, throwawayHome } from "./support.js";

const claude = clientBinary("claude", "the Claude Code CLI checks of the plugin need it");

describe.skipIf(!claude)("Claude Code CLI", () => {
  let env: NodeJS.ProcessEnv;
  let cwd: string;
  const cli = (...args: string[]) => run(claude!, args, { cwd, env });

  beforeAll(async () => {
    env = throwawayHome();
    cwd = mkdtempSync(join(tmpdir(), "ar-claude-cwd-"));
    const version = await cli("--version");
    expect(version.code, version.stderr).toBe(0);
    console.log(`claude ${version.stdout.trim()}`);
  });

  it("validates the plugin folder strictly (its marketplace, and the plugin it lists)", async () => {
    const r = await cli("plugin", "validate", ROOT, "--strict");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("Validation passed");
  });

  it("validates the plugin manifest strictly", async () => {
    const r = await cli("plugin", "validate", join(ROOT, ".claude-plugin/plugin.json"), "--strict");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("Validation passed");
    expect(r.stdout).toContain("commands: amplihack:remote");
    expect(r.stdout).toMatch(/mcpServers: remote stdio node/);
  });

  it("validates the plugin folder (marketplace and plugin) against the plugin directory's profile", async () => {
    const r = await cli("plugin", "validate", ROOT, "--strict", "--profile", "directory");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("Validation passed");
  });

  it("lists the plugin's components", async () => {
    const r = await cli("--plugin-dir", ROOT, "plugin", "details", "amplihack");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^amplihack \d+\.\d+\.\d+/m);
    expect(r.stdout).toMatch(/MCP servers \(1\)\s+remote/);
    expect(r.stdout).toMatch(/\(1\)\s+remote\b/); // the /amplihack:remote command
  });

  it("starts the plugin's MCP server and connects to it", async () => {
    const r = await cli("--plugin-dir", ROOT, "mcp", "list");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^plugin:amplihack:remote: node \S+\/dist\/server\.js - ✔ Connected$/m);
  });
});
