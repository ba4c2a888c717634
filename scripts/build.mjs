// Bundles the CLI and the MCP server into single files under dist/, so the plugin runs from its
// folder with no `npm install` (Claude Code clones plugins and builds nothing).
//
// The server is two files. dist/server-core.js is the whole server (SDK, zod, every handler).
// dist/server.js, which .mcp.json launches, is a front end of a few KB that answers initialize and
// tools/list from a snapshot of the full server's answers, recorded here from the core just
// built, and loads the core when a message needs it: parsing the 2 MB core is what made a client
// wait (README, "Why the server is two files").
//
// dist/server*.js are committed (the plugin folder is a git clone); test/plugin checks they are not
// stale by building again elsewhere: `node scripts/build.mjs --only server --outdir DIR`.
import { existsSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { bundleOptions } from "./bundle-options.mjs";
import { frontSnapshot } from "./mcp-front-snapshot.mjs";

const { values: args } = parseArgs({ options: { only: { type: "string" }, outdir: { type: "string" } } });

const FRONT_DIR = "src/mcp/front/";
/** The front end's own code, without the snapshot it carries: a bound, not a timing. */
const FRONT_CODE_LIMIT = 16 * 1024;

const entries = [
  { name: "cli", in: "src/cli/main.ts", out: "dist/cli.js" },
  {
    name: "server",
    in: "src/mcp/main.ts",
    out: "dist/server-core.js",
    optional: true,
    front: "dist/server.js",
  },
  // The plugin's Claude Code hook (hooks/hooks.json), committed like the server: dist/hook.js is a
  // front end of node builtins that answers "nothing new" (the usual case, before every prompt)
  // without parsing dist/hook-core.js, the full hook it loads when there may be news.
  { name: "hook", in: "src/cli/hook-main.ts", out: "dist/hook-core.js", optional: true },
  { name: "hook", in: "src/cli/hook-front.ts", out: "dist/hook.js", optional: true, small: true },
];

const outPath = (path) => (args.outdir ? join(args.outdir, basename(path)) : path);

for (const entry of entries) {
  if (args.only && entry.name !== args.only) continue;
  if (entry.optional && !existsSync(entry.in)) continue;
  const result = await build({ ...bundleOptions(entry.in, outPath(entry.out)), metafile: true });
  // A front end exists to be small: one import from node_modules would bring back the parse time
  // it saves.
  const foreign = Object.keys(result.metafile.inputs).filter((input) => input.includes("node_modules"));
  if (entry.small && foreign.length > 0)
    throw new Error(`${entry.out} must bundle no dependency, but it pulls in: ${foreign.join(", ")}`);
  if (entry.front) await buildFront(outPath(entry.out), outPath(entry.front));
}

/** The front end, with the snapshot recorded from the core bundle at `coreFile` (its neighbour). */
async function buildFront(coreFile, outfile) {
  const snapshot = JSON.stringify(await frontSnapshot(coreFile));
  const result = await build({
    ...bundleOptions(`${FRONT_DIR}main.ts`, outfile),
    // No createRequire/__dirname shims: the front end has no CommonJS dependency to serve.
    banner: { js: "#!/usr/bin/env node" },
    define: { AMPLIHACK_MCP_FRONT_SNAPSHOT: snapshot },
    metafile: true,
  });
  // Node builtins and its own folder only: one import from node_modules would put the parse time
  // the front end exists to avoid back in front of the first answer.
  const foreign = Object.keys(result.metafile.inputs).filter(
    (input) => !input.startsWith(FRONT_DIR) && !input.startsWith("<define:"),
  );
  if (foreign.length > 0) {
    throw new Error(
      `${outfile} must bundle only ${FRONT_DIR} and node builtins, but it pulls in: ${foreign.join(", ")}`,
    );
  }
  const code = statSync(outfile).size - snapshot.length;
  if (code > FRONT_CODE_LIMIT) {
    throw new Error(
      `${relative(".", outfile)} holds ${code} bytes besides its snapshot (limit ${FRONT_CODE_LIMIT}): keep the front end small.`,
    );
  }
}
