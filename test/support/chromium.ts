import { existsSync } from 'node:fs';

/** Debian's chromium (apt-get install -y chromium); never a downloaded browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);
