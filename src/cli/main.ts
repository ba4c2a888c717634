/** Entry point of the amplihack-remote executable (bundled to dist/cli.js). */
import { main } from "./program.js";

main(process.argv).then((code) => {
  process.exitCode = code;
});
