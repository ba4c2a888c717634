/** Kept in step with package.json and .claude-plugin/plugin.json by a test. */
export const VERSION = "0.1.0";
