/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 20: Signing and Signature Verification.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const signingCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_VerifySignature',
    cc: 'TPM_CC_VerifySignature',
    tag: 'either',
    attrs: {},
    description: 'This command uses loaded keys to validate a signature on a message with the message digest passed to the TPM',
    source: { part: 3, title: 'TPM2_VerifySignature Command' },
    handles: [
      { name: 'keyHandle', type: 'TPMI_DH_OBJECT', description: 'handle of public key that will be used in the validation' },
    ],
    params: [
      { name: 'digest', type: 'TPM2B_DIGEST', description: 'digest of the signed message' },
      { name: 'signature', type: 'TPMT_SIGNATURE', description: 'signature to be tested' },
    ],
    response: { handles: [], params: [{ name: 'validation', type: 'TPMT_TK_VERIFIED' }] },
  },
  {
    kind: 'command',
    name: 'TPM2_Sign',
    cc: 'TPM_CC_Sign',
    tag: 'sessions',
    attrs: {},
    description: 'This command causes the TPM to sign an externally provided hash with the specified symmetric or asymmetric signing key',
    source: { part: 3, title: 'TPM2_Sign Command' },
    handles: [
      { name: 'keyHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'Handle of key that will perform signing' },
    ],
    params: [
      { name: 'digest', type: 'TPM2B_DIGEST', description: 'digest to be signed' },
      { name: 'inScheme', type: 'TPMT_SIG_SCHEME', allowNull: true, description: 'signing scheme to use if the scheme for keyHandle is TPM_ALG_NULL' },
      { name: 'validation', type: 'TPMT_TK_HASHCHECK', description: 'proof that digest was created by the TPM' },
    ],
    response: {
      handles: [],
      params: [{ name: 'signature', type: 'TPMT_SIGNATURE', description: 'the signature' }],
    },
  },
]);
