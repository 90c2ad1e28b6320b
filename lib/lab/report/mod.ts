/**
 * Reporting: per-epoch tables (arquero), plotly figures, self-contained HTML pages, the machine measured on.
 * Row 5 of lib/'s layout (README, Layout): imports backend, train.
 */
export { type MachineInfo, machineInfo, slug } from "./machine.ts";
export {
  accuracyFigure,
  barFigure,
  type Figure,
  lineFigure,
  lossFigure,
  lrFigure,
  type Series,
  valueCounts,
} from "./figures.ts";
export { escapeHtml, figureDiv, plotlyJs, reportHtml, scriptJson } from "./html.ts";
export { formatFlops, formatSeconds, metricsRows, metricsTable } from "./metrics.ts";
export { epochLine, progressLine, progressPrinter } from "./progress.ts";
export { encodePng, tileImages } from "./png.ts";
export { figureSvg } from "./svg.ts";
export { type Raster, rasterizeSvg } from "./raster.ts";
export {
  type Displayable,
  JUPYTER_DISPLAY,
  showFigure,
  showImages,
  showMarkdown,
  showRows,
  showTable,
} from "./display.ts";
