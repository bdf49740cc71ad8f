// A stand-in MLflow tracking server for the exporter's tests, on 127.0.0.1.
// It prints `{"port": N}`, records every request, answers like MLflow 2.x,
// and when its stdin closes prints the requests as one JSON line and exits.
// Flags: --fail PATH=STATUS answers STATUS on PATH (e.g. runs/log-batch=500);
// --flaky PATH answers 503 the first time; --artifact-uri URI for runs/create.
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: { fail: { type: "string" }, flaky: { type: "string" }, "artifact-uri": { type: "string" } },
});
const [failPath, failStatus] = (values.fail ?? "=").split("=");
let flaky = values.flaky ?? "";

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: string | null;
  body: unknown;
}
const requests: Recorded[] = [];
const experiments = new Map<string, string>();
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
  const url = new URL(req.url);
  const path = url.pathname.replace(/^\/api\/2\.0\/(mlflow\/)?/, "");
  const bytes = new Uint8Array(await req.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  const isJson = (req.headers.get("content-type") ?? "").includes("json");
  requests.push({
    method: req.method,
    path,
    query: Object.fromEntries(url.searchParams),
    auth: req.headers.get("authorization"),
    body: isJson && text ? JSON.parse(text) : { bytes: bytes.length, text: text.slice(0, 40) },
  });
  if (path === failPath) return json(Number(failStatus), { error_code: "INTERNAL_ERROR", message: "boom" });
  if (path === flaky) {
    flaky = "";
    return json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "try again" });
  }
  if (path === "experiments/get-by-name") {
    const id = experiments.get(url.searchParams.get("experiment_name") ?? "");
    if (!id) return json(404, { error_code: "RESOURCE_DOES_NOT_EXIST", message: "no such experiment" });
    return json(200, { experiment: { experiment_id: id } });
  }
  if (path === "experiments/create") {
    const id = String(experiments.size + 7);
    experiments.set((JSON.parse(text) as { name: string }).name, id);
    return json(200, { experiment_id: id });
  }
  if (path === "runs/create") {
    const exp = (JSON.parse(text) as { experiment_id: string }).experiment_id;
    const artifactUri = values["artifact-uri"] ?? `mlflow-artifacts:/${exp}/mlrun1/artifacts`;
    return json(200, { run: { info: { run_id: "mlrun1", experiment_id: exp, artifact_uri: artifactUri } } });
  }
  if (["runs/log-batch", "runs/set-tag", "runs/update"].includes(path) || path.startsWith("mlflow-artifacts/")) {
    return json(200, {});
  }
  return json(404, { error_code: "ENDPOINT_NOT_FOUND", message: path });
});
console.log(JSON.stringify({ port: server.addr.port }));
for await (const _ of Deno.stdin.readable) {
  // wait for stdin to close
}
console.log(JSON.stringify(requests));
await server.shutdown();
