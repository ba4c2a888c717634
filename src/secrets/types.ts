/**
 * The secret gate's public shapes. The gate is handed blobs and files; it never reads git itself.
 */

export interface Finding {
  /** Rule id, e.g. "anthropic-api-key" or "@secretlint/secretlint-rule-github". */
  rule: string;
  /** Path in the repository (history) or in the archive (files). */
  path: string;
  /** 1-based line and column of the match. */
  line: number;
  column: number;
  /** The matched value with all but a short prefix masked; the only form ever printed. */
  masked: string;
  /** Where it was found: a blob in history, or a file that ships in the archive. */
  source: "history" | "file";
  /** For history: a commit that contains the blob, and a ref that reaches that commit. */
  commit?: string;
  ref?: string;
  /** Stable id for the allowlist file (.amplihack-remote-allow): rule + blob/file hash + line. */
  fingerprint: string;
}

export interface ScanStats {
  blobsScanned: number;
  blobsFromCache: number;
  filesScanned: number;
  bytesScanned: number;
  skippedBinary: number;
  skippedLarge: number;
  allowlisted: number;
  durationMs: number;
}

export interface ScanReport {
  findings: Finding[];
  stats: ScanStats;
}
