/**
 * Builds the renderer into dist/renderer, served by Electron's podterm:// scheme (main/electron/appProtocol.ts) and by
 * the browser mode's static server.
 *
 * This file sits in the renderer's TypeScript project, which has no Node types, so it imports nothing from 'vite'
 * (its types pull in Node's) and nothing from 'node:*' (the layering rule). Vite reads a plain object just as well.
 */
// With the extension: Vite's coming native config loader (plain Node ESM) resolves no extensionless imports.
import { contentSecurityPolicy } from '../common/csp.ts';

/** Where this file lives. Vite rewrites import.meta.url to the config file's own URL when it bundles the config. */
const here = decodeURIComponent(new URL('.', import.meta.url).pathname)
  // On Windows the pathname reads "/C:/…"; a path starting with the drive letter is what Vite's resolver expects.
  .replace(/^\/([A-Za-z]:)/, '$1');

/** The content of index.html's CSP meta tag, however the tag is wrapped. */
const CSP_META = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/i;

/**
 * Directives a <meta> CSP cannot carry (the spec has browsers ignore them there, with a console error). The header the
 * browser mode sends carries them; Electron's window is top-level, so frame-ancestors has nothing to guard there.
 */
const HEADER_ONLY_DIRECTIVES = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

/** common/csp.ts's policy as a meta tag can carry it. */
function metaPolicy(): string {
  return contentSecurityPolicy()
    .split(';')
    .map((directive) => directive.trim())
    .filter((directive) => !HEADER_ONLY_DIRECTIVES.has(directive.split(' ')[0] ?? ''))
    .join('; ');
}

/** Fails the build when index.html's CSP drifts from the policy main sends as a header (common/csp.ts). */
const cspCheck = {
  name: 'podterm:csp-check',
  transformIndexHtml(html: string): string {
    const expected = metaPolicy();
    const found = CSP_META.exec(html)?.[1];
    if (found !== expected) {
      throw new Error(`renderer/index.html's CSP meta tag must read exactly (see common/csp.ts):\n${expected}`);
    }
    return html;
  },
};

export default {
  root: here,
  // Relative asset URLs: they resolve beside index.html wherever it is served from.
  base: './',
  publicDir: 'public',
  plugins: [cspCheck],
  // The automatic JSX runtime (react/jsx-runtime), matching tsconfig's "jsx": "react-jsx"; no React plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Electron 45's Chromium and any current browser; no down-levelling of what they all run natively.
    target: 'es2023',
    sourcemap: true,
    // Chromium supports modulepreload natively; the polyfill would be dead weight.
    modulePreload: { polyfill: false },
    // Every asset stays a file: CSP allows data: for images and fonts only, and files cache better anyway.
    assetsInlineLimit: 0,
    // xterm.js alone is ~400 KB minified; one chunk for an app loaded from disk is fine.
    chunkSizeWarningLimit: 1500,
  },
};
