/**
 * The files of .claude/ that ship: tracked or not, minus excluded paths (credentials, caches,
 * virtualenvs, our own logs) at any depth. Symbolic links are not followed: a link could point
 * anywhere on the laptop, and nothing outside .claude/ is meant to ship.
 */
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { isExcludedPath } from "./exclusions.js";

export interface ClaudeFile {
  /** Path as it appears in the repo and on the VM, e.g. ".claude/settings.json". */
  path: string;
  absPath: string;
  size: number;
}

export interface ClaudeFileList {
  files: ClaudeFile[];
  excluded: string[];
  skippedLinks: string[];
}

export async function listClaudeFiles(repoRoot: string): Promise<ClaudeFileList> {
  const out: ClaudeFileList = { files: [], excluded: [], skippedLinks: [] };
  async function walk(rel: string) {
    const entries = await readdir(join(repoRoot, rel), { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const childRel = `${rel}/${entry.name}`;
      // Exclusion rules are written relative to .claude/ and match at any depth.
      const inner = childRel.slice(".claude/".length);
      // A directory is excluded when the rule names it or anything inside it.
      const excluded = entry.isDirectory()
        ? isExcludedPath(inner) || isExcludedPath(`${inner}/any`)
        : isExcludedPath(inner);
      if (excluded) {
        out.excluded.push(childRel);
        continue;
      }
      if (entry.isSymbolicLink()) {
        out.skippedLinks.push(childRel);
      } else if (entry.isDirectory()) {
        await walk(childRel);
      } else if (entry.isFile()) {
        const stat = await lstat(join(repoRoot, childRel));
        out.files.push({ path: childRel, absPath: join(repoRoot, childRel), size: stat.size });
      }
    }
  }
  await walk(".claude");
  return out;
}
