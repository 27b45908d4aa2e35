import autocannon from 'autocannon';

/** One load run's figures. */
export interface LoadResult {
  /** 2xx answers per second. */
  rps: number;
  p99Ms: number;
  /** Non-2xx answers, errors and timeouts: anything but a clean relay. */
  failures: number;
}

/** Loads `url` with `connections` keep-alive connections for `seconds` (autocannon, in this process). */
export async function load(url: string, connections: number, seconds: number): Promise<LoadResult> {
  const r = await autocannon({ url, connections, duration: seconds });
  return { rps: r['2xx'] / r.duration, p99Ms: r.latency.p99, failures: r.non2xx + r.errors + r.timeouts };
}
