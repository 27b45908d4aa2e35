// Type tests of client.api, checked by `tsc -p .` (npm run typecheck) and `vitest --typecheck`:
// every `@ts-expect-error` line must fail to compile, so a wrong path, a missing parameter or a
// wrong body that type-checked would fail the check. Nothing here sends a request.
import { describe, expectTypeOf, it } from 'vitest';
import type { BasiqApi, BasiqClient, BasiqPaths, BasiqRequestContext } from '../src/index.js';
import type { paths as AffordabilityPaths } from '../src/api/generated/affordability.js';
import type { components as CoreComponents, paths as CorePaths } from '../src/api/generated/core.js';
import type { components as DataComponents, paths as DataPaths } from '../src/api/generated/data.js';
import type { paths as EnrichPaths } from '../src/api/generated/enrich.js';
import type { paths as IdentityPaths } from '../src/api/generated/identity.js';
import type { paths as ReportsPaths } from '../src/api/generated/reports.js';
import type { paths as ServicesPaths } from '../src/api/generated/services.js';
import type { paths as WebhooksPaths } from '../src/api/generated/webhooks.js';

declare const api: BasiqApi;
declare const userId: string;

type Shared<A, B> = Extract<keyof A, keyof B>;
/** Every path of any spec in the list. */
type AllPaths<T extends unknown[]> = T extends [infer H, ...infer R] ? keyof H | AllPaths<R> : never;
/** Every path that two specs of the list both describe. */
type Overlaps<T extends unknown[]> = T extends [infer H, ...infer R]
  ? Extract<keyof H, AllPaths<R>> | Overlaps<R>
  : never;

describe('BasiqPaths', () => {
  it('holds a path of every spec', () => {
    expectTypeOf<
      | '/token'
      | '/users/{userId}'
      | '/jobs/{jobId}'
      | '/users/{userId}/accounts'
      | '/users/{userId}/transactions'
      | '/users/{userId}/affordability'
      | '/enrich'
      | '/users/{userId}/identities'
      | '/reports'
      | '/notifications/webhooks'
    >().toExtend<keyof BasiqPaths>();
  });

  it('has no path twice: the specs other than Services share none', () => {
    expectTypeOf<
      Overlaps<
        [CorePaths, DataPaths, AffordabilityPaths, EnrichPaths, IdentityPaths, ReportsPaths, WebhooksPaths]
      >
    >().toBeNever();
    // A path only Services describes would be kept; today it has none.
    expectTypeOf<Exclude<keyof ServicesPaths, keyof DataPaths | keyof AffordabilityPaths>>().toBeNever();
  });

  it("takes Services' repeated paths from Data and Affordability", () => {
    expectTypeOf<Shared<ServicesPaths, DataPaths>>().toEqualTypeOf<
      | '/users/{userId}/accounts'
      | '/users/{userId}/accounts/{accountId}'
      | '/users/{userId}/transactions'
      | '/users/{userId}/transactions/{transactionId}'
    >();
    expectTypeOf<BasiqPaths['/users/{userId}/accounts']>().toEqualTypeOf<
      DataPaths['/users/{userId}/accounts']
    >();
    expectTypeOf<BasiqPaths['/users/{userId}/income']>().toEqualTypeOf<
      AffordabilityPaths['/users/{userId}/income']
    >();
    // Data's accounts take a filter; Services' copy does not.
    expectTypeOf<
      NonNullable<BasiqPaths['/users/{userId}/accounts']['get']['parameters']['query']>
    >().toHaveProperty('filter');
  });
});

describe('client.api', () => {
  it('is on the client and on the request context', () => {
    expectTypeOf<BasiqClient['api']>().toEqualTypeOf<BasiqApi>();
    expectTypeOf<BasiqRequestContext['api']>().toEqualTypeOf<BasiqApi>();
  });

  it('types path parameters, and a missing one or a wrong path does not compile', async () => {
    await api.GET('/users/{userId}/accounts', { params: { path: { userId } } });
    // @ts-expect-error: no such path
    await api.GET('/user/{userId}/accounts', { params: { path: { userId } } });
    // @ts-expect-error: the path has no POST
    await api.POST('/users/{userId}/accounts', { params: { path: { userId } } });
    // @ts-expect-error: the path parameter is required
    await api.GET('/users/{userId}/accounts');
    // @ts-expect-error: userId is missing
    await api.GET('/users/{userId}/accounts', { params: { path: {} } });
    // @ts-expect-error: userId is a string
    await api.GET('/users/{userId}/accounts', { params: { path: { userId: 42 } } });
    // @ts-expect-error: a misspelt parameter
    await api.GET('/users/{userId}/accounts', { params: { path: { userid: userId } } });
  });

  it('types query parameters', async () => {
    await api.GET('/users/{userId}/transactions', {
      params: { path: { userId }, query: { limit: 100, filter: "transaction.status.eq('posted')" } },
    });
    await api.GET('/users/{userId}/transactions', {
      // @ts-expect-error: limit is a number
      params: { path: { userId }, query: { limit: '100' } },
    });
    await api.GET('/users/{userId}/transactions', {
      // @ts-expect-error: no such query parameter
      params: { path: { userId }, query: { limt: 100 } },
    });
  });

  it('types request bodies', async () => {
    await api.POST('/users', { body: { email: 'gavin@hooli.com', firstName: 'Gavin' } });
    // @ts-expect-error: the body is required
    await api.POST('/users');
    // @ts-expect-error: email is a string
    await api.POST('/users', { body: { email: 42 } });
    const filters = [{ name: 'users', value: [userId] }];
    await api.POST('/reports', { body: { reportType: 'CON_AFFOR_01', title: 'Affordability', filters } });
    // @ts-expect-error: title is required
    await api.POST('/reports', { body: { reportType: 'CON_AFFOR_01', filters } });
    await api.POST('/reports', {
      // @ts-expect-error: filters is a list of { name, value }
      body: { reportType: 'CON_AFFOR_01', title: 'Affordability', filters: 'users' },
    });
    // @ts-expect-error: the body of another operation (GET /users/{userId} takes none)
    await api.GET('/users/{userId}', { params: { path: { userId } }, body: { email: 'gavin@hooli.com' } });
  });

  it('types response bodies, success and error', async () => {
    const accounts = await api.GET('/users/{userId}/accounts', { params: { path: { userId } } });
    expectTypeOf(accounts.data).toEqualTypeOf<
      DataComponents['schemas']['AccountsResponseResource'] | undefined
    >();
    expectTypeOf(accounts.response).toEqualTypeOf<Response>();
    if (accounts.data) {
      expectTypeOf(accounts.data.data[0]!.id).toEqualTypeOf<string>();
      // @ts-expect-error: no such field on an account list
      void accounts.data.accounts;
    }
    if (accounts.error) {
      expectTypeOf(accounts.error).toExtend<
        | DataComponents['schemas']['BadRequestError']
        | DataComponents['schemas']['ForbiddenAccessError']
        | DataComponents['schemas']['NotFoundError']
        | DataComponents['schemas']['InternalServerError']
      >();
    }

    const user = await api.GET('/users/{userId}', { params: { path: { userId } } });
    expectTypeOf(user.data).toEqualTypeOf<CoreComponents['schemas']['UserGetResponse'] | undefined>();

    const page = await api.GET('/users/{userId}/transactions', { params: { path: { userId } } });
    expectTypeOf(page.data?.links?.next).toEqualTypeOf<string | undefined>();
  });
});
