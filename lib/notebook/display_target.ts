import { join } from "node:path";
import { jupyterApi } from "./in_jupyter.ts";
import type { MediaBundle } from "./media_bundle.ts";

/**
 * Where displayed values go. `show` is called with a stable `id` per output
 * (a cell's name) and `update: true` when the output was shown before and
 * should change in place.
 */
export interface DisplayTarget {
  /** `"jupyter"` or `"files"` (or a name of your own). */
  readonly kind: string;
  show(id: string, bundle: MediaBundle, options: { update: boolean }): Promise<void>;
}

/**
 * Jupyter output through `Deno.jupyter.broadcast`: `display_data` with a
 * `display_id` the first time, `update_display_data` after, so an output
 * changes in place even while a later cell runs. Throws outside the kernel.
 *
 * @example
 * ```ts ignore
 * import { jupyterTarget } from "./display_target.ts";
 * const target = jupyterTarget("nb1");
 * await target.show("loss", { "text/plain": "step 1" }, { update: false });
 * await target.show("loss", { "text/plain": "step 2" }, { update: true }); // same output, new text
 * ```
 */
export function jupyterTarget(prefix = "codex"): DisplayTarget {
  const api = jupyterApi();
  if (api === undefined) throw new Error("Cannot display in Jupyter: Deno.jupyter exists only inside `deno jupyter`");
  return {
    kind: "jupyter",
    async show(id, bundle, { update }) {
      await api.broadcast(update ? "update_display_data" : "display_data", {
        data: bundle,
        metadata: {},
        transient: { display_id: `${prefix}-${id}` },
      });
      // The kernel (Deno 2.9) publishes displays from another thread and may report the Jupyter cell idle
      // first, which drops a display sent just before the cell ends; a short pause lets it through.
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}

/** Options of {@linkcode fileTarget}. */
export interface FileTargetOptions {
  /** Folder for images and HTML (created when needed). Default `artifacts/notebook`. */
  outDir?: string;
  /** Where lines go. Default `console.log`. */
  log?: (line: string) => void;
  /** At most one "updated" line per output per this many ms. Default 2000; 0 logs every update. */
  logEvery?: number;
}

/**
 * A file-safe version of an output id.
 *
 * @example
 * ```ts
 * import { safeFileName } from "./display_target.ts";
 * if (safeFileName("loss / val") !== "loss_val") throw new Error(safeFileName("loss / val"));
 * if (safeFileName("../etc") !== "etc" || safeFileName("///") !== "output") throw new Error("not made safe");
 * ```
 */
export function safeFileName(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "");
  return safe === "" ? "output" : safe;
}

/**
 * The display outside Jupyter: images (`image/svg+xml`, `image/png`) and
 * HTML are written to `<outDir>/<id>.svg|.png|.html` (rewritten on update)
 * and their paths printed; plain text is printed as `id = text`.
 *
 * @example
 * ```ts
 * import { fileTarget } from "./display_target.ts";
 * const outDir = await Deno.makeTempDir();
 * const lines: string[] = [];
 * const target = fileTarget({ outDir, log: (l) => lines.push(l) });
 * await target.show("chart", { "image/svg+xml": "<svg xmlns='http://www.w3.org/2000/svg'/>" }, { update: false });
 * console.log(lines[0]); // chart: <outDir>/chart.svg
 * await Deno.remove(outDir, { recursive: true });
 * ```
 */
export function fileTarget(options: FileTargetOptions = {}): DisplayTarget {
  const outDir = options.outDir ?? join("artifacts", "notebook");
  const log = options.log ?? ((line: string) => console.log(line));
  const logEvery = options.logEvery ?? 2000;
  const lastLogged = new Map<string, number>();
  let madeDir = false;
  const write = async (id: string, ext: string, data: string | Uint8Array, update: boolean) => {
    if (!madeDir) {
      await Deno.mkdir(outDir, { recursive: true });
      madeDir = true;
    }
    const path = join(outDir, `${safeFileName(id)}.${ext}`);
    const tmp = `${path}.tmp`;
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
    const now = Date.now();
    const last = lastLogged.get(id);
    if (!update || last === undefined || now - last >= logEvery) {
      lastLogged.set(id, now);
      log(`${id}: ${update ? "updated " : ""}${path}`);
    }
  };
  return {
    kind: "files",
    async show(id, bundle, { update }) {
      const svg = bundle["image/svg+xml"];
      const png = bundle["image/png"];
      const html = bundle["text/html"];
      if (typeof svg === "string") return await write(id, "svg", svg, update);
      if (typeof png === "string") return await write(id, "png", decodeBase64(png), update);
      const text = bundle["text/plain"];
      if (typeof text === "string") return log(`${id} = ${text}`);
      if (typeof html === "string") return await write(id, "html", html, update);
      log(`${id} = ${Deno.inspect(bundle, { colors: false, depth: 3 })}`);
    },
  };
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Jupyter output inside the kernel, files elsewhere.
 *
 * @example
 * ```ts
 * import { defaultTarget } from "./display_target.ts";
 * console.log(defaultTarget().kind); // "files" under `deno run` and `deno test`
 * ```
 */
export function defaultTarget(options: FileTargetOptions & { prefix?: string } = {}): DisplayTarget {
  return jupyterApi() !== undefined ? jupyterTarget(options.prefix) : fileTarget(options);
}
