import type { INestApplication } from '@nestjs/common';
import type { SubgraphContext } from '@mutuo/platform';
import { ContactVerificationHandler } from './contact-verification.handler';
import { SignInHandler } from './sign-in.handler';

/** requestSignInCode, signIn and refreshSession are open to anonymous callers (the gateway lets only these through). */
export function signInResolvers(app: INestApplication) {
  const signIn = app.get(SignInHandler);
  const verification = app.get(ContactVerificationHandler);

  return {
    Mutation: {
      requestSignInCode: (_: unknown, { input }: { input: { email: string } }, ctx: SubgraphContext) => signIn.requestCode(input, ctx),
      signIn: (_: unknown, { input }: { input: { email: string; code: string; podId?: string | null } }, ctx: SubgraphContext) => signIn.signIn(input, ctx),
      refreshSession: (_: unknown, { input }: { input: { refreshToken: string } }) => signIn.refresh(input),
      signOut: (_: unknown, __: unknown, ctx: SubgraphContext) => signIn.signOut(ctx),
      switchPod: (_: unknown, { podId }: { podId: string }, ctx: SubgraphContext) => signIn.switchPod({ podId }, ctx),
      requestContactVerification: (_: unknown, { channelId }: { channelId: string }, ctx: SubgraphContext) => verification.requestCode(channelId, ctx),
      verifyContactChannel: (_: unknown, { input }: { input: { channelId: string; code: string } }, ctx: SubgraphContext) => verification.verify(input, ctx),
    },
  };
}
