/**
 * The plugin's files, read the way Claude Code reads them: the manifest, the MCP declaration, the
 * single-repo marketplace, the slash command's frontmatter and body, the icon and the license.
 * Runs everywhere (the real validator runs in claude-cli.test.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TOOLS } from "../../src/mcp/server.js";
import { VERSION } from "../../src/version.js";
import { ROOT } from "./support.js";

const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const json = (path: string) => JSON.parse(read(path));

/** The YAML subset our frontmatter uses: `key: value`, quoted strings, and `- item` lists. */
function frontmatter(markdown: string): { data: Record<string, string | string[]>; body: string } {
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(markdown);
  if (!m) throw new Error("no frontmatter");
  const data: Record<string, string | string[]> = {};
  let listKey: string | null = null;
  for (const line of m[1].split("\n")) {
    const item = /^\s+-\s+(.*)$/.exec(line);
    if (item && listKey) {
      (data[listKey] as string[]).push(item[1].trim());
      continue;
    }
    const kv = /^([a-z-]+):\s*(.*)$/.exec(line);
    if (!kv) throw new Error(`unexpected frontmatter line: ${line}`);
    const value = kv[2].trim();
    if (value === "") {
      listKey = kv[1];
      data[listKey] = [];
    } else {
      listKey = null;
      data[kv[1]] = value.startsWith('"') ? JSON.parse(value) : value;
    }
  }
  return { data, body: m[2] };
}

describe("plugin manifest", () => {
  const manifest = json(".claude-plugin/plugin.json");

  it("names the plugin amplihack (so the command is /amplihack:remote) with one version everywhere", () => {
    expect(manifest.name).toBe("amplihack");
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    expect(manifest.version).toBe(json("package.json").version);
    expect(manifest.version).toBe(VERSION);
  });

  it("has an object author, a description and a license, and leaves the component folders to their defaults", () => {
    expect(manifest.author).toEqual({ name: expect.any(String) });
    expect(manifest.description.length).toBeGreaterThanOrEqual(50);
    expect(manifest.description.length).toBeLessThanOrEqual(200);
    expect(manifest.license).toBe("MIT");
    for (const key of ["commands", "agents", "skills", "hooks", "mcpServers"])
      expect(manifest).not.toHaveProperty(key);
  });

  it("declares the MCP server as one bundled file under the plugin root", () => {
    // Claude Code expands the variable itself: the literal text belongs in the file.
    const pluginRoot = "$" + "{CLAUDE_PLUGIN_ROOT}";
    expect(json(".mcp.json")).toEqual({
      mcpServers: { remote: { command: "node", args: [`${pluginRoot}/dist/server.js`] } },
    });
  });

  it("lists itself in a single-repo marketplace", () => {
    const marketplace = json(".claude-plugin/marketplace.json");
    expect(marketplace.owner.name).toBeTruthy();
    expect(marketplace.plugins).toEqual([expect.objectContaining({ name: "amplihack", source: "./" })]);
  });

  it("ships a square PNG icon of 512-2048 px under 2 MB, as the plugin directory asks", () => {
    const png = readFileSync(join(ROOT, ".claude-plugin/icon.png"));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    expect(width).toBe(height);
    expect(width).toBeGreaterThanOrEqual(512);
    expect(width).toBeLessThanOrEqual(2048);
    expect(png.length).toBeLessThan(2 * 1024 * 1024);
  });

  it("is MIT licensed", () => {
    expect(read("LICENSE")).toMatch(/^MIT License\n/);
  });
});

describe("/amplihack:remote", () => {
  const { data, body } = frontmatter(read("commands/remote.md"));
  const toolNames = TOOLS.map((t) => `mcp__plugin_amplihack_remote__${t.name}`);

  it("allows exactly the server's tools, by the names Claude Code gives plugin tools", () => {
    expect(data["allowed-tools"]).toEqual(toolNames);
  });

  it("has a description and an argument hint naming every option", () => {
    expect(typeof data.description).toBe("string");
    const hint = data["argument-hint"] as string;
    for (const flag of [
      "--max-turns N",
      "--vm-size SIZE",
      "--vm-name NAME",
      "--keep-vm",
      "--no-reuse",
      "--timeout MINUTES",
      "--region REGION",
      "--target local|azlin",
      "--agent-command",
      "COMMAND PROMPT",
    ]) {
      expect(hint).toContain(flag);
    }
  });

  it("forwards $ARGUMENTS verbatim and never uses positional placeholders", () => {
    expect(body).toContain("$ARGUMENTS");
    expect(body).not.toMatch(/\$\d|\$ARGUMENTS\[/);
  });

  it("maps every option onto the remote_execute argument of the same meaning", () => {
    const mapping: Record<string, string> = {
      "--max-turns": "maxTurns",
      "--vm-size": "vmSize",
      "--vm-name": "vmName",
      "--keep-vm": "keepVm",
      "--no-reuse": "noReuse",
      "--timeout": "timeoutMinutes",
      "--region": "region",
      "--target": "target",
      "--agent-command": "agentCommand",
      "--model": "model",
      "--forward-env": "forwardEnv",
      "--max-size": "maxSizeMb",
    };
    const execute = TOOLS.find((t) => t.name === "remote_execute")!;
    for (const [flag, arg] of Object.entries(mapping)) {
      expect(body, flag).toMatch(new RegExp(`^\\| \`${flag}[^\\n]*?\` \\| \`${arg}:`, "m"));
      expect(Object.keys(execute.input), arg).toContain(arg);
    }
    for (const command of ["auto", "analyze", "fix"]) expect(body).toContain(`\`${command}\``);
  });

  it("never says the extended-thinking keyword, which would switch it on for every request", () => {
    // The fourth COMMAND is named through the tool's schema instead (test/realclient proves it).
    expect(`${JSON.stringify(data)}\n${body}`).not.toMatch(/ultrathink/i);
  });

  it("tells Claude how to follow a detached run to its end and what to show", () => {
    for (const tool of TOOLS) expect(body, tool.name).toContain(`\`${tool.name}\``);
    expect(body).toMatch(/remote_status[\s\S]*remote_output[\s\S]*retrieve_results/);
    expect(body).toContain("git merge remote-exec/main");
    expect(body).toContain("dryRun: false");
  });
});
