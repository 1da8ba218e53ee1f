/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 22: Integrity Collection (PCR).
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const pcrCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_PCR_Extend',
    cc: 'TPM_CC_PCR_Extend',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'This command is used to cause an update to the indicated PCR',
    source: { part: 3, title: 'TPM2_PCR_Extend Command' },
    handles: [
      { name: 'pcrHandle', type: 'TPMI_DH_PCR', allowNull: true, auth: { index: 1, role: 'USER' }, description: 'handle of the PCR' },
    ],
    params: [
      { name: 'digests', type: 'TPML_DIGEST_VALUES', description: 'list of tagged digest values to be extended' },
    ],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_PCR_Event',
    cc: 'TPM_CC_PCR_Event',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'This command is used to cause an update to the indicated PCR',
    source: { part: 3, title: 'TPM2_PCR_Event Command' },
    handles: [
      { name: 'pcrHandle', type: 'TPMI_DH_PCR', allowNull: true, auth: { index: 1, role: 'USER' }, description: 'Handle of the PCR' },
    ],
    params: [{ name: 'eventData', type: 'TPM2B_EVENT', description: 'Event data in sized buffer' }],
    response: { handles: [], params: [{ name: 'digests', type: 'TPML_DIGEST_VALUES' }] },
  },
  {
    kind: 'command',
    name: 'TPM2_PCR_Read',
    cc: 'TPM_CC_PCR_Read',
    tag: 'either',
    attrs: {},
    description: 'This command returns the values of all PCR specified in pcrSelectionIn',
    source: { part: 3, title: 'TPM2_PCR_Read Command' },
    handles: [],
    params: [
      { name: 'pcrSelectionIn', type: 'TPML_PCR_SELECTION', description: 'The selection of PCR to read' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'pcrUpdateCounter', type: 'UINT32', description: 'the current value of the PCR update counter' },
        { name: 'pcrSelectionOut', type: 'TPML_PCR_SELECTION', description: 'the PCR in the returned list' },
        { name: 'pcrValues', type: 'TPML_DIGEST', description: 'the contents of the PCR indicated in pcrSelectOut-> pcrSelection[] as tagged digests' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_PCR_Allocate',
    cc: 'TPM_CC_PCR_Allocate',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'This command is used to set the desired PCR allocation of PCR and algorithms',
    source: { part: 3, title: 'TPM2_PCR_Allocate Command' },
    handles: [
      { name: 'authHandle', type: 'TPMI_RH_PLATFORM', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_PLATFORM+{PP}' },
    ],
    params: [{ name: 'pcrAllocation', type: 'TPML_PCR_SELECTION', description: 'the requested allocation' }],
    response: {
      handles: [],
      params: [
        { name: 'allocationSuccess', type: 'TPMI_YES_NO', description: 'YES if the allocation succeeded' },
        { name: 'maxPCR', type: 'UINT32', description: 'maximum number of PCR that may be in a bank' },
        { name: 'sizeNeeded', type: 'UINT32', description: 'number of octets required to satisfy the request' },
        { name: 'sizeAvailable', type: 'UINT32', description: 'Number of octets available' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_PCR_SetAuthPolicy',
    cc: 'TPM_CC_PCR_SetAuthPolicy',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'This command is used to associate a policy with a PCR or group of PCR',
    source: { part: 3, title: 'TPM2_PCR_SetAuthPolicy Command' },
    handles: [
      { name: 'authHandle', type: 'TPMI_RH_PLATFORM', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_PLATFORM+{PP}' },
    ],
    params: [
      { name: 'authPolicy', type: 'TPM2B_DIGEST', description: 'the desired authPolicy' },
      { name: 'hashAlg', type: 'TPMI_ALG_HASH', allowNull: true, description: 'the hash algorithm of the policy' },
      { name: 'pcrNum', type: 'TPMI_DH_PCR', description: 'the PCR for which the policy is to be set' },
    ],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_PCR_SetAuthValue',
    cc: 'TPM_CC_PCR_SetAuthValue',
    tag: 'sessions',
    attrs: {},
    description: 'This command changes the authValue of a PCR or group of PCR',
    source: { part: 3, title: 'TPM2_PCR_SetAuthValue Command' },
    handles: [
      { name: 'pcrHandle', type: 'TPMI_DH_PCR', auth: { index: 1, role: 'USER' }, description: 'handle for a PCR that may have an authorization value set' },
    ],
    params: [{ name: 'auth', type: 'TPM2B_DIGEST', description: 'the desired authorization value' }],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_PCR_Reset',
    cc: 'TPM_CC_PCR_Reset',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'Sets a PCR in all banks to zero if its attributes allow a reset and proper authorization is provided',
    source: { part: 3, title: 'TPM2_PCR_Reset Command' },
    handles: [
      { name: 'pcrHandle', type: 'TPMI_DH_PCR', auth: { index: 1, role: 'USER' }, description: 'the PCR to reset' },
    ],
    params: [],
    response: { handles: [], params: [] },
  },
]);
