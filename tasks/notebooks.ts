/**
 * `deno task notebooks`: executes every `notebooks/*.ipynb` headless with the
 * Deno Jupyter kernel and checks each has an image output and no errors.
 * Sets Jupyter up first when it can (Debian's `jupyter-nbconvert` as root,
 * `deno jupyter --install` for this Deno binary).
 *
 * @module
 */
import { basename, join, resolve } from "node:path";
import { checkNotebook, formatDuration, parseTaskArgs, runTask } from "../mod.ts";
import { fileURLToPath } from "node:url";

const HELP = `Usage: deno task notebooks [--out DIR] [--setup-only] [--no-setup] [NOTEBOOK.ipynb ...]

Executes notebooks (default: every notebooks/*.ipynb) headless with the Deno kernel
(jupyter nbconvert --to notebook --execute), writes the executed copies to DIR
(default artifacts/notebooks), and checks that each has at least one image/svg+xml
or image/png output and no error output. Prints one line per notebook; exits 1 with
the failing cell's error otherwise.

Setup, unless --no-setup:
  - if "jupyter nbconvert" is missing and this runs as root with apt-get, installs
    Debian's jupyter-nbconvert and jupyter-client (apt-get update only if needed);
  - installs the Deno kernelspec ("deno") with deno jupyter --install when there is
    none; when yours runs another Deno binary it is left as it is, and the notebooks
    run with a kernelspec for this binary in artifacts/jupyter (through JUPYTER_PATH).

--out DIR      where executed notebooks go (default artifacts/notebooks)
--setup-only   set Jupyter up and stop
--no-setup     do not install anything; fail if Jupyter or the kernel is missing
--timeout S    seconds one cell may take (default 300)`;

const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped", env }).output();
    return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { code: 127, stdout: "", stderr: `${cmd}: not found` };
    throw err;
  }
}

async function hasNbconvert(): Promise<boolean> {
  return (await run("jupyter", ["nbconvert", "--version"])).code === 0;
}

/** Installs Jupyter from Debian when missing (root only). */
async function ensureJupyter(setup: boolean): Promise<void> {
  if (await hasNbconvert()) return;
  const hint = "apt-get install -y --no-install-recommends jupyter-nbconvert jupyter-client";
  if (!setup) throw new Error(`Cannot run notebooks: jupyter nbconvert is not installed (${hint})`);
  const isRoot = Deno.uid() === 0;
  if (!isRoot || (await run("apt-get", ["--version"])).code !== 0) {
    throw new Error(
      `Cannot run notebooks: jupyter nbconvert is missing and cannot be installed here (as root: ${hint})`,
    );
  }
  console.log("notebooks: installing jupyter-nbconvert and jupyter-client from Debian ...");
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const args = ["install", "-y", "--no-install-recommends", "jupyter-nbconvert", "jupyter-client"];
  let install = await run("apt-get", args, env);
  if (install.code !== 0 && /Unable to locate package|has no installation candidate/.test(install.stderr)) {
    console.log("notebooks: apt-get update ...");
    const update = await run("apt-get", ["update"], env);
    if (update.code !== 0) throw new Error(`Cannot run notebooks: apt-get update failed: ${lastLine(update.stderr)}`);
    install = await run("apt-get", args, env);
  }
  if (install.code !== 0) throw new Error(`Cannot run notebooks: apt-get install failed: ${lastLine(install.stderr)}`);
  if (!await hasNbconvert()) throw new Error("Cannot run notebooks: jupyter nbconvert still missing after apt-get");
}

function lastLine(s: string): string {
  return s.trim().split("\n").filter((l) => l.trim() !== "").at(-1) ?? "(no output)";
}

/** The argv[0] of the installed "deno" kernelspec, if any. */
async function kernelBinary(): Promise<string | undefined> {
  const list = await run("jupyter", ["kernelspec", "list", "--json"]);
  if (list.code !== 0) return undefined;
  try {
    const specs = JSON.parse(list.stdout).kernelspecs as Record<string, { spec: { argv: string[] } }>;
    return specs.deno?.spec.argv[0];
  } catch {
    return undefined;
  }
}

async function samePath(a: string, b: string): Promise<boolean> {
  try {
    return await Deno.realPath(a) === await Deno.realPath(b);
  } catch {
    return false;
  }
}

/**
 * A "deno" kernelspec that runs this Deno binary, and the environment nbconvert needs to find it.
 * With no "deno" kernelspec yet, `deno jupyter --install` makes one (what a Jupyter user wants anyway).
 * One that runs another Deno binary is the user's: it is not overwritten; a private kernelspec in
 * artifacts/jupyter comes first through JUPYTER_PATH instead.
 */
async function ensureKernel(setup: boolean, root: string): Promise<Record<string, string>> {
  const deno = Deno.execPath();
  let current = await kernelBinary();
  if (current === undefined && setup) {
    const install = await run(deno, ["jupyter", "--install"]);
    if (install.code !== 0) throw new Error(`Cannot install the Deno kernel: ${lastLine(install.stderr)}`);
    current = await kernelBinary();
    console.log(`notebooks: Deno kernel installed (${current ?? "not found after install"})`);
  }
  if (current !== undefined && await samePath(current, deno)) return {};
  if (!setup) {
    throw new Error(
      `Cannot run notebooks: the "deno" kernel ${current ? `runs ${current}, not ${deno}` : "is not installed"} ` +
        "(run deno jupyter --install, or leave out --no-setup)",
    );
  }
  const dir = join(root, "artifacts", "jupyter");
  await Deno.mkdir(join(dir, "kernels", "deno"), { recursive: true });
  const spec = {
    argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno",
    language: "typescript",
  };
  await Deno.writeTextFile(join(dir, "kernels", "deno", "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
  const env = { JUPYTER_PATH: dir };
  const seen = await run("jupyter", ["kernelspec", "list", "--json"], env);
  const argv0 = (JSON.parse(seen.stdout || "{}").kernelspecs?.deno?.spec?.argv ?? [])[0] as string | undefined;
  if (argv0 === undefined || !await samePath(argv0, deno)) {
    throw new Error(`Cannot run notebooks: Jupyter does not pick up the kernelspec in ${dir} (it finds ${argv0})`);
  }
  console.log(
    `notebooks: running this Deno (${deno}) through ${dir}; your "deno" kernel (${current}) is left as it is`,
  );
  return env;
}

/** The part of nbconvert's stderr that names the failing cell and its error. */
function cellError(stderr: string): string {
  const at = stderr.indexOf("An error occurred while executing the following cell");
  const part = at >= 0 ? stderr.slice(at) : stderr;
  return part.trim().split("\n").filter((l) => !l.includes('"deno jupyter" is unstable')).slice(0, 40).join("\n");
}

async function main(): Promise<number> {
  const { flags, positionals } = parseTaskArgs(Deno.args, {
    help: { type: "boolean", short: "h" },
    out: { type: "string" },
    "setup-only": { type: "boolean" },
    "no-setup": { type: "boolean" },
    timeout: { type: "string" },
  }, { allowPositionals: true });
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  const setup = !flags["no-setup"];
  const timeout = Number(flags.timeout ?? 300);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new RangeError(`Cannot run notebooks: --timeout must be a positive number of seconds (got ${flags.timeout})`);
  }
  const root = fileURLToPath(new URL("..", import.meta.url));
  const outDir = resolve(typeof flags.out === "string" ? flags.out : join(root, "artifacts", "notebooks"));

  await ensureJupyter(setup);
  const kernelEnv = await ensureKernel(setup, root);
  if (flags["setup-only"]) return 0;

  let notebooks = positionals.map((p) => resolve(p));
  if (notebooks.length === 0) {
    const dir = join(root, "notebooks");
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".ipynb") && !e.name.startsWith("_")) notebooks.push(join(dir, e.name));
    }
    notebooks = notebooks.sort();
  }
  if (notebooks.length === 0) throw new Error("Cannot run notebooks: none found in notebooks/");
  try {
    await Deno.mkdir(outDir, { recursive: true });
  } catch (err) {
    if (!(err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.NotCapable)) throw err;
    // Outside artifacts/: nbconvert creates the folder itself.
  }

  let failed = 0;
  const started = performance.now();
  for (const path of notebooks) {
    const name = basename(path);
    const t0 = performance.now();
    const result = await run("jupyter", [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--ExecutePreprocessor.kernel_name=deno",
      `--ExecutePreprocessor.timeout=${timeout}`,
      "--output-dir",
      outDir,
      "--output",
      name,
      path,
    ], { NO_COLOR: "1", ...kernelEnv });
    const took = formatDuration((performance.now() - t0) / 1000);
    if (result.code !== 0) {
      failed++;
      console.log(`FAIL ${name} (${took}): a cell raised an error\n${indent(cellError(result.stderr))}`);
      continue;
    }
    const check = checkNotebook(JSON.parse(await Deno.readTextFile(join(outDir, name))));
    const problems: string[] = [];
    if (check.images === 0) problems.push("no image/svg+xml or image/png output");
    for (const e of check.errors) problems.push(`cell ${e.cell}: ${e.ename}: ${e.evalue}`);
    for (const e of check.cellErrors) problems.push(`cell ${e.cell}: ${e.text.split("\n")[0]}`);
    if (check.notRun.length) problems.push(`cells not run: ${check.notRun.join(", ")}`);
    const summary = `${check.cells} cells, ${check.images} images`;
    if (problems.length) {
      failed++;
      console.log(`FAIL ${name} (${took}, ${summary}): ${problems.join("; ")}`);
    } else {
      console.log(`ok   ${name} (${took}, ${summary})`);
    }
  }
  const total = formatDuration((performance.now() - started) / 1000);
  console.log(`notebooks: ${notebooks.length - failed} of ${notebooks.length} ok in ${total}; outputs in ${outDir}`);
  return failed === 0 ? 0 : 1;
}

function indent(s: string): string {
  return s.split("\n").map((l) => `    ${l}`).join("\n");
}

if (import.meta.main) await runTask(main);
