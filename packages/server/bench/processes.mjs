/**
 * The processes the bench measures: started on a port chosen beforehand, their output into a file the
 * bench never reads during the load (reading a server's output line by line would spend the shared
 * cores), and ready once their port answers HTTP 200.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

/** A port free right now on 127.0.0.1 (the OS picks it; the process we start takes it a moment later). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * True when GET `url` answers 200 now; false when refused or any other status.
 * @param {string} url
 * @returns {Promise<boolean>}
 */
export function answers200(url) {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('error', () => resolve(false));
    req.once('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * @typedef {object} Started
 * @property {string} url       base URL
 * @property {number} pid
 * @property {number} readyMs   spawn → the first 200 from `readyPath`
 * @property {() => Promise<void>} stop   SIGTERM, and waits for the exit
 */

/**
 * Starts `node <args>` with PORT set to a free port, writes its stdout and stderr to `logFile`, and
 * polls `readyPath` every 5 ms until it answers 200.
 * @param {string[]} args
 * @param {Record<string, string>} env
 * @param {{ logFile: string, readyPath?: string, timeoutMs?: number }} o
 * @returns {Promise<Started>}
 */
export async function startNode(args, env, { logFile, readyPath = '/readyz', timeoutMs = 30_000 }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(logFile, 'a');
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  let gone = false;
  void exited.then(() => (gone = true));
  while (!(await answers200(url + readyPath))) {
    const tail = () => readFileSync(logFile, 'utf8').slice(-2_000);
    if (gone) throw new Error(`${args.join(' ')} exited before it was ready; its log (${logFile}) ends:\n${tail()}`);
    if (performance.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${args.join(' ')} was not ready in ${timeoutMs / 1000} s; its log (${logFile}) ends:\n${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - started;
  const pid = /** @type {number} */ (child.pid);
  return {
    url,
    pid,
    readyMs,
    stop: async () => {
      if (!gone) child.kill('SIGTERM');
      await exited;
    },
  };
}
