// The robustness suite's summary line, counted from test modules of Vitest's shape.
import { describe, expect, it } from 'vitest';
import { countRobustnessCases, robustnessSummaryLine, type ModuleLike } from './robustnessSummaryReporter';

function module(relativeModuleId: string, states: string[], moduleState = 'passed'): ModuleLike {
  return {
    relativeModuleId,
    state: () => moduleState,
    children: { allTests: () => states.map((state) => ({ result: () => ({ state }) })) },
  };
}

describe('the robustness summary', () => {
  it('counts the cases under test/robustness/ only: held = passed, tried = passed + failed', () => {
    const counts = countRobustnessCases([
      module('test/robustness/webServer.test.ts', ['passed', 'passed', 'failed'], 'failed'),
      module('test/robustness/store.test.ts', ['passed', 'skipped']),
      module('test/web/server.test.ts', ['passed', 'failed', 'passed']),
      module('test/robustnessHelpers.test.ts', ['failed']),
    ]);
    expect(counts).toEqual({ files: 2, tried: 4, held: 3, skipped: 1, filesFailedOutsideCases: 0 });
    expect(robustnessSummaryLine(counts)).toBe('robustness suite: 4 cases tried, 3 held, 1 skipped');
  });

  it('says when every case held, with nothing else', () => {
    const counts = countRobustnessCases([module('test/robustness/cli.test.ts', ['passed', 'passed'])]);
    expect(robustnessSummaryLine(counts)).toBe('robustness suite: 2 cases tried, 2 held');
  });

  it('reports a file that failed before its cases ran (an import or hook error), so it cannot pass unseen', () => {
    const counts = countRobustnessCases([
      module('test\\robustness\\webServer.test.ts', [], 'failed'),
      module('test/robustness/store.test.ts', ['passed']),
    ]);
    expect(robustnessSummaryLine(counts)).toBe(
      'robustness suite: 1 case tried, 1 held; 1 file failed before their cases ran',
    );
  });

  it('prints nothing for a run without the suite', () => {
    expect(robustnessSummaryLine(countRobustnessCases([module('test/web/server.test.ts', ['passed'])]))).toBeNull();
  });
});
