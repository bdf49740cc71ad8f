// Runs runTask with the behaviour named by the first argument (used by run_task_test.ts).
import { runTask } from "../run_task.ts";

const mode = Deno.args[0];
await runTask(() => {
  if (mode === "code") return Promise.resolve(Number(Deno.args[1]));
  if (mode === "throw") return Promise.reject(new Error("Cannot train: bad config\nsecond line"));
  throw new Error(`unknown mode ${mode}`);
});
console.log("not reached");
