// An open-loop load schedule: one operation starts every `1 / rate` seconds whatever the previous
// ones are doing, and each is timed from the moment it was *scheduled*, not from when it actually
// started. A closed loop (autocannon: each connection waits for its answer before sending again)
// slows down with the server and so hides its stalls ("coordinated omission"); here a stall delays
// every operation scheduled during it, and the percentiles show it.
//
// The schedule is kept by a setImmediate loop that reads the monotonic clock on every turn of the
// event loop: Node's timers have a 1 ms granularity, too coarse for one start every 0.5 ms. The
// loop keeps the client's core busy (it never sleeps), and I/O callbacks still run on every turn.
// (Yielding the core with a short Atomics.wait between turns was tried: the kernel's timer slack
// made each wait ~150 µs, which added that much to every measured latency; a worker thread posting
// the ticks gave the same p99 with a 35 µs higher floor.)
// How late each operation actually started (`startLagUs`) is reported, so that a scheduler that
// could not keep up is visible instead of being counted as the server's latency without a word.

const NS_PER_MS = 1_000_000;

/** Percentiles (nearest rank) of a Float64Array of nanoseconds, in microseconds. */
export function percentilesUs(samples) {
  if (samples.length === 0) return undefined;
  const sorted = Float64Array.from(samples).sort();
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] / 1_000;
  const round = (us) => Math.round(us * 10) / 10;
  return { p50: round(at(50)), p90: round(at(90)), p99: round(at(99)), p999: round(at(99.9)), max: round(sorted[sorted.length - 1] / 1_000) };
}

/**
 * Runs `operation(i)` at `ratePerSecond` for `durationMs`, at most `maxInFlight` at a time (a start
 * that would exceed it is counted as `skipped`, not queued: the schedule never bends to the server).
 * `operation` returns a promise that resolves when the operation is done, with `false` for a wrong
 * answer (counted in `failed`), and rejects on an error (counted in `errors`). Everything in flight
 * when the schedule ends is awaited, so `operation` must settle on its own (each caller bounds it).
 */
export async function runOpenLoop({ ratePerSecond, durationMs, operation, maxInFlight = 1_000 }) {
  // performance.now(): a double in milliseconds with sub-microsecond resolution, monotonic, and,
  // unlike process.hrtime.bigint(), no allocation per read (the loop reads it on every turn).
  const intervalMs = 1_000 / ratePerSecond;
  const total = Math.max(1, Math.round((ratePerSecond * durationMs) / 1_000));
  const latencies = new Float64Array(total);
  const lags = new Float64Array(total);
  let completed = 0;
  let lagged = 0;
  let failed = 0;
  let errors = 0;
  let skipped = 0;
  let inFlight = 0;
  const pending = new Set();

  const start = performance.now() + 1;
  const scheduledAt = (i) => start + i * intervalMs;

  function launch(i) {
    const scheduled = scheduledAt(i);
    lags[lagged++] = (performance.now() - scheduled) * NS_PER_MS;
    if (inFlight >= maxInFlight) {
      skipped += 1;
      return;
    }
    inFlight += 1;
    const done = Promise.resolve()
      .then(() => operation(i))
      .then(
        (ok) => {
          if (ok === false) failed += 1;
          else latencies[completed++] = (performance.now() - scheduled) * NS_PER_MS;
        },
        () => {
          errors += 1;
        },
      )
      .finally(() => {
        inFlight -= 1;
        pending.delete(done);
      });
    pending.add(done);
  }

  await new Promise((resolve) => {
    let next = 0;
    function turn() {
      const now = performance.now();
      while (next < total && scheduledAt(next) <= now) launch(next++);
      if (next < total) setImmediate(turn);
      else resolve();
    }
    setImmediate(turn);
  });
  await Promise.all([...pending]);
  const elapsedMs = performance.now() - start;
  return {
    scheduled: total,
    completed,
    failed,
    errors,
    skipped,
    elapsedMs,
    /** Nanoseconds from scheduled start to completion, one per completed operation. */
    latencies: latencies.subarray(0, completed),
    /** Nanoseconds from scheduled start to actual start, one per scheduled operation. */
    lags: lags.subarray(0, lagged),
  };
}

/** One summary over several runs of the same thing (rounds): their samples pooled. */
export function summarizeRuns(runs) {
  const concat = (arrays) => {
    const all = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
    let offset = 0;
    for (const a of arrays) {
      all.set(a, offset);
      offset += a.length;
    }
    return all;
  };
  const sum = (key) => runs.reduce((n, r) => n + r[key], 0);
  const elapsedMs = sum('elapsedMs');
  return {
    scheduled: sum('scheduled'),
    completed: sum('completed'),
    failed: sum('failed'),
    errors: sum('errors'),
    skipped: sum('skipped'),
    achievedPerSecond: Math.round((sum('completed') / elapsedMs) * 1_000),
    latencyUs: percentilesUs(concat(runs.map((r) => r.latencies))),
    startLagUs: percentilesUs(concat(runs.map((r) => r.lags))),
    /** Each round's p99 alone, to show the spread between rounds. */
    roundP99Us: runs.map((r) => percentilesUs(r.latencies)?.p99 ?? null),
  };
}
