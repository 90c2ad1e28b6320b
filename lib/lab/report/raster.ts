import { createRequire } from "node:module";
import { initWasm, Resvg } from "@resvg/resvg-wasm";

/**
 * SVG to PNG with resvg's WebAssembly build (`@resvg/resvg-wasm`: a maintained, dependency-free Rust renderer,
 * deterministic on every machine) and the DejaVu Sans font from npm (`dejavu-fonts-ttf`), so that text renders
 * the same with or without system fonts.
 */
let ready: Promise<Uint8Array[]> | undefined;

function load(): Promise<Uint8Array[]> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    await initWasm(await Deno.readFile(require.resolve("@resvg/resvg-wasm/index_bg.wasm")));
    return [await Deno.readFile(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"))];
  })();
  return ready;
}

/** A rendered image: RGBA pixels (row-major) and the PNG file. */
export interface Raster {
  width: number;
  height: number;
  pixels: Uint8Array;
  png: Uint8Array;
}

/** Renders `svg` at `scale` times its size (2: sharp on high-density screens). */
export async function rasterizeSvg(svg: string, scale = 2): Promise<Raster> {
  const fontBuffers = await load();
  const resvg = new Resvg(svg, {
    font: {
      fontBuffers,
      loadSystemFonts: false,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
    fitTo: { mode: "zoom", value: scale },
    background: "white",
  });
  try {
    const image = resvg.render();
    try {
      return { width: image.width, height: image.height, pixels: image.pixels, png: image.asPng() };
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
