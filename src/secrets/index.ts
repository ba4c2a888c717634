/** The secret gate's public surface. */
export { ALLOWLIST_FILE, parseAllowlist } from "./allowlist.js";
export { type RawFinding, RULESET_VERSION, scanText } from "./engine.js";
export { maskValue } from "./mask.js";
export { redactText } from "./redact.js";
export { OWN_RULES, RULES_REVISION } from "./rules.js";
export {
  type ArchiveFile,
  type BlobContent,
  type BlobMeta,
  type BlobOrigin,
  type HistorySource,
  type ScanOptions,
  scanShippedContent,
} from "./scan.js";
export { isScanWorker } from "./scan-worker.js";
export type { Finding, ScanReport, ScanStats } from "./types.js";
