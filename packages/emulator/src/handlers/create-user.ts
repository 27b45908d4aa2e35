import { refuse } from '../bearer.js';
import { basiqErrors } from '../errors.js';
import { isJsonMediaType, json, mediaType, type Reply } from '../http.js';
import { postUserBody } from '../users.js';
import type { HandlerRequest, World } from '../world.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MOBILE = /^\+?[0-9][0-9 ()-]{4,24}$/;
const TEXT_FIELDS = ['email', 'mobile', 'firstName', 'middleName', 'lastName'];

/** `POST /users` (SERVER_ACCESS only). */
export async function createUser(request: HandlerRequest, world: World): Promise<Reply> {
  const denied = await refuse(request, world);
  if (denied) return denied;

  const type = mediaType(request.headers['content-type']);
  if (type !== undefined && !isJsonMediaType(type)) {
    return basiqErrors.unsupportedContentType('application/json');
  }
  let input: unknown;
  try {
    input = JSON.parse(request.body.toString('utf8'));
  } catch {
    return basiqErrors.invalidJson();
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return basiqErrors.invalidJson();
  const fields = input as Record<string, unknown>;
  for (const name of TEXT_FIELDS) {
    const value = fields[name];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      return basiqErrors.parameterNotValid(name, `${name} must be a string`);
    }
  }
  const text = (name: string) => {
    const value = fields[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const email = text('email');
  const mobile = text('mobile');
  if (email === undefined && mobile === undefined) return basiqErrors.emailOrMobileRequired();
  if (email !== undefined && !EMAIL.test(email)) {
    return basiqErrors.parameterNotValid('email', 'Email is not valid.');
  }
  if (mobile !== undefined && !MOBILE.test(mobile)) {
    return basiqErrors.parameterNotValid('mobile', 'Mobile is not valid.');
  }
  const user = world.users.create({
    email,
    mobile,
    firstName: text('firstName'),
    middleName: text('middleName'),
    lastName: text('lastName'),
  });
  // core.yml's createUser answers 201 Created.
  return json(201, postUserBody(user, world.url));
}
