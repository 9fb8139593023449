// The log page (GET /) in headless Chromium (Debian's chromium, driven by playwright-core):
// it shows a line that the stand-in printed after the page was opened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { api, requireWeb, root, startWrapper, until } from './support.mjs';

const { chromium } = requireWeb('playwright-core');

test('the log page shows a line printed after it was opened', { timeout: 120000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ociswrapper-page-'));
  const wrapper = await startWrapper();
  const apiPort = wrapper.apiPort;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
    env: { ...process.env, HOME: dir },
  });
  try {
    await until(async () => (await api(apiPort, 'GET', '/status').catch(() => ({ json: {} }))).json?.ocis?.state === 'RUNNING',
      30000, 'oCIS to run');
    const page = await browser.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`http://127.0.0.1:${apiPort}/`);
    await page.waitForSelector('#log .line', { timeout: 15000 });

    // A restart after the page opened: its new process announces its own pid.
    const config = await api(apiPort, 'PUT', '/config', JSON.stringify({ PAGE_TEST: 'yes' }));
    assert.equal(config.code, 200);
    const pid = config.json.pid;
    await page.waitForFunction((p) => document.getElementById('log').textContent.includes(`"pid":${p}`),
      pid, { timeout: 15000 });

    assert.ok(await page.locator('#log .line.stderr').count() > 0, 'stderr lines are marked');
    assert.match(await page.locator('#state').textContent(), /oCIS RUNNING/);
    await page.selectOption('#stream', 'stderr');
    assert.equal(await page.locator('#log .line.stdout:not(.hidden)').count(), 0, 'the stream filter hides stdout');
    await page.screenshot({ path: path.join(root, 'target/log-page.png'), fullPage: false });
    assert.deepEqual(requests.filter((u) => !u.startsWith(`http://127.0.0.1:${apiPort}/`)
      && !u.startsWith(`ws://127.0.0.1:${apiPort}/`)), [], 'the page loads nothing from elsewhere');
  } finally {
    await browser.close();
    await wrapper.stop();
  }
});
