// `npm install` runs this (the "prepare" lifecycle). A development install builds dist/; an
// install without devDependencies (for instance Claude Code installing the plugin from its
// marketplace) has no esbuild and keeps the committed dist/server.js, which is all the plugin runs.
try {
  await import("esbuild");
} catch {
  console.error("amplihack-remote: esbuild is not installed; keeping the prebuilt dist/ files.");
  process.exit(0);
}
await import("./build.mjs");
