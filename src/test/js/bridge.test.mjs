// The SockJS bridge with the real client libraries (@vertx/eventbus-bridge-client.js and
// sockjs-client from npm), against the fat jar supervising a flooding stand-in oCIS.
// Run: node --test src/test/js/   (after `mvn package`; scripts/test does both)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(path.join(root, 'src/main/web/package.json'));
const EventBus = require('@vertx/eventbus-bridge-client.js');
const LINES = 100000;

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function until(condition, ms, what) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for ' + what);
}

async function api(port, method, pathname, body) {
  const response = await fetch(`http://127.0.0.1:${port}${pathname}`, { method, body });
  return { code: response.status, json: await response.json() };
}

test('a bridge client receives 100000 flood lines with no silent gap in seq', { timeout: 120000 }, async () => {
  const apiPort = await freePort();
  const ocisPort = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'ociswrapper-node-'));
  const wrapper = spawn('java', ['-jar', path.join(root, 'target/ociswrapper.jar'), 'serve',
    '--bin', path.join(root, 'scripts/ocis-standin'), '--url', `http://127.0.0.1:${ocisPort}`,
    '--port', String(apiPort), '--host', '127.0.0.1', '--skip-ocis-run'], {
    env: { ...process.env, OCIS_URL: `http://127.0.0.1:${ocisPort}`, STANDIN_EVENTS: path.join(dir, 'events.jsonl') },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => wrapper.on('exit', resolve));
  let eb;
  try {
    await until(async () => (await api(apiPort, 'GET', '/healthz').catch(() => ({ code: 0 }))).code === 200, 30000, 'the wrapper');
    eb = new EventBus(`http://127.0.0.1:${apiPort}/eventbus`);
    await new Promise((resolve) => { eb.onopen = resolve; });

    const received = [];
    let lastFlood = false;
    let latencies = [];
    eb.registerHandler('ocis.log', (err, msg) => {
      assert.equal(err, null);
      received.push(msg.body);
      if (msg.body.line.startsWith('flood ')) latencies.push(Date.now() - Date.parse(msg.body.ts));
      if (msg.body.line === `flood ${LINES}`) lastFlood = true;
    });
    // Registration is confirmed by the first line arriving; give the bridge a moment.
    await new Promise((r) => setTimeout(r, 300));

    const started = Date.now();
    const config = await api(apiPort, 'PUT', '/config', JSON.stringify({ STANDIN_FLOOD_LINES: String(LINES) }));
    assert.equal(config.code, 200, JSON.stringify(config.json));
    await until(() => lastFlood, 60000, 'the last flood line');
    const seconds = (Date.now() - started) / 1000;

    let missed = 0;
    for (let i = 1; i < received.length; i++) {
      const gap = received[i].seq - received[i - 1].seq - 1;
      assert.equal(received[i].dropped ?? 0, gap, `seq ${received[i - 1].seq} -> ${received[i].seq}`);
      missed += gap;
    }
    const flood = received.filter((l) => l.line.startsWith('flood '));
    const first = received[0].seq;
    const last = received[received.length - 1].seq;
    assert.equal(received.length + missed, last - first + 1);
    assert.ok(flood.length + missed >= LINES, `${flood.length} received + ${missed} reported dropped`);
    latencies.sort((a, b) => a - b);
    const events = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const floodStart = events.find((e) => e.event === 'flood-start');
    const floodEnd = events.find((e) => e.event === 'flood-end');
    console.log(`# received ${flood.length} of ${LINES} flood lines, ${missed} reported dropped, ` +
      `stand-in printed them in ${((floodEnd.us - floodStart.us) / 1000).toFixed(0)} ms, ` +
      `${(flood.length / seconds).toFixed(0)} lines/s end to end incl. restart, ` +
      `latency median ${latencies[Math.floor(latencies.length / 2)]} ms p99 ${latencies[Math.floor(latencies.length * 0.99)]} ms`);
  } finally {
    if (eb) eb.close();
    wrapper.kill('SIGTERM');
    await exited;
  }
});
