/**
 * Paths that never ship: credentials, key material, caches, virtualenvs and our own run logs. The
 * archive builder and the scanner both ask this one function, so what is scanned and what is
 * packed cannot drift apart. Every rule matches at any depth (`config/.env`, `a/node_modules/b`),
 * which is where the predecessor's fnmatch patterns silently failed.
 */

/** File or directory names, compared in lower case. */
const NAME_RULES: readonly ((name: string) => boolean)[] = [
  (n) => n.startsWith(".env"),
  (n) => n.endsWith(".pem"),
  (n) => n.endsWith(".key"),
  (n) => n.endsWith(".p12"),
  (n) => n.endsWith(".pfx"),
  (n) => n.startsWith("id_rsa"),
  (n) => n === ".ssh",
  (n) => n === ".aws",
  (n) => n === ".azure",
  (n) => n === "node_modules",
  (n) => n === "__pycache__",
  (n) => n === ".venv",
  (n) => n === "venv",
];

/** Runs of directory names, e.g. `.config/gh` anywhere in the path. */
const SEQUENCE_RULES: readonly (readonly string[])[] = [
  [".config", "gh"],
  ["runtime", "logs"],
];

/** Repo-relative (or .claude-relative) path with `/` or `\` separators. */
export function isExcludedPath(relPath: string): boolean {
  const parts = relPath
    .replace(/\\/g, "/")
    .split("/")
    .filter((p) => p && p !== ".")
    .map((p) => p.toLowerCase());
  if (parts.some((p) => NAME_RULES.some((rule) => rule(p)))) return true;
  return SEQUENCE_RULES.some((seq) => parts.some((_, i) => seq.every((s, j) => parts[i + j] === s)));
}
