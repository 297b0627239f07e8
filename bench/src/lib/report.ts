/**
 * Figures: every clustr number next to the baseline(s) measured in the same
 * run, the ratio to the first baseline, and the target it is held to.
 */

export type Target =
  /** clustr / baseline must be at least `value` (higher is better). */
  | { kind: 'ratioAtLeast'; value: number }
  /** clustr / baseline must be at most `value` (lower is better). */
  | { kind: 'ratioAtMost'; value: number }
  /** clustr - baseline must be at most `value` (in the figure's unit). */
  | { kind: 'deltaAtMost'; value: number }
  /** clustr must be exactly `value`. */
  | { kind: 'equals'; value: number }
  /** clustr itself must be at most `value` (a figure that is already a ratio, such as max/min). */
  | { kind: 'atMost'; value: number };

export interface Baseline {
  name: string;
  value: number;
}

export interface Figure {
  scenario: string;
  id: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  clustr: number;
  baselines: Baseline[];
  /** clustr / first baseline; null when that baseline is 0. */
  ratio: number | null;
  target?: Target;
  /** Whether the target is met; absent when the figure has no target. */
  met?: boolean;
  /** Counts and parameters behind the figure. */
  detail?: Record<string, unknown>;
}

export function figure(input: Omit<Figure, 'ratio' | 'met'>): Figure {
  const first = input.baselines[0]?.value;
  const ratio = first === undefined || first === 0 || !Number.isFinite(first) ? null : input.clustr / first;
  const out: Figure = { ...input, ratio };
  if (input.target) out.met = meets(input.target, input.clustr, first, ratio);
  return out;
}

function meets(target: Target, clustr: number, baseline: number | undefined, ratio: number | null): boolean {
  switch (target.kind) {
    case 'ratioAtLeast':
      return ratio !== null && ratio >= target.value;
    case 'ratioAtMost':
      return ratio !== null && ratio <= target.value;
    case 'deltaAtMost':
      return baseline !== undefined && clustr - baseline <= target.value;
    case 'equals':
      return clustr === target.value;
    case 'atMost':
      return clustr <= target.value;
  }
}

export function describeTarget(target: Target | undefined, unit: string): string {
  if (!target) return '';
  switch (target.kind) {
    case 'ratioAtLeast':
      return `≥ ${target.value}×`;
    case 'ratioAtMost':
      return `≤ ${target.value}×`;
    case 'deltaAtMost':
      return `≤ base + ${target.value} ${unit}`;
    case 'equals':
      return `= ${target.value}`;
    case 'atMost':
      return `≤ ${target.value}`;
  }
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 100 || Number.isInteger(value)) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A plain-text table of every figure, grouped by scenario. */
export function renderTable(figures: Figure[]): string {
  const header = ['scenario', 'figure', 'unit', 'clustr', 'baseline', 'ratio', 'target', 'met'];
  const rows = figures.map((f) => [
    f.scenario,
    f.label,
    f.unit,
    formatNumber(f.clustr),
    f.baselines.map((b) => `${b.name} ${formatNumber(b.value)}`).join(', '),
    f.ratio === null ? '-' : `${f.ratio.toFixed(2)}×`,
    describeTarget(f.target, f.unit),
    f.met === undefined ? '' : f.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  let last = '';
  for (const [i, row] of rows.entries()) {
    if (figures[i]!.scenario !== last && last !== '') out.push('');
    last = figures[i]!.scenario;
    out.push(line(row));
  }
  return out.join('\n');
}
