import type { Sealer } from './sealing.js';
import type { Redactor } from './secrets.js';
import type { IssuedToken } from './token-endpoint.js';

/** A token and its lifetime (clock ms), as server and client tokens are kept. */
export interface TokenRecord {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

/** A token as it is kept in memory: the record and the generation of the key it was asked with. */
export interface HeldToken extends TokenRecord {
  /** Of the key it was asked with (key-source.ts): a rotated-out key's token is never kept. */
  generation: number;
}

/** What `/token` answered, as it is held. */
export function heldToken(issued: IssuedToken): HeldToken {
  return {
    token: issued.accessToken,
    issuedAt: issued.issuedAt,
    expiresAt: issued.expiresAt,
    generation: issued.keyGeneration,
  };
}

/** `record` sealed for `key` (the one stored form of a server or client token). */
export function sealTokenRecord(sealer: Sealer, key: string, record: TokenRecord): Promise<string> {
  return sealer.seal(key, { t: record.token, i: record.issuedAt, e: record.expiresAt });
}

/**
 * The record sealed at `key`, or `undefined` when the value is not ours, was altered or moved,
 * or is malformed. The token is remembered by `redactor`, so no later log line can show it.
 */
export async function openTokenRecord(
  sealer: Sealer,
  redactor: Redactor,
  key: string,
  value: string | undefined,
): Promise<TokenRecord | undefined> {
  if (value === undefined) return undefined;
  const p = (await sealer.unseal(key, value)) as { t?: unknown; i?: unknown; e?: unknown } | undefined;
  if (!p || typeof p.t !== 'string' || typeof p.i !== 'number' || typeof p.e !== 'number') return undefined;
  redactor.remember(p.t);
  return { token: p.t, issuedAt: p.i, expiresAt: p.e };
}
