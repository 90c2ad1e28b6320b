/** Reporting: per-epoch tables (arquero), plotly figures, self-contained HTML pages, the machine measured on. */
export { type MachineInfo, machineInfo, slug } from "./machine.ts";
export { accuracyFigure, type Figure, lossFigure, lrFigure } from "./figures.ts";
export { figureDiv, plotlyJs, reportHtml, scriptJson } from "./html.ts";
export { formatSeconds, metricsTable } from "./metrics.ts";
export { epochLine, progressLine, progressPrinter } from "./progress.ts";
