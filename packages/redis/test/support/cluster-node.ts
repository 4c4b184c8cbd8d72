/**
 * A real, throwaway Redis Cluster for the tests: one `redis-server --cluster-enabled yes` on a free
 * loopback port that owns all 16384 slots. Small, but a genuine cluster: Cluster clients discover
 * it with CLUSTER SLOTS and route every command by its key's slot, and a command naming keys in
 * two slots would be refused with CROSSSLOT, which is what the store must never do.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

export interface ClusterNode {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

const STARTUP_ROUNDS = 100;
const STARTUP_STEP_MS = 50;

/** Undefined when `redis-server` can be run; otherwise why not. */
export function redisServerMissingReason(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8', timeout: 5_000 });
  if (probe.error !== undefined) return `redis-server cannot be run (${probe.error.message})`;
  return probe.status === 0 ? undefined : `redis-server --version exited ${String(probe.status)}`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let round = 0; round < STARTUP_ROUNDS; round++) {
    if (await check()) return;
    await sleep(STARTUP_STEP_MS);
  }
  throw new Error(`cluster node: ${what} did not happen within ${STARTUP_ROUNDS * STARTUP_STEP_MS} ms`);
}

export async function startClusterNode(): Promise<ClusterNode> {
  const host = '127.0.0.1';
  const port = await freePort();
  const busPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-redis-cluster-'));
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port', String(port),
      '--cluster-port', String(busPort),
      '--bind', host,
      '--cluster-enabled', 'yes',
      // Without it a lone node reports an empty address in CLUSTER SLOTS (it learns its own from peers).
      '--cluster-announce-ip', host,
      '--cluster-config-file', join(dir, 'nodes.conf'),
      '--dir', dir,
      '--save', '',
      '--appendonly', 'no',
      '--protected-mode', 'no',
    ],
    { stdio: 'ignore' },
  );
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  let admin: Redis | undefined;
  const stop = async (): Promise<void> => {
    admin?.disconnect();
    if (!exited) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([gone, sleep(5_000)]);
      if (!exited) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (exited) throw new Error('redis-server exited');
      const candidate = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      candidate.on('error', () => {});
      try {
        await candidate.connect();
        if ((await candidate.ping()) === 'PONG') {
          admin = candidate;
          return true;
        }
      } catch {
        // Not listening yet: try again.
      }
      candidate.disconnect();
      return false;
    }, 'PONG');
    const ready = admin as Redis;
    await ready.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await waitFor(async () => String(await ready.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), 'cluster_state:ok');
  } catch (error) {
    await stop();
    throw error;
  }
  return { host, port, stop };
}
