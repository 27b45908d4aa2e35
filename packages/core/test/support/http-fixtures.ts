import { readFileSync } from 'node:fs';

// Basiq's real error bodies, read from the vendored reference (test/basiq-reference/fixtures),
// and the forbidden-access answer as Basiq's documentation gives it (Basiq published no fixture).
const fixture = (name: string): unknown =>
  JSON.parse(
    readFileSync(new URL(`../../../../test/basiq-reference/fixtures/${name}.json`, import.meta.url), 'utf8'),
  );

/** Basiq's expired-token answer (fixtures/getUserForbidden.json): a 403, not a 401. */
export const EXPIRED_BODY = fixture('getUserForbidden');

/** fixtures/getInstitutionsUnauthorized.json: an invalid token is a 401. */
export const INVALID_TOKEN_BODY = fixture('getInstitutionsUnauthorized');

/** fixtures/userNotFound.json */
export const USER_NOT_FOUND_BODY = fixture('userNotFound');

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
