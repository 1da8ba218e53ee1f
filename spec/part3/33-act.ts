/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 33: Authenticated Countdown Timer.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const actCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_ACT_SetTimeout',
    cc: 'TPM_CC_ACT_SetTimeout',
    tag: 'sessions',
    attrs: {},
    description: 'This command is used to set the time remaining before an Authenticated Countdown Timer (ACT) expires',
    source: { part: 3, title: 'TPM2_ACT_SetTimeout Command' },
    handles: [
      { name: 'actHandle', type: 'TPMI_RH_ACT', auth: { index: 1, role: 'USER' }, description: 'Handle of the selected ACT' },
    ],
    params: [
      { name: 'startTimeout', type: 'UINT32', description: 'the start timeout value for the ACT in seconds' },
    ],
    response: { handles: [], params: [] },
  },
]);
