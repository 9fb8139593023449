// The SockJS bridge with the real client libraries (@vertx/eventbus-bridge-client.js and
// sockjs-client from npm), against the fat jar supervising a flooding stand-in oCIS.
// Run: node --test src/test/js/   (after `mvn package`; scripts/test does both)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { api, requireWeb, startWrapper, until } from './support.mjs';

const EventBus = requireWeb('@vertx/eventbus-bridge-client.js');
const LINES = 100000;

test('a bridge client receives 100000 flood lines with no silent gap in seq', { timeout: 120000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ociswrapper-node-'));
  const wrapper = await startWrapper(['--skip-ocis-run'], { STANDIN_EVENTS: path.join(dir, 'events.jsonl') });
  const apiPort = wrapper.apiPort;
  let eb;
  try {
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
    await wrapper.stop();
  }
});
