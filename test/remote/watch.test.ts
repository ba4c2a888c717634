import { describe, expect, it } from "vitest";
import { LogLines, parseWatchLine, ResultsCopy } from "../../src/remote/watch.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("the watcher's records", () => {
  it("parses each record and ignores anything else the machine prints", () => {
    expect(parseWatchLine("P running")).toEqual({ kind: "phase", phase: "running" });
    expect(parseWatchLine("P rm -rf")).toBeNull();
    expect(parseWatchLine("H 100 3 42")).toEqual({ kind: "beat", now: 100, heartbeatAge: 3, logBytes: 42 });
    expect(parseWatchLine("H 100 - 0")).toMatchObject({ heartbeatAge: null });
    expect(parseWatchLine(`L 7 ${b64("hi\n")}`)).toMatchObject({ kind: "log", offset: 7 });
    expect(parseWatchLine("E not json")).toBeNull();
    expect(parseWatchLine("R 12")).toEqual({ kind: "results", bytes: 12 });
    expect(parseWatchLine("R -1")).toBeNull();
    expect(parseWatchLine(`D ${b64("abc")}`)).toEqual({ kind: "results-data", data: Buffer.from("abc") });
    expect(parseWatchLine("D $(reboot)")).toBeNull();
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

  it("hands over the results archive only when exactly the announced bytes came, within the bound asked", () => {
    const copy = new ResultsCopy(10);
    copy.start(6);
    copy.add(Buffer.from("abc"));
    expect(copy.take()).toBeNull(); // half of it: nothing
    copy.start(6);
    copy.add(Buffer.from("abc"));
    copy.add(Buffer.from("def"));
    expect(copy.take()?.toString()).toBe("abcdef");
    expect(copy.take()).toBeNull(); // taken once
    // More than it announced, or more than we asked for: nothing is kept.
    copy.start(3);
    copy.add(Buffer.from("abcd"));
    expect(copy.take()).toBeNull();
    copy.start(11);
    copy.add(Buffer.alloc(11));
    expect(copy.take()).toBeNull();
    // Data without an announcement is not a results archive.
    const fresh = new ResultsCopy(10);
    fresh.add(Buffer.from("x"));
    expect(fresh.take()).toBeNull();
  });
});
