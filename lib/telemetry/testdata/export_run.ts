// Runs exportRunToMlflow(Deno.args[0]) with the MLFLOW_* environment and
// prints the result as JSON: the exporter's tests run it in a process that may
// use the network (the test runner may not).
import { exportRunToMlflow, mlflowOptionsFromEnv } from "../export_run_to_mlflow.ts";

try {
  console.log(JSON.stringify(await exportRunToMlflow(Deno.args[0]!, mlflowOptionsFromEnv()!)));
} catch (err) {
  console.error((err as Error).message);
  Deno.exit(1);
}
