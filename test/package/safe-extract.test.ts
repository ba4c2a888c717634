import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { safeExtract } from "../../src/package/safe-extract.js";
import { cleanup, tempDir } from "../support/repo.js";

const dirs: string[] = [];
afterEach(() => cleanup(...dirs.splice(0)));

/** Builds a tar.gz with GNU tar, the way a hostile VM would. */
function hostileArchive(
  setup: (src: string) => string[],
  extraTarArgs: string[] = [],
): { archive: string; dest: string } {
  const root = tempDir("ar-tar-");
  dirs.push(root);
  const src = join(root, "src");
  mkdirSync(src);
  const members = setup(src);
  const archive = join(root, "a.tar.gz");
  execFileSync("tar", ["-czf", archive, ...extraTarArgs, "-C", src, ...members]);
  return { archive, dest: join(root, "dest") };
}

describe("safeExtract", () => {
  it("extracts regular files and directories", async () => {
    const { archive, dest } = hostileArchive((src) => {
      mkdirSync(join(src, "logs"));
      writeFileSync(join(src, "logs", "a.log"), "ok\n");
      writeFileSync(join(src, "result.json"), "{}");
      return ["logs", "result.json"];
    });
    await safeExtract(archive, dest);
    expect(readFileSync(join(dest, "logs/a.log"), "utf8")).toBe("ok\n");
  });

  it.each([
    [
      "a symlink",
      (src: string) => {
        symlinkSync("/etc/passwd", join(src, "link"));
        return ["link"];
      },
      [],
      /SymbolicLink/,
    ],
    [
      "a hard link",
      (src: string) => {
        writeFileSync(join(src, "f"), "x");
        execFileSync("ln", [join(src, "f"), join(src, "g")]);
        return ["f", "g"];
      },
      [],
      /Link/,
    ],
    [
      "a .. path",
      (src: string) => {
        writeFileSync(join(src, "evil"), "x");
        return ["evil"];
      },
      ["--transform", "s,^evil,../../evil,"],
      /\.\. segment/,
    ],
    [
      "an absolute path",
      (src: string) => {
        writeFileSync(join(src, "abs"), "x");
        return ["abs"];
      },
      ["--absolute-names", "--transform", "s,^abs,/tmp/ar-abs-evil,"],
      /absolute path/,
    ],
  ])("refuses an archive with %s and writes nothing", async (_name, setup, args, message) => {
    const { archive, dest } = hostileArchive(setup as (src: string) => string[], args as string[]);
    await expect(safeExtract(archive, dest)).rejects.toThrow(message);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync("/tmp/ar-abs-evil")).toBe(false);
  });
});
