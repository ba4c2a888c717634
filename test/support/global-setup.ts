/**
 * Runs once before the suite. Tests run real git; give them an identity and isolate them from the
 * developer's own git and state configuration.
 */
export default function setup() {
  process.env.GIT_AUTHOR_NAME = "Test User";
  process.env.GIT_AUTHOR_EMAIL = "test@example.invalid";
  process.env.GIT_COMMITTER_NAME = "Test User";
  process.env.GIT_COMMITTER_EMAIL = "test@example.invalid";
  process.env.GIT_CONFIG_NOSYSTEM = "1";
  process.env.AMPLIHACK_NO_TTY = "1";
}
