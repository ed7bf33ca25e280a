/**
 * `npm run bench` (scripts/bench.mjs bundles and runs this): the performance figures B1–B10 of the design, each with
 * its baseline measured in the same run, printed as a table; `--json FILE` writes the same rows as JSON; `--only B4`
 * (or `B4,B7`) runs those figures; `--quick` runs everything with small sizes and reports no met/missed verdicts (it
 * proves the bench works; CI runs it).
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { BenchContext } from './context';
import { FIGURES } from './figures';
import { markdownTable, type Row } from './stats';

interface Args {
  quick: boolean;
  only: string[] | null;
  json: string | null;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: null, json: null };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--no-build') continue;
    else if (arg === '--only' || arg === '--json') {
      const value = argv[++index];
      if (!value) throw new Error(`${arg} needs a value (e.g. --only B4, --json bench.json)`);
      if (arg === '--only') args.only = value.split(',').map((name) => name.trim().toUpperCase());
      else args.json = value;
    } else throw new Error(`unknown bench option ${arg}; use --quick, --only B1[,B2…], --json FILE, --no-build`);
  }
  const unknown = args.only?.filter((name) => !FIGURES.some((figure) => figure.id === name)) ?? [];
  if (unknown.length > 0) {
    throw new Error(
      `no figure ${unknown.join(', ')}; the figures are ${FIGURES.map((figure) => figure.id).join(', ')}`,
    );
  }
  return args;
}

const load = () => loadavg().map((value) => Number(value.toFixed(2)));

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = process.env.PODTERM_ROOT ?? process.cwd();
  const context = new BenchContext({ quick: args.quick, root });
  const started = new Date();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.versions.node}`;
  console.log(
    `podterm bench${args.quick ? ' --quick (small sizes, no verdicts)' : ''}: ${machine}; load ${load().join(' ')}`,
  );
  const rows: Row[] = [];
  const failures: Array<{ figure: string; error: string }> = [];
  const loads: Array<{ figure: string; before: number[]; after: number[] }> = [];
  try {
    for (const figure of FIGURES) {
      if (args.only && !args.only.includes(figure.id)) continue;
      const before = load();
      const begin = Date.now();
      console.log(`\n${figure.id}: ${figure.title} (load ${before.join(' ')})`);
      try {
        const figureRows = await figure.run(context);
        for (const r of figureRows) {
          if (args.quick) delete r.target;
          rows.push(r);
        }
        console.log(markdownTable(figureRows.map((r) => (args.quick ? { ...r, target: undefined } : r))));
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        failures.push({ figure: figure.id, error: message });
        console.error(`${figure.id} failed: ${message}`);
      }
      loads.push({ figure: figure.id, before, after: load() });
      console.log(`(${figure.id} took ${((Date.now() - begin) / 1000).toFixed(1)} s; load ${load().join(' ')})`);
    }
  } finally {
    await context.stop();
  }
  const met = rows.filter((r) => r.target?.met).length;
  const judged = rows.filter((r) => r.target).length;
  console.log(`\n## podterm bench, ${started.toISOString()}; ${machine}\n`);
  console.log(markdownTable(rows));
  console.log(
    `\n${args.quick ? 'quick run: no verdicts' : `${met} of ${judged} targets met`}; load (1/5/15 min) at the end ${load().join(' ')}; ` +
      `${failures.length} figure(s) failed${failures.length ? `: ${failures.map((f) => f.figure).join(', ')}` : ''}`,
  );
  if (args.json) {
    await writeFile(
      args.json,
      JSON.stringify({ date: started.toISOString(), machine, quick: args.quick, loads, rows, failures }, null, 2),
    );
    console.log(`wrote ${args.json}`);
  }
  // A figure that could not run is a broken bench (CI's --quick run exists to catch that), not a missed target.
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
