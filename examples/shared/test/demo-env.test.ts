import { describe, expect, it } from 'vitest';
import { DemoEnvError, loadDemoEnv } from '../src/demo-env.js';

const quiet = () => undefined;

describe('loadDemoEnv: BASIQ_API_KEY', () => {
  it('unset: starts the emulator and points the client at it', async () => {
    const env = await loadDemoEnv({}, quiet);
    try {
      expect(env.emulator).toBeDefined();
      expect(env.basiq.baseUrl).toBe(env.emulator?.url);
    } finally {
      await env.close();
    }
  });

  it('set but empty (or blank) beside BASIQ_API_URL: a start-up error that says so', async () => {
    for (const key of ['', '  ']) {
      const loading = loadDemoEnv({ BASIQ_API_KEY: key, BASIQ_API_URL: 'https://au-api.basiq.io' }, quiet);
      await expect(loading).rejects.toBeInstanceOf(DemoEnvError);
      await expect(loading).rejects.toThrow(/BASIQ_API_KEY is set but empty.*BASIQ_API_URL/);
    }
  });

  it('set: used as is with BASIQ_API_URL, no emulator', async () => {
    const env = await loadDemoEnv(
      { BASIQ_API_KEY: 'a-key', BASIQ_API_URL: 'https://au-api.basiq.io' },
      quiet,
    );
    expect(env.emulator).toBeUndefined();
    expect(env.basiq).toMatchObject({ apiKey: 'a-key', baseUrl: 'https://au-api.basiq.io' });
    await env.close();
  });
});
