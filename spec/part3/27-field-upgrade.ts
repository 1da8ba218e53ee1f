/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 27: Field Upgrade.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const fieldUpgradeCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_FieldUpgradeStart',
    cc: 'TPM_CC_FieldUpgradeStart',
    tag: 'sessions',
    attrs: {},
    description: 'This command uses platformPolicy and a TPM Vendor Authorization Key to authorize a Field Upgrade Manifest',
    source: { part: 3, title: 'TPM2_FieldUpgradeStart Command' },
    handles: [
      { name: 'authorization', type: 'TPMI_RH_PLATFORM', auth: { index: 1, role: 'ADMIN', physicalPresence: true }, description: 'TPM_RH_PLATFORM+{PP}' },
      { name: 'keyHandle', type: 'TPMI_DH_OBJECT', description: 'handle of a public area that contains the TPM Vendor Authorization Key that will be used to validate manifestSignature' },
    ],
    params: [
      { name: 'fuDigest', type: 'TPM2B_DIGEST', description: 'digest of the first block in the field upgrade sequence' },
      { name: 'manifestSignature', type: 'TPMT_SIGNATURE', description: 'signature over fuDigest using the key associated with keyHandle (not optional)' },
    ],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_FieldUpgradeData',
    cc: 'TPM_CC_FieldUpgradeData',
    tag: 'either',
    attrs: { nv: true },
    description: 'This command will take the actual field upgrade image to be installed on the TPM',
    source: { part: 3, title: 'TPM2_FieldUpgradeData Command' },
    handles: [],
    params: [{ name: 'fuData', type: 'TPM2B_MAX_BUFFER', description: 'field upgrade image data' }],
    response: {
      handles: [],
      params: [
        { name: 'nextDigest', type: 'TPMT_HA', allowNull: true, description: 'tagged digest of the next block' },
        { name: 'firstDigest', type: 'TPMT_HA', description: 'tagged digest of the first block of the sequence' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_FirmwareRead',
    cc: 'TPM_CC_FirmwareRead',
    tag: 'either',
    attrs: {},
    description: 'This command is used to read a copy of the current firmware installed in the TPM',
    source: { part: 3, title: 'TPM2_FirmwareRead Command' },
    handles: [],
    params: [
      { name: 'sequenceNumber', type: 'UINT32', description: 'the number of previous calls to this command in this sequence' },
    ],
    response: {
      handles: [],
      params: [{ name: 'fuData', type: 'TPM2B_MAX_BUFFER', description: 'field upgrade image data' }],
    },
  },
]);
