// Bundles the CLI and the MCP server into single files under dist/, so the plugin runs from its
// folder with no `npm install` (Claude Code clones plugins and builds nothing).
import { build } from "esbuild";

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
  { in: "src/cli/main.ts", out: "dist/cli.js" },
  { in: "src/mcp/main.ts", out: "dist/server.js", optional: true },
];

import { existsSync } from "node:fs";

for (const entry of entries) {
  if (entry.optional && !existsSync(entry.in)) continue;
  await build({
    entryPoints: [entry.in],
    outfile: entry.out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    banner: { js: banner },
    legalComments: "none",
    logLevel: "warning",
  });
}
