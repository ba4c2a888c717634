/**
 * The JSON view of a finished run: the stored summary itself (state/run-summary.ts), one schema
 * for the record, the CLI's `--json` and the MCP tools' `outputSchema`.
 */
export {
  branchResultSchema,
  errorInfoSchema,
  type RunSummary,
  runSummarySchema,
} from "../../state/run-summary.js";
