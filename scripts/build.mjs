// Bundles the CLI and the MCP server into single files under dist/, so the plugin runs from its
// folder with no `npm install` (Claude Code clones plugins and builds nothing).
//
// dist/server.js is committed (the plugin folder is a git clone); test/plugin checks it is not
// stale by building again elsewhere: `node scripts/build.mjs --only server --outdir DIR`.
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const { values: args } = parseArgs({ options: { only: { type: "string" }, outdir: { type: "string" } } });

const banner = [
  "#!/usr/bin/env node",
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  "import { createRequire as __amplihackCreateRequire } from 'node:module';",
  "const require = __amplihackCreateRequire(import.meta.url);",
  // ...and the CommonJS module globals some of them read (write-file-atomic names temp files after it).
  "import { fileURLToPath as __amplihackFileURLToPath } from 'node:url';",
  "const __filename = __amplihackFileURLToPath(import.meta.url);",
  "const __dirname = __amplihackFileURLToPath(new URL('.', import.meta.url));",
].join("\n");

const entries = [
  { name: "cli", in: "src/cli/main.ts", out: "dist/cli.js" },
  { name: "server", in: "src/mcp/main.ts", out: "dist/server.js", optional: true },
];

for (const entry of entries) {
  if (args.only && entry.name !== args.only) continue;
  if (entry.optional && !existsSync(entry.in)) continue;
  await build({
    entryPoints: [entry.in],
    outfile: args.outdir ? join(args.outdir, basename(entry.out)) : entry.out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    banner: { js: banner },
    legalComments: "none",
    logLevel: "warning",
  });
}
