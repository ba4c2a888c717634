/**
 * Helpers for the plugin tests: the repository root, a copy of the tracked files alone (what a
 * plugin install clones), the real client binaries from node_modules, and a throwaway HOME.
 */

import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { EVENT_WAIT_MS } from "../support/waits.js";

export const ROOT = resolve(".");

/** The tracked files as they are in the working tree, copied to a fresh directory: no node_modules. */
export async function copyTrackedFiles(): Promise<string> {
  const dest = mkdtempSync(join(tmpdir(), "ar-plugin-copy-"));
  const { stdout } = await run("git", ["ls-files", "-z"], { cwd: ROOT });
  for (const path of stdout.split("\0").filter(Boolean)) {
    const from = join(ROOT, path);
    if (!existsSync(from)) continue; // deleted in the working tree, not yet committed
    mkdirSync(dirname(join(dest, path)), { recursive: true });
    copyFileSync(from, join(dest, path));
  }
  return dest;
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Ran> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? EVENT_WAIT_MS,
      maxBuffer: 64 * 1024 * 1024,
      encoding: "utf8",
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof e.code !== "number") throw err;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/**
 * A client binary installed as a devDependency. In CI a missing one is a failure; locally the
 * tests that need it are skipped, and we say why.
 */
export function clientBinary(name: string, why: string): string | null {
  const path = join(ROOT, "node_modules", ".bin", name);
  if (existsSync(path)) return path;
  const message = `${name} is not installed (node_modules/.bin/${name}); ${why} (run npm install)`;
  if (process.env.CI) throw new Error(`CI: ${message}`);
  console.warn(`skipping: ${message}`);
  return null;
}

/** A HOME of its own, so a client reads and writes no real user configuration. */
export function throwawayHome(): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), "ar-home-"));
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_STATE_HOME: join(home, ".state"),
  };
}
