/**
 * The layering rules (scripts/layering) fail the lint for each forbidden import and let each allowed one through.
 * Every source here is a throwaway: linted through ESLint's Node API with the project's own eslint.config.js as if it
 * sat at the given path, never written to disk.
 */
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The layering rules' messages, and any parse error (a case that does not parse proves nothing). */
async function layeringMessages(filePath: string, source: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).filter((message) => message.fatal || message.ruleId?.startsWith('layering/'));
}

/** [where the throwaway file sits, its import, a phrase the message must contain] */
type Forbidden = [path: string, source: string, phrase: string];

/** Where the throwaway files sit, one per layer. */
const RENDERER = 'renderer/src/throwaway.ts';
const COMMON = 'common/throwaway.ts';
const PRELOAD = 'preload/throwaway.ts';
const WEB = 'main/web/throwaway.ts';
const ELECTRON = 'main/electron/throwaway.ts';
const CLI = 'main/cli/throwaway.ts';

const LAYERS = 'layering/layers';
const ROOMS = 'layering/core-rooms';

describe('layering/layers: each layer imports only what its allow-list names', () => {
  const forbidden: Forbidden[] = [
    // The page runs in a plain browser too: no Node, no Electron, no main process code.
    [RENDERER, "import { readFileSync } from 'node:fs';", "without Node: it may not import the built-in 'node:fs'"],
    [RENDERER, "import { readFileSync } from 'fs';", "may not import the built-in 'fs'"],
    [RENDERER, "import { ipcRenderer } from 'electron';", "only main/electron and preload may import 'electron'"],
    [
      RENDERER,
      "import { createCore } from '../../main/core';",
      "renderer/ may not import '../../main/core' (main/core/index)",
    ],
    [RENDERER, "import type { PodtermCore } from '../../main/core';", 'it may import only renderer/, common/'],
    [RENDERER, "import { bridge } from '../../preload/bridge';", "may not import '../../preload/bridge'"],
    [RENDERER, "import WebSocket from 'ws';", "may not import the package 'ws'"],
    // common/ is shared by every process.
    [COMMON, "import { createCore } from '../main/core';", "common/ may not import '../main/core'"],
    [COMMON, "import type { Store } from '../main/core/store';", 'it may import only common/'],
    [COMMON, "import { readFile } from 'node:fs/promises';", "may not import the built-in 'node:fs/promises'"],
    [COMMON, "import { app } from 'electron';", "only main/electron and preload may import 'electron'"],
    [COMMON, "import { useState } from 'react';", "may not import the package 'react'"],
    // The preload forwards: contract types, and run-time constants from requestKeys.ts only.
    [PRELOAD, "import { createCore } from '../main/core';", "preload/ may not import '../main/core'"],
    [
      PRELOAD,
      "import { requests } from '../common/contract';",
      'may import only types from common/: write `import type`',
    ],
    [PRELOAD, "import { type BridgeApi } from '../common/contract';", 'write `import type`'],
    [PRELOAD, "import { readFileSync } from 'node:fs';", "may not import the built-in 'node:fs'"],
    [PRELOAD, "import { z } from 'zod';", "may not import the package 'zod'"],
    // The front ends and the command line enter the core through its index only; the front ends never reach the CLI.
    [WEB, "import { chooseDataDir } from '../cli/database';", "main/web/ may not import '../cli/database'"],
    [WEB, "import { openStore } from '../core/store/index';", 'enter the core through main/core/index.ts'],
    [WEB, "import { openStore } from '../core/store';", "'../core/store' (main/core/store/index)"],
    [WEB, "export { openStore } from '../core/store';", 'enter the core through main/core/index.ts'],
    [WEB, "const cli = await import('../cli/podterm');", "may not import '../cli/podterm'"],
    [WEB, "type Row = import('../cli/records').RowProblem;", "may not import '../cli/records'"],
    [WEB, "import { app } from 'electron';", "only main/electron and preload may import 'electron'"],
    [ELECTRON, "import { chooseDataDir } from '../cli/database';", "main/electron/ may not import '../cli/database'"],
    [ELECTRON, "import { startWebServer } from '../web/server';", "may not import '../web/server'"],
    [ELECTRON, "import { SessionManager } from '../core/sessions';", 'main/core/index.ts'],
    [ELECTRON, "import { bridge } from '../../preload/bridge';", "may not import '../../preload/bridge'"],
    [CLI, "import { createAccessResolver } from '../core/kube/access';", 'main/core/index.ts'],
    [CLI, "import { startWebServer } from '../web/server';", "may not import '../web/server'"],
    // The core knows no front end, no Electron, no tests.
    [
      'main/core/store/throwaway.ts',
      "import { app } from 'electron';",
      "only main/electron and preload may import 'electron'",
    ],
    [
      'main/core/store/throwaway.ts',
      "import { startSshd } from '../../../test/harness/sshd';",
      "main/core/ may not import '../../../test/harness/sshd'",
    ],
    [
      'main/core/store/throwaway.ts',
      "import { checkSender } from '../../electron/policy';",
      "may not import '../../electron/policy'",
    ],
  ];

  it.each(forbidden)('%s: %s fails', async (path, source, phrase) => {
    const messages = await layeringMessages(path, source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ruleId: LAYERS, severity: 2 });
    expect(messages[0]!.message).toContain(phrase);
    expect(messages[0]!.message).toContain('Fix:');
  });

  const allowed: [path: string, source: string][] = [
    [RENDERER, "import { messageOf } from '../../common/errors';"],
    [RENDERER, "import { csp } from '../../common/csp.ts';"],
    [RENDERER, "import { useState } from 'react';\nimport { createRoot } from 'react-dom/client';"],
    [RENDERER, "import { Terminal } from '@xterm/xterm';\nimport '@xterm/xterm/css/xterm.css';"],
    ['renderer/src/components/throwaway.tsx', "import { formatBytes } from '../lib/format';\nimport './Modal.css';"],
    [COMMON, "import { z } from 'zod';\nimport { REQUEST_KEYS } from './requestKeys';"],
    [PRELOAD, "import type { BridgeApi } from '../common/contract';"],
    [PRELOAD, "import { SESSION_PORT_CHANNEL, type RequestKey } from '../common/requestKeys';"],
    [PRELOAD, "import { contextBridge } from 'electron';\nimport { buildBridgeApi } from './bridge';"],
    [WEB, "import { createCore } from '../core';\nimport { messageOf } from '../../common/errors';"],
    [WEB, "import { createCore } from '../core/index';\nimport { WebSocketServer } from 'ws';"],
    [WEB, "import { createServer } from 'node:http';\nimport { startWebServer } from './server';"],
    [ELECTRON, "import { app } from 'electron';\nimport type { PodtermCore } from '../core';"],
    [CLI, "import { openStore } from '../core';\nimport { CliError } from './errors';"],
    [
      'main/core/store/throwaway.ts',
      "import Database from 'better-sqlite3';\nimport { pods } from '../../../common/pods';",
    ],
    [
      'test/throwaway.test.ts',
      "import { readPod } from '../main/core/kube/api/podReader';\nimport { app } from 'electron';",
    ],
    [
      'test/throwaway.test.ts',
      "import { chooseDataDir } from '../main/cli/database';\nimport { bridge } from '../preload/bridge';",
    ],
    ['scripts/throwaway.mjs', "import { spawn } from 'node:child_process';\nimport electron from 'electron';"],
  ];

  it.each(allowed)('%s: %s passes', async (path, source) => {
    expect(await layeringMessages(path, source)).toEqual([]);
  });
});

describe('layering/core-rooms: a room imports only rooms below it, through their index.ts', () => {
  const forbidden: Forbidden[] = [
    [
      'main/core/kube/access/throwaway.ts',
      "import { SessionManager } from '../../sessions';",
      'kube/access may not import sessions',
    ],
    ['main/core/kube/access/throwaway.ts', "import type { SessionManager } from '../../sessions';", 'sits above it'],
    ['main/core/terminal/throwaway.ts', "import { openSshSession } from '../ssh';", 'terminal may not import ssh'],
    ['main/core/store/throwaway.ts', "import { createCore } from '../core';", 'store may not import (root)'],
    [
      'main/core/sessions/throwaway.ts',
      "import { defaultDataDir } from '../dataDirs';",
      'sessions may not import (root)',
    ],
    ['main/core/net/throwaway.ts', "import { SecretBoxError } from '../secrets';", 'net may not import secrets'],
    [
      'main/core/secrets/throwaway.ts',
      "import type { PodRepository } from '../store';",
      'secrets may not import store',
    ],
    [
      'main/core/kube/exec/throwaway.ts',
      "import { findRecordPod } from '../../connect';",
      'kube/exec may not import connect',
    ],
    // Peers on one line do not import each other.
    ['main/core/ssh/throwaway.ts', "import { openKubeExecSession } from '../kube/exec';", 'beside it'],
    ['main/core/pods/throwaway.ts', "import { createClusterBrowser } from '../clusterBrowser';", 'beside it'],
    [
      'main/core/clusterBrowser/throwaway.ts',
      "import { createKubeconfigImporter } from '../kubeconfigImport';",
      'beside it',
    ],
    // Below, but not through the index.
    [
      'main/core/connect/throwaway.ts',
      "import { readPod } from '../kube/api/podReader';",
      "Fix: import from '../kube/api'",
    ],
    [
      'main/core/sessions/throwaway.ts',
      "export { connect } from '../connect/connect';",
      "Fix: import from '../connect'",
    ],
    ['main/core/core.ts', "import { SqlitePodRepository } from './store/podRepository';", "Fix: import from './store'"],
    [
      'main/core/kube/api/throwaway.ts',
      "import type { AccessResolver } from '../access/types';",
      "Fix: import from '../access'",
    ],
    [
      'main/core/kubeconfigImport/throwaway.ts',
      "import { parseKubeconfig } from '../kube/access/kubeconfigFiles';",
      "Fix: import from '../kube/access'",
    ],
  ];

  it.each(forbidden)('%s: %s fails', async (path, source, phrase) => {
    const messages = await layeringMessages(path, source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ruleId: ROOMS, severity: 2 });
    expect(messages[0]!.message).toContain(phrase);
    expect(messages[0]!.message).toContain('Fix:');
  });

  it.each([
    ['main/core/misc/throwaway.ts', "import { openStore } from '../store';"],
    ['main/core/kube/throwaway.ts', 'export const nothing = 0;'],
    ['main/core/helpers.ts', 'export const nothing = 0;'],
  ])('%s, in no room of the order, fails', async (path, source) => {
    const messages = await layeringMessages(path, source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ruleId: ROOMS });
    expect(messages[0]!.message).toContain('is in no room of the core');
  });

  const allowed: [path: string, source: string][] = [
    // Files of one room import each other freely.
    [
      'main/core/kube/api/throwaway.ts',
      "import { readPod } from './podReader';\nimport { pickReadyPod } from './podSelection';",
    ],
    [
      'main/core/store/migrations/throwaway.ts',
      "import type { Migration } from '../migrate';\nimport { openDatabase } from '../database';",
    ],
    ['main/core/core.ts', "import { createHandlers } from './handlers';\nimport { defaultDataDir } from './dataDirs';"],
    // Rooms below, through their index (with or without naming it).
    [
      'main/core/connect/throwaway.ts',
      "import { readPod } from '../kube/api';\nimport { openSshSession } from '../ssh/index';",
    ],
    ['main/core/kube/api/throwaway.ts', "import type { ResolvedAccess } from '../access';"],
    [
      'main/core/sessions/throwaway.ts',
      "import { connect } from '../connect';\nimport type { TerminalSession } from '../terminal';",
    ],
    [
      'main/core/pods/throwaway.ts',
      "import { findRecordPod } from '../connect';\nimport type { PodRepository } from '../store';",
    ],
    [
      'main/core/net/throwaway.ts',
      "import { isIP } from 'node:net';\nimport { classifySocketCode } from './socketErrors';",
    ],
    ['main/core/secrets/throwaway.ts', "import { classifySocketError } from '../net';"],
    ['main/core/kube/access/throwaway.ts', "import type { PodConnectRecord } from '../../store';"],
    [
      'main/core/kube/exec/throwaway.ts',
      "import { classifySocketError } from '../../net';\nimport { TransportSession } from '../../terminal';",
    ],
    [
      'main/core/ssh/throwaway.ts',
      "import type { KnownHostRepository } from '../store';\nimport { classifySocketError } from '../net';",
    ],
    [
      'main/core/clusterBrowser/throwaway.ts',
      "import { listPods } from '../kube/api';\nimport type { PodRepository } from '../store';",
    ],
    [
      'main/core/kubeconfigImport/throwaway.ts',
      "import { parseKubeconfig } from '../kube/access';\nimport type { NewKubeconfig } from '../store';",
    ],
    ['main/core/index.ts', "export { openStore } from './store';\nexport { planRefresh } from './pods';"],
    // Imports from outside the core are the layer rule's business, and tests may import any file of the core.
    [
      'main/core/terminal/throwaway.ts',
      "import { messageOf } from '../../../common/errors';\nimport { Socket } from 'node:net';",
    ],
    ['test/core/throwaway.test.ts', "import { readPod } from '../../main/core/kube/api/podReader';"],
  ];

  it.each(allowed)('%s: %s passes', async (path, source) => {
    expect(await layeringMessages(path, source)).toEqual([]);
  });
});
