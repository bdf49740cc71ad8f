/**
 * The HTML report of one run: config, summary, charts (inline SVG), eval
 * table with intervals, samples and notable events, in one file with its
 * CSS inline and no external references, so it opens from disk offline.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { readTextIfExists, writeFileAtomic } from "../io/mod.ts";
import { readNdjson } from "../telemetry/mod.ts";
import type { Chart } from "./chart.ts";
import { escapeXml as esc, formatNumber, type MetricRow } from "./_common.ts";
import { calibrationDiagram } from "./calibration_diagram.ts";
import { confusionMatrix } from "./confusion_matrix.ts";
import { intervalChart, type IntervalRow } from "./interval_chart.ts";
import { lossCurves } from "./loss_curves.ts";
import { lrSchedule } from "./lr_schedule.ts";
import { type SystemRow, systemUsage } from "./system_usage.ts";

/** Options of {@linkcode writeRunReport} and {@linkcode renderRunReport}. */
export interface RunReportOptions {
  /** Where to write the HTML (default `<runDir>/report.html`). */
  out?: string;
  /** Generated samples shown at most, a non-negative integer (default 20, newest last; 0 shows none). */
  maxSamples?: number;
  /** Chart width in pixels (default 720). */
  chartWidth?: number;
  /** The time printed as "generated at" (default now). */
  now?: Date;
}

/**
 * Renders the report of the run in `runDir` (a folder with `run.json`) as
 * one HTML string. Files a run does not have yet (no `summary.json` while
 * it runs, no `eval/` before `deno task eval`) are shown as such, not
 * errors; a chart that cannot be drawn shows its error in its place.
 * A `maxSamples` that is not a non-negative integer is a RangeError.
 *
 * @example
 * ```ts ignore
 * import { findRunDir, renderRunReport } from "./mod.ts";
 * const html = await renderRunReport(await findRunDir("artifacts/runs", "20261124-161852-5e88"));
 * ```
 */
export async function renderRunReport(runDir: string, options: RunReportOptions = {}): Promise<string> {
  const maxSamples = options.maxSamples ?? 20;
  if (!(Number.isInteger(maxSamples) && maxSamples >= 0)) {
    throw new RangeError(`Cannot write report: maxSamples must be a non-negative integer (got ${maxSamples})`);
  }
  const run = await readJson(join(runDir, "run.json"));
  if (!run) throw new RangeError(`Cannot write report: ${join(runDir, "run.json")} does not exist`);
  const config = await readTextIfExists(join(runDir, "config.yaml"));
  const summary = await readJson(join(runDir, "summary.json"));
  const metrics = await readNdjson<MetricRow>(join(runDir, "metrics.ndjson"));
  const system = await readNdjson<SystemRow>(join(runDir, "system.ndjson"));
  const evals = await readNdjson<IntervalRow & Record<string, unknown>>(join(runDir, "eval", "metrics.ndjson"));
  const predictions = await readNdjson<Record<string, unknown>>(join(runDir, "eval", "predictions.ndjson"));
  const samples = await readNdjson<Record<string, unknown>>(join(runDir, "samples.ndjson"));
  const events = await readNdjson<Record<string, unknown>>(join(runDir, "events.ndjson"));
  const width = options.chartWidth ?? 720;
  const runId = String(run.run_id ?? runDir);
  let charts = 0;
  const chart = (make: () => Chart): string => {
    try {
      const svg = make().svg.replace(/plot-(clip|pattern|marker)-/g, `c${++charts}-plot-$1-`);
      return `<div class="chart">${svg}</div>`;
    } catch (err) {
      return `<p class="error">${esc((err as Error).message)}</p>`;
    }
  };

  const sections: string[] = [];
  sections.push(section("Run", keyValues(runFields(run))));
  sections.push(
    section(
      "Summary",
      summary ? keyValues(flatten(summary, ["sample", "dir"])) : missing("no summary.json yet (the run has not ended)"),
    ),
  );

  const training: string[] = [];
  const metricNames = new Set(metrics.map((m) => m.metric));
  if (metrics.length === 0) training.push(missing("no metrics.ndjson records yet"));
  if (metricNames.has("loss")) training.push(chart(() => lossCurves(metrics, { width })));
  if (metricNames.has("lr")) training.push(chart(() => lrSchedule(metrics, { width })));
  if (metricNames.has("grad_norm")) {
    training.push(
      chart(() => lossCurves(metrics, { width, metric: "grad_norm", title: "Gradient norm", height: 220 })),
    );
  }
  if (metricNames.has("accuracy")) {
    training.push(chart(() => lossCurves(metrics, { width, metric: "accuracy", title: "Accuracy", height: 220 })));
  }
  sections.push(section("Training", training.join("\n")));
  sections.push(
    section(
      "System",
      system.length > 1 ? chart(() => systemUsage(system, { width })) : missing(
        system.length ? "one system sample: the run was shorter than the 2 s sampling interval" : "no system samples",
      ),
    ),
  );

  const evalParts: string[] = [];
  if (evals.length === 0) evalParts.push(missing("not evaluated yet (run deno task eval run=" + runId + ")"));
  else {
    evalParts.push(evalTable(evals));
    evalParts.push(chart(() => intervalChart(evals, { width })));
    const classified = predictions.filter((p) => "label" in p && "prediction" in p);
    if (classified.length) {
      const datasets = [...new Set(classified.map((p) => String(p.dataset ?? "")))];
      for (const d of datasets) {
        const rows = classified.filter((p) => String(p.dataset ?? "") === d);
        evalParts.push(
          chart(() => confusionMatrix(rows, { title: `Confusion matrix${d ? `, ${d}` : ""}` })),
        );
        if (rows.some((p) => typeof p.confidence === "number")) {
          evalParts.push(
            chart(() => calibrationDiagram(rows, { width, title: `Calibration${d ? `, ${d}` : ""}` })),
          );
        }
      }
    }
  }
  sections.push(section("Evaluation", evalParts.join("\n")));
  sections.push(
    section("Samples", samples.length ? samplesHtml(samples, maxSamples) : missing("no samples")),
  );
  sections.push(section("Events", eventsHtml(events)));
  sections.push(
    section("Config", config === null ? missing("no config.yaml") : `<pre class="config">${esc(config)}</pre>`),
  );

  const now = (options.now ?? new Date()).toISOString();
  const title = `Run ${runId}${run.name ? ` (${run.name})` : ""}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(title)}</h1><p class="status status-${esc(String(run.status))}">${
    esc(String(run.status))
  }</p></header>
<nav>${
    ["Run", "Summary", "Training", "System", "Evaluation", "Samples", "Events", "Config"].map((s) =>
      `<a href="#${s.toLowerCase()}">${s}</a>`
    ).join(" ")
  }</nav>
<main>
${sections.join("\n")}
</main>
<footer>Generated by codex at ${esc(now)} from ${esc(runDir)}.</footer>
</body>
</html>
`;
}

/**
 * Writes the report of the run in `runDir` to `options.out` (default
 * `<runDir>/report.html`, its folder created when missing) atomically and
 * returns the path.
 *
 * @example
 * ```ts ignore
 * import { findRunDir, writeRunReport } from "./mod.ts";
 * const path = await writeRunReport(await findRunDir("artifacts/runs", "20261124-161852-5e88"));
 * console.log(path); // artifacts/runs/20261124-161852-5e88/report.html
 * ```
 */
export async function writeRunReport(runDir: string, options: RunReportOptions = {}): Promise<string> {
  const html = await renderRunReport(runDir, options);
  const out = options.out ?? join(runDir, "report.html");
  await Deno.mkdir(dirname(out), { recursive: true });
  await writeFileAtomic(out, html);
  return out;
}

// ---------------------------------------------------------------------------

async function readJson(path: string): Promise<Record<string, unknown> | null> {
  const text = await readTextIfExists(path);
  if (text === null) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new SyntaxError(`Cannot write report: ${path} is not JSON`);
  }
}

function section(name: string, body: string): string {
  return `<section id="${name.toLowerCase()}"><h2>${esc(name)}</h2>\n${body}\n</section>`;
}

function missing(text: string): string {
  return `<p class="missing">${esc(text)}</p>`;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return `<span class="null">—</span>`;
  if (typeof v === "number") return esc(Number.isInteger(v) ? String(v) : formatNumber(v));
  if (typeof v === "object") return esc(JSON.stringify(v));
  return esc(String(v));
}

function keyValues(entries: [string, unknown][]): string {
  return `<table class="kv">${
    entries.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${cell(v)}</td></tr>`).join("")
  }</table>`;
}

function runFields(run: Record<string, unknown>): [string, unknown][] {
  const keys = [
    "run_id",
    "name",
    "status",
    "created_at",
    "ended_at",
    "seed",
    "backend",
    "config_hash",
    "parent",
    "sweep_id",
    "error",
  ];
  const out: [string, unknown][] = keys.filter((k) => k in run).map((k) => [k, run[k]]);
  const versions = run.versions;
  if (versions && typeof versions === "object") {
    for (const [k, v] of Object.entries(versions)) out.push([`versions.${k}`, v]);
  }
  return out;
}

function flatten(o: Record<string, unknown>, skip: string[], prefix = ""): [string, unknown][] {
  return Object.entries(o).flatMap(([k, v]): [string, unknown][] => {
    if (skip.includes(k) || k === "schema_version") return [];
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return flatten(v as Record<string, unknown>, [], `${prefix}${k}.`);
    }
    return [[`${prefix}${k}`, v]];
  });
}

function evalTable(rows: (IntervalRow & Record<string, unknown>)[]): string {
  const head = ["step", "dataset", "split", "metric", "value", "interval", "n"];
  const body = rows.map((r) => {
    const ci = typeof r.ci_low === "number" && typeof r.ci_high === "number"
      ? `[${r.ci_low.toFixed(4)}, ${r.ci_high.toFixed(4)}]`
      : "";
    const value = typeof r.value === "number" ? r.value.toFixed(4) : "";
    const cells = [cell(r.step), cell(r.dataset), cell(r.split), cell(r.metric), esc(value), esc(ci), cell(r.n)];
    return `<tr>${cells.map((c, i) => `<td${i >= 4 ? ` class="num"` : ""}>${c}</td>`).join("")}</tr>`;
  });
  return `<table class="eval"><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead>` +
    `<tbody>${body.join("")}</tbody></table>`;
}

function samplesHtml(samples: Record<string, unknown>[], max: number): string {
  const shown = max === 0 ? [] : samples.slice(-max);
  const hidden = samples.length - shown.length;
  const more = hidden === 0
    ? ""
    : missing(shown.length ? `${hidden} earlier samples not shown` : `${hidden} samples not shown (maxSamples 0)`);
  return more + shown.map((s) => {
    const meta = ["step", "seed", "temperature", "top_k"].filter((k) => k in s).map((k) => `${k} ${cell(s[k])}`).join(
      ", ",
    );
    return `<div class="sample"><p class="meta">${meta}</p><pre><span class="prompt">${
      esc(String(s.prompt ?? ""))
    }</span>${esc(String(s.text ?? ""))}</pre></div>`;
  }).join("\n");
}

function eventsHtml(events: Record<string, unknown>[]): string {
  if (events.length === 0) return missing("no events");
  const counts = new Map<string, number>();
  for (const e of events) counts.set(String(e.kind), (counts.get(String(e.kind)) ?? 0) + 1);
  const notable = events.filter((e) => !["eval", "checkpoint"].includes(String(e.kind)));
  const rows = notable.map((e) =>
    `<tr><td>${cell(e.ts)}</td><td>${cell(e.kind)}</td><td>${cell(e.step)}</td><td>${cell(e.message)}</td></tr>`
  );
  return `<p>${[...counts].map(([k, n]) => `${esc(k)} ${n}`).join(", ")}</p>` +
    `<table class="events"><thead><tr><th>ts</th><th>kind</th><th>step</th><th>message</th></tr></thead><tbody>${
      rows.join("")
    }</tbody></table>`;
}

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #222; background: #fafafa; }
header, nav, main, footer { max-width: 980px; margin: 0 auto; padding: 0 16px; }
header { display: flex; align-items: baseline; gap: 12px; }
h1 { font-size: 22px; margin: 18px 0 6px; }
h2 { font-size: 17px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 28px; }
nav a { margin-right: 10px; color: #4269d0; text-decoration: none; font-size: 14px; }
.status { padding: 2px 8px; border-radius: 10px; font-size: 13px; background: #eee; }
.status-finished { background: #d8f0dc; } .status-failed { background: #f8d7d3; } .status-running { background: #dde6fa; }
.status-interrupted { background: #fbecc8; } .status-pruned { background: #ece4f6; }
table { border-collapse: collapse; font-size: 13px; background: white; }
th, td { border: 1px solid #e3e3e3; padding: 3px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { background: #f3f3f3; font-weight: 600; }
.chart { margin: 14px 0; background: white; border: 1px solid #e3e3e3; display: inline-block; max-width: 100%; }
.chart svg { display: block; max-width: 100%; height: auto; }
.missing { color: #777; font-style: italic; }
.error { color: #b00020; }
pre { background: white; border: 1px solid #e3e3e3; padding: 8px; white-space: pre-wrap; word-break: break-word; font-size: 12px; }
.sample .meta { margin: 8px 0 2px; font-size: 12px; color: #555; }
.prompt { background: #fff3c4; }
footer { color: #777; font-size: 12px; margin: 30px auto; }
`;
