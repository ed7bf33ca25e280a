/** URLs in the output become links; a click opens http(s) ones outside the app (openExternalLink in clipboard.ts). */
import { WebLinksAddon } from '@xterm/addon-web-links';
import type { Terminal } from '@xterm/xterm';
import type { Disposable } from '../disposable';
import { openExternalLink } from '../clipboard';

export function loadWebLinks(term: Terminal): Disposable {
  const addon = new WebLinksAddon((event, uri) => openExternalLink(uri, event));
  term.loadAddon(addon);
  return addon;
}
