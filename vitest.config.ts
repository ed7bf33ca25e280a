import { defineConfig } from 'vitest/config';

/** Prints the robustness suite's summary line; a path, as the command line's --reporter takes it. */
const ROBUSTNESS_SUMMARY_REPORTER = './test/harness/robustnessSummaryReporter.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real servers (sshd, the browser mode, Chromium) start per file; two cores do not gain from more parallel files.
    maxWorkers: 2,
    testTimeout: 30_000,
    // Vitest's expect.poll gives up after 1 s by default; on a loaded 2-core CI box one Playwright call can take longer
    // (seen: the first count() after a page load). 10 s still fails well inside the test timeout, with the check's own
    // message.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    // The summary line ("robustness suite: N cases tried, M held") after the default output. .ci/run names both again,
    // since --reporter on the command line replaces this list.
    reporters: ['default', ROBUSTNESS_SUMMARY_REPORTER],
  },
});
