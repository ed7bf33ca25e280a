/** B10: browser-mode server start → URL printed, against a bare `node` printing a line, interleaved. */
import { spawn } from 'node:child_process';
import { startWebApp } from '../../harness/webApp';
import type { BenchContext } from '../context';
import { interleave, row, summarize, type Row } from '../stats';

/** Node's own start: a process that prints one line and exits. */
function bareNodeStart(): Promise<number> {
  return new Promise((resolve, reject) => {
    const begin = performance.now();
    const child = spawn(process.execPath, ['-e', 'console.log("ready")'], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', () => resolve(performance.now() - begin));
    child.once('error', reject);
  });
}

async function serverStart(): Promise<number> {
  const begin = performance.now();
  const app = await startWebApp();
  const elapsed = performance.now() - begin;
  await app.stop();
  return elapsed;
}

export async function startup(context: BenchContext): Promise<Row[]> {
  const samples = await interleave(context.size(9, 2), { server: serverStart, node: bareNodeStart });
  const server = summarize(samples.server);
  const node = summarize(samples.node);
  return [
    row({
      figure: 'B10',
      name: 'browser-mode server start → URL printed',
      unit: 'ms',
      value: server.p50,
      stat: 'p50',
      summary: server,
      baseline: { name: '`node -e` printing a line', value: node.p50, summary: node },
      target: { text: 'p50 ≤ 300 ms', actual: server.p50, bound: 300, kind: 'max' },
    }),
  ];
}
