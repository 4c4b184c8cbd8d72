/**
 * The parent's side of the concurrency test: a fleet of worker processes (concurrency-worker.ts,
 * forked with tsx), each one service instance, driven one message at a time over node IPC.
 *
 * Every wait is bounded by a watchdog that fails the test (a hung worker is a failure, never a
 * timing assertion), and `stop()` ends every process this fleet started, by its pid.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ParentMessage, WorkerMessage } from './worker-protocol.js';

const WORKER_SCRIPT = fileURLToPath(new URL('./concurrency-worker.ts', import.meta.url));
/** The repository root, where `tsx` is installed (`--import tsx` resolves from the cwd). */
const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** A worker that has not answered by then is stuck: fail rather than hang the run. */
const WATCHDOG_MS = 60_000;
const EXIT_GRACE_MS = 5_000;

type Reply<T extends WorkerMessage['type']> = Extract<WorkerMessage, { type: T }>;

export class Worker {
  readonly #child: ChildProcess;
  readonly #inbox: WorkerMessage[] = [];
  #waiter: ((message: WorkerMessage | Error) => void) | undefined;
  #exited = false;
  readonly #exit: Promise<void>;

  constructor(readonly index: number) {
    this.#child = fork(WORKER_SCRIPT, [], {
      cwd: REPOSITORY_ROOT,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (message: WorkerMessage) => this.#deliver(message));
    this.#exit = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#exited = true;
        this.#deliver(new Error(`worker ${index} exited (code ${String(code)}, signal ${String(signal)})`));
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  #deliver(message: WorkerMessage | Error): void {
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter(message);
    } else if (!(message instanceof Error)) {
      this.#inbox.push(message);
    }
  }

  /** The next message from this worker, which must be of type `type` (a `failed` one throws). */
  async next<T extends WorkerMessage['type']>(type: T): Promise<Reply<T>> {
    const queued = this.#inbox.shift();
    const message = await (queued !== undefined
      ? Promise.resolve<WorkerMessage | Error>(queued)
      : this.#exited
        ? Promise.resolve<WorkerMessage | Error>(new Error(`worker ${this.index} has exited`))
        : new Promise<WorkerMessage | Error>((resolve, reject) => {
            const timer = setTimeout(() => {
              this.#waiter = undefined;
              reject(new Error(`worker ${this.index} did not answer '${type}' within ${WATCHDOG_MS} ms`));
            }, WATCHDOG_MS);
            this.#waiter = (received) => {
              clearTimeout(timer);
              resolve(received);
            };
          }));
    if (message instanceof Error) throw message;
    if (message.type === 'failed') throw new Error(`worker ${this.index} failed: ${message.message}`);
    if (message.type !== type) throw new Error(`worker ${this.index} answered '${message.type}', expected '${type}'`);
    return message as Reply<T>;
  }

  async ask<T extends WorkerMessage['type']>(message: ParentMessage, reply: T): Promise<Reply<T>> {
    if (this.#exited) throw new Error(`worker ${this.index} has exited`);
    this.#child.send(message);
    return this.next(reply);
  }

  /** Asks the worker to exit; kills it (by pid) if it has not within the grace period. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    if (this.#child.connected) this.#child.send({ type: 'exit' } satisfies ParentMessage);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace-over'>((resolve) => {
      timer = setTimeout(() => resolve('grace-over'), EXIT_GRACE_MS);
    });
    const ended = await Promise.race([this.#exit.then(() => 'exited' as const), graceOver]);
    clearTimeout(timer);
    if (ended === 'grace-over' && !this.#exited && this.#child.pid !== undefined) {
      process.kill(this.#child.pid, 'SIGKILL');
      await this.#exit;
    }
  }
}

/** Starts `count` workers and waits until each is up (connected to Redis). */
export async function startFleet(count: number): Promise<Worker[]> {
  const workers = Array.from({ length: count }, (_, index) => new Worker(index));
  try {
    await Promise.all(workers.map((worker) => worker.next('up')));
  } catch (error) {
    await stopFleet(workers);
    throw error;
  }
  return workers;
}

export async function stopFleet(workers: readonly Worker[]): Promise<void> {
  await Promise.allSettled(workers.map((worker) => worker.stop()));
}
