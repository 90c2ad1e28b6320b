import type { Figure } from "./figures.ts";

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
const W = 640, H = 360, L = 60, R = 130, T = 36, B = 44;

const nums = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : []);
const text = (o: unknown): string => {
  const t = (o as { title?: { text?: string } } | undefined)?.title?.text;
  return typeof t === "string" ? t : "";
};
const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;");

function ticks(lo: number, hi: number, log: boolean): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (log) {
    const out = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) if (e >= lo - 1e-9 && e <= hi + 1e-9) out.push(e);
    return out;
  }
  const step = 10 ** Math.floor(Math.log10((hi - lo) / 4 || 1));
  const mult = [1, 2, 5, 10].find((m) => (hi - lo) / (step * m) <= 6) ?? 10;
  const s = step * mult, out = [];
  for (let v = Math.ceil(lo / s) * s; v <= hi + 1e-12; v += s) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * A static SVG rendering of a plotly figure's scatter (lines/markers) and bar traces, with axes (linear or log
 * x), title and legend. It is the `text/html` fallback where plotly.js cannot run (GitHub, HTML exports).
 */
export function figureSvg(fig: Figure): string {
  const xaxis = fig.layout.xaxis as { type?: string } | undefined;
  const yaxis = fig.layout.yaxis as { range?: number[] } | undefined;
  const logX = xaxis?.type === "log";
  // Category axes (string x values) place the categories at 0, 1, 2, ...
  const categorical = fig.data.some((t) => Array.isArray(t.x) && t.x.some((v) => typeof v === "string"));
  const traces = fig.data.map((t) => ({
    name: String(t.name ?? ""),
    type: String(t.type ?? "scatter"),
    mode: String(t.mode ?? "lines"),
    x: categorical ? nums(t.y).map((_, i) => i) : nums(t.x).map((v) => (logX ? Math.log10(v) : v)),
    y: nums(t.y),
    labels: Array.isArray(t.x) ? t.x.map(String) : [],
  }));
  const bars = traces.some((t) => t.type === "bar");
  const xs = bars
    ? [-0.5, Math.max(...traces.map((t) => t.y.length)) - 0.5]
    : traces.flatMap((t) => t.x).filter(Number.isFinite);
  const ys = traces.flatMap((t) => t.y).filter(Number.isFinite).concat(bars ? [0] : []);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = yaxis?.range ?? [Math.min(...ys), Math.max(...ys)];
  if (!(x1 > x0)) [x0, x1] = [x0 - 1, x0 + 1];
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y0 + 1];
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
  if (categorical && !bars) {
    const labels = traces[0]?.labels ?? [], every = Math.ceil(labels.length / 12);
    labels.forEach((label, i) => {
      if (i % every !== 0) return;
      parts.push(
        `<text x="${px(i)}" y="${H - B + 12}" text-anchor="end" font-size="9" transform="rotate(-30 ${
          px(i)
        } ${H - B + 12})">${esc(label).slice(0, 14)}</text>`,
      );
    });
  } else if (!bars) {
    for (const v of ticks(x0, x1, logX)) {
      const label = logX ? `1e${v}` : String(Number(v.toPrecision(4)));
      parts.push(`<text x="${px(v)}" y="${H - B + 16}" text-anchor="middle" font-size="11">${label}</text>`);
    }
  }
  traces.forEach((t, k) => {
    const color = COLORS[k % COLORS.length];
    if (t.type === "bar") {
      const n = traces.filter((u) => u.type === "bar").length, w = (W - L - R) / (x1 - x0) * 0.8 / n;
      t.y.forEach((y, i) => {
        const cx = px(i) - (w * n) / 2 + k * w;
        parts.push(
          `<rect x="${cx}" y="${Math.min(py(y), py(0))}" width="${w}" height="${
            Math.abs(py(0) - py(y))
          }" fill="${color}"/>`,
        );
        if (k === 0 && t.labels[i]) {
          parts.push(
            `<text x="${px(i)}" y="${H - B + 16}" text-anchor="middle" font-size="10">${
              esc(t.labels[i]).slice(0, 10)
            }</text>`,
          );
        }
      });
    } else {
      const pts = t.x.map((x, i) => [px(x), py(t.y[i])]).filter(([a, b]) =>
        Number.isFinite(a) && Number.isFinite(b)
      );
      if (t.mode.includes("lines")) {
        parts.push(
          `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${
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
    parts.push(`<rect x="${W - R + 10}" y="${T + 16 * k}" width="10" height="10" fill="${color}"/>`);
    parts.push(
      `<text x="${W - R + 24}" y="${T + 9 + 16 * k}" font-size="11">${esc(t.name).slice(0, 18)}</text>`,
    );
  });
  // Rotated category labels take the room of the x-axis title.
  const xTitle = categorical
    ? ""
    : `<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle" font-size="12">${
      esc(text(fig.layout.xaxis))
    }</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">` +
    `<rect width="${W}" height="${H}" fill="white"/>` +
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(text(fig.layout))}</text>` +
    `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${W - R}" y1="${
      H - B
    }" y2="${H - B}" stroke="#333"/>` +
    parts.join("") +
    xTitle +
    `<text x="14" y="${(T + H - B) / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${
      (T + H - B) / 2
    })">${esc(text(fig.layout.yaxis))}</text>` +
    `</svg>`;
}
