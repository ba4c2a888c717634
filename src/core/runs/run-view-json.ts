/**
 * The one JSON shape of a run, shared by `status --json`, `kill --json` and the MCP tools.
 */
import type { RunView } from "./refresh-run.js";

export function runViewJson(v: RunView) {
  const r = v.record;
  return {
    runId: r.id,
    status: r.status,
    phase: v.live?.phase ?? null,
    exitCode: r.exitCode,
    target: r.target,
    vm: r.vm?.name ?? null,
    elapsedSeconds: v.elapsedSeconds,
    heartbeatAgeSeconds: v.live?.heartbeatAge ?? null,
    retrieved: r.retrieved,
    resultRefs: r.resultRefs,
    command: r.command,
    prompt: r.promptPreview,
    repo: r.repo,
    createdAt: r.createdAt,
    unreachable: v.unreachable ?? null,
    error: r.error,
  };
}
