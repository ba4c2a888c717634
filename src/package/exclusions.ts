/**
 * Paths that never ship: credentials, key material, caches, virtualenvs and our own run logs. The
 * archive builder, the WIP snapshot and the scanner all ask this module, so what is scanned and
 * what is packed cannot drift apart. Every rule matches at any depth (`config/.env`,
 * `a/node_modules/b`), which is where the predecessor's fnmatch patterns silently failed.
 *
 * This decides for files that are not in history (untracked work, `.claude/`). A well-known
 * credential file that is committed cannot be left out of the bundle: the secret gate blocks it
 * (secrets/credential-files.ts holds that list).
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isCredentialFile } from "../secrets/credential-files.js";

/** File or directory names, compared in lower case. */
const NAME_RULES: readonly ((name: string) => boolean)[] = [
  (n) => n.startsWith(".env"),
  (n) => n.endsWith(".pem"),
  (n) => n.endsWith(".key"),
  (n) => n.startsWith("id_rsa"),
  (n) => n === ".ssh",
  (n) => n === ".aws",
  (n) => n === ".azure",
  (n) => n === ".kube",
  (n) => n === ".docker",
  (n) => n === "node_modules",
  (n) => n === "__pycache__",
  (n) => n === ".venv",
  (n) => n === "venv",
];

/** Runs of directory names, e.g. `.config/gh` anywhere in the path. */
const SEQUENCE_RULES: readonly (readonly string[])[] = [
  [".config", "gh"],
  [".config", "gcloud"],
  ["runtime", "logs"],
];

/** Larger files are not read to decide (an .npmrc is a few lines). */
const READ_LIMIT = 1024 * 1024;

/**
 * Repo-relative (or .claude-relative) path with `/` or `\` separators. `readContent` lets files
 * whose content decides (`.npmrc` with or without an auth token) be judged by it; without it they
 * are left out.
 */
export function isExcludedPath(relPath: string, readContent?: () => string | undefined): boolean {
  const parts = relPath
    .replace(/\\/g, "/")
    .split("/")
    .filter((p) => p && p !== ".")
    .map((p) => p.toLowerCase());
  if (parts.some((p) => NAME_RULES.some((rule) => rule(p)))) return true;
  if (SEQUENCE_RULES.some((seq) => parts.some((_, i) => seq.every((s, j) => parts[i + j] === s))))
    return true;
  return isCredentialFile(relPath, readContent);
}

/** isExcludedPath for a file on disk under `root`, reading it when its content decides. */
export function isExcludedFile(root: string, relPath: string): boolean {
  return isExcludedPath(relPath, () => {
    try {
      const abs = join(root, relPath);
      if (statSync(abs).size > READ_LIMIT) return undefined;
      return readFileSync(abs, "utf8");
    } catch {
      return undefined;
    }
  });
}
