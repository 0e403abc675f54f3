/** Latency samples of one step, in milliseconds. */
export class Samples {
  readonly values: number[] = [];

  add(ms: number): void {
    this.values.push(ms);
  }

  percentile(p: number): number {
    if (!this.values.length) return NaN;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  }
}

export async function timed<T>(samples: Samples, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  samples.add(performance.now() - started);
  return result;
}

export const fmt = (ms: number) => (Number.isNaN(ms) ? '-' : ms.toFixed(1));

/** Peak resident set size of a process, from Linux's /proc (VmHWM), in MB. */
export async function peakRssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

export async function currentRssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

/** Samples a process's RSS every 100 ms; `take` gives the highest seen since the last take. */
export class RssWatch {
  #highest = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(pid: number) {
    this.#timer = setInterval(() => {
      currentRssMb(pid).then(
        (mb) => (this.#highest = Math.max(this.#highest, mb)),
        () => undefined,
      );
    }, 100);
    this.#timer.unref();
  }

  take(): number {
    const highest = this.#highest;
    this.#highest = 0;
    return highest;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
