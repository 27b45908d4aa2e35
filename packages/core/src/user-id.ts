import { BasiqInputError } from './errors.js';

/** Longest userId accepted. Basiq's ids are UUIDs (36 characters); this leaves room. */
export const MAX_USER_ID_LENGTH = 64;

const USER_ID = /^[A-Za-z0-9-]+$/;

/**
 * Checks that `userId` looks like a Basiq user id (1 to 64 letters, digits or hyphens)
 * before it goes anywhere near `/token`, and returns it typed. Throws `BasiqInputError`
 * with code `invalid_user_id` otherwise. The message never echoes the value: it came from
 * a request and may be anything.
 */
export function validateUserId(userId: unknown): string {
  const rule = `a userId is 1 to ${MAX_USER_ID_LENGTH} letters, digits or hyphens (a Basiq user id)`;
  if (typeof userId !== 'string') {
    throw new BasiqInputError(`Invalid userId: expected a string, got ${describeType(userId)}; ${rule}`);
  }
  if (userId.length === 0) throw new BasiqInputError(`Invalid userId: it is empty; ${rule}`);
  if (userId.length > MAX_USER_ID_LENGTH) {
    throw new BasiqInputError(`Invalid userId: it is ${userId.length} characters long; ${rule}`);
  }
  if (!USER_ID.test(userId)) {
    throw new BasiqInputError(
      `Invalid userId: it holds characters other than letters, digits and hyphens; ${rule}`,
    );
  }
  return userId;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
