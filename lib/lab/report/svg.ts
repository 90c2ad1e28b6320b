import type { Figure } from "./figures.ts";

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
const W = 640, H = 360, L0 = 60, T = 36;

const nums = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : []);
const text = (o: unknown): string => {
  const t = (o as { title?: { text?: string } } | undefined)?.title?.text;
  return typeof t === "string" ? t : "";
};
const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;");

function ticks(lo: number, hi: number, log: boolean): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (log) { // decades; with 1-2-5 steps when the range spans fewer than three decades
    const steps = hi - lo < 3 ? [0, Math.log10(2), Math.log10(5)] : [0];
    const out = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
      for (const d of steps) if (e + d >= lo - 1e-9 && e + d <= hi + 1e-9) out.push(e + d);
    }
    return out;
  }
  const s = tickStep(lo, hi), out = [];
  for (let v = Math.ceil(lo / s) * s; v <= hi + 1e-12; v += s) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Ticks at tick0 + k x dtick within [lo, hi] (plotly's `tick0`/`dtick`, e.g. whole epochs). */
function fixedTicks(lo: number, hi: number, tick0: number, dtick: number): number[] {
  const out = [];
  for (let v = tick0 + Math.ceil((lo - tick0) / dtick - 1e-9) * dtick; v <= hi + 1e-9; v += dtick) {
    out.push(v);
  }
  return out;
}

/** The label of a log-axis tick at exponent `e`: 0.002, 0.01, 5, 100; 1e-6 beyond four decades from 1. */
function logLabel(e: number): string {
  const v = Number((10 ** e).toPrecision(2));
  return Math.abs(e) > 4 ? v.toExponential(0) : String(v);
}

/** The tick step of {@link ticks} for a linear axis from lo to hi. */
function tickStep(lo: number, hi: number): number {
  const step = 10 ** Math.floor(Math.log10((hi - lo) / 4 || 1));
  return step * ([1, 2, 5, 10].find((m) => (hi - lo) / (step * m) <= 6) ?? 10);
}

/** Error bar half-lengths of a trace (plotly's `error_y.array`), or none. */
const errors = (t: Record<string, unknown>): number[] =>
  nums((t.error_y as { array?: unknown } | undefined)?.array);

/** SVG dash patterns of plotly's `line.dash` values. */
const DASHES: Record<string, string> = { dash: "6 4", dot: "2 3", dashdot: "6 3 2 3" };

/** Approximate width in pixels of `chars` characters of DejaVu Sans at `size` px (0.6 em per character). */
const textWidth = (chars: number, size: number) => 0.6 * size * chars;

/** A label cut to `max` characters, with an ellipsis when cut. */
const cut = (label: string, max: number) => (label.length > max ? `${label.slice(0, max - 1)}…` : label);

/**
 * Where to centre a title of `label` along a side of `span` pixels, and its font size: the font shrinks (to 8 px at
 * least) when the title is longer than the side, and the centre moves in from the ends so that it stays inside.
 */
function fitTitle(label: string, centre: number, span: number, size: number): { at: number; size: number } {
  const fit = Math.max(8, Math.min(size, (span - 8) / (0.6 * Math.max(1, label.length))));
  const half = textWidth(label.length, fit) / 2;
  return { at: Math.min(Math.max(centre, half + 4), span - half - 4), size: Number(fit.toFixed(1)) };
}

/**
 * The category labels of a figure: the x-axis's `categoryarray` when it sets `categoryorder: "array"`, else in
 * order of first appearance over all traces (plotly's category order).
 */
function categoriesOf(
  data: Record<string, unknown>[],
  xaxis?: { categoryorder?: string; categoryarray?: unknown },
): string[] {
  const seen: string[] = xaxis?.categoryorder === "array" && Array.isArray(xaxis.categoryarray)
    ? xaxis.categoryarray.map(String)
    : [];
  for (const t of data) {
    for (const v of Array.isArray(t.x) ? t.x : []) if (!seen.includes(String(v))) seen.push(String(v));
  }
  return seen;
}

/** The heights of a figure's horizontal reference lines (`layout.shapes` across the plot), which the y range holds. */
function referenceLines(fig: Figure): number[] {
  return ((fig.layout.shapes ?? []) as Array<{ y0?: number; y1?: number; xref?: string }>)
    .filter((s) => s.xref === "paper" && s.y0 !== undefined && s.y0 === s.y1).map((s) => s.y0!);
}

/**
 * A static SVG rendering of a plotly figure's scatter (lines/markers) and bar traces, with axes (linear or log
 * x), error bars, horizontal reference lines (`layout.shapes`) and their labels (`layout.annotations`), title and
 * legend: what the notebooks' PNG rendering of a figure draws (where plotly.js cannot run: GitHub, nbviewer,
 * untrusted notebooks, HTML exports). A trace's own `line.color`/`marker.color`, `line.dash` and mode are kept
 * (the legend shows each trace's line, dash and marker); `showlegend: false` leaves a trace out of the legend.
 * Category labels are placed by label over all traces, and the margins grow so that rotated labels fit.
 */
export function figureSvg(fig: Figure): string {
  const xaxis = fig.layout.xaxis as
    | { type?: string; tick0?: number; dtick?: number; categoryorder?: string; categoryarray?: unknown }
    | undefined;
  const yaxis = fig.layout.yaxis as { range?: number[] } | undefined;
  const logX = xaxis?.type === "log";
  // Category axes (string x values) place the categories at 0, 1, 2, ... by label, over all traces.
  const categorical = fig.data.some((t) => Array.isArray(t.x) && t.x.some((v) => typeof v === "string"));
  const categories = categorical ? categoriesOf(fig.data, xaxis) : [];
  const traces = fig.data.map((t, k) => {
    const line = (t.line ?? {}) as { color?: string; dash?: string };
    const marker = (t.marker ?? {}) as { color?: string };
    return {
      name: String(t.name ?? ""),
      type: String(t.type ?? "scatter"),
      mode: String(t.mode ?? "lines"),
      x: categorical
        ? (Array.isArray(t.x) ? t.x : []).map((v) => categories.indexOf(String(v)))
        : nums(t.x).map((v) => (logX ? Math.log10(v) : v)),
      y: nums(t.y),
      error: errors(t),
      color: line.color ?? marker.color ?? COLORS[k % COLORS.length],
      dash: line.dash && DASHES[line.dash] ? DASHES[line.dash] : null,
      legend: t.showlegend !== false,
    };
  });
  // The legend column grows with the longest series name (up to 42 characters of at most about 6 px at 11 px, DejaVu
  // Sans); longer names are cut to fit.
  const R = Math.min(
    290,
    Math.max(130, 36 + 6 * Math.max(0, ...traces.map((t) => Math.min(42, t.name.length)))),
  );
  const bars = traces.some((t) => t.type === "bar");
  // Bars and categorical points (no lines) sit in the middle of their category's slot, off the axes.
  const slotted = bars || (categorical && traces.every((t) => !t.mode.includes("lines")));
  const xs = slotted ? [-0.5, categories.length - 0.5] : traces.flatMap((t) => t.x).filter(Number.isFinite);
  const ys = traces.flatMap((t) => t.y.flatMap((y, i) => [y - (t.error[i] ?? 0), y + (t.error[i] ?? 0)]))
    .filter(Number.isFinite).concat(bars ? [0] : [], referenceLines(fig));
  // Bar labels that would not fit side by side are rotated by 35 degrees, line categories by 30; the margins
  // below and to the left grow to hold the longest rotated label, and the x-axis title goes below them.
  const barFont = 10, lineFont = 9, barMax = 28, lineMax = 24;
  const longest = (max: number) => Math.max(0, ...categories.map((l) => cut(l, max).length));
  const rotate = bars && categories.length * 6.5 * longest(barMax) > W - L0 - R;
  const angle = bars ? 35 : 30, font = bars ? barFont : lineFont;
  const rotated = categorical && (!bars || rotate);
  const labelW = rotated ? textWidth(longest(bars ? barMax : lineMax), font) : 0;
  const sin = Math.sin((angle * Math.PI) / 180), cos = Math.cos((angle * Math.PI) / 180);
  const hasXTitle = text(fig.layout.xaxis) !== "";
  const B = rotated ? Math.min(170, Math.ceil(14 + labelW * sin + 8 + (hasXTitle ? 18 : 0))) : 44;
  // The first category sits half a slot in from the axis (bars) or on it (lines); its label must not leave the image.
  const firstLabel = rotated ? labelW * cos + 4 : 0, slot = slotted ? 1 / (2 * categories.length) : 0;
  const L = Math.min(220, Math.max(L0, Math.ceil((firstLabel - slot * (W - R)) / (1 - slot))));
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = yaxis?.range ?? [Math.min(...ys), Math.max(...ys)];
  if (!(x1 > x0)) [x0, x1] = [x0 - 1, x0 + 1];
  // Markers (and their error bars) at the ends of a numeric axis would sit on the axis line: leave a margin.
  if (!bars && !categorical && traces.some((t) => t.mode.includes("markers"))) {
    const pad = 0.03 * (x1 - x0);
    [x0, x1] = [x0 - pad, x1 + pad];
  }
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y0 + 1];
  if (!yaxis?.range) { // widen to whole ticks, so that the highest value sits under a labelled tick
    const step = tickStep(y0, y1);
    [y0, y1] = [Math.floor(y0 / step + 1e-9) * step, Math.ceil(y1 / step - 1e-9) * step];
  }
  const px = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const py = (y: number) => H - B - ((y - y0) / (y1 - y0)) * (H - T - B);
  const parts: string[] = [];
  for (const v of ticks(y0, y1, false)) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${py(v)}" y2="${py(v)}" stroke="#eee"/>`);
    parts.push(
      `<text x="${L - 6}" y="${py(v) + 4}" text-anchor="end" font-size="11">${
        Number(v.toPrecision(4))
      }</text>`,
    );
  }
  if (categorical) { // one label per category (every k-th when there are more than 12 on a line axis)
    const every = bars ? 1 : Math.ceil(categories.length / 12), y = H - B + (bars ? 14 : 12);
    categories.forEach((label, i) => {
      if (i % every !== 0) return;
      const at = rotated
        ? ` text-anchor="end" transform="rotate(-${angle} ${px(i)} ${y})"`
        : ` text-anchor="middle"`;
      parts.push(
        `<text x="${px(i)}" y="${y}"${at} font-size="${font}">${
          esc(cut(label, bars ? barMax : lineMax))
        }</text>`,
      );
    });
  } else {
    const fixed = !logX && xaxis?.dtick ? fixedTicks(x0, x1, xaxis.tick0 ?? 0, xaxis.dtick) : null;
    for (const v of fixed ?? ticks(x0, x1, logX)) {
      const label = logX ? logLabel(v) : String(Number(v.toPrecision(4)));
      parts.push(`<text x="${px(v)}" y="${H - B + 16}" text-anchor="middle" font-size="11">${label}</text>`);
    }
  }
  const nBars = traces.filter((u) => u.type === "bar").length;
  const bw = (W - L - R) / (x1 - x0) * 0.8 / Math.max(1, nBars);
  let legendRow = 0;
  traces.forEach((t, k) => {
    const { color } = t, dash = t.dash ? ` stroke-dasharray="${t.dash}"` : "";
    if (t.type === "bar") {
      t.y.forEach((y, i) => {
        const cx = px(t.x[i]) - (bw * nBars) / 2 + k * bw;
        parts.push(
          `<rect x="${cx}" y="${Math.min(py(y), py(0))}" width="${bw}" height="${
            Math.abs(py(0) - py(y))
          }" fill="${color}"/>`,
        );
      });
    } else {
      const pts = t.x.map((x, i) => [px(x), py(t.y[i])]).filter(([a, b]) =>
        Number.isFinite(a) && Number.isFinite(b)
      );
      if (t.mode.includes("lines")) {
        parts.push(
          `<polyline fill="none" stroke="${color}" stroke-width="1.5"${dash} points="${
            pts.map((p) => p.map((v) => v.toFixed(1)).join(",")).join(" ")
          }"/>`,
        );
      }
      if (t.mode.includes("markers")) {
        for (const [a, b] of pts) {
          parts.push(`<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="2.5" fill="${color}"/>`);
        }
      }
    }
    t.error.forEach((e, i) => {
      const cx = t.type === "bar" ? px(t.x[i]) - (bw * nBars) / 2 + (k + 0.5) * bw : px(t.x[i]);
      const [lo, hi] = [py(t.y[i] - e), py(t.y[i] + e)];
      if (![cx, lo, hi].every(Number.isFinite)) return;
      parts.push(
        `<path d="M${cx - 3},${hi}H${cx + 3}M${cx},${hi}V${lo}M${cx - 3},${lo}H${cx + 3}" ` +
          `stroke="${t.type === "bar" ? "#222" : color}" stroke-width="1" stroke-opacity="0.8" fill="none"/>`,
      );
    });
    if (!t.legend) return;
    // The legend shows what the trace draws: a square for bars, else its line (dashed or not; long enough for the
    // dashes to show beside a marker) and/or a marker.
    const ly = T + 16 * legendRow++, lx = W - R + 6;
    if (t.type === "bar") {
      parts.push(`<rect x="${lx + 6}" y="${ly}" width="10" height="10" fill="${color}"/>`);
    } else {
      if (t.mode.includes("lines")) {
        parts.push(
          `<line x1="${lx}" x2="${lx + 22}" y1="${ly + 5}" y2="${
            ly + 5
          }" stroke="${color}" stroke-width="2"${dash}/>`,
        );
      }
      if (t.mode.includes("markers")) {
        parts.push(`<circle cx="${lx + 11}" cy="${ly + 5}" r="3" fill="${color}"/>`);
      }
    }
    parts.push(
      `<text x="${W - R + 32}" y="${ly + 9}" font-size="11">${
        esc(cut(t.name, Math.floor((R - 36) / 6)))
      }</text>`,
    );
  });
  for (const y of referenceLines(fig)) {
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${py(y)}" y2="${py(y)}" stroke="gray" stroke-dasharray="4 3"/>`,
    );
  }
  type Annotation = { x?: number; y?: number; text?: string; xanchor?: string; yanchor?: string };
  for (const a of (fig.layout.annotations ?? []) as Annotation[]) {
    if (a.x === undefined || a.y === undefined || !a.text) continue;
    const right = a.xanchor === "right", below = a.yanchor === "top";
    parts.push(
      `<text x="${L + a.x * (W - L - R) + (right ? -4 : 4)}" y="${py(a.y) + (below ? 13 : -4)}"${
        right ? ` text-anchor="end"` : ""
      } font-size="11" fill="gray">${esc(a.text)}</text>`,
    );
  }
  const [title, xLabel, yLabel] = [text(fig.layout), text(fig.layout.xaxis), text(fig.layout.yaxis)];
  const t = fitTitle(title, W / 2, W, 14), xt = fitTitle(xLabel, (L + W - R) / 2, W, 12);
  const yt = fitTitle(yLabel, (T + H - B) / 2, H, 12);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">` +
    `<rect width="${W}" height="${H}" fill="white"/>` +
    `<text x="${t.at}" y="20" text-anchor="middle" font-size="${t.size}">${esc(title)}</text>` +
    `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${W - R}" y1="${
      H - B
    }" y2="${H - B}" stroke="#333"/>` +
    parts.join("") +
    `<text x="${xt.at}" y="${H - 8}" text-anchor="middle" font-size="${xt.size}">${esc(xLabel)}</text>` +
    `<text x="14" y="${yt.at}" text-anchor="middle" font-size="${yt.size}" transform="rotate(-90 14 ${yt.at})">${
      esc(yLabel)
    }</text>` +
    `</svg>`;
}
