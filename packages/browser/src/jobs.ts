/** A step of a Basiq job (`verify-credentials`, `retrieve-accounts`, `retrieve-transactions`, …). */
export interface BasiqJobStep {
  /** What the step does. */
  title: string;
  /** `pending`, `in-progress`, `success` or `failed`. */
  status: string;
  /** A link to what the step produced, or the reason it failed; null while it runs. */
  result: unknown;
}

/** A Basiq job, as `GET /jobs/{jobId}` answers it (fields this package reads; the rest kept). */
export interface BasiqJob {
  /** `job`. */
  type: string;
  /** The job id. */
  id: string;
  /** Its steps, in order. */
  steps: BasiqJobStep[];
  /** Every other field Basiq sends (`created`, `updated`, `jobType`, `links`, …). */
  [field: string]: unknown;
}

/** Where a job stands: running, finished well, or a step failed. */
export type JobOutcome = 'pending' | 'success' | 'failed';

/** A job is done when a step failed or every step succeeded (Basiq's rule). */
export function jobOutcome(job: BasiqJob): JobOutcome {
  const steps = Array.isArray(job.steps) ? job.steps : [];
  if (steps.some((step) => step?.status === 'failed')) return 'failed';
  if (steps.length > 0 && steps.every((step) => step?.status === 'success')) return 'success';
  return 'pending';
}

/** Whether Basiq's answer has the shape of a job. */
export function isJob(value: unknown): value is BasiqJob {
  if (typeof value !== 'object' || value === null) return false;
  const job = value as Record<string, unknown>;
  return typeof job.id === 'string' && Array.isArray(job.steps);
}

/** Options of {@link BasiqBrowser.waitForJob}. */
export interface WaitForJobOptions {
  /** Between reads. Default 1 500 ms. */
  intervalMs?: number;
  /** Give up (a `JobTimeoutError`) after this long. Default 120 000 ms. */
  timeoutMs?: number;
  /** Stops waiting (rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Called with every status read, for a progress display. */
  onUpdate?: (job: BasiqJob) => void;
}
