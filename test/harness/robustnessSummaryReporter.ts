/**
 * A Vitest reporter that ends the run with one line about the robustness suite (the tests under test/robustness/):
 * "robustness suite: 95 cases tried, 95 held". A case held when its test passed. Listed in vitest.config.ts beside the
 * default reporter, and passed again by .ci/run, whose --reporter flags replace the configured ones. Lives in the
 * harness, not in test/robustness/, so its own test does not count as a robustness case.
 */
import type { Reporter, TestModule, Vitest } from 'vitest/node';

/** Where the suite lives, relative to the project root (Vitest's relativeModuleId; either separator). */
const ROBUSTNESS_FOLDER = /^test[\\/]robustness[\\/]/;

/** The members of Vitest's TestModule the count reads. */
export interface ModuleLike {
  readonly relativeModuleId: string;
  state(): string;
  readonly children: { allTests(): Iterable<{ result(): { readonly state: string } }> };
}

export interface RobustnessCounts {
  /** Test files of the suite in this run. */
  files: number;
  /** Cases that ran: held plus broke. */
  tried: number;
  held: number;
  skipped: number;
  /** Files that failed before their cases could run (an import or hook error): each is a case that did not hold. */
  filesFailedOutsideCases: number;
}

/** Counts the robustness suite's cases among the modules of one run. */
export function countRobustnessCases(modules: Iterable<ModuleLike>): RobustnessCounts {
  const counts: RobustnessCounts = { files: 0, tried: 0, held: 0, skipped: 0, filesFailedOutsideCases: 0 };
  for (const module of modules) {
    if (!ROBUSTNESS_FOLDER.test(module.relativeModuleId)) continue;
    counts.files += 1;
    let failedCases = 0;
    for (const test of module.children.allTests()) {
      const { state } = test.result();
      if (state === 'passed') counts.held += 1;
      else if (state === 'failed') failedCases += 1;
      else counts.skipped += 1;
    }
    counts.tried += failedCases;
    if (module.state() === 'failed' && failedCases === 0) counts.filesFailedOutsideCases += 1;
  }
  counts.tried += counts.held;
  return counts;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The line printed after the run, or null when the run had no robustness file (a run of other tests only). */
export function robustnessSummaryLine(counts: RobustnessCounts): string | null {
  if (counts.files === 0) return null;
  let line = `robustness suite: ${count(counts.tried, 'case')} tried, ${counts.held} held`;
  if (counts.skipped > 0) line += `, ${counts.skipped} skipped`;
  if (counts.filesFailedOutsideCases > 0) {
    line += `; ${count(counts.filesFailedOutsideCases, 'file')} failed before their cases ran`;
  }
  return line;
}

export default class RobustnessSummaryReporter implements Reporter {
  private print: (line: string) => void = (line) => console.log(line);

  onInit(vitest: Vitest): void {
    this.print = (line) => vitest.logger.log(line);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const line = robustnessSummaryLine(countRobustnessCases(testModules));
    if (line !== null) this.print(line);
  }
}
