/** B1: the parser ceiling, @xterm/headless 6 (xterm.js's own parser without a page) on the fixed corpora. */
import xtermHeadless from '@xterm/headless';
import type { BenchContext } from '../context';
import { row, summarize, type Row } from '../stats';

const { Terminal } = xtermHeadless;
/** The pty delivers ~4 KiB at a time; the pipes batch up to far more. 64 KiB writes sit between. */
const WRITE_CHUNK_BYTES = 64 * 1024;

/** MB/s parsing `bytes` into a 120×40 terminal, writing it in chunks and waiting for the last write's callback. */
export async function parseRate(bytes: Buffer): Promise<number> {
  const terminal = new Terminal({ cols: 120, rows: 40, scrollback: 1000, allowProposedApi: true });
  const begin = performance.now();
  await new Promise<void>((resolve) => {
    for (let offset = 0; offset < bytes.length; offset += WRITE_CHUNK_BYTES) {
      const last = offset + WRITE_CHUNK_BYTES >= bytes.length;
      terminal.write(bytes.subarray(offset, offset + WRITE_CHUNK_BYTES), last ? resolve : undefined);
    }
  });
  const seconds = (performance.now() - begin) / 1000;
  terminal.dispose();
  return bytes.length / 1e6 / seconds;
}

/** Each corpus's median parse rate (MB/s), keyed by corpus name; shared with B2 as the denominator. */
export async function parserCeiling(context: BenchContext): Promise<Map<string, number>> {
  const rates = new Map<string, number>();
  for (const corpus of await context.corpora()) {
    const samples: number[] = [];
    for (let round = 0; round < context.size(5, 2); round++) samples.push(await parseRate(corpus.screenBytes));
    rates.set(corpus.name, summarize(samples).p50);
  }
  return rates;
}

export async function parser(context: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  // One unmeasured pass, so the JIT has compiled the parser before the first sample.
  await parseRate((await context.corpora())[0]!.screenBytes);
  for (const corpus of await context.corpora()) {
    const samples: number[] = [];
    for (let round = 0; round < context.size(5, 2); round++) samples.push(await parseRate(corpus.screenBytes));
    const summary = summarize(samples);
    rows.push(
      row({
        figure: 'B1',
        name: `parser ceiling, @xterm/headless, ${corpus.name} (${(corpus.bytes / 2 ** 20).toFixed(0)} MiB)`,
        unit: 'MB/s',
        value: summary.p50,
        stat: 'p50',
        summary,
        note: 'the denominator of B2',
      }),
    );
  }
  return rows;
}
