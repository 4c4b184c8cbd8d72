// A description of the machine, printed with every result: ratios only compare within one machine.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { PINNING } from './processes.mjs';

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.split(':').slice(1).join(':').trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function describeMachine() {
  return {
    cpus: os.cpus().length,
    // Fewer than `cpus` when this process is pinned (the micro benchmark runs pinned to one core).
    cpusAvailable: os.availableParallelism(),
    cpuModel: cpuModel(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    // Taken before any benchmark process starts: other work on the machine shows up here and
    // makes the numbers noisy (the report warns when it is high).
    loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
    pinning: PINNING === undefined ? null : { server: PINNING.server, loadGenerator: PINNING.load },
  };
}
