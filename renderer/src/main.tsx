import '@xterm/xterm/css/xterm.css';
import './styles/base.css';
import './styles/controls.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { config as configureZod } from 'zod';
import { createClient } from './client';
import { settingsStore } from './session/settingsStore';

// The CSP forbids eval; without this zod probes `new Function` anyway and Chromium reports a CSP violation.
configureZod({ jitless: true });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// One client for the page's lifetime: in browser mode it is the page's one WebSocket.
const client = createClient();
// Terminals start with the defaults and follow the stored settings as soon as they arrive.
settingsStore.load(client).catch((error: unknown) => {
  console.warn(`podterm: could not load the settings, using the defaults: ${String(error)}`);
});
createRoot(root).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
