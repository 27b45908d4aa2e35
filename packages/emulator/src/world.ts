import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyRing } from './api-keys.js';
import type { BankStore } from './bank.js';
import type { Reply } from './http.js';
import type { TokenAuthority } from './jwt.js';
import type { RateWindow } from './rate-window.js';
import type { EmulatorCounters } from './types.js';
import type { UserStore } from './users.js';

/** One request as a handler sees it: the body is already read, path parameters decoded. */
export interface HandlerRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  query: URLSearchParams;
  params: Record<string, string>;
}

/** The emulator's state, shared by every handler. */
export interface World {
  /** The emulator's own base URL, for `links`. */
  readonly url: string;
  /** The keys `/token` accepts, each with its application. */
  readonly apiKeys: ApiKeyRing;
  tokenLifetimeSec: number;
  readonly counters: EmulatorCounters;
  readonly tokens: TokenAuthority;
  readonly rate: RateWindow;
  readonly rateRetryAfter: boolean;
  readonly users: UserStore;
  readonly bank: BankStore;
  /** Where the Consent UI stand-in's "finish" link goes; set by option, method or control API. */
  consentRedirectUrl: string | undefined;
  /** How many reads of a job the Consent page creates answer "in progress" before "success". */
  jobPendingReads: number;
}

export type Handler = (request: HandlerRequest, world: World) => Reply | Promise<Reply>;
