/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 13: Duplication Commands.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const duplicationCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_Duplicate',
    cc: 'TPM_CC_Duplicate',
    tag: 'sessions',
    attrs: {},
    description: 'This command duplicates a loaded object so that it may be used in a different hierarchy',
    source: { part: 3, title: 'TPM2_Duplicate Command' },
    handles: [
      { name: 'objectHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'DUP' }, description: 'loaded object to duplicate' },
      { name: 'newParentHandle', type: 'TPMI_DH_OBJECT', allowNull: true, description: 'shall reference the public area of an asymmetric key' },
    ],
    params: [
      { name: 'encryptionKeyIn', type: 'TPM2B_DATA', description: 'optional symmetric encryption key' },
      { name: 'symmetricAlg', type: 'TPMT_SYM_DEF_OBJECT', allowNull: true, description: 'definition for the symmetric algorithm to be used for the inner wrapper' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'encryptionKeyOut', type: 'TPM2B_DATA', description: 'If the caller provided an encryption key or if symmetricAlg was TPM_ALG_NULL, then this will be the Empty Buffer' },
        { name: 'duplicate', type: 'TPM2B_PRIVATE', description: 'private area that may be encrypted by encryptionKeyIn; and may be doubly encrypted' },
        { name: 'outSymSeed', type: 'TPM2B_ENCRYPTED_SECRET', description: 'seed protected by the asymmetric algorithms of new parent (NP)' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_Rewrap',
    cc: 'TPM_CC_Rewrap',
    tag: 'sessions',
    attrs: {},
    description: 'This command allows the TPM to serve in the role as a Duplication Authority',
    source: { part: 3, title: 'TPM2_Rewrap Command' },
    handles: [
      { name: 'oldParent', type: 'TPMI_DH_OBJECT', allowNull: true, auth: { index: 1, role: 'USER' }, description: 'parent of object' },
      { name: 'newParent', type: 'TPMI_DH_OBJECT', allowNull: true, description: 'new parent of the object' },
    ],
    params: [
      { name: 'inDuplicate', type: 'TPM2B_PRIVATE', description: 'an object encrypted using symmetric key derived from inSymSeed' },
      { name: 'name', type: 'TPM2B_NAME', description: 'the Name of the object being rewrapped' },
      { name: 'inSymSeed', type: 'TPM2B_ENCRYPTED_SECRET', description: 'the seed for the symmetric key and HMAC key' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'outDuplicate', type: 'TPM2B_PRIVATE', description: 'an object encrypted using symmetric key derived from outSymSeed' },
        { name: 'outSymSeed', type: 'TPM2B_ENCRYPTED_SECRET', description: 'seed for a symmetric key protected by newParent asymmetric key' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_Import',
    cc: 'TPM_CC_Import',
    tag: 'sessions',
    attrs: {},
    description: 'This command allows an object to be encrypted using the symmetric encryption values of a Storage Key',
    source: { part: 3, title: 'TPM2_Import Command' },
    handles: [
      { name: 'parentHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'the handle of the new parent for the object' },
    ],
    params: [
      { name: 'encryptionKey', type: 'TPM2B_DATA', description: 'the optional symmetric encryption key used as the inner wrapper for duplicate' },
      { name: 'objectPublic', type: 'TPM2B_PUBLIC', description: 'the public area of the object to be imported' },
      { name: 'duplicate', type: 'TPM2B_PRIVATE', description: 'the symmetrically encrypted duplicate object that may contain an inner symmetric wrapper' },
      { name: 'inSymSeed', type: 'TPM2B_ENCRYPTED_SECRET', description: 'the seed for the symmetric key and HMAC key' },
      { name: 'symmetricAlg', type: 'TPMT_SYM_DEF_OBJECT', allowNull: true, description: 'definition for the symmetric algorithm to use for the inner wrapper' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'outPrivate', type: 'TPM2B_PRIVATE', description: 'the sensitive area encrypted with the symmetric key of parentHandle' },
      ],
    },
  },
]);
