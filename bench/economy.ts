// `/token` calls over a simulated day: basiq-token's core against the pattern of Basiq's sample
// apps (a server token refetched every 30 minutes per instance, a fresh client token for every
// Consent UI open). The traffic is one seeded random day, replayed on an injected clock (no real
// waiting): the core runs for real (4 clients against the emulator, both on the fake clock);
// the sample apps' pattern is a policy, so it is counted from the same traffic.
//
//   npx tsx bench/economy.ts [--quick]     (the same day either way: 10 to 20 s, mostly /token round trips)
import { createBasiqClient, MemoryStore } from '../packages/core/src/index.js';
import type { BasiqClient, TokenStore } from '../packages/core/src/index.js';
import { startEmulator } from '../packages/emulator/src/index.js';
import { peakInWindow, seededRandom } from './support/stats.js';
import { int, printTable } from './support/table.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WINDOW = 5 * 60_000;
const BASIQ_LIMIT = 1_500;

/** The traffic mix. */
const mix = { instances: 4, dataPerHour: 2_000, opensPerHour: 300, users: 150 };

interface TrafficEvent {
  at: number;
  instance: number;
  /** A data request (needs the server token) or a Consent UI open by `user` (needs a client token). */
  kind: 'data' | 'open';
  user: number;
}

interface Tally {
  pattern: string;
  server: number[];
  client: number[];
}

/** A day of Poisson arrivals for each stream, spread evenly at random over the instances. */
function trafficDay(start: number, random: () => number): TrafficEvent[] {
  const events: TrafficEvent[] = [];
  const stream = (perHour: number, kind: TrafficEvent['kind']) => {
    for (let at = start; ;) {
      at += (-Math.log(1 - random()) * HOUR) / perHour;
      if (at >= start + DAY) return;
      const instance = Math.floor(random() * mix.instances);
      events.push({ at, instance, kind, user: Math.floor(random() * mix.users) });
    }
  };
  stream(mix.dataPerHour, 'data');
  stream(mix.opensPerHour, 'open');
  return events.sort((a, b) => a.at - b.at);
}

/** Basiq's sample apps: a module-level server token refetched after 30 minutes, a client token per open. */
function samplePattern(events: readonly TrafficEvent[]): Tally {
  const tally: Tally = { pattern: "Basiq's sample apps", server: [], client: [] };
  const fetchedAt = new Array<number>(mix.instances).fill(-Infinity);
  for (const e of events) {
    if (e.kind === 'open') {
      tally.client.push(e.at);
      continue;
    }
    if (e.at - fetchedAt[e.instance]! >= 30 * 60_000) {
      fetchedAt[e.instance] = e.at;
      tally.server.push(e.at);
    }
  }
  return tally;
}

/** basiq-token's core, one client per instance, replaying the day on a fake clock. */
async function corePattern(
  pattern: string,
  events: readonly TrafficEvent[],
  start: number,
  sharedStore: boolean,
): Promise<Tally> {
  let now = start;
  const clock = { now: () => now };
  const emulator = await startEmulator({ now: clock.now });
  const store: TokenStore | undefined = sharedStore ? new MemoryStore({ now: clock.now }) : undefined;
  const tally: Tally = { pattern, server: [], client: [] };
  const clients: BasiqClient[] = [];
  try {
    for (let i = 0; i < mix.instances; i++) {
      const client = createBasiqClient({
        apiKey: emulator.apiKey,
        baseUrl: emulator.url,
        clock,
        logger: false,
        ...(store ? { store } : {}),
      });
      client.on('token:fetched', ({ scope }) =>
        (scope === 'SERVER_ACCESS' ? tally.server : tally.client).push(now),
      );
      clients.push(client);
    }
    for (const e of events) {
      now = e.at;
      const client = clients[e.instance]!;
      if (e.kind === 'data') {
        await client.getServerToken();
        // A background refresh started by this call finishes before the clock moves on.
        while (client.toJSON().serverToken.refreshing) await new Promise((r) => setImmediate(r));
      } else {
        await client.getClientToken(`user-${e.user}`);
      }
    }
    const { serverTokens, clientTokens, tokenCalls } = emulator.counters;
    if (
      serverTokens !== tally.server.length ||
      clientTokens !== tally.client.length ||
      tokenCalls !== serverTokens + clientTokens
    ) {
      throw new Error(`${pattern}: the emulator counted other /token calls than the client reported`);
    }
    return tally;
  } finally {
    for (const c of clients) await c.close();
    await store?.close?.();
    await emulator.stop();
  }
}

const quick = process.argv.includes('--quick');
const start = Date.UTC(2030, 0, 1);
const events = trafficDay(start, seededRandom(20_300_101));
const opens = events.filter((e) => e.kind === 'open');
console.log(
  `economy${quick ? ' (quick)' : ''}: /token calls over one simulated day (injected clock), ` +
    `${mix.instances} instances, ${int(events.length - opens.length)} data requests ` +
    `(~${int(mix.dataPerHour)}/hour), ${int(opens.length)} Consent UI opens (~${mix.opensPerHour}/hour) ` +
    `by ${new Set(opens.map((e) => e.user)).size} distinct users; 60-minute tokens; Node ${process.version}`,
);

// Side by side (each has its own emulator and clock): both spend most of their time waiting on I/O.
const tallies = [
  samplePattern(events),
  ...(await Promise.all([
    corePattern('basiq-token core, in-process cache per instance', events, start, false),
    corePattern('basiq-token core, shared store (as with Redis)', events, start, true),
  ])),
];
printTable(
  ['pattern', 'server-token calls/day', 'client-token calls/day', 'total', 'peak in 5 min', 'of 1,500'],
  tallies.map((t) => {
    const peak = peakInWindow(
      [...t.server, ...t.client].sort((a, b) => a - b),
      WINDOW,
    );
    return [
      t.pattern,
      int(t.server.length),
      int(t.client.length),
      int(t.server.length + t.client.length),
      int(peak),
      `${((100 * peak) / BASIQ_LIMIT).toFixed(1)}%`,
    ];
  }),
);
console.log(
  "Peak = most /token calls in any 5-minute window, against Basiq's limit of 1,500 per 5 minutes. " +
    'Core: the server token is refreshed 5 minutes before expiry; a client token is reused per user ' +
    'while at least 5 minutes of it remain.',
);
