/** The argument that turns a bundled entry point (dist/server.js, dist/cli.js) into a launch worker. */
export const LAUNCH_WORKER_FLAG = "--amplihack-remote-launch-worker";
