/**
 * The secret gate's public shapes. The gate is handed blobs and files; it never reads git itself.
 */

export type Finding = {
  /** Rule id, e.g. "anthropic-api-key" or "@secretlint/secretlint-rule-github". */
  rule: string;
  /** Path in the repository (history) or in the archive (files). */
  path: string;
  /** 1-based line and column of the match. */
  line: number;
  column: number;
  /** The matched value with all but a short prefix masked; the only form ever printed. */
  masked: string;
  /** Where it was found: a blob in history, or a file that ships (in the archive or as uncommitted work). */
  source: "history" | "file";
  /** For history: a commit that contains the blob, and a ref that reaches that commit. */
  commit?: string;
  ref?: string;
  /** Stable id for the allowlist file (.amplihack-remote-allow): rule + blob/file hash + line. */
  fingerprint: string;
  /**
   * "block" (the default when absent) stops a run; "warn" is reported and does not: a match in a
   * test fixture or a doc that no provider's structure confirms (see severity.ts).
   */
  severity?: Severity;
};

export type Severity = "block" | "warn";

export type ScanStats = {
  blobsScanned: number;
  blobsFromCache: number;
  filesScanned: number;
  bytesScanned: number;
  /** Always 0: binary content is scanned through its printable runs (binaryScanned). Kept for the MCP schema. */
  skippedBinary: number;
  /** Always 0: there is no size cap on scanning (large text goes in windows). Kept for the MCP schema. */
  skippedLarge: number;
  /** Blobs and files scanned as binary, through their printable runs. */
  binaryScanned?: number;
  /** Blobs and files large enough to be scanned in overlapping windows. */
  windowed?: number;
  /** Findings that are well-known credential files by name (.netrc, .pgpass, *.p12...). */
  credentialFiles?: number;
  allowlisted: number;
  durationMs: number;
  /** Unique blobs reachable from the shipped refs (scanned, cached or skipped). */
  blobsTotal?: number;
  /** Blobs reachable from ref tips judged by an earlier scan, not listed or read again. */
  blobsBehindJudgedTips?: number;
  /** Blobs and files that passed the keyword prefilter and went through the rules. */
  reachedEngine?: number;
  /** Worker threads used; 0 when everything ran on the calling thread. */
  workers?: number;
  /** The two kinds of allowlisting, which add up to `allowlisted`. */
  allowlistedInline?: number;
  allowlistedByFile?: number;
};

export type ScanReport = {
  findings: Finding[];
  stats: ScanStats;
  /** Entries of .amplihack-remote-allow that matched no finding in this scan (allowlist.ts). */
  staleAllowlist?: string[];
};
