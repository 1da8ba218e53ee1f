import { TPM_RC, TPM_RH, LOGIC_VALUES } from '../../../gen/constants.js';
import { tpmError } from '../../errors.js';
import { flushObjectsOf } from '../../object.js';
import type { Handler } from '../handler.js';
import { requireEnabled } from './enabled.js';

/**
 * TPM2_HierarchyControl (Part 3 "TPM2_HierarchyControl"): enable or disable a hierarchy.
 * platformAuth controls all four enables; ownerAuth and endorsementAuth may only disable their
 * own hierarchy (TPM_RC_AUTH_TYPE otherwise). phEnable, once CLEAR, is SET again only by the
 * next Startup (platformAuth is unusable while it is CLEAR).
 */
export const HierarchyControl: Handler<'HierarchyControl'> = (ctx, { authHandle, enable, state }) => {
  requireEnabled(ctx, 'authHandle', authHandle);
  const set = state === LOGIC_VALUES.YES;
  const clear = ctx.read('stateClear');
  const authType = () => tpmError(TPM_RC.AUTH_TYPE, `${authHandle.toString(16)} may not set this enable`);
  let key: 'phEnable' | 'shEnable' | 'ehEnable' | 'phEnableNV';
  switch (enable) {
    case TPM_RH.PLATFORM:
    case TPM_RH.PLATFORM_NV:
      if (authHandle !== TPM_RH.PLATFORM) throw authType();
      key = enable === TPM_RH.PLATFORM ? 'phEnable' : 'phEnableNV';
      break;
    case TPM_RH.OWNER:
      if (authHandle !== TPM_RH.PLATFORM && authHandle !== TPM_RH.OWNER) throw authType();
      if (!clear.shEnable && set && authHandle !== TPM_RH.PLATFORM) throw authType();
      key = 'shEnable';
      break;
    case TPM_RH.ENDORSEMENT:
      if (authHandle !== TPM_RH.PLATFORM && authHandle !== TPM_RH.ENDORSEMENT) throw authType();
      if (!clear.ehEnable && set && authHandle !== TPM_RH.PLATFORM) throw authType();
      key = 'ehEnable';
      break;
    default:
      // TPMI_RH_ENABLES admits no other value.
      throw tpmError(TPM_RC.VALUE).at('enable');
  }
  if (clear[key] !== set) ctx.write('stateClear')[key] = set;
  // Disabling a hierarchy flushes its loaded objects (Part 3 "TPM2_HierarchyControl").
  if (!set && key !== 'phEnableNV') flushObjectsOf(ctx, enable, false);
  return {};
};
