import '@xterm/xterm/css/xterm.css';
import './styles/base.css';
import './styles/controls.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { config as configureZod } from 'zod';
import { createClient } from './client';

// The CSP forbids eval; without this zod probes `new Function` anyway and Chromium reports a CSP violation.
configureZod({ jitless: true });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// One client for the page's lifetime: in browser mode it is the page's one WebSocket.
const client = createClient();
createRoot(root).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
