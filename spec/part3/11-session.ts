/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 11: Session Commands.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const sessionCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_StartAuthSession',
    cc: 'TPM_CC_StartAuthSession',
    tag: 'either',
    attrs: {},
    description: 'This command is used to start an authorization session using alternative methods of establishing the session key (sessionKey)',
    source: { part: 3, title: 'TPM2_StartAuthSession Command' },
    handles: [
      { name: 'tpmKey', type: 'TPMI_DH_OBJECT', allowNull: true, description: 'handle of a loaded decrypt key used to encrypt salt' },
      { name: 'bind', type: 'TPMI_DH_ENTITY', allowNull: true, description: 'entity providing the authValue' },
    ],
    params: [
      { name: 'nonceCaller', type: 'TPM2B_NONCE', description: 'initial nonceCaller, sets nonceTPM size for the session' },
      { name: 'encryptedSalt', type: 'TPM2B_ENCRYPTED_SECRET', description: 'value encrypted according to the type of tpmKey' },
      { name: 'sessionType', type: 'TPM_SE', description: 'indicates the type of the session; simple HMAC or policy (including a trial policy)' },
      { name: 'symmetric', type: 'TPMT_SYM_DEF', allowNull: true, description: 'the algorithm and key size for parameter encryption' },
      { name: 'authHash', type: 'TPMI_ALG_HASH', description: 'hash algorithm to use for the session' },
    ],
    response: {
      handles: [
        { name: 'sessionHandle', type: 'TPMI_SH_AUTH_SESSION', description: 'handle for the newly created session' },
      ],
      params: [
        { name: 'nonceTPM', type: 'TPM2B_NONCE', description: 'the initial nonce from the TPM, used in the computation of the sessionKey' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_PolicyRestart',
    cc: 'TPM_CC_PolicyRestart',
    tag: 'either',
    attrs: {},
    description: 'This command allows a policy authorization session to be returned to its initial state',
    source: { part: 3, title: 'TPM2_PolicyRestart Command' },
    handles: [
      { name: 'sessionHandle', type: 'TPMI_SH_POLICY', description: 'the handle for the policy session' },
    ],
    params: [],
    response: { handles: [], params: [] },
  },
]);
