/** Shared timing loop: warm-up and calibration, then the median rate over rounds. */
export interface BenchOptions {
  rounds?: number;
  minMs?: number;
}

export function quick(): BenchOptions {
  return process.env.BENCH_QUICK ? { rounds: 3, minMs: 50 } : { rounds: 7, minMs: 200 };
}

/** Median operations per second of `fn` over `rounds` rounds of at least `minMs` each. */
export function opsPerSecond(fn: () => void, { rounds = 7, minMs = 200 }: BenchOptions = {}): number {
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    if (performance.now() - t0 >= minMs / 10) break;
    batch *= 2;
  }
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let ops = 0;
    const t0 = performance.now();
    let dt = 0;
    do {
      for (let i = 0; i < batch; i++) fn();
      ops += batch;
      dt = performance.now() - t0;
    } while (dt < minMs);
    rates.push((ops * 1000) / dt);
  }
  rates.sort((a, b) => a - b);
  return rates[rates.length >> 1];
}

/** The same for an asynchronous operation (one request in flight at a time). */
export async function asyncOpsPerSecond(fn: () => Promise<unknown>, { rounds = 7, minMs = 200 }: BenchOptions = {}): Promise<number> {
  for (let i = 0; i < 50; i++) await fn();
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let ops = 0;
    const t0 = performance.now();
    let dt = 0;
    do {
      await fn();
      ops++;
      dt = performance.now() - t0;
    } while (dt < minMs);
    rates.push((ops * 1000) / dt);
  }
  rates.sort((a, b) => a - b);
  return rates[rates.length >> 1];
}

export const fmtOps = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(0)} k` : x.toFixed(0));
