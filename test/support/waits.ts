/**
 * The one bound on a test's wait for an event (a line printed, a file written, a status changed):
 * a safety net just under vitest's own test timeout (vitest.config.ts), not a margin. On a loaded
 * machine everything is slower; a test that waits for the event still passes.
 */
export const TEST_TIMEOUT_MS = 600_000;
export const EVENT_WAIT_MS = TEST_TIMEOUT_MS - 30_000;
