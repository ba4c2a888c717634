// Child process for the lost-update stress test: increments a counter N times under the lock.
import { StateStore } from "../../src/state/store.js";
import { record } from "./store-record.js";

const [file, index, count] = process.argv.slice(2);
const store = new StateStore(file);
for (let i = 0; i < Number(count); i++) {
  await store.update((s) => {
    s.runs.counter.exitCode = (s.runs.counter.exitCode ?? 0) + 1;
  });
}
await store.putRun(record(`worker-${index}`));
