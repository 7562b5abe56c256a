/**
 * Debian's Chromium for the embed tests, started as these machines need it: as root (no sandbox),
 * headless, and without the background networking that a closed network refuses (and waits on).
 */
import { chromium, type Browser } from 'playwright';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
