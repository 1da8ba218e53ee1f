/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 14: Asymmetric Primitives.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const asymmetricCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_RSA_Encrypt',
    cc: 'TPM_CC_RSA_Encrypt',
    tag: 'either',
    attrs: {},
    dependsOn: 'RSA',
    description: 'This command performs RSA encryption using the indicated padding scheme according to IETF RFC 8017',
    source: { part: 3, title: 'TPM2_RSA_Encrypt Command' },
    handles: [
      { name: 'keyHandle', type: 'TPMI_DH_OBJECT', description: 'reference to public portion of RSA key to use for encryption' },
    ],
    params: [
      { name: 'message', type: 'TPM2B_PUBLIC_KEY_RSA', description: 'message to be encrypted' },
      { name: 'inScheme', type: 'TPMT_RSA_DECRYPT', allowNull: true, description: 'the padding scheme to use if scheme associated with keyHandle is TPM_ALG_NULL' },
      { name: 'label', type: 'TPM2B_DATA', description: 'optional label L to be associated with the message' },
    ],
    response: {
      handles: [],
      params: [{ name: 'outData', type: 'TPM2B_PUBLIC_KEY_RSA', description: 'encrypted output' }],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_RSA_Decrypt',
    cc: 'TPM_CC_RSA_Decrypt',
    tag: 'sessions',
    attrs: {},
    dependsOn: 'RSA',
    description: 'This command performs RSA decryption using the indicated padding scheme according to IETF RFC 8017 (PKCS#1)',
    source: { part: 3, title: 'TPM2_RSA_Decrypt Command' },
    handles: [
      { name: 'keyHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'RSA key to use for decryption' },
    ],
    params: [
      { name: 'cipherText', type: 'TPM2B_PUBLIC_KEY_RSA', description: 'cipher text to be decrypted' },
      { name: 'inScheme', type: 'TPMT_RSA_DECRYPT', allowNull: true, description: 'the padding scheme to use if scheme associated with keyHandle is TPM_ALG_NULL' },
      { name: 'label', type: 'TPM2B_DATA', description: 'label whose association with the message is to be verified' },
    ],
    response: {
      handles: [],
      params: [{ name: 'message', type: 'TPM2B_PUBLIC_KEY_RSA', description: 'decrypted output' }],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_ECDH_KeyGen',
    cc: 'TPM_CC_ECDH_KeyGen',
    tag: 'either',
    attrs: {},
    dependsOn: 'ECC',
    description: 'This command uses the TPM to generate an ephemeral key pair (de, Qe where Qe ≔ [de]G)',
    source: { part: 3, title: 'TPM2_ECDH_KeyGen Command' },
    handles: [
      { name: 'keyHandle', type: 'TPMI_DH_OBJECT', description: 'Handle of a loaded ECC key public area' },
    ],
    params: [],
    response: {
      handles: [],
      params: [
        { name: 'zPoint', type: 'TPM2B_ECC_POINT', description: 'results of P ≔ h[de]Qs' },
        { name: 'pubPoint', type: 'TPM2B_ECC_POINT', description: 'generated ephemeral public point (Qe)' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_ECDH_ZGen',
    cc: 'TPM_CC_ECDH_ZGen',
    tag: 'sessions',
    attrs: {},
    dependsOn: 'ECC',
    description: 'This command uses the TPM to recover the Z value from a public point (QB) and a private key (ds)',
    source: { part: 3, title: 'TPM2_ECDH_ZGen Command' },
    handles: [
      { name: 'keyHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'handle of a loaded ECC key' },
    ],
    params: [{ name: 'inPoint', type: 'TPM2B_ECC_POINT', description: 'a public key' }],
    response: {
      handles: [],
      params: [
        { name: 'outPoint', type: 'TPM2B_ECC_POINT', description: 'X and Y coordinates of the product of the multiplication Z = (xZ , yZ) ≔ [hdS]QB' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_ECC_Parameters',
    cc: 'TPM_CC_ECC_Parameters',
    tag: 'either',
    attrs: {},
    dependsOn: 'ECC',
    description: 'This command returns the parameters of an ECC curve identified by its TCG-assigned curveID',
    source: { part: 3, title: 'TPM2_ECC_Parameters Command' },
    handles: [],
    params: [{ name: 'curveID', type: 'TPMI_ECC_CURVE', description: 'parameter set selector' }],
    response: {
      handles: [],
      params: [
        { name: 'parameters', type: 'TPMS_ALGORITHM_DETAIL_ECC', description: 'ECC parameters for the selected curve' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_ZGen_2Phase',
    cc: 'TPM_CC_ZGen_2Phase',
    tag: 'sessions',
    attrs: {},
    dependsOn: 'ECC',
    description: 'This command supports two-phase key exchange protocols',
    source: { part: 3, title: 'TPM2_ZGen_2Phase Command' },
    handles: [
      { name: 'keyA', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'handle of an unrestricted decryption key ECC' },
    ],
    params: [
      { name: 'inQsB', type: 'TPM2B_ECC_POINT', description: 'other party\'s static public key (Qs,B = (Xs,B, Ys,B))' },
      { name: 'inQeB', type: 'TPM2B_ECC_POINT', description: 'other party\'s ephemeral public key (Qe,B = (Xe,B, Ye,B))' },
      { name: 'inScheme', type: 'TPMI_ECC_KEY_EXCHANGE', description: 'the key exchange scheme' },
      { name: 'counter', type: 'UINT16', description: 'value returned by TPM2_EC_Ephemeral()' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'outZ1', type: 'TPM2B_ECC_POINT', description: 'X and Y coordinates of the computed value (scheme dependent)' },
        { name: 'outZ2', type: 'TPM2B_ECC_POINT', description: 'X and Y coordinates of the second computed value (scheme dependent)' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_ECC_Encrypt',
    cc: 'TPM_CC_ECC_Encrypt',
    tag: 'either',
    attrs: {},
    dependsOn: 'ECC',
    description: 'This command performs ECC encryption as described in Part 1, Annex D',
    source: { part: 3, title: 'TPM2_ECC_Encrypt Command' },
    handles: [
      { name: 'keyHandle', type: 'TPMI_DH_OBJECT', description: 'reference to public portion of ECC key to use for encryption' },
    ],
    params: [
      { name: 'plainText', type: 'TPM2B_MAX_BUFFER', description: 'Plaintext to be encrypted' },
      { name: 'inScheme', type: 'TPMT_KDF_SCHEME', allowNull: true, description: 'the KDF to use if scheme associated with keyHandle is TPM_ALG_NULL' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'C1', type: 'TPM2B_ECC_POINT', description: 'the public ephemeral key used for ECDH' },
        { name: 'C2', type: 'TPM2B_MAX_BUFFER', description: 'the data block produced by the XOR process' },
        { name: 'C3', type: 'TPM2B_DIGEST', description: 'the integrity value' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_ECC_Decrypt',
    cc: 'TPM_CC_ECC_Decrypt',
    tag: 'sessions',
    attrs: {},
    dependsOn: 'ECC',
    description: 'This command performs ECC decryption',
    source: { part: 3, title: 'TPM2_ECC_Decrypt Command' },
    handles: [
      { name: 'keyHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'ECC key to use for decryption' },
    ],
    params: [
      { name: 'C1', type: 'TPM2B_ECC_POINT', description: 'the public ephemeral key used for ECDH' },
      { name: 'C2', type: 'TPM2B_MAX_BUFFER', description: 'the data block produced by the XOR process' },
      { name: 'C3', type: 'TPM2B_DIGEST', description: 'the integrity value' },
      { name: 'inScheme', type: 'TPMT_KDF_SCHEME', allowNull: true, description: 'the KDF to use if scheme associated with keyHandle is TPM_ALG_NULL' },
    ],
    response: {
      handles: [],
      params: [{ name: 'plainText', type: 'TPM2B_MAX_BUFFER', description: 'decrypted output' }],
    },
  },
]);
