/**
 * The browser mode prints its address without loading @kubernetes/client-node (0.6-0.9 s of start-up), and loads it
 * soon after on its own, so the first connection does not wait for it either (kube/access/clientNode.ts).
 */
import { afterEach, expect, it } from 'vitest';
import { startWebApp, webAppUnavailableReason, type WebApp } from '../harness/webApp';
import { waitFor } from '../harness/wait';

/** Node's module hooks see every resolution, ES import or require(); this one names the Kubernetes client's. */
const MODULE_PROBE = [
  "import { registerHooks } from 'node:module';",
  'registerHooks({ resolve(specifier, context, next) {',
  "  if (specifier === '@kubernetes/client-node') process.stderr.write('module-probe: loading ' + specifier + '\\n');",
  '  return next(specifier, context);',
  '} });',
].join('\n');
const PROBE_LINE = 'module-probe: loading @kubernetes/client-node';

const unavailable = webAppUnavailableReason();
let app: WebApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

it.skipIf(unavailable)('prints its address before loading the Kubernetes client, then loads it unasked', async () => {
  const probe = `data:text/javascript,${encodeURIComponent(MODULE_PROBE)}`;
  app = await startWebApp({ env: { NODE_OPTIONS: `--import=${probe}` } });
  // The address is printed; had anything imported the client statically, its resolution would have come first.
  expect(app.output()).toContain('Open http://127.0.0.1:');
  expect(app.output()).not.toContain(PROBE_LINE);
  // The warm-up loads it without any request (the probe proves the probe itself works, too).
  await waitFor(
    'the Kubernetes client to load',
    () => app!.output().includes(PROBE_LINE),
    () => app!.output(),
  );
});
