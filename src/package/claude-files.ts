/**
 * The files of .claude/ that ship: tracked or not, minus excluded paths (credentials, caches,
 * virtualenvs, our own logs) at any depth. Symbolic links are not followed: a link could point
 * anywhere on the laptop, and nothing outside .claude/ is meant to ship. A .claude that is itself a
 * link is followed only when it resolves inside the repository; one that leads out of it ships
 * nothing (listed in skippedLinks; git still ships the link itself when it is tracked).
 */
import { lstat, readdir, realpath } from "node:fs/promises";
import { join, relative, sep } from "node:path";
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
  // No .claude/ ships nothing (the run's validation insists on one; `scan` does not).
  if (
    !(await lstat(join(repoRoot, ".claude")).then(
      () => true,
      () => false,
    ))
  )
    return out;
  const top = await claudeDirInside(repoRoot);
  if (top === null) {
    out.skippedLinks.push(".claude");
    return out;
  }
  // `rel` names a path as it ships (.claude/...); `top` is where .claude really is.
  const abs = (rel: string) => join(top, rel.slice(".claude".length));
  async function walk(rel: string) {
    const entries = await readdir(abs(rel), { withFileTypes: true });
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
        const stat = await lstat(abs(childRel));
        out.files.push({ path: childRel, absPath: abs(childRel), size: stat.size });
      }
    }
  }
  await walk(".claude");
  return out;
}

/** Where .claude really is, or null when it is a link that leads out of the repository. */
async function claudeDirInside(repoRoot: string): Promise<string | null> {
  const link = join(repoRoot, ".claude");
  if (!(await lstat(link)).isSymbolicLink()) return link;
  const [root, target] = await Promise.all([realpath(repoRoot), realpath(link).catch(() => null)]);
  if (target === null) return null;
  const rel = relative(root, target);
  return rel && !rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep) ? target : null;
}
