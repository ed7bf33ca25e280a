/** Every figure, in the design's order (performance.md, "The figures the project reports"). */
import type { BenchContext } from '../context';
import type { Row } from '../stats';
import { connect, fallback } from './connect';
import { interrupt } from './interrupt';
import { keystroke } from './keystroke';
import { many } from './many';
import { parser } from './parser';
import { records } from './records';
import { startup } from './startup';
import { renderers, throughput } from './throughput';

export interface Figure {
  id: string;
  title: string;
  run(context: BenchContext): Promise<Row[]>;
}

export const FIGURES: Figure[] = [
  { id: 'B1', title: 'parser ceiling (@xterm/headless on fixed corpora)', run: parser },
  {
    id: 'B2',
    title: 'session throughput: page vs bare page, Node vs parser and transport, flow-control constants',
    run: throughput,
  },
  { id: 'B3', title: '^C during a `yes` flood until the prompt is drawn', run: interrupt },
  { id: 'B4', title: 'keystroke → echo drawn, quiet and while another tab floods', run: keystroke },
  { id: 'B5', title: 'default renderer vs DOM renderer vs bare page', run: renderers },
  { id: 'B6', title: 'many sessions: 40 open, 3 flooding; server event-loop delay and memory', run: many },
  { id: 'B7', title: '10,000 pod records: search, sidebar open, search keystroke', run: records },
  { id: 'B8', title: 'click → first prompt over exec, against kubectl exec -it', run: connect },
  { id: 'B9', title: 'time to the SSH fallback: cluster unreachable / refused / 401', run: fallback },
  { id: 'B10', title: 'browser-mode server start → URL printed', run: startup },
];
