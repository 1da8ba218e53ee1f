/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 26: Miscellaneous Management Functions.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const miscManagementCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_PP_Commands',
    cc: 'TPM_CC_PP_Commands',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'This command is used to determine which commands require assertion of Physical Presence (PP) in addition to platformAuth/platformPolicy',
    source: { part: 3, title: 'TPM2_PP_Commands Command' },
    handles: [
      { name: 'auth', type: 'TPMI_RH_PLATFORM', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_PLATFORM+PP' },
    ],
    params: [
      { name: 'setList', type: 'TPML_CC', description: 'list of commands to be added to those that will require that Physical Presence be asserted' },
      { name: 'clearList', type: 'TPML_CC', description: 'list of commands that will no longer require that Physical Presence be asserted' },
    ],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_SetAlgorithmSet',
    cc: 'TPM_CC_SetAlgorithmSet',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'This command allows the platform to change the set of algorithms that are used by the TPM',
    source: { part: 3, title: 'TPM2_SetAlgorithmSet Command' },
    handles: [
      { name: 'authHandle', type: 'TPMI_RH_PLATFORM', auth: { index: 1, role: 'USER' }, description: 'TPM_RH_PLATFORM' },
    ],
    params: [
      { name: 'algorithmSet', type: 'UINT32', description: 'a TPM vendor-dependent value indicating the algorithm set selection' },
    ],
    response: { handles: [], params: [] },
  },
]);
