import { Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { DEMO_USER_HEADER, demoUserId } from '@basiq-token/example-shared';

/** What the demo's sign-in puts on the request, as a session middleware or Passport would. */
export interface DemoRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: { basiqUserId: string };
}

/**
 * The demo's stand-in for an AuthGuard: the `x-demo-user` header is the session. It puts the
 * user on the request for the client-token route's `resolveUserId` to read. It lets anonymous
 * requests through so that the route itself answers them (401 `unauthenticated`), exactly like
 * the Express and Koa demos; a real app's guard would usually refuse them here.
 */
@Injectable()
export class DemoSignInGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<DemoRequest>();
    const userId = demoUserId(request.headers[DEMO_USER_HEADER]);
    if (userId !== undefined) request.user = { basiqUserId: userId };
    return true;
  }
}

/** The client-token route's `resolveUserId`: the user the guard signed in, if any. */
export function signedInUser(request: DemoRequest): string | undefined {
  return request.user?.basiqUserId;
}
