/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 15: Symmetric Primitives.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const symmetricCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_EncryptDecrypt',
    cc: 'TPM_CC_EncryptDecrypt',
    tag: 'sessions',
    attrs: {},
    description: 'Performs symmetric encryption or decryption (deprecated; TPM2_EncryptDecrypt2() is preferred)',
    source: { part: 3, title: 'TPM2_EncryptDecrypt Command' },
    handles: [
      { name: 'keyHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'the symmetric key used for the operation' },
    ],
    params: [
      { name: 'decrypt', type: 'TPMI_YES_NO', description: 'if YES, then the operation is decryption; if NO, the operation is encryption' },
      { name: 'mode', type: 'TPMI_ALG_CIPHER_MODE', allowNull: true, description: 'symmetric encryption/decryption mode' },
      { name: 'ivIn', type: 'TPM2B_IV', description: 'an initial value as required by the algorithm' },
      { name: 'inData', type: 'TPM2B_MAX_BUFFER', description: 'the data to be encrypted/decrypted' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'outData', type: 'TPM2B_MAX_BUFFER', description: 'encrypted or decrypted output' },
        { name: 'ivOut', type: 'TPM2B_IV', description: 'chaining value to use for IV in next round' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_EncryptDecrypt2',
    cc: 'TPM_CC_EncryptDecrypt2',
    tag: 'sessions',
    attrs: {},
    description: 'This command is identical to TPM2_EncryptDecrypt(), except that the inData parameter is the first parameter',
    source: { part: 3, title: 'TPM2_EncryptDecrypt2 Command' },
    handles: [
      { name: 'keyHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'the symmetric key used for the operation' },
    ],
    params: [
      { name: 'inData', type: 'TPM2B_MAX_BUFFER', description: 'the data to be encrypted/decrypted' },
      { name: 'decrypt', type: 'TPMI_YES_NO', description: 'if YES, then the operation is decryption; if NO, the operation is encryption' },
      { name: 'mode', type: 'TPMI_ALG_CIPHER_MODE', allowNull: true, description: 'symmetric mode' },
      { name: 'ivIn', type: 'TPM2B_IV', description: 'an initial value as required by the algorithm' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'outData', type: 'TPM2B_MAX_BUFFER', description: 'encrypted or decrypted output' },
        { name: 'ivOut', type: 'TPM2B_IV', description: 'chaining value to use for IV in next round' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_Hash',
    cc: 'TPM_CC_Hash',
    tag: 'either',
    attrs: {},
    description: 'This command performs a hash operation on a data buffer and returns the results',
    source: { part: 3, title: 'TPM2_Hash Command' },
    handles: [],
    params: [
      { name: 'data', type: 'TPM2B_MAX_BUFFER', description: 'data to be hashed' },
      { name: 'hashAlg', type: 'TPMI_ALG_HASH', description: 'algorithm for the hash being computed - shall not be TPM_ALG_NULL' },
      { name: 'hierarchy', type: 'TPMI_RH_HIERARCHY', allowNull: true, description: 'hierarchy to use for the ticket (TPM_RH_NULL allowed)' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'outHash', type: 'TPM2B_DIGEST', description: 'results' },
        { name: 'validation', type: 'TPMT_TK_HASHCHECK', description: 'ticket indicating that the sequence of octets used to compute outDigest did not start with TPM_GENERATED_VALUE' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_HMAC',
    cc: 'TPM_CC_HMAC',
    tag: 'sessions',
    attrs: {},
    dependsOn: '!CMAC',
    description: 'This command performs an HMAC on the supplied data using the indicated hash algorithm',
    source: { part: 3, title: 'TPM2_HMAC Command' },
    handles: [
      { name: 'handle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'handle for the symmetric signing key providing the HMAC key' },
    ],
    params: [
      { name: 'buffer', type: 'TPM2B_MAX_BUFFER', description: 'HMAC data' },
      { name: 'hashAlg', type: 'TPMI_ALG_HASH', allowNull: true, description: 'algorithm to use for HMAC' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'outHMAC', type: 'TPM2B_DIGEST', description: 'the returned HMAC in a sized buffer' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_MAC',
    cc: 'TPM_CC_MAC',
    tag: 'sessions',
    attrs: {},
    dependsOn: 'CMAC',
    description: 'This command performs an HMAC or a block cipher MAC on the supplied data using the indicated algorithm',
    source: { part: 3, title: 'TPM2_MAC Command' },
    handles: [
      { name: 'handle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'handle for the symmetric signing key providing the MAC key' },
    ],
    params: [
      { name: 'buffer', type: 'TPM2B_MAX_BUFFER', description: 'MAC data' },
      { name: 'inScheme', type: 'TPMI_ALG_MAC_SCHEME', allowNull: true, description: 'algorithm to use for MAC' },
    ],
    response: {
      handles: [],
      params: [{ name: 'outMAC', type: 'TPM2B_DIGEST', description: 'the returned MAC in a sized buffer' }],
    },
  },
]);
