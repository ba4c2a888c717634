/**
 * The one rule for keeping a machine after a run, whoever finishes it (`exec`, `retrieve`,
 * `status`'s auto-retrieve, the MCP tools). A machine this run created is deleted once the
 * agent's work is home, also after a cancel or a kill; it is kept when asked to, when something
 * is still on it (the results did not come home), or when the agent failed or timed out, so its
 * state can be looked at (the summary says how to reach it).
 */
import type { SummaryStatus } from "../../state/run-summary.js";

const WORTH_A_LOOK: readonly SummaryStatus[] = ["failed", "timed-out", "setup-failed", "error"];

export function keepMachine(facts: {
  requested: boolean;
  resultsHome: boolean;
  status: SummaryStatus;
}): boolean {
  return facts.requested || !facts.resultsHome || WORTH_A_LOOK.includes(facts.status);
}
