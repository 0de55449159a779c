// Headless Chromium (Debian's package) driven by playwright-core: the real-browser tests. The test domain's
// names resolve to 127.0.0.1 through Chromium's own resolver rules, so no /etc/hosts edit is needed.
import fs from 'node:fs';

export const chromiumPath = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

export function chromiumMissing() {
  return fs.existsSync(chromiumPath) ? null : `Chromium is not installed at ${chromiumPath} (Debian package chromium)`;
}

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // The machine has no outside network: Chromium's background services would only fail.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP *.gatehouse.test 127.0.0.1'],
  });
}
