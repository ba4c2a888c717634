// Bundles the CLI and the MCP server into single files under dist/, so the plugin runs from its
// folder with no `npm install` (Claude Code clones plugins and builds nothing).
//
// dist/server.js is committed (the plugin folder is a git clone); test/plugin checks it is not
// stale by building again elsewhere: `node scripts/build.mjs --only server --outdir DIR`.
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { bundleOptions } from "./bundle-options.mjs";

const { values: args } = parseArgs({ options: { only: { type: "string" }, outdir: { type: "string" } } });

const entries = [
  { name: "cli", in: "src/cli/main.ts", out: "dist/cli.js" },
  { name: "server", in: "src/mcp/main.ts", out: "dist/server.js", optional: true },
  // The plugin's Claude Code hook (hooks/hooks.json), committed like the server.
  { name: "hook", in: "src/cli/hook-main.ts", out: "dist/hook.js", optional: true },
];

for (const entry of entries) {
  if (args.only && entry.name !== args.only) continue;
  if (entry.optional && !existsSync(entry.in)) continue;
  await build(bundleOptions(entry.in, args.outdir ? join(args.outdir, basename(entry.out)) : entry.out));
}
