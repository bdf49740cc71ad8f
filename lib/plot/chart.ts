/**
 * `Chart`: what every chart function returns. A standalone SVG string that
 * shows itself in Jupyter (`Symbol.for("Jupyter.display")`), renders to PNG
 * with resvg (wasm, loaded from its npm package) and the DejaVu Sans font
 * (from the `dejavu-fonts-ttf` npm package), and saves atomically.
 *
 * @module
 */
import { dirname } from "node:path";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { writeFileAtomic } from "../io/mod.ts";

/** What a chart is, besides its SVG. */
export interface ChartInfo {
  /** The chart function that made it (`lossCurves`, ...). */
  kind: string;
  width: number;
  height: number;
  title: string;
}

/** PNG rendering options. */
export interface PngOptions {
  /** Pixels per SVG unit (default 2, so a 640-wide chart is 1280 pixels wide). */
  scale?: number;
  /** Background color (default `"white"`). */
  background?: string;
}

/**
 * The package files the renderer reads, each with a literal specifier (so
 * `deno publish` can rewrite them to `npm:` specifiers) and a way to install
 * its package: importing its package.json, for a package no module imports.
 */
const PACKAGE_FILES = {
  wasm: {
    specifier: "@resvg/resvg-wasm/index_bg.wasm",
    resolve: () => import.meta.resolve("@resvg/resvg-wasm/index_bg.wasm"),
    install: () => import("@resvg/resvg-wasm/package.json", { with: { type: "json" } }),
  },
  sans: {
    specifier: "dejavu-fonts-ttf/ttf/DejaVuSans.ttf",
    resolve: () => import.meta.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"),
    install: () => import("dejavu-fonts-ttf/package.json", { with: { type: "json" } }),
  },
  bold: {
    specifier: "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf",
    resolve: () => import.meta.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"),
    install: () => import("dejavu-fonts-ttf/package.json", { with: { type: "json" } }),
  },
} as const;
type _PackageFile = (typeof PACKAGE_FILES)[keyof typeof PACKAGE_FILES];

let renderer: Promise<Uint8Array[]> | null = null;

/** Starts resvg's wasm once and reads the fonts, both from npm packages in `node_modules`. */
function loadRenderer(): Promise<Uint8Array[]> {
  renderer ??= (async () => {
    const wasm = await readPackageFile(PACKAGE_FILES.wasm);
    await initWasm(wasm);
    return Promise.all([PACKAGE_FILES.sans, PACKAGE_FILES.bold].map(readPackageFile));
  })();
  renderer.catch(() => renderer = null);
  return renderer;
}

async function readPackageFile(file: _PackageFile): Promise<Uint8Array> {
  const { specifier } = file;
  const url = file.resolve();
  if (!url.startsWith("file:")) {
    throw new Error(`Cannot render PNG: ${specifier} resolved to ${url}, not a file (run with nodeModulesDir "auto")`);
  }
  try {
    return await Deno.readFile(new URL(url));
  } catch {
    // A package no module imports may not be in node_modules yet: importing its package.json installs it.
    await file.install().catch(() => {});
  }
  try {
    return await Deno.readFile(new URL(url));
  } catch (err) {
    throw new Error(`Cannot render PNG: cannot read ${specifier} (${(err as Error).message.split("\n")[0]})`);
  }
}

/**
 * A chart: standalone SVG markup plus PNG rendering and saving.
 *
 * @example
 * ```ts
 * import { lrSchedule } from "./mod.ts";
 * const chart = lrSchedule([0.1, 0.2, 0.3, 0.25, 0.2]);
 * console.log(chart.toSVG().includes('xmlns="http://www.w3.org/2000/svg"')); // true
 * // In `deno jupyter`, a cell ending in `chart` shows the SVG (through Symbol.for("Jupyter.display")).
 * ```
 *
 * @example Save as PNG
 * ```ts ignore
 * await chart.save("artifacts/lr.png"); // or .svg
 * ```
 */
export class Chart {
  /** The standalone SVG (with `xmlns`, a white background and no random ids). */
  readonly svg: string;
  /** Which chart function made it. */
  readonly kind: string;
  readonly width: number;
  readonly height: number;
  readonly title: string;

  constructor(svg: string, info: ChartInfo) {
    this.svg = svg;
    this.kind = info.kind;
    this.width = info.width;
    this.height = info.height;
    this.title = info.title;
  }

  /** The standalone SVG markup. */
  toSVG(): string {
    return this.svg;
  }

  /** Renders a PNG (resvg in wasm, DejaVu Sans): about 0.15 s for a 640-pixel chart at scale 2. */
  async toPNG(options: PngOptions = {}): Promise<Uint8Array> {
    const scale = options.scale ?? 2;
    if (!(scale > 0 && scale <= 16)) throw new RangeError(`Cannot render PNG: scale must be in (0, 16] (got ${scale})`);
    const fontBuffers = await loadRenderer();
    const resvg = new Resvg(this.svg, {
      background: options.background ?? "white",
      fitTo: { mode: "width", value: Math.round(this.width * scale) },
      font: {
        fontBuffers,
        defaultFontFamily: "DejaVu Sans",
        sansSerifFamily: "DejaVu Sans",
        serifFamily: "DejaVu Sans",
        monospaceFamily: "DejaVu Sans",
      },
      textRendering: 1,
      shapeRendering: 2,
    });
    try {
      const image = resvg.render();
      try {
        return image.asPng();
      } finally {
        image.free();
      }
    } finally {
      resvg.free();
    }
  }

  /** Renders RGBA pixels (for checks): `{ width, height, pixels }`. */
  async toPixels(options: PngOptions = {}): Promise<{ width: number; height: number; pixels: Uint8Array }> {
    const scale = options.scale ?? 1;
    const fontBuffers = await loadRenderer();
    const resvg = new Resvg(this.svg, {
      background: options.background ?? "white",
      fitTo: { mode: "width", value: Math.round(this.width * scale) },
      font: { fontBuffers, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
    });
    try {
      const image = resvg.render();
      try {
        return { width: image.width, height: image.height, pixels: image.pixels.slice() };
      } finally {
        image.free();
      }
    } finally {
      resvg.free();
    }
  }

  /**
   * Writes the chart to `path` by its extension: `.svg` (the markup) or
   * `.png`; its folder is created when missing, and the file is written to
   * a temporary name and renamed. Returns the path.
   */
  async save(path: string, options: PngOptions = {}): Promise<string> {
    const ext = path.toLowerCase().match(/\.([a-z]+)$/)?.[1];
    if (ext !== "svg" && ext !== "png") throw new RangeError(`Cannot save chart: ${path} must end in .svg or .png`);
    const data = ext === "svg" ? this.svg : await this.toPNG(options);
    await Deno.mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, data);
    return path;
  }

  /** How the Deno Jupyter kernel shows the chart. */
  [Symbol.for("Jupyter.display")](): { "image/svg+xml": string } {
    return { "image/svg+xml": this.svg };
  }

  /** The SVG markup. */
  toString(): string {
    return this.svg;
  }
}
