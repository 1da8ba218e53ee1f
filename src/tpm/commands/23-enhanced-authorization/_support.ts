import { TPM_RC } from '../../../gen/constants.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import type { AuthSession } from '../../state/types.js';

/** The policy (or trial) session a policy command extends, writable. */
export function policySession(ctx: CommandContext, handle: number): AuthSession {
  const s = ctx.read('volatile').sessions?.[handle];
  // The handle type is checked on decoding (TPMI_SH_POLICY); it must also be loaded.
  if (!s || s.type === 'hmac') throw tpmError(TPM_RC.HANDLE).at('policySession');
  return ctx.write('volatile').sessions![handle];
}

export function sessionHash(ctx: CommandContext, session: AuthSession) {
  return ctx.crypto.hash(session.hashAlg)!;
}
