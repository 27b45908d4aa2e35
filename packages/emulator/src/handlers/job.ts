import { jobBody } from '../bank-bodies.js';
import { refuse } from '../bearer.js';
import { basiqErrors } from '../errors.js';
import { json, type Reply } from '../http.js';
import type { HandlerRequest, World } from '../world.js';

/** `GET /jobs/{jobId}`: one of the few places Basiq accepts a CLIENT_ACCESS token (its own user's jobs). */
export async function getJob(request: HandlerRequest, world: World): Promise<Reply> {
  const job = world.bank.job(request.params.jobId ?? '');
  const denied = await refuse(request, world, { client: true, ...(job ? { userId: job.userId } : {}) });
  if (denied) return denied;
  if (!job) return basiqErrors.jobNotFound();
  const inProgress = job.pendingReads > 0;
  if (inProgress) job.pendingReads--;
  return json(200, jobBody(job, world.url, inProgress));
}
