/**
 * `writeStatusReport`: writes a report's three files atomically, and a copy
 * in the history folder that `--since` compares with.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../io/mod.ts";
import { formatStatusMarkdown } from "./format_status_markdown.ts";
import type { StatusReport } from "./status_report.ts";

/** The files {@linkcode writeStatusReport} wrote. */
export interface StatusFiles {
  markdown: string;
  json: string;
  ndjson: string;
  history: string;
}

/**
 * Writes `status.md`, `status.json` and `findings.ndjson` (one finding per
 * line, the layout of the `status_findings` view) into `dir` (default
 * `artifacts/status`, where the view reads them), each atomically, and
 * `history/status-YYYYMMDD-HHMMSS.json` (a copy of `status.json`).
 *
 * @example
 * ```ts ignore
 * import { statusReport, writeStatusReport } from "../../mod.ts";
 * const files = await writeStatusReport(await statusReport({ tasks: false }));
 * console.log(files.ndjson); // artifacts/status/findings.ndjson
 * ```
 */
export async function writeStatusReport(report: StatusReport, dir = "artifacts/status"): Promise<StatusFiles> {
  const history = join(dir, "history");
  await Deno.mkdir(history, { recursive: true });
  const files: StatusFiles = {
    markdown: join(dir, "status.md"),
    json: join(dir, "status.json"),
    ndjson: join(dir, "findings.ndjson"),
    history: join(history, `status-${report.generated_at.replace(/[-:]/g, "").replace("T", "-").slice(0, 15)}.json`),
  };
  const json = JSON.stringify(report, null, 2) + "\n";
  await writeFileAtomic(files.ndjson, report.findings.map((f) => JSON.stringify(f) + "\n").join(""));
  await writeFileAtomic(files.json, json);
  await writeFileAtomic(files.markdown, formatStatusMarkdown(report));
  await writeFileAtomic(files.history, json);
  return files;
}
