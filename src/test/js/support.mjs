// Shared by the Node tests: ports, bounded waits, the API, and the fat jar as a child process.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Resolves the npm packages that the build installed in src/main/web. */
export const requireWeb = createRequire(path.join(root, 'src/main/web/package.json'));

export function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function until(condition, ms, what) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for ' + what);
}

export async function api(port, method, pathname, body) {
  const response = await fetch(`http://127.0.0.1:${port}${pathname}`, { method, body });
  return { code: response.status, json: await response.json() };
}

/** `java -jar target/ociswrapper.jar serve` on free ports against the stand-in; stop() ends it with SIGTERM. */
export async function startWrapper(extraArgs = [], extraEnv = {}) {
  const apiPort = await freePort();
  const ocisPort = await freePort();
  const child = spawn('java', ['-jar', path.join(root, 'target/ociswrapper.jar'), 'serve',
    '--bin', path.join(root, 'scripts/ocis-standin'), '--url', `http://127.0.0.1:${ocisPort}`,
    '--port', String(apiPort), '--host', '127.0.0.1', ...extraArgs], {
    env: { ...process.env, OCIS_URL: `http://127.0.0.1:${ocisPort}`, ...extraEnv },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await until(async () => (await api(apiPort, 'GET', '/healthz').catch(() => ({ code: 0 }))).code === 200,
    30000, 'the wrapper to listen');
  return { apiPort, stop: async () => { child.kill('SIGTERM'); await exited; } };
}
