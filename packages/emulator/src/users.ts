import { randomUUID } from 'node:crypto';

/** The user of Basiq's `getUser` sample body (test/basiq-reference/fixtures/getUser.json), seeded by default. */
export const SEED_USER_ID = '8cda72db-b11f-4b8e-a4ca-3c5b1de4e4b5';

export interface UserFields {
  email?: string;
  mobile?: string;
  firstName?: string;
  middleName?: string;
  lastName?: string;
}

export interface UserRecord {
  id: string;
  email: string;
  mobile: string;
  firstName: string;
  middleName: string;
  lastName: string;
  accountIds: string[];
  connectionIds: string[];
}

export class UserStore {
  private readonly users = new Map<string, UserRecord>();

  seed(): void {
    this.users.set(SEED_USER_ID, {
      id: SEED_USER_ID,
      email: 'gavin@hooli.com',
      mobile: '+61410888666',
      firstName: '',
      middleName: '',
      lastName: '',
      accountIds: [
        '14aa946c-6f87-44b7-bab9-d192d6261471',
        '1dd139d5-c88c-446b-b6df-1d6252db4d59',
        '24c742dc-bba6-4bc2-8298-fe731a17be68',
        '5b8183d2-6b7d-4dd7-8e5b-ac993622faf9',
        '9a66a1fb-a93a-47ff-abb0-84814d3aa229',
        '9b1f13ca-56fa-4c7e-8688-2e2eab896acc',
        'dd62af17-ae77-46de-b7e2-07dd12939a68',
        'f58d4d6a-61c6-4893-96da-249fe09eb2ad',
      ],
      connectionIds: ['64011b56-988a-4c2c-bfca-16c836cec23f'],
    });
  }

  create(fields: UserFields): UserRecord {
    const user: UserRecord = {
      id: randomUUID(),
      email: fields.email ?? '',
      mobile: fields.mobile ?? '',
      firstName: fields.firstName ?? '',
      middleName: fields.middleName ?? '',
      lastName: fields.lastName ?? '',
      accountIds: [],
      connectionIds: [],
    };
    this.users.set(user.id, user);
    return user;
  }

  get(id: string): UserRecord | undefined {
    return this.users.get(id);
  }
}

/** `POST /users` answer (fixtures/postUser.json, plus the optional names that were sent). */
export function postUserBody(user: UserRecord, baseUrl: string): Record<string, unknown> {
  const body: Record<string, unknown> = { type: 'user', id: user.id };
  if (user.email) body.email = user.email;
  body.mobile = user.mobile;
  if (user.firstName) body.firstName = user.firstName;
  if (user.middleName) body.middleName = user.middleName;
  if (user.lastName) body.lastName = user.lastName;
  body.links = { self: `${baseUrl}/users/${user.id}` };
  return body;
}

/**
 * `GET /users/{userId}` answer: fixtures/getUser.json's keys, plus firstName/middleName/lastName,
 * which core.yml's UserGetResponse requires (Basiq's sample body predates them).
 */
export function getUserBody(user: UserRecord, baseUrl: string): Record<string, unknown> {
  const self = `${baseUrl}/users/${user.id}`;
  const list = (type: string, path: string, ids: string[]) => ({
    count: ids.length,
    data: ids.map((id) => ({ id, links: { self: `${self}/${path}/${id}` }, type })),
    type: 'list',
  });
  return {
    accounts: list('account', 'accounts', user.accountIds),
    connections: list('connection', 'connections', user.connectionIds),
    email: user.email,
    id: user.id,
    links: {
      accounts: `${self}/accounts`,
      auth_link: null,
      connections: `${self}/connections`,
      self,
      transactions: `${self}/transactions`,
    },
    mobile: user.mobile,
    name: [user.firstName, user.middleName, user.lastName].filter(Boolean).join(' '),
    firstName: user.firstName,
    middleName: user.middleName,
    lastName: user.lastName,
    type: 'user',
  };
}
