import { randomUUID } from 'node:crypto';

/** One item of a Basiq error list (`data[]`). Keys are only present when Basiq sends them. */
export interface BasiqErrorItem {
  type: 'error';
  code: string;
  title: string;
  detail?: string;
  source?: { parameter?: string; pointer?: string } | null;
}

/** Basiq's error body: `{"type":"list","correlationId":"…","data":[…]}`. */
export interface BasiqErrorBody {
  type: 'list';
  correlationId: string;
  data: BasiqErrorItem[];
}

/** A status and the JSON body to answer with. */
export interface ErrorAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Wraps error items in Basiq's list envelope with a fresh correlationId. */
export function errorList(...data: BasiqErrorItem[]): BasiqErrorBody {
  return { type: 'list', correlationId: randomUUID(), data };
}

function answer(status: number, item: BasiqErrorItem): ErrorAnswer {
  return { status, body: errorList(item) };
}

const header = (name: string) => ({ parameter: name, pointer: `header/${name}` });
const bodyParam = (name: string) => ({ parameter: name, pointer: `body/${name}` });

const NOT_SUPPLIED = 'Required parameter not supplied';
const NOT_VALID = 'Required parameter not valid';

/**
 * Every error the emulator produces by itself. Where a real Basiq body exists (test/basiq-reference/fixtures),
 * the answer has exactly its keys, codes, titles and details; the others follow core.yml's schemas.
 */
export const basiqErrors = {
  // ---- POST /token ----
  authorizationMissing: () =>
    answer(400, {
      type: 'error',
      code: 'parameter-not-supplied',
      title: NOT_SUPPLIED,
      detail: 'Authorization header parameter is required',
      source: header('Authorization'),
    }),
  authorizationInvalid: () =>
    answer(400, {
      type: 'error',
      code: 'parameter-not-valid',
      title: NOT_VALID,
      detail: 'Invalid authorization header',
      source: header('Authorization'),
    }),
  /** fixtures/postTokenBadRequest.json */
  versionMissing: () =>
    answer(400, {
      type: 'error',
      code: 'parameter-not-valid',
      title: NOT_VALID,
      detail: 'Basiq-version must be specified in HTTP request header',
      source: header('basiq-version'),
    }),
  versionInvalid: () =>
    answer(400, {
      type: 'error',
      code: 'parameter-not-valid',
      title: NOT_VALID,
      detail: 'Basiq-version header parameter is not valid. Supported versions: 2.0, 2.1, 3.0',
      source: header('basiq-version'),
    }),
  /** fixtures/postTokenNotFound.json: a wrong key is a 404, not a 401. */
  apiKeyNotFound: () =>
    answer(404, {
      type: 'error',
      code: 'parameter-not-valid',
      title: 'We have encountered an error',
      detail: 'Unable to authenticate. Please, check your API key',
    }),
  tokenContentType: () =>
    answer(400, {
      type: 'error',
      code: 'invalid-content',
      title: 'Content is not valid',
      detail: 'Request body must be application/x-www-form-urlencoded',
      source: header('Content-Type'),
    }),
  scopeMissing: () =>
    answer(400, {
      type: 'error',
      code: 'parameter-not-supplied',
      title: NOT_SUPPLIED,
      detail: 'scope must be specified in the request body',
      source: bodyParam('scope'),
    }),
  scopeInvalid: () =>
    answer(400, {
      type: 'error',
      code: 'parameter-not-valid',
      title: NOT_VALID,
      detail: 'scope must be SERVER_ACCESS or CLIENT_ACCESS',
      source: bodyParam('scope'),
    }),
  userIdMissing: () =>
    answer(400, {
      type: 'error',
      code: 'parameter-not-supplied',
      title: NOT_SUPPLIED,
      detail: 'userId is required for the CLIENT_ACCESS scope',
      source: bodyParam('userId'),
    }),
  tooManyRequests: () =>
    answer(429, {
      type: 'error',
      code: 'too-many-requests',
      title: 'Too Many Requests',
      detail: 'Too many requests',
    }),

  // ---- bearer-token checks on data endpoints ----
  /** Not a Basiq list: the API gateway's own answer when no token is sent. */
  missingAuthenticationToken: (): ErrorAnswer => ({
    status: 403,
    body: { message: 'Missing Authentication Token' },
    headers: { 'x-amzn-errortype': 'MissingAuthenticationTokenException' },
  }),
  /** fixtures/getInstitutionsUnauthorized.json (no detail, no source). */
  invalidToken: () =>
    answer(401, {
      type: 'error',
      code: 'invalid-authorization-token',
      title: 'Invalid authorization token.',
    }),
  /** fixtures/getUserForbidden.json (note `source: null`). */
  tokenExpired: () =>
    answer(403, {
      type: 'error',
      code: 'access-denied',
      title: 'Access denied.',
      detail: 'Token has expired',
      source: null,
    }),
  forbiddenAccess: () =>
    answer(403, {
      type: 'error',
      code: 'forbidden-access',
      title: 'Forbidden Access',
      detail: 'Access to this resource is forbidden',
      source: {},
    }),
  unauthorizedAccess: () =>
    answer(401, {
      type: 'error',
      code: 'unauthorized-access',
      title: 'Unauthorized Access',
      detail: 'You are not authorized to access this resource',
    }),

  // ---- users ----
  /** fixtures/userNotFound.json */
  userNotFound: () =>
    answer(404, {
      type: 'error',
      code: 'resource-not-found',
      title: 'Requested resource is not found',
      detail: 'Requested user does not exist.',
    }),
  /** fixtures/createUserBadRequest.json */
  emailOrMobileRequired: () =>
    answer(400, {
      type: 'error',
      code: 'parameter-not-supplied',
      title: NOT_SUPPLIED,
      detail: "One of 'email' or 'mobile' is required.",
      source: {},
    }),
  parameterNotValid: (parameter: string, detail: string) =>
    answer(400, {
      type: 'error',
      code: 'parameter-not-valid',
      title: NOT_VALID,
      detail,
      source: bodyParam(parameter),
    }),

  // ---- accounts, transactions, jobs ----
  accountNotFound: () =>
    answer(404, {
      type: 'error',
      code: 'resource-not-found',
      title: 'Requested resource is not found',
      detail: 'Requested account does not exist.',
    }),
  transactionNotFound: () =>
    answer(404, {
      type: 'error',
      code: 'resource-not-found',
      title: 'Requested resource is not found',
      detail: 'Requested transaction does not exist.',
    }),
  institutionNotFound: () =>
    answer(404, {
      type: 'error',
      code: 'resource-not-found',
      title: 'Requested resource is not found',
      detail: 'Requested institution does not exist.',
    }),
  jobNotFound: () =>
    answer(404, {
      type: 'error',
      code: 'resource-not-found',
      title: 'Requested resource is not found',
      detail: 'Requested job does not exist.',
    }),
  /** data.yml's "Invalid Filters" example. */
  invalidFilter: () =>
    answer(400, {
      type: 'error',
      code: 'parameter-not-valid',
      title: 'Parameter value is not valid',
      detail: 'The provided filter parameter is in invalid format or unsupported',
      source: { parameter: 'filter' },
    }),
  queryParameterNotValid: (parameter: string, detail: string) =>
    answer(400, {
      type: 'error',
      code: 'parameter-not-valid',
      title: 'Parameter value is not valid',
      detail,
      source: { parameter },
    }),

  // ---- generic ----
  invalidJson: () =>
    answer(400, {
      type: 'error',
      code: 'invalid-content',
      title: 'Content is not valid',
      detail: 'Request body is not valid JSON',
      source: {},
    }),
  unsupportedContentType: (expected: string) =>
    answer(400, {
      type: 'error',
      code: 'invalid-content',
      title: 'Content is not valid',
      detail: `Request body must be ${expected}`,
      source: header('Content-Type'),
    }),
  payloadTooLarge: (limit: number) =>
    answer(413, {
      type: 'error',
      code: 'invalid-content',
      title: 'Payload Too Large',
      detail: `Request body is larger than ${limit} bytes`,
    }),
  routeNotFound: (method: string, path: string) =>
    answer(404, {
      type: 'error',
      code: 'resource-not-found',
      title: 'Requested resource is not found',
      detail: `${method} ${path} is not a route of the Basiq emulator.`,
    }),
  internal: () =>
    answer(500, {
      type: 'error',
      code: 'internal-server-error',
      title: 'Internal Server error.',
      detail: 'Internal server error',
    }),
};
