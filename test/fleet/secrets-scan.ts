import type { Redis } from 'ioredis';

/**
 * The forms a secret could take if it leaked into Redis: as is, and base64/base64url at each
 * of the three byte alignments (a secret inside a larger encoded blob encodes differently
 * depending on where it starts). Edge characters, which depend on the neighbours, are cut.
 */
export function leakForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  for (const offset of [0, 1, 2]) {
    const bytes = Buffer.concat([Buffer.alloc(offset, 0x20), Buffer.from(secret, 'utf8')]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const encoded = bytes.toString(encoding).replace(/=+$/, '');
      const core = encoded.slice(4, -4);
      if (core.length >= 12) forms.add(core);
    }
  }
  return [...forms];
}

/** The API key as given, and what it decodes to (Basiq keys are base64 of `uuid:uuid`). */
export function apiKeySecrets(apiKey: string): string[] {
  const decoded = Buffer.from(apiKey, 'base64').toString('utf8');
  const parts = /^[\x20-\x7e]+$/.test(decoded)
    ? [decoded, ...decoded.split(':').filter((p) => p.length >= 12)]
    : [];
  return [apiKey, ...parts];
}

export interface RedisDump {
  keys: string[];
  /** Every key name and every value, member and score, as text. */
  texts: string[];
}

/** Everything in Redis: SCAN every key, then GET strings, ZRANGE sorted sets (and the rest by type). */
export async function dumpRedis(redis: Redis): Promise<RedisDump> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const texts: string[] = [...keys];
  for (const key of keys) {
    const type = await redis.type(key);
    if (type === 'string') texts.push((await redis.get(key)) ?? '');
    else if (type === 'zset')
      // RESP3 clients answer [[member, score], …]; RESP2 ones a flat list.
      texts.push(...[await redis.call('ZRANGE', key, '0', '-1', 'WITHSCORES')].flat(3).map(String));
    else if (type === 'hash') texts.push(...Object.entries(await redis.hgetall(key)).flat());
    else if (type === 'list') texts.push(...(await redis.lrange(key, 0, -1)));
    else if (type === 'set') texts.push(...(await redis.smembers(key)));
    else if (type !== 'none') texts.push(`<unexpected type ${type}>`);
  }
  return { keys, texts };
}

/** The secrets (by index) found anywhere in `texts`, in any of their leak forms. */
export function findLeaks(texts: string[], secrets: string[]): string[] {
  const found: string[] = [];
  for (const [i, secret] of secrets.entries()) {
    const forms = leakForms(secret);
    if (texts.some((t) => forms.some((f) => t.includes(f)))) found.push(`secret #${i}`);
  }
  return found;
}
