/**
 * Debian's Chromium driven by playwright-core (the `playwright` package's browser download cannot work offline).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { missingPeer } from './skipReasons';

export const CHROMIUM_PATH = process.env.PODTERM_CHROMIUM ?? '/usr/bin/chromium';

/** Without the background-networking flags Chromium keeps trying to reach the (closed) network. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Why browser tests cannot run here, or null when they can. */
export function browserUnavailableReason(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : missingPeer(`no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
