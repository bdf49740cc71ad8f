/**
 * `deno task safety scan PATH...`: reports what the safety policy finds in
 * files (text, JSONL, a run's samples), as a table or NDJSON; exits 1 when a
 * block-level rule fires, so it works as a pre-commit check.
 *
 * @module
 */
import { defaultPolicyPath, findMatches, loadPolicy, parseTaskArgs, runTask, type Stage } from "../mod.ts";

const HELP = `Usage: deno task safety scan PATH... [--stage data|prompt|output] [--format table|ndjson] [--policy FILE]

Scans each file line by line with the safety policy (default: configs/safety/policy.yaml, or
CODEX_SAFETY_POLICY) and prints every finding: file, line, rule, action, severity, and the line
with every match masked (never the raw text). Exit code 1 when a block-level rule fires.

Examples:
  deno task safety scan data/notes.txt
  deno task safety scan artifacts/runs/*/samples.ndjson --stage output --format ndjson`;

type Match = ReturnType<typeof findMatches>[number];

/** One row per match: the line it starts on, that line with every match on it masked (first 120 characters). */
function scanRows(file: string, text: string, matches: Match[]): Record<string, unknown>[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  const lineOf = (pos: number) => {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const masked = (i: number) => {
    const from = starts[i]!, to = i + 1 < starts.length ? starts[i + 1]! - 1 : text.length;
    let out = "", pos = from;
    for (const m of matches) {
      if (m.start < pos || m.start >= to) continue;
      out += text.slice(pos, m.start) + `[${m.rule_id}]`;
      pos = Math.min(m.end, to);
    }
    return (out + text.slice(pos, to)).slice(0, 120);
  };
  return matches.map((m) => {
    const i = lineOf(m.start);
    return { file, line: i + 1, rule: m.rule_id, action: m.action, severity: m.severity, excerpt: masked(i) };
  });
}

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, {
    help: { type: "boolean", short: "h" },
    stage: { type: "string" },
    format: { type: "string" },
    policy: { type: "string" },
  }, { allowPositionals: true });
  const [cmd, ...paths] = args.positionals;
  if (!cmd || args.flags.help) {
    console.log(HELP);
    return args.flags.help ? 0 : 2;
  }
  if (cmd !== "scan") throw new RangeError(`Cannot run safety: unknown command "${cmd}" (known: scan)`);
  if (!paths.length) throw new SyntaxError("Cannot scan: give one or more files");
  const stage = (args.flags.stage ?? "data") as Stage;
  if (!["data", "prompt", "output"].includes(stage)) {
    throw new RangeError(`Cannot scan: --stage must be data, prompt or output (got "${stage}")`);
  }
  const format = args.flags.format ?? "table";
  if (format !== "table" && format !== "ndjson") {
    throw new RangeError(`Cannot scan: --format must be table or ndjson (got "${format}")`);
  }
  const policy = await loadPolicy(String(args.flags.policy ?? defaultPolicyPath()));
  const rows: Record<string, unknown>[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (err) {
      throw new Error(`Cannot scan ${path}: ${(err as Error).message.split("\n")[0]}`);
    }
    // The whole file at once, so a match may span lines (a PEM key block); rows name the line it starts on.
    rows.push(...scanRows(path, text, findMatches(text, policy, stage)));
  }
  if (format === "ndjson") { for (const r of rows) console.log(JSON.stringify(r)); }
  else {
    for (const r of rows) {
      console.log(
        `${r.file}:${r.line}  ${String(r.action).padEnd(6)} ${String(r.severity).padEnd(8)} ${
          String(r.rule).padEnd(18)
        } ${r.excerpt}`,
      );
    }
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(String(r.rule), (counts.get(String(r.rule)) ?? 0) + 1);
    console.log(`${rows.length} finding(s) in ${paths.length} file(s)`);
    for (const [rule, n] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
      console.log(`  ${rule.padEnd(20)} ${n}`);
    }
  }
  return rows.some((r) => r.action === "block") ? 1 : 0;
}

await runTask(main);
