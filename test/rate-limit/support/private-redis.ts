/**
 * A redis-server of the test's own, on a free loopback port, that the test can kill (SIGKILL, as a
 * crash would) and start again on the same port. Nothing is persisted (`--save "" --appendonly no`):
 * a restarted server is empty, like a replacement node.
 *
 * Every process started here is tracked by pid and ended by `stop()`; every wait is bounded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type AddressInfo } from 'node:net';

const START_ATTEMPTS = 50;
const START_POLL_MS = 100;
const EXIT_WAIT_MS = 5_000;

/** Undefined when `redis-server` can be run; otherwise why not. */
export function redisServerUnavailableReason(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8', timeout: 5_000 });
  if (probe.error !== undefined) return `redis-server is not runnable (${probe.error.message})`;
  if (probe.status !== 0) return `redis-server --version exited with ${String(probe.status)}`;
  return undefined;
}

/** A port nothing listens on right now (the kernel's choice for port 0, released at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** True when a Redis on the port answers PING with +PONG (raw RESP: no client library involved). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class PrivateRedis {
  #process: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(readonly port: number) {}

  /** Starts redis-server on this port and waits (bounded) until it answers PING. */
  async start(): Promise<void> {
    if (this.#process !== undefined) throw new Error('redis-server is already running');
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    let exitedEarly = false;
    let spawnError: string | undefined;
    this.#exited = new Promise((resolve) => {
      child.once('exit', () => {
        exitedEarly = true;
        if (this.#process === child) this.#process = undefined;
        resolve();
      });
      // Without a listener a spawn error (ENOENT) would be thrown; no exit event may follow it.
      child.once('error', (error) => {
        spawnError = error.message;
        exitedEarly = true;
        if (this.#process === child) this.#process = undefined;
        resolve();
      });
    });
    this.#process = child;
    for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      if (exitedEarly) break;
      // Our process must still be alive: a PONG from someone else's server on the port is not ours.
      if ((await answersPing(this.port)) && !exitedEarly) return;
      await delay(START_POLL_MS);
    }
    await this.kill();
    if (spawnError !== undefined) throw new Error(`redis-server could not be started: ${spawnError}`);
    if (exitedEarly) throw new Error(`redis-server exited at start (is port ${this.port} taken?)`);
    throw new Error(`redis-server did not answer on port ${this.port} after ${START_ATTEMPTS} attempts`);
  }

  /** SIGKILL, as a crash: no shutdown, no goodbye to the clients. Waits until the process is gone. */
  async kill(): Promise<void> {
    const child = this.#process;
    if (child === undefined) return;
    this.#process = undefined;
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, EXIT_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /** Ends whatever is still running of the servers this instance started (for `after()`). */
  async stop(): Promise<void> {
    await this.kill();
  }
}
