import { TPM_ALG, TPM_CC, TPM_RC } from '../../../gen/constants.js';
import { auditHashAlgOf } from '../../audit.js';
import { tpmError } from '../../errors.js';
import type { Handler } from '../handler.js';

/**
 * TPM2_SetCommandCodeAuditStatus (Part 3 "TPM2_SetCommandCodeAuditStatus"): either changes the
 * audit hash (the lists must then be empty: TPM_RC_VALUE) and empties the command audit digest,
 * or adds setList to and removes clearList from the audited commands. Codes of commands not
 * implemented, and Shutdown, are not added; SetCommandCodeAuditStatus itself is never removed
 * (the reference's CommandAuditSet/CommandAuditClear). An auditAlg of TPM_ALG_NULL, or the
 * current one, leaves the hash as it is.
 */
export const SetCommandCodeAuditStatus: Handler<'SetCommandCodeAuditStatus'> = (ctx, { auditAlg, setList, clearList }) => {
  const persistent = ctx.read('persistent');
  if (auditAlg !== TPM_ALG.NULL && auditAlg !== auditHashAlgOf(ctx.profile, persistent)) {
    if (setList.commandCodes.length || clearList.commandCodes.length) {
      throw tpmError(TPM_RC.VALUE, 'the audit hash and the audited commands cannot change together').at('auditAlg');
    }
    ctx.write('persistent').auditHashAlg = auditAlg;
    // The digest starts again, with the new hash, at the next audited command (this one is not audited).
    delete ctx.write('stateReset').commandAuditDigest;
    return {};
  }
  const list = new Set(persistent.auditCommands ?? [TPM_CC.SetCommandCodeAuditStatus]);
  const size = list.size;
  let changed = false;
  for (const code of setList.commandCodes) {
    if (ctx.profile.commands.has(code) && code !== TPM_CC.Shutdown) list.add(code);
  }
  for (const code of clearList.commandCodes) {
    if (code !== TPM_CC.SetCommandCodeAuditStatus && list.delete(code)) changed = true;
  }
  if (changed || list.size !== size) ctx.write('persistent').auditCommands = [...list].sort((a, b) => a - b);
  return {};
};
