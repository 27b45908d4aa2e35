import type { ConsentRecord, JobRecord } from './bank.js';
import {
  SEED_CONNECTION_ID,
  SEED_INSTITUTION_ID,
  type SeedAccount,
  type SeedInstitution,
  type SeedTransaction,
} from './seed.js';

/*
 * Basiq's JSON for each resource, with links at the emulator's own URL. Shapes follow data.yml and
 * core.yml; where those contradict Basiq's real answers, the real shape wins (the tests pin where).
 */

export function accountBody(userId: string, account: SeedAccount, baseUrl: string): Record<string, unknown> {
  const user = `${baseUrl}/users/${userId}`;
  return {
    type: 'account',
    id: account.id,
    accountHolder: 'GAVIN BELSON',
    accountNo: account.accountNo,
    bsb: account.accountNo.slice(0, 6),
    maskedNumber: `xxxxxx${account.accountNo.slice(-4)}`,
    accountOwnership: 'ONE_PARTY',
    isOwned: true,
    availableFunds: account.availableFunds,
    balance: account.balance,
    creditLimit: account.creditLimit,
    currency: 'AUD',
    // Basiq sends an object here; data.yml also puts a string enum beside its $ref (pinned in the tests).
    class: { type: account.classType, product: account.product },
    connection: SEED_CONNECTION_ID,
    institution: SEED_INSTITUTION_ID,
    lastUpdated: '2024-06-30T09:00:00Z',
    name: account.name,
    status: 'available',
    transactionIntervals: [{ from: '2023-07-01', to: '2024-06-30' }],
    links: {
      self: `${user}/accounts/${account.id}`,
      transactions: `${user}/transactions?filter=account.id.eq('${account.id}')`,
      connection: `${user}/connections/${SEED_CONNECTION_ID}`,
      institution: `${baseUrl}/institutions/${SEED_INSTITUTION_ID}`,
    },
  };
}

export function transactionBody(
  userId: string,
  t: SeedTransaction,
  baseUrl: string,
): Record<string, unknown> {
  const user = `${baseUrl}/users/${userId}`;
  return {
    type: 'transaction',
    id: t.id,
    status: t.status,
    description: t.description,
    reference: '',
    amount: t.amount,
    currency: 'AUD',
    account: t.accountId,
    direction: t.direction,
    class: t.class,
    subClass: t.subClass.code ? t.subClass : {},
    institution: SEED_INSTITUTION_ID,
    connection: SEED_CONNECTION_ID,
    transactionDate: t.date,
    postDate: t.status === 'pending' ? '' : `${t.date}T00:00:00Z`,
    enrich: { cleanDescription: t.description, tags: [], category: null, location: null, merchant: null },
    links: {
      self: `${user}/transactions/${t.id}`,
      account: `${user}/accounts/${t.accountId}`,
      connection: `${user}/connections/${SEED_CONNECTION_ID}`,
      institution: `${baseUrl}/institutions/${SEED_INSTITUTION_ID}`,
    },
  };
}

/**
 * A connection job: finished, the three steps of Basiq's own "data-success" example; or still running,
 * as its "data-in-progress" example (the first step in progress, no results yet).
 */
export function jobBody(job: JobRecord, baseUrl: string, inProgress = false): Record<string, unknown> {
  const user = `/users/${job.userId}`;
  const filter = `filter=institution.id.eq('${job.institutionId}')`;
  let first = true;
  const step = (title: string, url: string) => {
    if (!inProgress) return { title, status: 'success', result: { type: 'link', url } };
    const status = first ? 'in-progress' : 'pending';
    first = false;
    return { title, status, result: null };
  };
  return {
    type: 'job',
    id: job.id,
    created: job.created,
    updated: job.created,
    jobType: 'connection',
    steps: [
      step('verify-credentials', `${user}/connections/${job.connectionId}`),
      step('retrieve-accounts', `${user}/accounts?${filter}`),
      step('retrieve-transactions', `${user}/transactions?${filter}`),
    ],
    links: {
      self: `${baseUrl}/jobs/${job.id}`,
      source: `${baseUrl}${user}/connections/${job.connectionId}`,
    },
  };
}

const PERMISSIONS: ReadonlyArray<[string, string, string, string[]]> = [
  [
    'account.basic',
    'account',
    'Account name, type and balance',
    ['Name of account', 'Type of account', 'Account balance'],
  ],
  [
    'transaction.detail',
    'transaction',
    'Transaction details',
    ['Amounts', 'Dates', 'Descriptions of transactions'],
  ],
];

export function consentBody(consent: ConsentRecord, baseUrl: string): Record<string, unknown> {
  return {
    type: 'consent',
    id: consent.id,
    created: consent.created,
    updated: consent.created,
    expiryDate: consent.expiryDate,
    origin: 'user',
    status: 'active',
    purpose: {
      primary: { title: 'Share your financial data', description: 'To show your accounts in the demo app.' },
      other: null,
    },
    data: {
      retainData: true,
      initialRetrievalDays: 365,
      organisation: null,
      permissions: PERMISSIONS.map(([scope, entity, name, attributeList]) => ({
        scope,
        required: true,
        consented: true,
        entity,
        information: { name, description: `Access to your ${entity} data.`, attributeList },
        purpose: { title: name, description: `To show your ${entity} data.` },
      })),
    },
    links: { self: `${baseUrl}/users/${consent.userId}/consents/${consent.id}` },
  };
}

export function institutionBody(i: SeedInstitution, baseUrl: string): Record<string, unknown> {
  return {
    type: 'institution',
    id: i.id,
    name: i.name,
    shortName: i.shortName,
    institutionType: i.institutionType,
    country: 'Australia',
    serviceName: 'Personal Online Banking',
    serviceType: i.institutionType === 'Test Bank' ? 'Test' : 'Personal Banking',
    loginIdCaption: 'Login',
    passwordCaption: 'Password',
    tier: i.tier,
    authorization: i.authorization,
    stage: i.stage,
    status: i.status,
    logo: {
      type: 'image',
      colors: { primary: i.color },
      links: {
        square: `${baseUrl}/institutions/${i.id}/logo-square.svg`,
        full: `${baseUrl}/institutions/${i.id}/logo.svg`,
      },
    },
    links: { self: `${baseUrl}/institutions/${i.id}` },
  };
}
