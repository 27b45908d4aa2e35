import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, call } from './helpers.js';

const CLI = join(REPO_ROOT, 'packages/emulator/src/cli.ts');
const children: ChildProcess[] = [];

function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start: ${stdout} ${stderr}`)), 15_000);
    child.stdout.on('data', () => {
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      const apiKey = /API key: (\S+)/.exec(stdout)?.[1];
      if (url && apiKey && stdout.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve({ url, apiKey });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${code}: ${stdout} ${stderr}`));
    });
  });
  started.catch(() => undefined);
  return { child, started, exited, output: () => ({ stdout, stderr }) };
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('basiq-emulator CLI', () => {
  it('starts, prints its URL and key, answers, and stops cleanly on SIGTERM', async () => {
    const cli = startCli(['--port', '0', '--api-key', 'cli-test-key', '--token-lifetime', '120']);
    const { url, apiKey } = await cli.started;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(apiKey).toBe('cli-test-key');
    expect(cli.output().stdout).toContain(`BASIQ_API_URL=${url}`);
    const res = await call(`${url}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${apiKey}`,
        'basiq-version': '3.0',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'scope=SERVER_ACCESS',
    });
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(120);
    expect((await call(`${url}/__emulator/counters`)).body.serverTokens).toBe(1);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.output().stdout).toContain('stopped (SIGTERM)');
  });

  it('uses a random Basiq-shaped key by default and stops on SIGINT', async () => {
    const cli = startCli(['--port', '0']);
    const { apiKey } = await cli.started;
    expect(Buffer.from(apiKey, 'base64').toString('utf8')).toMatch(/^[0-9a-f-]{36}:[0-9a-f-]{36}$/);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('exits 2 with the usage on bad arguments', async () => {
    const cli = startCli(['--port', 'eighty']);
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr).toMatch(/--port must be a whole number[\s\S]*Usage: basiq-emulator/);
  });
});
