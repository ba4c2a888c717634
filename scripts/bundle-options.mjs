// The esbuild options of every single-file bundle we make: the release build (scripts/build.mjs)
// and the tests and benchmarks that prove a bundle stands alone use this one definition.

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

/** esbuild options bundling `entry` (with all its dependencies) into the one file `outfile`. */
export function bundleOptions(entry, outfile) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    banner: { js: banner },
    legalComments: "none",
    logLevel: "warning",
  };
}
