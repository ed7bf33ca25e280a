// Loaded into the browser-mode server by the bench (NODE_OPTIONS=--import): measures the server's own event-loop delay
// with Node's histogram and, on SIGUSR2, writes its percentiles and the process memory to PODTERM_BENCH_LAG_FILE, then
// starts a new histogram. It changes nothing the server does.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.PODTERM_BENCH_LAG_FILE;
if (file) {
  let histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  process.on('SIGUSR2', () => {
    const ms = (ns) => ns / 1e6;
    const memory = process.memoryUsage();
    writeFileSync(
      file,
      JSON.stringify({
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
        rss: memory.rss,
        heapUsed: memory.heapUsed,
      }),
    );
    histogram.disable();
    histogram = monitorEventLoopDelay({ resolution: 5 });
    histogram.enable();
  });
}
