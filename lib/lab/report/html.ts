import { createRequire } from "node:module";
import type { Figure } from "./figures.ts";

let plotlySource: string | undefined;

/** The plotly.js-dist bundle's source, read once from the npm package, for self-contained pages. */
export function plotlyJs(): string {
  plotlySource ??= Deno.readTextFileSync(createRequire(import.meta.url).resolve("plotly.js-dist"));
  return plotlySource;
}

/** `s` with the characters HTML gives meaning to escaped. */
export const escapeHtml = (s: string): string =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** Serialises JSON for a `<script>` element (no `</script>` can end it early). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c");
}

/** A `<div>` plus the script that draws `fig` into it (plotly.js must already be on the page). */
export function figureDiv(fig: Figure, id: string): string {
  return `<div id="${id}" style="width:100%;height:420px"></div>\n` +
    `<script>Plotly.newPlot(${JSON.stringify(id)}, ${scriptJson(fig.data)}, ${
      scriptJson(fig.layout)
    }, {responsive: true});</script>`;
}

/**
 * A self-contained HTML page (plotly.js inlined, no network needed) with a title, `sections` of ready HTML
 * (tables, summaries) and the figures.
 */
export function reportHtml(title: string, sections: string[], figures: Figure[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}
table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #ddd}</style>
<script>${plotlyJs()}</script></head>
<body><h1>${escapeHtml(title)}</h1>
${sections.join("\n")}
${figures.map((f, i) => figureDiv(f, `fig${i}`)).join("\n")}
</body></html>
`;
}
