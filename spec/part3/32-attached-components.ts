/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 32: Attached Components.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const attachedComponentsCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_AC_GetCapability',
    cc: 'TPM_CC_AC_GetCapability',
    tag: 'either',
    attrs: {},
    description: 'The purpose of this command is to obtain information about an Attached Component referenced by an AC handle',
    source: { part: 3, title: 'TPM2_AC_GetCapability Command' },
    handles: [{ name: 'ac', type: 'TPMI_RH_AC', description: 'handle indicating the Attached Component' }],
    params: [
      { name: 'capability', type: 'TPM_AT', description: 'starting info type' },
      { name: 'count', type: 'UINT32', description: 'maximum number of values to return' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'moreData', type: 'TPMI_YES_NO', description: 'flag to indicate whether there are more values' },
        { name: 'capabilitiesData', type: 'TPML_AC_CAPABILITIES', description: 'list of capabilities' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_AC_Send',
    cc: 'TPM_CC_AC_Send',
    tag: 'sessions',
    attrs: {},
    description: 'The purpose of this command is to send (copy) a loaded object from the TPM to an Attached Component',
    source: { part: 3, title: 'TPM2_AC_Send Command' },
    handles: [
      { name: 'sendObject', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'DUP' }, description: 'handle of the object being sent to ac' },
      { name: 'authHandle', type: 'TPMI_RH_NV_AUTH', auth: { index: 2, role: 'USER' }, description: 'the handle indicating the source of the authorization value' },
      { name: 'ac', type: 'TPMI_RH_AC', description: 'handle indicating the Attached Component to which the object will be sent' },
    ],
    params: [
      { name: 'acDataIn', type: 'TPM2B_MAX_BUFFER', description: 'Optional non sensitive information related to the object' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'acDataOut', type: 'TPMS_AC_OUTPUT', description: 'May include AC specific data or information about an error' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_Policy_AC_SendSelect',
    cc: 'TPM_CC_Policy_AC_SendSelect',
    tag: 'sessions',
    attrs: {},
    description: 'This command allows qualification of the sending (copying) of an Object to an Attached Component (AC)',
    source: { part: 3, title: 'TPM2_Policy_AC_SendSelect Command' },
    handles: [
      { name: 'policySession', type: 'TPMI_SH_POLICY', description: 'handle for the policy session being extended' },
    ],
    params: [
      { name: 'objectName', type: 'TPM2B_NAME', description: 'the Name of the Object to be sent' },
      { name: 'authHandleName', type: 'TPM2B_NAME', description: 'the Name associated with authHandle used in the TPM2_AC_Send() command' },
      { name: 'acName', type: 'TPM2B_NAME', description: 'the Name of the Attached Component to which the Object will be sent' },
      { name: 'includeObject', type: 'TPMI_YES_NO', description: 'if SET, objectName will be included in the value in policySession→policyDigest' },
    ],
    response: { handles: [], params: [] },
  },
]);
