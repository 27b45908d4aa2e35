import { createHash } from 'node:crypto';

/*
 * The demo user's banking data: made up, shaped like Basiq's answers, fixed (no clock, no randomness)
 * so tests can assert on it. Account and connection ids are those of Basiq's getUser sample body.
 */

/** The demo user's one connection (the getUser sample's), at {@link SEED_INSTITUTION_ID}. */
export const SEED_CONNECTION_ID = '64011b56-988a-4c2c-bfca-16c836cec23f';
/** The institution every seeded account belongs to: Basiq's test bank "Hooli". */
export const SEED_INSTITUTION_ID = 'AU00000';
/** A finished connection job of the demo user, answered by `GET /jobs/{jobId}`. */
export const SEED_JOB_ID = '5e9a0c4e-3a1f-4d8e-9b4e-2f0d7c1a6b11';
/** The demo user's active consent, listed by `GET /users/{userId}/consents`. */
export const SEED_CONSENT_ID = '0c9d3f4a-7b2e-4c1d-8e5f-6a7b8c9d0e1f';

export interface SeedAccount {
  id: string;
  name: string;
  classType: string;
  product: string;
  accountNo: string;
  balance: string;
  availableFunds: string;
  creditLimit: string | null;
}

/** The demo user's accounts, in the order `GET /users/{userId}/accounts` lists them. */
export const SEED_ACCOUNTS: readonly SeedAccount[] = [
  acct(
    '14aa946c-6f87-44b7-bab9-d192d6261471',
    'Everyday',
    'transaction',
    'Hooli Everyday',
    '1965',
    '2341.87',
  ),
  acct(
    '1dd139d5-c88c-446b-b6df-1d6252db4d59',
    'Bonus Saver',
    'savings',
    'Hooli Bonus Saver',
    '2207',
    '18250.00',
  ),
  {
    ...acct(
      '24c742dc-bba6-4bc2-8298-fe731a17be68',
      'Platinum Card',
      'credit-card',
      'Hooli Platinum',
      '4411',
      '-1520.35',
    ),
    availableFunds: '8479.65',
    creditLimit: '10000.00',
  },
  acct(
    '5b8183d2-6b7d-4dd7-8e5b-ac993622faf9',
    'Home Loan',
    'mortgage',
    'Hooli Home Loan',
    '8820',
    '-412300.12',
  ),
  acct(
    '9a66a1fb-a93a-47ff-abb0-84814d3aa229',
    'Term Deposit',
    'term-deposit',
    'Hooli 12 Month Term',
    '3019',
    '25000.00',
  ),
  acct('9b1f13ca-56fa-4c7e-8688-2e2eab896acc', 'Car Loan', 'loan', 'Hooli Car Loan', '5523', '-14210.40'),
  acct('dd62af17-ae77-46de-b7e2-07dd12939a68', 'Shares', 'investment', 'Hooli Invest', '7710', '5120.00'),
  acct('f58d4d6a-61c6-4893-96da-249fe09eb2ad', 'Bills', 'transaction', 'Hooli Everyday', '6402', '310.05'),
];

function acct(
  id: string,
  name: string,
  classType: string,
  product: string,
  last4: string,
  balance: string,
): SeedAccount {
  return {
    id,
    name,
    classType,
    product,
    accountNo: `600000-15744${last4}`,
    balance,
    availableFunds: balance,
    creditLimit: null,
  };
}

export interface SeedTransaction {
  id: string;
  accountId: string;
  description: string;
  amount: string;
  direction: 'debit' | 'credit';
  class: string;
  subClass: { code: string; title: string };
  status: 'posted' | 'pending';
  /** YYYY-MM-DD */
  date: string;
}

const PATTERNS: ReadonlyArray<[string, number, string, string, string]> = [
  // description, amount (cents; negative = debit), class, subClass code, subClass title
  ['SALARY HOOLI XYZ PTY', 412000, 'direct-credit', '', ''],
  ['WOOLWORTHS 1234 SYDNEY', -8645, 'payment', '411', 'Supermarket and Grocery Stores'],
  ['TRANSFER TO BONUS SAVER', -50000, 'transfer', '', ''],
  ['CALTEX NEWTOWN', -6210, 'payment', '400', 'Fuel Retailing'],
  ['NETFLIX.COM', -1699, 'payment', '552', 'Motion Picture and Video Distribution'],
  ['ATM WITHDRAWAL KING ST', -10000, 'cash-withdrawal', '', ''],
  ['MONTHLY ACCOUNT FEE', -500, 'bank-fee', '', ''],
  ['CREDIT INTEREST', 312, 'interest', '', ''],
];
const TRANSACTION_ACCOUNTS = [SEED_ACCOUNTS[0]!.id, SEED_ACCOUNTS[1]!.id, SEED_ACCOUNTS[2]!.id];
/** How many transactions the demo user has (spread over its first three accounts). */
export const SEED_TRANSACTION_COUNT = 48;

/** A stable UUID-shaped id from a name, so seeded ids never change between runs. */
function stableId(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The demo user's transactions, newest first (Basiq's order). */
export const SEED_TRANSACTIONS: readonly SeedTransaction[] = Array.from(
  { length: SEED_TRANSACTION_COUNT },
  (_, i) => {
    const [description, cents, cls, code, title] = PATTERNS[i % PATTERNS.length]!;
    const day = new Date(Date.UTC(2024, 5, 30) - Math.floor(i / 2) * 86_400_000);
    return {
      id: stableId(`basiq-emulator-transaction-${i}`),
      accountId: TRANSACTION_ACCOUNTS[i % TRANSACTION_ACCOUNTS.length]!,
      description,
      amount: (cents / 100).toFixed(2),
      direction: cents < 0 ? 'debit' : 'credit',
      class: cls,
      subClass: { code, title },
      status: i < 2 ? 'pending' : 'posted',
      date: day.toISOString().slice(0, 10),
    };
  },
);

export interface SeedInstitution {
  id: string;
  name: string;
  shortName: string;
  institutionType: string;
  tier: string;
  authorization: string;
  stage: string;
  status: string;
  color: string;
}

/** What `GET /institutions` lists (made-up banks; AU00000 is Basiq's test bank's id). */
export const SEED_INSTITUTIONS: readonly SeedInstitution[] = [
  inst('AU00000', 'Hooli', 'Hooli', 'Test Bank', '4', 'user', '#4a56e2'),
  inst('AU00001', 'Hooli Open Banking', 'Hooli OB', 'Test Bank', '4', 'other', '#4a56e2'),
  inst('AU00002', 'Pied Piper Credit Union', 'Pied Piper', 'Credit Union', '3', 'user-mfa', '#2e8b57'),
  inst('AU00003', 'Raviga Bank', 'Raviga', 'Bank', '2', 'user', '#8b0000'),
];

function inst(
  id: string,
  name: string,
  shortName: string,
  institutionType: string,
  tier: string,
  authorization: string,
  color: string,
): SeedInstitution {
  return {
    id,
    name,
    shortName,
    institutionType,
    tier,
    authorization,
    stage: 'live',
    status: 'operational',
    color,
  };
}

/** The demo user's account ids, in the order `GET /users/{userId}/accounts` lists them. */
export const SEED_ACCOUNT_IDS: readonly string[] = SEED_ACCOUNTS.map((a) => a.id);
/** The ids `GET /institutions` lists. */
export const SEED_INSTITUTION_IDS: readonly string[] = SEED_INSTITUTIONS.map((i) => i.id);
