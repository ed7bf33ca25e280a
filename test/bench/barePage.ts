/**
 * The baseline page: xterm.js alone (no React, no app), fed over a local WebSocket. It renders with xterm's DOM
 * renderer at the size and font the app's terminal has, and marks its terminal `data-testid="terminal"` like the app
 * does, so the same in-page probes (pageProbe.ts) time both.
 *
 * Socket modes (the `mode` query parameter of /ws):
 *   feed   sends a file's bytes, then a marker line, as fast as the socket takes them;
 *   echo   sends back every byte typed, at once (what a remote pty's echo would be, without the network);
 *   flood  streams "y\r\n" lines while keeping at most FLOOD_WINDOW_BYTES unacknowledged (the page acknowledges what
 *          xterm parsed), like a `yes` behind a flow-controlled pipe.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';

const FEED_CHUNK_BYTES = 64 * 1024;
/** As much in flight as the app's own window (common/flowControl.ts), so both pages carry a comparable backlog. */
const FLOOD_WINDOW_BYTES = 1024 * 1024;
const FLOOD_LINES = Buffer.from('y\r\n'.repeat(16 * 1024));

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/xterm.css">
<style>html,body{margin:0;background:#1e1e1e}#t{position:absolute;left:0;top:0}#flood{display:none}</style></head>
<body><div id="t" data-testid="terminal"></div><div id="flood"></div><script src="/xterm.js"></script><script>
const q = new URLSearchParams(location.search);
const host = document.getElementById('t');
host.style.width = q.get('w') + 'px'; host.style.height = q.get('h') + 'px';
const term = new Terminal({ cols: Number(q.get('cols')), rows: Number(q.get('rows')),
  fontFamily: q.get('font') || undefined, fontSize: Number(q.get('size')) || 13, scrollback: Number(q.get('scrollback')) || 1000 });
term.open(host);
window.benchTerm = term;
const url = (mode, extra) => 'ws://' + location.host + '/ws?mode=' + mode + (extra || '');
window.benchFeed = (file) => new Promise((resolve) => {
  const ws = new WebSocket(url('feed', '&file=' + encodeURIComponent(file)));
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (m) => term.write(new Uint8Array(m.data));
  ws.onclose = () => resolve();
});
window.benchEcho = () => new Promise((resolve) => {
  const ws = new WebSocket(url('echo'));
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (m) => term.write(new Uint8Array(m.data));
  term.onData((d) => ws.send(d));
  ws.onopen = () => resolve();
});
window.benchFlood = () => new Promise((resolve) => {
  const other = new Terminal({ cols: term.cols, rows: term.rows, scrollback: 1000 });
  other.open(document.getElementById('flood'));
  const ws = new WebSocket(url('flood'));
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (m) => { const bytes = m.data.byteLength; other.write(new Uint8Array(m.data), () => ws.send(String(bytes))); };
  window.benchStopFlood = () => { ws.close(); other.dispose(); };
  ws.onopen = () => resolve();
});
</script></body></html>`;

export interface BarePageServer {
  origin: string;
  stop(): Promise<void>;
}

export async function startBarePageServer(root: string): Promise<BarePageServer> {
  const assets: Record<string, { path: string; type: string }> = {
    '/xterm.js': { path: join(root, 'node_modules/@xterm/xterm/lib/xterm.js'), type: 'text/javascript' },
    '/xterm.css': { path: join(root, 'node_modules/@xterm/xterm/css/xterm.css'), type: 'text/css' },
  };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const asset = assets[path];
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    } else if (asset) {
      readFile(asset.path).then(
        (body) => response.writeHead(200, { 'content-type': asset.type }).end(body),
        () => response.writeHead(500).end(),
      );
    } else response.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws: WebSocket, request) => {
    const params = new URL(request.url ?? '/', 'http://x').searchParams;
    const mode = params.get('mode');
    if (mode === 'feed') void feed(ws, params.get('file') ?? '');
    else if (mode === 'echo') ws.on('message', (data: Buffer) => ws.send(data));
    else if (mode === 'flood') flood(ws);
    else ws.close();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
}

async function feed(ws: WebSocket, file: string): Promise<void> {
  const bytes = await readFile(file);
  for (let offset = 0; offset < bytes.length; offset += FEED_CHUNK_BYTES) {
    ws.send(bytes.subarray(offset, offset + FEED_CHUNK_BYTES));
    // Let the socket drain rather than queueing the whole file in memory at once.
    while (ws.bufferedAmount > 4 * FEED_CHUNK_BYTES) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  ws.close();
}

function flood(ws: WebSocket): void {
  let unacknowledged = 0;
  let stopped = false;
  const pump = () => {
    while (!stopped && unacknowledged < FLOOD_WINDOW_BYTES) {
      ws.send(FLOOD_LINES);
      unacknowledged += FLOOD_LINES.length;
    }
  };
  ws.on('message', (data: Buffer) => {
    unacknowledged = Math.max(0, unacknowledged - Number(data.toString()));
    pump();
  });
  ws.on('close', () => (stopped = true));
  pump();
}
