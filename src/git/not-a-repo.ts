/**
 * Why `git rev-parse --show-toplevel` refused a directory, told apart by git's own words: a
 * repository owned by another user ("dubious ownership", git >= 2.35.2) is a repository, and
 * calling it "not a git repository" sends the user to `git init` inside their own project.
 */
import { RemoteError } from "../util/errors.js";
import { shellQuote } from "../util/shell-quote.js";

export function notARepoError(dir: string, gitStderr: string, elseRemedy: string): RemoteError {
  const owner = /detected dubious ownership in repository at '([^'\n]+)'/.exec(gitStderr);
  if (owner) {
    return new RemoteError(
      "not-a-repo",
      `git refuses to work in ${owner[1]}: the repository is owned by another user than the one running amplihack-remote ("dubious ownership").`,
      `If you trust it, mark it safe: git config --global --add safe.directory ${shellQuote(owner[1])} (or run as the repository's owner).`,
    );
  }
  const reason = gitStderr
    .trim()
    .split("\n")[0]
    ?.replace(/^fatal:\s*/, "");
  const known = reason && !/not a git repository/i.test(reason) ? ` (git says: ${reason})` : "";
  return new RemoteError("not-a-repo", `${dir} is not inside a git repository${known}.`, elseRemedy);
}
