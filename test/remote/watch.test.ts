import { describe, expect, it } from "vitest";
import { LogLines, parseWatchLine } from "../../src/remote/watch.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("the watcher's records", () => {
  it("parses each record and ignores anything else the machine prints", () => {
    expect(parseWatchLine("P running")).toEqual({ kind: "phase", phase: "running" });
    expect(parseWatchLine("P rm -rf")).toBeNull();
    expect(parseWatchLine("H 100 3 42")).toEqual({ kind: "beat", now: 100, heartbeatAge: 3, logBytes: 42 });
    expect(parseWatchLine("H 100 - 0")).toMatchObject({ heartbeatAge: null });
    expect(parseWatchLine(`L 7 ${b64("hi\n")}`)).toMatchObject({ kind: "log", offset: 7 });
    expect(parseWatchLine("E not json")).toBeNull();
    expect(parseWatchLine("\x1b]0;title\x07")).toBeNull();
  });

  it("hands on whole lines once, across chunks that overlap, split lines, and a resume", () => {
    const lines: string[] = [];
    const log = new LogLines(0, (l) => lines.push(l));
    log.add(0, Buffer.from("one\ntw"));
    log.add(6, Buffer.from("o\nthr"));
    // A reopened stream resends from an earlier offset: nothing is repeated.
    log.add(4, Buffer.from("two\nthree\nfo"));
    expect(lines).toEqual(["one", "two", "three"]);
    expect(log.received).toBe(16);
    log.add(16, Buffer.from("ur"));
    log.flush();
    expect(lines).toEqual(["one", "two", "three", "four"]);
  });

  it("keeps a multi-byte character whole when a chunk ends inside it", () => {
    const lines: string[] = [];
    const log = new LogLines(0, (l) => lines.push(l));
    const bytes = Buffer.from("héllo\n");
    log.add(0, bytes.subarray(0, 2));
    log.add(2, bytes.subarray(2));
    expect(lines).toEqual(["héllo"]);
  });
});
