import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { basiqErrors, type ErrorAnswer } from './errors.js';
import type { RevocationKind } from './types.js';

export const SCOPES = ['SERVER_ACCESS', 'CLIENT_ACCESS'] as const;
export type Scope = (typeof SCOPES)[number];

export type TokenCheck =
  | { ok: true; scope: Scope; userId: string | undefined; exp: number }
  | { ok: false; reason: 'expired' | 'invalid'; error: ErrorAnswer };

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

export function checkRevocationKind(as: unknown): RevocationKind {
  if (as === undefined) return 'expired';
  if (as === 'expired' || as === 'invalid') return as;
  throw new TypeError('as must be "expired" or "invalid"');
}

/**
 * Issues and checks the emulator's tokens: HS256 JWTs signed with a secret made at start, so another
 * emulator's tokens are invalid here. Keeps every token it issued (tests scan logs for them) and the
 * early revocations.
 */
export class TokenAuthority {
  private readonly secret = new Uint8Array(randomBytes(32));
  private readonly partnerId = randomUUID();
  private readonly tokens: string[] = [];
  private readonly revoked = new Map<string, RevocationKind>();

  constructor(private readonly now: () => number) {}

  async issue(
    scope: Scope,
    userId: string | undefined,
    version: string,
    lifetimeSec: number,
    applicationId: string,
  ): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    const token = await new SignJWT({
      partnerid: this.partnerId,
      applicationid: applicationId,
      scope,
      ...(userId !== undefined ? { userId } : {}),
      version,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + lifetimeSec)
      .setJti(randomUUID())
      .sign(this.secret);
    this.tokens.push(token);
    return token;
  }

  async check(token: string): Promise<TokenCheck> {
    const revoked = this.revoked.get(token);
    if (revoked === 'expired') return { ok: false, reason: 'expired', error: basiqErrors.tokenExpired() };
    if (revoked === 'invalid') return { ok: false, reason: 'invalid', error: basiqErrors.invalidToken() };
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: ['HS256'],
        currentDate: new Date(this.now()),
      });
      const { scope, userId } = payload;
      if (
        !isScope(scope) ||
        (scope === 'CLIENT_ACCESS' && typeof userId !== 'string') ||
        typeof payload.exp !== 'number'
      ) {
        return { ok: false, reason: 'invalid', error: basiqErrors.invalidToken() };
      }
      return { ok: true, scope, userId: typeof userId === 'string' ? userId : undefined, exp: payload.exp };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) {
        return { ok: false, reason: 'expired', error: basiqErrors.tokenExpired() };
      }
      return { ok: false, reason: 'invalid', error: basiqErrors.invalidToken() };
    }
  }

  revoke(token: string, as: RevocationKind): void {
    this.revoked.set(token, as);
  }

  revokeAll(as: RevocationKind): void {
    for (const token of this.tokens) this.revoked.set(token, as);
  }

  issued(): string[] {
    return [...this.tokens];
  }
}
