/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 19: Ephemeral EC Keys.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const ephemeralEcCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_Commit',
    cc: 'TPM_CC_Commit',
    tag: 'sessions',
    attrs: {},
    dependsOn: 'ECC',
    description: 'TPM2_Commit() performs the first part of an ECC anonymous signing operation',
    source: { part: 3, title: 'TPM2_Commit Command' },
    handles: [
      { name: 'signHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'handle of the key that will be used in the signing operation' },
    ],
    params: [
      { name: 'P1', type: 'TPM2B_ECC_POINT', description: 'a point (M) on the curve used by signHandle' },
      { name: 's2', type: 'TPM2B_SENSITIVE_DATA', description: 'octet array used to derive x-coordinate of a base point' },
      { name: 'y2', type: 'TPM2B_ECC_PARAMETER', description: 'y coordinate of the point associated with s2' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'K', type: 'TPM2B_ECC_POINT', description: 'ECC point K ≔ [ds](x2, y2)' },
        { name: 'L', type: 'TPM2B_ECC_POINT', description: 'ECC point L ≔ [r](x2, y2)' },
        { name: 'E', type: 'TPM2B_ECC_POINT', description: 'ECC point E ≔ [r]P1' },
        { name: 'counter', type: 'UINT16', description: 'least-significant 16 bits of commitCount' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_EC_Ephemeral',
    cc: 'TPM_CC_EC_Ephemeral',
    tag: 'either',
    attrs: {},
    dependsOn: 'ECC',
    description: 'TPM2_EC_Ephemeral() creates an ephemeral key for use in a two-phase key exchange protocol',
    source: { part: 3, title: 'TPM2_EC_Ephemeral Command' },
    handles: [],
    params: [
      { name: 'curveID', type: 'TPMI_ECC_CURVE', description: 'The curve for the computed ephemeral point' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'Q', type: 'TPM2B_ECC_POINT', description: 'ephemeral public key Q ≔ [r]G' },
        { name: 'counter', type: 'UINT16', description: 'least-significant 16 bits of commitCount' },
      ],
    },
  },
]);
