import { randomUUID } from 'node:crypto';
import {
  SEED_ACCOUNTS,
  SEED_CONNECTION_ID,
  SEED_CONSENT_ID,
  SEED_INSTITUTION_ID,
  SEED_JOB_ID,
  SEED_TRANSACTIONS,
  type SeedAccount,
  type SeedTransaction,
} from './seed.js';
import { SEED_USER_ID } from './users.js';

export interface JobRecord {
  id: string;
  userId: string;
  connectionId: string;
  institutionId: string;
  /** ISO date-time */
  created: string;
  /** Reads still to answer "in progress" before the job reads as finished. */
  pendingReads: number;
}

export interface ConsentRecord {
  id: string;
  userId: string;
  /** ISO date-time */
  created: string;
  /** ISO date-time */
  expiryDate: string;
}

/** Jobs kept at most; a long-running emulator forgets the oldest past this. */
const MAX_JOBS = 10_000;
const SEEDED_AT = '2024-06-30T09:00:00Z';

/** Accounts, transactions, jobs and consents, per user. */
export class BankStore {
  private readonly accounts = new Map<string, readonly SeedAccount[]>();
  private readonly transactions = new Map<string, readonly SeedTransaction[]>();
  private readonly jobs = new Map<string, JobRecord>();
  private readonly consents = new Map<string, ConsentRecord[]>();
  private readonly connections = new Map<string, string>();

  constructor(private readonly now: () => number) {}

  seed(): void {
    this.accounts.set(SEED_USER_ID, SEED_ACCOUNTS);
    this.transactions.set(SEED_USER_ID, SEED_TRANSACTIONS);
    this.connections.set(SEED_USER_ID, SEED_CONNECTION_ID);
    this.jobs.set(SEED_JOB_ID, {
      id: SEED_JOB_ID,
      userId: SEED_USER_ID,
      connectionId: SEED_CONNECTION_ID,
      institutionId: SEED_INSTITUTION_ID,
      created: SEEDED_AT,
      pendingReads: 0,
    });
    this.consents.set(SEED_USER_ID, [
      { id: SEED_CONSENT_ID, userId: SEED_USER_ID, created: SEEDED_AT, expiryDate: '2025-06-30T09:00:00Z' },
    ]);
  }

  accountsOf(userId: string): readonly SeedAccount[] {
    return this.accounts.get(userId) ?? [];
  }

  transactionsOf(userId: string): readonly SeedTransaction[] {
    return this.transactions.get(userId) ?? [];
  }

  consentsOf(userId: string): readonly ConsentRecord[] {
    return this.consents.get(userId) ?? [];
  }

  job(id: string): JobRecord | undefined {
    return this.jobs.get(id);
  }

  /**
   * What finishing the Consent UI leaves behind: a connection job for the user (answering "in
   * progress" to its first `pendingReads` reads), and a consent when the user had none.
   */
  completeConsent(userId: string, institutionId = SEED_INSTITUTION_ID, pendingReads = 0): JobRecord {
    const created = new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    let connectionId = this.connections.get(userId);
    if (connectionId === undefined) {
      connectionId = randomUUID();
      this.connections.set(userId, connectionId);
    }
    const job: JobRecord = { id: randomUUID(), userId, connectionId, institutionId, created, pendingReads };
    this.jobs.set(job.id, job);
    if (this.jobs.size > MAX_JOBS) this.jobs.delete(this.jobs.keys().next().value!);
    if (this.consentsOf(userId).length === 0) {
      const expiry = new Date(this.now() + 365 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      this.consents.set(userId, [{ id: randomUUID(), userId, created, expiryDate: expiry }]);
    }
    return job;
  }
}
