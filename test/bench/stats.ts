/**
 * The bench's numbers: percentiles of samples, and one table row per figure with its baseline (measured in the same
 * run) and its target. Nothing here asserts: a missed target is reported, never thrown.
 */

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of unsorted samples (q in 0..1). */
export function percentile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(samples: number[]): Summary {
  return {
    n: samples.length,
    p50: percentile(samples, 0.5),
    p95: percentile(samples, 0.95),
    p99: percentile(samples, 0.99),
    min: samples.length ? Math.min(...samples) : Number.NaN,
    max: samples.length ? Math.max(...samples) : Number.NaN,
  };
}

/** A target as the design states it: a comparison of a value (the row's own, or a ratio) with a bound. */
export interface Target {
  /** As the design writes it, e.g. "p95 ≤ 100 ms". */
  text: string;
  /** The value compared with the bound. */
  actual: number;
  bound: number;
  /** 'max': met when actual ≤ bound; 'min': met when actual ≥ bound. */
  kind: 'max' | 'min';
}

export interface Row {
  /** B1..B10. */
  figure: string;
  /** What this row measures, e.g. "SSH keystroke → echo drawn, Podterm page". */
  name: string;
  unit: string;
  /** The row's headline value (a median unless `stat` says otherwise). */
  value: number;
  stat: 'p50' | 'p95' | 'p99' | 'mean' | 'single' | 'max';
  summary?: Summary;
  /** The baseline measured in the same run, when the figure has one. */
  baseline?: { name: string; value: number; summary?: Summary };
  /** value ÷ baseline value. */
  ratio?: number;
  target?: Target & { met: boolean; ratioToTarget: number };
  /** Why the row is what it is: what was compared, what was left out. */
  note?: string;
}

export function targetMet(target: Target): boolean {
  return target.kind === 'max' ? target.actual <= target.bound : target.actual >= target.bound;
}

/** A row, with its ratio to the baseline and to the target filled in. */
export function row(input: Omit<Row, 'ratio' | 'target'> & { target?: Target }): Row {
  const ratio = input.baseline ? input.value / input.baseline.value : undefined;
  const target = input.target
    ? { ...input.target, met: targetMet(input.target), ratioToTarget: input.target.actual / input.target.bound }
    : undefined;
  return { ...input, ratio, target };
}

/**
 * Runs the variants one after the other, `rounds` times, in an order that changes each round (A B C, B C A, …), so a
 * burst of load from the other programs on the machine does not fall on one variant only. Answers each variant's
 * samples.
 */
export async function interleave<K extends string>(
  rounds: number,
  variants: Record<K, () => Promise<number | number[]>>,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(variants) as K[];
  const samples = Object.fromEntries(keys.map((key) => [key, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (let index = 0; index < keys.length; index++) {
      const key = keys[(index + round) % keys.length]!;
      const value = await variants[key]();
      samples[key].push(...(Array.isArray(value) ? value : [value]));
    }
  }
  return samples;
}

const digits = (value: number) =>
  !Number.isFinite(value)
    ? '–'
    : Math.abs(value) >= 100
      ? value.toFixed(0)
      : Math.abs(value) >= 10
        ? value.toFixed(1)
        : value.toFixed(2);

function valueText(row: Row): string {
  const s = row.summary;
  const spread = s && s.n > 1 ? ` (p95 ${digits(s.p95)}, p99 ${digits(s.p99)}, n=${s.n})` : '';
  return `${digits(row.value)} ${row.unit} ${row.stat === 'p50' ? 'p50' : row.stat}${spread}`;
}

/** The table as Markdown, the form README.md quotes. */
export function markdownTable(rows: Row[]): string {
  const lines = [
    '| # | figure | value | baseline (same run) | ratio | target | met |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const baseline = r.baseline ? `${r.baseline.name}: ${digits(r.baseline.value)} ${r.unit}` : '—';
    const target = r.target
      ? `${r.target.text} (is ${digits(r.target.actual)}; ×${digits(r.target.ratioToTarget)} of it)`
      : '—';
    const met = r.target ? (r.target.met ? 'met' : 'missed') : '—';
    const name = r.note ? `${r.name} [${r.note}]` : r.name;
    lines.push(
      `| ${r.figure} | ${name} | ${valueText(r)} | ${baseline} | ${r.ratio === undefined ? '—' : digits(r.ratio)} | ${target} | ${met} |`,
    );
  }
  return lines.join('\n');
}
