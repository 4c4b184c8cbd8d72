// Starting and stopping the child processes of a run (servers and load generators).
//
// Why pinning: on a 2-core machine, a server and the load generator left to the scheduler compete
// for the same core part of the time and the numbers swing with where they land. `taskset -c 0`
// for the servers and `taskset -c 1` for the generator gives each its own core, so every variant
// is measured under the same conditions. Without taskset (or with fewer than two usable cores)
// the processes run unpinned and the report says so.
import { spawn, spawnSync } from 'node:child_process';

const children = new Set();

/** The CPU list this process may run on, from `taskset -p`, or undefined without taskset. */
function allowedCpus() {
  const probe = spawnSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const list = probe.stdout.split(':').pop()?.trim() ?? '';
  const cpus = [];
  for (const part of list.split(',')) {
    const [from, to = from] = part.split('-').map(Number);
    for (let cpu = from; cpu <= to && cpus.length < 1024; cpu += 1) cpus.push(cpu);
  }
  return cpus.filter(Number.isInteger);
}

/**
 * `{ server, load }` CPU ids when pinning is possible, else undefined. A runner started pinned by
 * another (the rate-limit benchmark's measuring process, on the load core) gets its parent's plan in
 * BENCH_PINNING: asked itself, it would see one allowed CPU and pin nothing.
 */
export const PINNING = (() => {
  if (process.env.BENCH_PINNING !== undefined) return JSON.parse(process.env.BENCH_PINNING) ?? undefined;
  const cpus = allowedCpus();
  if (cpus === undefined || cpus.length < 2) return undefined;
  return { server: cpus[0], load: cpus[1] };
})();

/**
 * Spawns `node [...nodeOptions] <script> ...args` with an IPC channel, pinned to `cpu` when pinning
 * is on. `nodeOptions` are Node's own flags (e.g. `--expose-gc`).
 */
export function spawnNode(script, args, cpu, nodeOptions = []) {
  const nodeArgs = [...nodeOptions, script, ...args];
  const [command, commandArgs] =
    PINNING === undefined || cpu === undefined ? [process.execPath, nodeArgs] : ['taskset', ['-c', String(cpu), process.execPath, ...nodeArgs]];
  // taskset execs node in place, so the child keeps the IPC descriptor and the pid is node's.
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  // Spawn and IPC errors surface through firstMessage/stop; without a listener they would crash the runner.
  child.on('error', () => undefined);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Resolves with the first IPC message of `child`; rejects if it exits first or takes too long. */
export function firstMessage(child, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message) => finish(undefined, message);
    const onExit = (code, signal) => finish(new Error(`${what}: exited (${signal ?? code}) before answering`));
    const onError = (error) => finish(new Error(`${what}: ${error.message}`));
    function finish(error, message) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error) reject(error);
      else resolve(message);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.on('error', onError);
  });
}

/** Resolves with the exit code of `child`; kills it and rejects if it runs longer than `timeoutMs`. */
export function firstExit(child, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what}: still running after ${timeoutMs} ms, killed`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal);
    });
  });
}

/** Asks a child to close, then kills it if it is still there after `graceMs`. */
export function stop(child, graceMs = 3_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    // The child may be exiting on its own (a generator that just answered): a failed send is fine.
    if (child.connected) child.send('close', (error) => error && child.kill('SIGTERM'));
    else child.kill('SIGTERM');
  });
}

/** Kills every child this process started and that is still running (synchronous: safe in 'exit'). */
export function killAll() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

/** Makes sure no child outlives the runner, whatever way the runner ends. */
export function killChildrenOnExit() {
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}
