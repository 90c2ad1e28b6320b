import { Buffer } from "node:buffer";
import * as aq from "arquero";
import type { Figure } from "./figures.ts";
import { encodePng, tileImages } from "./png.ts";
import { rasterizeSvg } from "./raster.ts";
import { figureSvg } from "./svg.ts";

/** The symbol the Deno Jupyter kernel looks for to get an object's MIME bundle. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** An object the Deno kernel shows richly when it is the value of a cell (or passed to `Deno.jupyter.display`). */
export interface Displayable {
  [JUPYTER_DISPLAY](): Record<string, unknown>;
}

function bundle(mime: Record<string, unknown>): Displayable {
  return { [JUPYTER_DISPLAY]: () => mime };
}

/**
 * A plotly figure for the notebook: the `application/vnd.plotly.v1+json` bundle (interactive in JupyterLab and
 * VS Code), a PNG rendering of its static SVG (`image/png`: what GitHub, nbviewer, VS Code, the classic Notebook,
 * untrusted notebooks and nbconvert's HTML pages show), and its title as text. No SVG MIME type: the classic
 * Notebook prefers `text/html` to any image and, untrusted, strips the SVG out of it to a run of text, and
 * nbconvert's HTML export prefers `image/svg+xml` to PNG and sanitises it to text too.
 */
export async function showFigure(fig: Figure): Promise<Displayable> {
  const title = (fig.layout.title as { text?: string } | undefined)?.text ?? "figure";
  const svg = figureSvg(fig);
  const { png } = await rasterizeSvg(svg);
  return bundle({
    "application/vnd.plotly.v1+json": fig,
    "image/png": Buffer.from(png).toString("base64"),
    "text/plain": `[plot] ${title}`,
  });
}

/** HWC uint8 32x32 images tiled in a grid, shown as a PNG. */
export function showImages(images: Uint8Array[], cols = 10, zoom = 3): Displayable {
  const grid = tileImages(images, cols, 32, zoom);
  const png = encodePng(grid.pixels, grid.width, grid.height);
  return bundle({
    "image/png": Buffer.from(png).toString("base64"),
    "text/plain": `[${images.length} images]`,
  });
}

/** An arquero table as HTML (and Markdown for plain-text viewers). */
export function showTable(table: aq.ColumnTable): Displayable {
  return bundle({ "text/html": table.toHTML(), "text/plain": table.toMarkdown() });
}

/** Markdown text, rendered where the viewer renders Markdown outputs, shown as is elsewhere. */
export function showMarkdown(markdown: string): Displayable {
  return bundle({ "text/markdown": markdown, "text/plain": markdown });
}

/** Plain objects (one per row) as a table. */
export function showRows(rows: object[]): Displayable {
  return showTable(aq.from(rows as Record<string, unknown>[]));
}
