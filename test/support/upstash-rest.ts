import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

/**
 * A local stand-in for Upstash's Redis REST API, in front of a real redis-server, so the real
 * `@upstash/redis` client can be tested without the internet. It speaks what that client sends
 * (read from its source, v1.39): `POST /` with a JSON array command, `POST /pipeline` and
 * `POST /multi-exec` with an array of them; `Authorization: Bearer <token>`; answers
 * `{ result }` or `{ error }` (HTTP 400 for a command error, 401 for a wrong token, as Upstash
 * does), and with `Upstash-Encoding: base64` every string result except `OK` base64-encoded.
 */
export interface UpstashRestHandle {
  /** `http://127.0.0.1:<port>`: the client's `url`. */
  readonly url: string;
  /** The bearer token it accepts: the client's `token`. */
  readonly token: string;
  /** Requests answered so far, by path (`/`, `/pipeline`, `/multi-exec`), and refused for auth. */
  readonly counts: { commands: number; pipelines: number; unauthorized: number };
  close(): Promise<void>;
}

type Reply = string | number | null | Reply[];

function encode(value: unknown, base64: boolean): Reply {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return value.map((v) => encode(v, base64));
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  // The client decodes every string but `OK` from base64 (status replies stay readable).
  return base64 && text !== 'OK' ? Buffer.from(text, 'utf8').toString('base64') : text;
}

function isCommand(body: unknown): body is string[] {
  return (
    Array.isArray(body) &&
    body.length > 0 &&
    body.every((a) => typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean')
  );
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts the endpoint on a free loopback port, over the Redis at `redisUrl`. */
export async function startUpstashRest(redisUrl: string): Promise<UpstashRestHandle> {
  const token = randomBytes(24).toString('base64url');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  const counts = { commands: 0, pipelines: 0, unauthorized: 0 };

  const run = async (command: string[], base64: boolean): Promise<{ result?: Reply; error?: string }> => {
    const [name, ...args] = command.map(String);
    try {
      return { result: encode(await redis.call(name as string, ...args), base64) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST') return send(res, 405, { error: 'Method not allowed' });
      if (req.headers.authorization !== `Bearer ${token}`) {
        counts.unauthorized++;
        return send(res, 401, { error: 'Unauthorized' });
      }
      const base64 = req.headers['upstash-encoding'] === 'base64';
      let body: unknown;
      try {
        body = await readJson(req);
      } catch {
        return send(res, 400, { error: 'ERR failed to parse command' });
      }
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/') {
        if (!isCommand(body)) return send(res, 400, { error: 'ERR failed to parse command' });
        counts.commands++;
        const answer = await run(body, base64);
        return send(res, answer.error === undefined ? 200 : 400, answer);
      }
      if (path === '/pipeline' || path === '/multi-exec') {
        if (!Array.isArray(body) || !body.every(isCommand)) {
          return send(res, 400, { error: 'ERR failed to parse pipeline request' });
        }
        counts.pipelines++;
        if (path === '/pipeline') {
          const answers = [];
          for (const command of body) answers.push(await run(command, base64));
          return send(res, 200, answers);
        }
        const multi = redis.multi();
        for (const command of body) {
          const [name, ...args] = command.map(String);
          multi.call(name as string, ...args);
        }
        const results = (await multi.exec()) ?? [];
        return send(
          res,
          200,
          results.map(([err, value]) => (err ? { error: err.message } : { result: encode(value, base64) })),
        );
      }
      return send(res, 404, { error: 'Not found' });
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: (err as Error).message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    counts,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}

/**
 * The same endpoint in a child process, as Upstash is a service of its own: in the process
 * that simulates a whole fleet, the endpoint would wait for that fleet's event loop to accept
 * and answer, and time out the commands the benchmark means to count. `counts` stay at zero.
 */
export async function startUpstashRestProcess(redisUrl: string): Promise<UpstashRestHandle> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), SERVE_FLAG, redisUrl],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)),
      },
    },
  );
  const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`upstash-rest child exited (${code}) before listening`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n', 1)[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line) as { url: string; token: string });
    });
  });
  child.removeAllListeners('exit');
  return {
    ...ready,
    counts: { commands: 0, pipelines: 0, unauthorized: 0 },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const SERVE_FLAG = '--serve-upstash-rest';
if (process.argv[2] === SERVE_FLAG && process.argv[3]) {
  const handle = await startUpstashRest(process.argv[3]);
  process.stdout.write(`${JSON.stringify({ url: handle.url, token: handle.token })}\n`);
  process.once('SIGTERM', () => void handle.close().then(() => process.exit(0)));
}
