// Basiq's error bodies: real ones copied from shared/basiq/fixtures so the tests stand alone, and the
// forbidden-access answer as FACTS.md's table gives it.

/** Basiq's expired-token answer (fixtures/getUserForbidden.json). */
export const EXPIRED_BODY = {
  type: 'list',
  correlationId: 'bf4ac637-4e5c-4c87-aa1c-6158beb129a3',
  data: [
    {
      type: 'error',
      code: 'access-denied',
      title: 'Access denied.',
      detail: 'Token has expired',
      source: null,
    },
  ],
};

/** Basiq's wrong-scope answer: not a token problem, never replayed. */
export const FORBIDDEN_BODY = {
  type: 'list',
  correlationId: '6b0a4c7e-2f4b-4d43-9a7e-9a1f0d3c1e11',
  data: [
    {
      type: 'error',
      code: 'forbidden-access',
      title: 'Forbidden Access',
      detail: 'Access to this resource is forbidden',
      source: null,
    },
  ],
};

/** fixtures/getInstitutionsUnauthorized.json: an invalid token is a 401. */
export const INVALID_TOKEN_BODY = {
  correlationId: '1c16f75c-36fb-421f-98a5-bf18a0b6583c',
  data: [{ code: 'invalid-authorization-token', title: 'Invalid authorization token.', type: 'error' }],
  type: 'list',
};

/** fixtures/userNotFound.json */
export const USER_NOT_FOUND_BODY = {
  type: 'list',
  correlationId: '886fee38-a7a7-472f-82d1-18f2e00f07b6',
  data: [
    {
      type: 'error',
      code: 'resource-not-found',
      title: 'Requested resource is not found',
      detail: 'Requested user does not exist.',
    },
  ],
};
