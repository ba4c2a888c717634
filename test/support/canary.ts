/**
 * The suite-wide secrecy check. vitest.config.ts puts a canary credential in every test's
 * environment, so every run the suite makes forwards it to its agent; and every temporary place a
 * test leaves (repositories with their logs, state directories and local sandboxes, fake VMs'
 * homes and the fake azlin's argv log, sshd's log) is searched for it before it is deleted. A hit
 * fails the test that made it: the credential reached an argv log, a log, a state file or a file
 * left on a machine.
 */
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const CANARY = process.env.AMPLIHACK_TEST_CANARY ?? "";

export function findCanary(root: string): string[] {
  if (!CANARY) return [];
  const needle = Buffer.from(CANARY);
  const hits: string[] = [];
  const walk = (path: string) => {
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(path);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      let names: string[] = [];
      try {
        names = readdirSync(path);
      } catch {
        return;
      }
      for (const name of names) walk(join(path, name));
    } else if (st.isFile() && st.size < 64 * 1024 * 1024) {
      try {
        if (readFileSync(path).includes(needle)) hits.push(path);
      } catch {
        // unreadable (a socket's neighbour, a file removed meanwhile): nothing to check
      }
    }
  };
  walk(root);
  return hits;
}

export function assertNoCanary(...roots: string[]): void {
  const hits = roots.flatMap(findCanary);
  if (hits.length > 0) {
    throw new Error(`The test credential was written to disk, in: ${hits.join(", ")}`);
  }
}
