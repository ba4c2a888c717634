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
  // The plugin's Claude Code hook (hooks/hooks.json), committed like the server: dist/hook.js is a
  // front end of node builtins that answers "nothing new" (the usual case, before every prompt)
  // without parsing dist/hook-core.js, the full hook it loads when there may be news.
  { name: "hook", in: "src/cli/hook-main.ts", out: "dist/hook-core.js", optional: true },
  { name: "hook", in: "src/cli/hook-front.ts", out: "dist/hook.js", optional: true, small: true },
];

for (const entry of entries) {
  if (args.only && entry.name !== args.only) continue;
  if (entry.optional && !existsSync(entry.in)) continue;
  const result = await build({
    ...bundleOptions(entry.in, args.outdir ? join(args.outdir, basename(entry.out)) : entry.out),
    metafile: true,
  });
  // A front end exists to be small: one import from node_modules would bring back the parse time
  // it saves.
  const foreign = Object.keys(result.metafile.inputs).filter((input) => input.includes("node_modules"));
  if (entry.small && foreign.length > 0)
    throw new Error(`${entry.out} must bundle no dependency, but it pulls in: ${foreign.join(", ")}`);
}
