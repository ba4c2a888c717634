/**
 * Shared helpers for benchmarks: generating a realistic repository quickly with git fast-import,
 * and timing.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

/** A deterministic pseudo-random generator, so every run builds the same repository. */
export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS =
  "function const return import export class interface value result error config options module handler request response buffer stream parse format render update create delete list retry timeout state cache token user repo branch commit".split(
    " ",
  );

function sourceText(rand: () => number, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = 3 + Math.floor(rand() * 8);
    const words = Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]);
    out.push(`${"  ".repeat(Math.floor(rand() * 3))}${words.join(" ")};`);
  }
  return `${out.join("\n")}\n`;
}

/**
 * Builds (once, cached under .bench-tmp/) a repository of `files` files and `commits` commits,
 * each commit touching `touch` files, plus a .claude/ directory.
 */
export function generateRepo(
  name: string,
  files: number,
  commits: number,
  touch: number,
  linesPerFile = 60,
): string {
  const dir = join(process.cwd(), ".bench-tmp", name);
  if (existsSync(join(dir, ".git", "bench-done"))) return dir;
  mkdirSync(dir, { recursive: true });
  execFileSync("git", ["init", "-q", "-b", "main", dir]);
  const rand = rng(42);
  const chunks: string[] = [];
  let mark = 1;
  const t0 = 1_700_000_000;
  for (let c = 0; c < commits; c++) {
    const ops: string[] = [];
    const count = c === 0 ? files : touch;
    for (let i = 0; i < count; i++) {
      const f = c === 0 ? i : Math.floor(rand() * files);
      const data = sourceText(rand, linesPerFile);
      ops.push(
        `M 100644 inline src/mod${Math.floor(f / 100)}/file${f}.ts\ndata ${Buffer.byteLength(data)}\n${data}`,
      );
    }
    if (c === 0) {
      const settings = '{ "permissions": {} }\n';
      ops.push(`M 100644 inline .claude/settings.json\ndata ${settings.length}\n${settings}`);
    }
    const msg = `commit ${c}`;
    chunks.push(
      `commit refs/heads/main\nmark :${mark++}\ncommitter Bench <bench@example.invalid> ${t0 + c * 60} +0000\ndata ${msg.length}\n${msg}\n${c > 0 ? `from :${mark - 2}\n` : ""}${ops.join("")}\n`,
    );
  }
  const r = spawnSync("git", ["fast-import", "--quiet"], {
    cwd: dir,
    input: chunks.join(""),
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`fast-import failed: ${r.stderr}`);
  execFileSync("git", ["checkout", "-q", "-f", "main"], { cwd: dir });
  execFileSync("git", ["gc", "-q"], { cwd: dir });
  execFileSync("touch", [join(dir, ".git", "bench-done")]);
  return dir;
}

export async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
