import { basiqAxios } from '@basiq-token/core/axios';
import { Agent } from 'node:http';
import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { createBasiqClient, createClientTokenFetchHandler } from '../../packages/core/src/index.js';
import { startTsChild } from './child.js';
import { median } from './stats.js';

/** One client's CPU cost per request, and the same for its plain counterpart. */
export interface CpuRow {
  client: string;
  /** Median over rounds of this process's CPU time (user + system) per request, in µs. */
  cpuUs: number;
  /** `cpuUs` divided by its baseline's (1 for a baseline). */
  ratio: number;
  rounds: number[];
}

export interface CpuOptions {
  requests: number;
  rounds: number;
  concurrency: number;
}

type Send = () => Promise<unknown>;

/** How many turns each client takes per round. */
const SLICES = 10;

/**
 * What the token layer costs in CPU on a cache hit, measured in this process: `requests` GETs
 * per round, `concurrency` at a time, through keep-alive connections to a trivial server in
 * another process, for four clients: a plain axios instance with a fixed `Authorization`
 * (its own keep-alive agent of `concurrency` sockets), core's `client.http` (the same), plain
 * `fetch` with a fixed header, and core's `client.fetch` (both on fetch's own pool, which
 * `concurrency` requests at a time keep to that many sockets); then, in process, core's client-token
 * Fetch handler on a cache hit beside a stand-in answering the same JSON from a fixed token. The baselines set no timeout,
 * so they pay for nothing core does (core's 30 s timeout included). Rounds interleave the
 * clients, in slices within each round (the order rotating), so drift on a shared machine
 * falls on all of them alike; the median over rounds of each client's CPU µs per request is
 * reported. Each answer's body is read.
 */
export async function measureCpuPerRequest(options: CpuOptions): Promise<CpuRow[]> {
  const server = await startTsChild('bench/support/trivial-server.ts', [], {
    ready: /listening on (http:\/\/\S+)/,
  });
  const baseUrl = server.ready[1]!;
  const agents: Agent[] = [];
  const agent = () => {
    const a = new Agent({ keepAlive: true, maxSockets: options.concurrency });
    agents.push(a);
    return a;
  };
  const client = createBasiqClient({ apiKey: 'YmVuY2gtb25seS1rZXk=', baseUrl, logger: false });
  try {
    const token = await client.getServerToken();
    const authorization = `Bearer ${token}`;
    const plainAxios: AxiosInstance = axios.create({
      baseURL: baseUrl,
      headers: { authorization },
      httpAgent: agent(),
    });
    const http = basiqAxios(client);
    http.defaults.httpAgent = agent();
    const path = '/users/8cda72db-b11f-4b8e-a4ca-3c5b1de4e4b5';
    const url = `${baseUrl}${path}`;
    const readJson = async (res: Response) => res.json();
    // The client-token route as a Fetch handler on a cache hit, beside a stand-in that answers the
    // same JSON from a fixed token: what core's route (validation, cache lookup, answer) costs.
    const userId = '8cda72db-b11f-4b8e-a4ca-3c5b1de4e4b5';
    const handler = createClientTokenFetchHandler(client, { resolveUserId: () => userId });
    const cached = await client.getClientToken(userId);
    const fixedAnswer = JSON.stringify({
      access_token: cached.accessToken,
      token_type: 'Bearer',
      expires_in: cached.expiresIn,
    });
    const routeRequest = () => new Request(`${baseUrl}/basiq/client-token`, { method: 'POST' });
    const fixedHandler = async (request: Request) => {
      if (request.method !== 'POST') throw new Error('unexpected method');
      return new Response(fixedAnswer, {
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      });
    };

    const clients: { name: string; baseline?: string; send: Send }[] = [
      { name: 'plain axios, fixed Authorization', send: () => plainAxios.get(path) },
      {
        name: 'client.http',
        baseline: 'plain axios, fixed Authorization',
        send: () => http.get(path),
      },
      {
        name: 'plain fetch, fixed Authorization',
        send: () => fetch(url, { headers: { authorization } }).then(readJson),
      },
      {
        name: 'client.fetch',
        baseline: 'plain fetch, fixed Authorization',
        send: () => client.fetch(path).then(readJson),
      },
      {
        name: 'Fetch handler, fixed client token',
        send: () => fixedHandler(routeRequest()).then(readJson),
      },
      {
        name: 'client-token Fetch handler (cache hit)',
        baseline: 'Fetch handler, fixed client token',
        send: () => handler(routeRequest()).then(readJson),
      },
    ];

    const run = async (send: Send, n: number): Promise<number> => {
      let next = 0;
      const worker = async () => {
        while (next < n) {
          next++;
          await send();
        }
      };
      const before = process.cpuUsage();
      await Promise.all(Array.from({ length: options.concurrency }, worker));
      const used = process.cpuUsage(before);
      return (used.user + used.system) / n;
    };

    // JIT, connection pools: unmeasured.
    for (const c of clients) await run(c.send, Math.min(options.requests, 5_000));
    const perClient = new Map(clients.map((c) => [c.name, [] as number[]]));
    // Within a round the clients take turns in slices, so a burst of load from elsewhere on the
    // machine falls on all four rather than on whichever was running at the time.
    const slice = Math.ceil(options.requests / SLICES);
    for (let round = 0; round < options.rounds; round++) {
      const used = new Map(clients.map((c) => [c.name, 0]));
      for (let s = 0; s < SLICES; s++) {
        for (let i = 0; i < clients.length; i++) {
          const c = clients[(i + round + s) % clients.length]!;
          used.set(c.name, used.get(c.name)! + (await run(c.send, slice)) * slice);
        }
      }
      for (const c of clients) perClient.get(c.name)!.push(used.get(c.name)! / (slice * SLICES));
    }
    const cpu = new Map(clients.map((c) => [c.name, median(perClient.get(c.name)!)]));
    return clients.map((c) => ({
      client: c.name,
      cpuUs: cpu.get(c.name)!,
      ratio: c.baseline ? cpu.get(c.name)! / cpu.get(c.baseline)! : 1,
      rounds: perClient.get(c.name)!,
    }));
  } finally {
    await client.close();
    for (const a of agents) a.destroy();
    await server.stop();
  }
}
