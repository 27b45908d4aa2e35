/**
 * The hostile requests thrown at the client-token route: what they are made of (methods,
 * `x-demo-user` values of every shape, decoy user ids, bodies) as fast-check arbitraries, and a
 * fixed corpus of cases every run must include whatever the seed.
 */
import fc from 'fast-check';
import { BODY_LIMIT_BYTES, CLIENT_TOKEN_PATH } from './apps.js';
import type { WireRequest } from './send.js';

/** One generated request and what is needed to predict the answer. */
export interface HostileRequest {
  /** Sent byte for byte on its own connection (control characters, CR/LF, NUL). */
  raw: boolean;
  method: string;
  path: string;
  /** The `x-demo-user` header lines as sent (byte strings); empty: no header. */
  users: string[];
  /** Other headers: decoys (a userId elsewhere), prototype-pollution names, … */
  extraHeaders: Array<[string, string]>;
  body?: { contentType: string | undefined; bytes: Buffer; shape: BodyShape };
  /** What the request is, for the coverage figures and failure reports. */
  tags: string[];
}

/**
 * `plain`: a small JSON object that every framework parses (no `__proto__`/`constructor` key),
 * so the route must answer; every other shape may be refused by the framework's parser first.
 */
export type BodyShape = 'plain' | 'pollution' | 'malformed' | 'form' | 'other' | 'large' | 'huge';

// What Node's HTTP client lets through in a header value.
const CLIENT_SENDABLE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** User ids the route must accept: Basiq-like UUIDs, edge lengths, and names of Object.prototype members. */
const VALID_POOL = [
  ...Array.from({ length: 40 }, (_, i) => `${String(i).padStart(8, '0')}-b11f-4b8e-a4ca-3c5b1de4e4b5`),
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  'isPrototypeOf',
  'null',
  'undefined',
  'NaN',
  '0',
  'a',
  '-',
  '--',
  'A'.repeat(64),
];

/** Values that look like ids to some code somewhere but are not 1-64 letters, digits or hyphens. */
const NASTY = [
  '__proto__',
  'constructor.prototype',
  '__proto__[polluted]',
  'constructor[prototype][polluted]',
  '{"__proto__":{"polluted":1}}',
  '../',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f',
  '%00',
  'abc%00def',
  '8cda72db-b11f-4b8e-a4ca-3c5b1de4e4b5%00',
  '8cda72db-b11f-4b8e-a4ca-3c5b1de4e4b5/../x',
  '8cda72db b11f',
  'a,b',
  'a;b',
  "' OR '1'='1",
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '[object Object]',
  'userId=x',
  'a\tb',
  '1e1000',
  '🙂',
  'A'.repeat(65),
];

const SPECIAL_SUFFIXES = [
  '/',
  '.',
  '_',
  ' x',
  '%',
  '\\',
  '?',
  '#',
  '&',
  '=',
  '+',
  '*',
  ':',
  '@',
  '~',
  '"',
  "'",
];

/** The UTF-8 bytes of `text` as a byte string: what a client puts on the wire for a Unicode value. */
export function utf8Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

const validUser = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...VALID_POOL) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/) },
);

/** Header values Node's own client can send (it refuses control characters). */
const sendableUser: fc.Arbitrary<string> = fc.oneof(
  { weight: 45, arbitrary: validUser },
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.constantFrom(' ', '\t', '  \t ') },
  { weight: 2, arbitrary: validUser.map((id) => ` \t${id}  `) },
  { weight: 8, arbitrary: fc.constantFrom(...NASTY).map(utf8Bytes) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(validUser, fc.constantFrom(...SPECIAL_SUFFIXES), fc.boolean())
      .map(([id, special, before]) => (before ? special + id : id + special)),
  },
  { weight: 5, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map(utf8Bytes) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map(utf8Bytes) },
  { weight: 3, arbitrary: fc.integer({ min: 65, max: 8_000 }).map((n) => 'a'.repeat(n)) },
  // Past Node's 16 KiB header limit: the server itself refuses these with 431.
  { weight: 1, arbitrary: fc.integer({ min: 17_000, max: 40_000 }).map((n) => 'b'.repeat(n)) },
);

/** Byte strings no HTTP client sends: control characters, NUL, DEL, bare CR or LF, injected header lines. */
const wireOnlyUser: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(validUser, fc.constantFrom('\x00', '\x01', '\x08', '\x0b', '\x0c', '\x1b', '\x7f', '\r', '\n'))
      .map(([id, ctl]) => id.slice(0, 4) + ctl + id.slice(4)),
  },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.constantFrom(...'\x00\x01\x02\x07\x09\x0b\x0c\x0e\x1f\x7f\r\nabc-AZ09'),
      minLength: 1,
      maxLength: 20,
    }),
  },
  {
    weight: 2,
    // A second header line, or a second request, smuggled in through the value.
    arbitrary: fc
      .tuple(validUser, fc.constantFrom(0, 1, 2))
      .map(([id, form]) =>
        form === 0
          ? `\r\nx-demo-user: ${id}`
          : form === 1
            ? `${id}\r\nx-demo-user: intruder`
            : `${id}\r\n\r\nPOST ${CLIENT_TOKEN_PATH} HTTP/1.1`,
      ),
  },
);

const decoyHeaders = fc.subarray<[string, string]>(
  [
    ['__proto__', 'polluted'],
    ['constructor', 'prototype'],
    ['x-user-id', 'decoy-user-1'],
    ['userid', 'decoy-user-2'],
    ['x-demo-user-id', 'decoy-user-3'],
    ['cookie', 'userId=decoy-user-4; session=__proto__'],
    ['authorization', 'Bearer decoy.token.value'],
    ['x-forwarded-for', '127.0.0.1, ../../'],
  ],
  { minLength: 0, maxLength: 3 },
);

// Built once: a 1.1 MB body is generated only as a reference to these.
const HUGE_JSON = Buffer.from(
  JSON.stringify({ userId: 'decoy-user-huge', pad: 'x'.repeat(BODY_LIMIT_BYTES + 100_000) }),
);
const HUGE_TEXT = Buffer.alloc(BODY_LIMIT_BYTES + 50_000, 'y');
const LARGE_JSON = Buffer.from(JSON.stringify({ userId: 'decoy-user-large', pad: 'z'.repeat(200_000) }));

const POLLUTION_BODIES = [
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"userId":"decoy-user-5","__proto__":{"userId":"decoy-user-6","polluted":1}}',
  '{"__proto__":{"__proto__":{"polluted":1}}}',
  '[{"__proto__":{"polluted":1}}]',
  '{"a":{"constructor":{"prototype":{"polluted":1}}},"__proto__":null}',
];

const body = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        userId: fc.oneof(validUser, fc.constant('decoy-user-7')),
        extra: fc.jsonValue({ maxDepth: 2 }),
      })
      .map((value) => {
        const text = JSON.stringify(value);
        // A generated key could spell one of the keys some parsers refuse outright.
        const shape: BodyShape = /__proto__|constructor|prototype/.test(text) ? 'pollution' : 'plain';
        return { contentType: 'application/json', bytes: Buffer.from(text), shape };
      }),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom(...POLLUTION_BODIES).map((text) => ({
      contentType: 'application/json',
      bytes: Buffer.from(text),
      shape: 'pollution' as const,
    })),
  },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(
        '__proto__[polluted]=1&userId=decoy-user-8',
        'constructor[prototype][polluted]=1',
        'userId=decoy-user-9&userId=decoy-user-10',
        '__proto__.polluted=1',
      )
      .map((text) => ({
        contentType: 'application/x-www-form-urlencoded',
        bytes: Buffer.from(text),
        shape: 'form' as const,
      })),
  },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.string({ maxLength: 60 }),
        fc.constantFrom('{"a":', '{', '[', '"unterminated', '{"userId":}', '\u0000'),
      )
      .map((text) => ({
        contentType: 'application/json',
        bytes: Buffer.from(text),
        shape: 'malformed' as const,
      })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          undefined,
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/json; charset=utf-16',
          ';;;',
          'application/octet-stream',
        ),
        fc.uint8Array({ maxLength: 200 }),
      )
      .map(([contentType, bytes]) => ({ contentType, bytes: Buffer.from(bytes), shape: 'other' as const })),
  },
  {
    weight: 1,
    arbitrary: fc.constant({ contentType: 'application/json', bytes: LARGE_JSON, shape: 'large' as const }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { contentType: 'application/json', bytes: HUGE_JSON, shape: 'huge' as const },
      { contentType: 'text/plain', bytes: HUGE_TEXT, shape: 'huge' as const },
    ),
  },
);

const query = fc.oneof(
  { weight: 12, arbitrary: fc.constant('') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '?userId=decoy-user-11',
      '?x-demo-user=decoy-user-12',
      '?__proto__[polluted]=1',
      '?constructor[prototype][polluted]=1',
      '?userId[]=a&userId[]=b',
      '?%00=%00',
    ),
  },
);

const method = fc.oneof(
  { weight: 85, arbitrary: fc.constant('POST') },
  { weight: 12, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
  { weight: 3, arbitrary: fc.constantFrom('PROPFIND', 'TRACE', 'FOO') },
);

/** Any hostile request: mostly through a keep-alive client, one in twelve byte for byte. */
export const hostileRequest: fc.Arbitrary<HostileRequest> = fc
  .record({
    rawRoll: fc.integer({ min: 0, max: 11 }),
    method,
    query,
    users: fc.oneof(
      { weight: 10, arbitrary: sendableUser.map((u) => [u]) },
      { weight: 2, arbitrary: fc.constant([] as string[]) },
      { weight: 1, arbitrary: fc.array(sendableUser, { minLength: 2, maxLength: 3 }) },
    ),
    wireUser: wireOnlyUser,
    extraHeaders: fc.oneof(
      { weight: 4, arbitrary: fc.constant<Array<[string, string]>>([]) },
      { weight: 1, arbitrary: decoyHeaders },
    ),
    body: fc.option(body, { freq: 2, nil: undefined }),
  })
  .map(({ rawRoll, method: m, query: q, users, wireUser, extraHeaders, body: b }) => {
    // Values Node's client refuses to send (control characters) go byte for byte instead.
    const raw = rawRoll === 0 || users.some((line) => !CLIENT_SENDABLE.test(line));
    return tagged({
      raw,
      method: m,
      path: CLIENT_TOKEN_PATH + q,
      users: rawRoll === 0 ? [wireUser] : users,
      extraHeaders,
      ...(b ? { body: b } : {}),
    });
  });

/** Cases every run includes, whatever the seed: the brief's named attacks, one each. */
export function fixedCorpus(): HostileRequest[] {
  const post = (users: string[], more: Partial<HostileRequest> = {}): HostileRequest =>
    tagged({ raw: false, method: 'POST', path: CLIENT_TOKEN_PATH, users, extraHeaders: [], ...more });
  const json = (text: string, shape: BodyShape = 'pollution') => ({
    contentType: 'application/json',
    bytes: Buffer.from(text),
    shape,
  });
  const valid = VALID_POOL[0]!;
  return [
    post([valid]),
    post([]),
    post(['']),
    post(['__proto__']),
    post(['constructor']),
    post(['prototype']),
    post(['../']),
    post(['%00']),
    post([utf8Bytes('ユーザー')]),
    post(['x'.repeat(20_000)]),
    post([valid, valid]),
    post([valid], { body: json('{"__proto__":{"polluted":1}}') }),
    post([valid], { body: json('{"constructor":{"prototype":{"polluted":1}}}') }),
    post([], { body: json(`{"userId":"${valid}"}`, 'plain') }),
    post([], { path: `${CLIENT_TOKEN_PATH}?userId=${valid}` }),
    post([valid], { body: { contentType: 'application/json', bytes: HUGE_JSON, shape: 'huge' } }),
    post([valid], { body: json('{"a":', 'malformed') }),
    post([valid], { extraHeaders: [['__proto__', 'polluted']] }),
    tagged({ raw: true, method: 'POST', path: CLIENT_TOKEN_PATH, users: ['a\x00b'], extraHeaders: [] }),
    tagged({
      raw: true,
      method: 'POST',
      path: CLIENT_TOKEN_PATH,
      users: [`\r\nx-demo-user: ${valid}`],
      extraHeaders: [],
    }),
    tagged({ raw: false, method: 'GET', path: CLIENT_TOKEN_PATH, users: [valid], extraHeaders: [] }),
  ];
}

function tagged(request: Omit<HostileRequest, 'tags'>): HostileRequest {
  const tags: string[] = [request.raw ? 'raw' : 'keep-alive', `method:${request.method}`];
  if (request.users.length === 0) tags.push('user:absent');
  if (request.users.length > 1) tags.push('user:duplicated');
  if (request.users.some((u) => u.length > 16_000)) tags.push('user:huge');
  if (request.body) tags.push(`body:${request.body.shape}`);
  if (request.path.includes('?')) tags.push('query');
  if (request.extraHeaders.length) tags.push('decoy-headers');
  return { ...request, tags };
}

/** The request as it goes on the wire. */
export function toWire(request: HostileRequest): WireRequest {
  const headers: WireRequest['headers'] = [...request.extraHeaders];
  if (request.users.length === 1) headers.push(['x-demo-user', request.users[0]!]);
  else if (request.users.length > 1) headers.push(['x-demo-user', request.users]);
  if (request.body?.contentType !== undefined) headers.push(['content-type', request.body.contentType]);
  return {
    method: request.method,
    path: request.path,
    headers,
    ...(request.body ? { body: request.body.bytes } : {}),
  };
}
