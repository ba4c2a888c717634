/**
 * DESIGN.md's layer table, checked against the import graph of src/: every import of every file
 * (static, re-export, dynamic, type-only alike) must run down the table, and only the one process
 * runner (src/util/run.ts) may spawn.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve("src");

/**
 * What each layer may import besides itself and the bottom (util/ and the files at src/'s root).
 * The adapters stand on core/ alone; core/ orchestrates the layers below it; a target runs the
 * remote scripts and speaks azlin; packaging ships the remote scripts, git objects and scans them.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  cli: ["core"],
  mcp: ["core"],
  core: ["targets", "package", "git", "secrets", "remote", "state"],
  targets: ["azlin", "remote"],
  package: ["git", "secrets", "remote"],
  azlin: [],
  git: [],
  secrets: [],
  remote: [],
  state: [],
  util: [],
};
const BOTTOM = new Set(["util", "."]);

/** The one place that spawns processes; everything else asks it (and so is recorded in tests). */
const RUNNER = "util/run.ts";
const SPAWNERS = /^(node:)?child_process$|^execa$|^cross-spawn$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(e.name) && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every module specifier a file names: import/export ... from, bare import, import(). */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^;"']*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const p of patterns) for (const m of text.matchAll(p)) found.push(m[1]);
  return found;
}

const layerOf = (file: string) => {
  const rel = relative(SRC, file);
  return rel.includes("/") ? rel.split("/")[0] : ".";
};

interface Edge {
  from: string;
  to: string;
  spec: string;
}

function graph(): { edges: Edge[]; spawns: string[] } {
  const edges: Edge[] = [];
  const spawns: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const rel = relative(SRC, file);
    for (const spec of specifiers(readFileSync(file, "utf8"))) {
      if (SPAWNERS.test(spec)) spawns.push(rel);
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(file), spec);
      edges.push({ from: rel, to: relative(SRC, target), spec });
    }
  }
  return { edges, spawns };
}

describe("the layer table (DESIGN.md) holds in src/", () => {
  const { edges, spawns } = graph();

  it("reads a real graph: every layer of the table is there and imports something", () => {
    const layers = new Set(edges.map((e) => layerOf(join(SRC, e.from))));
    for (const layer of Object.keys(MAY_IMPORT)) if (layer !== "util") expect(layers).toContain(layer);
    expect(edges.length).toBeGreaterThan(200);
  });

  it("never imports up or sideways", () => {
    const upward = edges
      .filter((e) => {
        const from = layerOf(join(SRC, e.from));
        const to = layerOf(join(SRC, e.to));
        if (from === to || BOTTOM.has(to)) return false;
        return !(MAY_IMPORT[from] ?? []).includes(to);
      })
      .map((e) => `${e.from} -> ${e.to}`);
    expect(upward).toEqual([]);
  });

  it("knows every folder of src/ (a new layer goes into the table on purpose)", () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.filter((f) => !(f in MAY_IMPORT))).toEqual([]);
  });

  it(`spawns processes only in ${RUNNER}`, () => {
    const outside = [...new Set(spawns)].filter((f) => f !== RUNNER);
    expect(outside).toEqual([]);
    expect(spawns).toContain(RUNNER); // the check sees the one spawner it allows
  });

  it("the checks catch what they are for", () => {
    expect(
      specifiers(
        `import type { A } from "../core/x.js";\nexport { b } from './y.js';\nawait import("../z.js");`,
      ),
    ).toEqual(["../core/x.js", "./y.js", "../z.js"]);
    expect(SPAWNERS.test("node:child_process") && SPAWNERS.test("execa")).toBe(true);
  });
});
