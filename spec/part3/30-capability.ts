/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 30: Capability Commands.
 * Also declares the commands of this clause added after 1.59 (TPM 2.0 Library 1.83), with layouts taken
 * from the TCG reference implementation.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const capabilityCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_GetCapability',
    cc: 'TPM_CC_GetCapability',
    tag: 'either',
    attrs: {},
    description: 'This command returns various information regarding the TPM and its current state',
    source: { part: 3, title: 'TPM2_GetCapability Command' },
    handles: [],
    params: [
      { name: 'capability', type: 'TPM_CAP', description: 'group selection; determines the format of the response' },
      { name: 'property', type: 'UINT32', description: 'further definition of information' },
      { name: 'propertyCount', type: 'UINT32', description: 'number of properties of the indicated type to return' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'moreData', type: 'TPMI_YES_NO', description: 'flag to indicate if there are more values of this type' },
        { name: 'capabilityData', type: 'TPMS_CAPABILITY_DATA', description: 'the capability data' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_TestParms',
    cc: 'TPM_CC_TestParms',
    tag: 'either',
    attrs: {},
    description: 'This command is used to check to see if specific combinations of algorithm parameters are supported',
    source: { part: 3, title: 'TPM2_TestParms Command' },
    handles: [],
    params: [
      { name: 'parameters', type: 'TPMT_PUBLIC_PARMS', description: 'algorithm parameters to be validated' },
    ],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_SetCapability',
    cc: 'TPM_CC_SetCapability',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'Sets a settable capability (added after 1.59 (TPM 2.0 Library 1.83); layout from the reference SetCapability_fp.h)',
    source: { part: 3, title: 'TPM2_SetCapability Command' },
    handles: [
      { name: 'authHandle', type: 'TPMI_RH_HIERARCHY', auth: { index: 1, role: 'USER' }, description: 'TPM_RH_OWNER, TPM_RH_ENDORSEMENT or TPM_RH_PLATFORM' },
    ],
    params: [
      { name: 'setCapabilityData', type: 'TPM2B_SET_CAPABILITY_DATA', description: 'the capability and the value to set' },
    ],
    response: { handles: [], params: [] },
  },
]);
