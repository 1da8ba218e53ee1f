/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 25: Dictionary Attack Functions.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const dictionaryAttackCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_DictionaryAttackLockReset',
    cc: 'TPM_CC_DictionaryAttackLockReset',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'This command cancels the effect of a TPM lockout due to a number of successive authorization failures',
    source: { part: 3, title: 'TPM2_DictionaryAttackLockReset Command' },
    handles: [
      { name: 'lockHandle', type: 'TPMI_RH_LOCKOUT', auth: { index: 1, role: 'USER' }, description: 'TPM_RH_LOCKOUT' },
    ],
    params: [],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_DictionaryAttackParameters',
    cc: 'TPM_CC_DictionaryAttackParameters',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'This command changes the lockout parameters',
    source: { part: 3, title: 'TPM2_DictionaryAttackParameters Command' },
    handles: [
      { name: 'lockHandle', type: 'TPMI_RH_LOCKOUT', auth: { index: 1, role: 'USER' }, description: 'TPM_RH_LOCKOUT' },
    ],
    params: [
      { name: 'newMaxTries', type: 'UINT32', description: 'count of authorization failures before the lockout is imposed' },
      { name: 'newRecoveryTime', type: 'UINT32', description: 'time in seconds before the authorization failure count is automatically decremented' },
      { name: 'lockoutRecovery', type: 'UINT32', description: 'time in seconds after a lockoutAuth failure before use of lockoutAuth is allowed' },
    ],
    response: { handles: [], params: [] },
  },
]);
