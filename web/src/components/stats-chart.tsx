import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  /** One value per month; null where suppressed (drawn as a gap, never as zero). */
  values: (number | null)[];
}

// A colour-blind-safe palette (Okabe–Ito), each with enough contrast on white.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8a6d00', '#56B4E9', '#000000'];

/**
 * A line chart per unit across months, drawn by uPlot on a canvas. The canvas is an image to
 * assistive technology: `description` says what it shows, and the page shows the same numbers in a
 * table beside it.
 */
export function StatsChart({ months, series, description }: { months: string[]; series: ChartSeries[]; description: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || series.length === 0) return;
    const x = months.map((_, i) => i);
    const plot = new uPlot(
      {
        width: Math.max(320, el.clientWidth || 640),
        height: 260,
        scales: { x: { time: false } },
        axes: [{ values: (_u, splits) => splits.map((i) => months[i] ?? ''), incrs: [1] }, {}],
        series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: false, points: { show: true, size: 6 } }))],
        legend: { live: false },
        cursor: { show: false },
      },
      [x, ...series.map((s) => s.values)],
      el,
    );
    return () => plot.destroy();
  }, [months, series]);
  return <div ref={box} className="stats-chart" role="img" aria-label={description} data-testid="stats-chart" />;
}
