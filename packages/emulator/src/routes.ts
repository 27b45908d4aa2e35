import { getAccount } from './handlers/account.js';
import { listAccounts } from './handlers/accounts.js';
import { getConsentPage } from './handlers/consent-page.js';
import { listConsents } from './handlers/consents.js';
import { createUser } from './handlers/create-user.js';
import { getUser } from './handlers/get-user.js';
import { getInstitution } from './handlers/institution.js';
import { listInstitutions } from './handlers/institutions.js';
import { getJob } from './handlers/job.js';
import { postToken } from './handlers/token.js';
import { getTransaction } from './handlers/transaction.js';
import { listTransactions } from './handlers/transactions.js';
import { safeDecode } from './http.js';
import type { Handler } from './world.js';

/** One Basiq route: `path` is a template (`/users/{userId}`); `key` names it in `counters.requests`. */
export interface RouteDefinition {
  method: 'GET' | 'POST';
  path: string;
  handler: Handler;
  /** Counter key when it differs from `${method} ${path}` (an alias of another route). */
  key?: string;
}

/** Every Basiq route the emulator answers; anything else is a Basiq-style 404. */
export const ROUTES: readonly RouteDefinition[] = [
  { method: 'POST', path: '/token', handler: postToken },
  { method: 'POST', path: '/users', handler: createUser },
  { method: 'GET', path: '/users/{userId}', handler: getUser },
  { method: 'GET', path: '/users/{userId}/accounts', handler: listAccounts },
  { method: 'GET', path: '/users/{userId}/accounts/{accountId}', handler: getAccount },
  { method: 'GET', path: '/users/{userId}/transactions', handler: listTransactions },
  { method: 'GET', path: '/users/{userId}/transactions/{transactionId}', handler: getTransaction },
  { method: 'GET', path: '/users/{userId}/consents', handler: listConsents },
  { method: 'GET', path: '/jobs/{jobId}', handler: getJob },
  { method: 'GET', path: '/institutions', handler: listInstitutions },
  { method: 'GET', path: '/institutions/{institutionId}', handler: getInstitution },
  { method: 'GET', path: '/consent/home', handler: getConsentPage },
  { method: 'GET', path: '/consent', handler: getConsentPage, key: 'GET /consent/home' },
];

export interface MatchedRoute {
  key: string;
  handler: Handler;
  params: Record<string, string>;
}

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  names: string[];
  key: string;
  handler: Handler;
}

function compile(route: RouteDefinition): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return {
    method: route.method,
    pattern: new RegExp(`^${source}$`),
    names,
    key: route.key ?? `${route.method} ${route.path}`,
    handler: route.handler,
  };
}

const COMPILED = ROUTES.map(compile);

export function matchRoute(method: string, path: string): MatchedRoute | undefined {
  for (const route of COMPILED) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = safeDecode(match[i + 1] ?? '')));
    return { key: route.key, handler: route.handler, params };
  }
  return undefined;
}
