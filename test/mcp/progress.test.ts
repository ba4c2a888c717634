/**
 * The heartbeat's bound on silence, checked on a virtual clock: the e2e test cannot assert a
 * wall-clock gap on a busy machine, so the arithmetic of the timer is proven here instead.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Extra } from "../../src/mcp/define-tool.js";
import { progressNotifier } from "../../src/mcp/progress.js";

interface Sent {
  at: number;
  progress: number;
  message: string;
}

function fakeExtra(sent: Sent[], withToken = true): Extra {
  const controller = new AbortController();
  return {
    _meta: withToken ? { progressToken: "t" } : {},
    signal: controller.signal,
    sendNotification: async (n: { params: { progress: number; message: string } }) => {
      sent.push({ at: Date.now(), progress: n.params.progress, message: n.params.message });
    },
  } as unknown as Extra;
}

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe("progressNotifier", () => {
  it("never stays silent longer than 1.2 x heartbeatMs, and progress strictly increases", () => {
    const sent: Sent[] = [];
    const notifier = progressNotifier(fakeExtra(sent), 1000);
    notifier.listener({ stage: "acquire", step: 3, total: 9, message: "creating a VM" });
    vi.advanceTimersByTime(10_000);
    notifier.listener({ stage: "transfer", step: 4, total: 9, message: "uploading" });
    vi.advanceTimersByTime(3_500);
    notifier.stop();

    const beats = sent.filter((s) => s.message.includes("still working"));
    expect(beats.length).toBeGreaterThanOrEqual(10);
    expect(beats[0].message).toMatch(/^acquire: creating a VM \(still working, .* so far\)$/);
    const gaps = sent.slice(1).map((s, i) => s.at - sent[i].at);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1200);
    for (let i = 1; i < sent.length; i++) expect(sent[i].progress).toBeGreaterThan(sent[i - 1].progress);
  });

  it("stops speaking when stopped, and says nothing when the client asked for no progress", () => {
    const sent: Sent[] = [];
    const notifier = progressNotifier(fakeExtra(sent), 1000);
    notifier.stop();
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([]);

    const silent: Sent[] = [];
    const quiet = progressNotifier(fakeExtra(silent, false), 1000);
    quiet.listener({ stage: "acquire", step: 3, total: 9, message: "x" });
    vi.advanceTimersByTime(5_000);
    quiet.stop();
    expect(silent).toEqual([]);
  });
});
