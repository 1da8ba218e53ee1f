/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 9: Start-up.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const startupCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_Startup',
    cc: 'TPM_CC_Startup',
    tag: 'no-sessions',
    attrs: { nv: true },
    description: 'Completes TPM initialization after _TPM_Init (TPM Reset, TPM Restart or TPM Resume, per startupType)',
    source: { part: 3, title: 'TPM2_Startup Command' },
    handles: [],
    params: [{ name: 'startupType', type: 'TPM_SU', description: 'TPM_SU_CLEAR or TPM_SU_STATE' }],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_Shutdown',
    cc: 'TPM_CC_Shutdown',
    tag: 'either',
    attrs: { nv: true },
    description: 'This command is used to prepare the TPM for a power cycle',
    source: { part: 3, title: 'TPM2_Shutdown Command' },
    handles: [],
    params: [{ name: 'shutdownType', type: 'TPM_SU', description: 'TPM_SU_CLEAR or TPM_SU_STATE' }],
    response: { handles: [], params: [] },
  },
]);
