import { TPM_RC } from '../../../gen/constants.js';
import { policyCommandCode } from '../../../protocol/policy.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';
import { policySession, sessionHash } from './_support.js';

/**
 * TPM2_PolicyCommandCode (Part 3 "TPM2_PolicyCommandCode"): limits the session to one command.
 * A different code already set is TPM_RC_VALUE; an unimplemented one TPM_RC_POLICY_CC.
 */
export const PolicyCommandCode: Handler<'PolicyCommandCode'> = (ctx, { policySession: handle, code }) => {
  const session = policySession(ctx, handle);
  if (session.commandCode !== undefined && session.commandCode !== code) throw tpmError(TPM_RC.VALUE).at('code');
  if (!ctx.profile.commands.has(code)) throw tpmError(TPM_RC.POLICY_CC).at('code');
  session.policyDigest = policyCommandCode(sessionHash(ctx, session), session.policyDigest, code);
  session.commandCode = code;
  return {};
};
