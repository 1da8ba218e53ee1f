/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 17: Hash/HMAC/Event Sequences.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const hashHmacSequencesCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_HMAC_Start',
    cc: 'TPM_CC_HMAC_Start',
    tag: 'sessions',
    attrs: {},
    dependsOn: '!CMAC',
    description: 'This command starts an HMAC sequence',
    source: { part: 3, title: 'TPM2_HMAC_Start Command' },
    handles: [
      { name: 'handle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'handle of an HMAC key' },
    ],
    params: [
      { name: 'auth', type: 'TPM2B_AUTH', description: 'authorization value for subsequent use of the sequence' },
      { name: 'hashAlg', type: 'TPMI_ALG_HASH', allowNull: true, description: 'the hash algorithm to use for the HMAC' },
    ],
    response: {
      handles: [
        { name: 'sequenceHandle', type: 'TPMI_DH_OBJECT', description: 'a handle to reference the sequence' },
      ],
      params: [],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_MAC_Start',
    cc: 'TPM_CC_MAC_Start',
    tag: 'sessions',
    attrs: {},
    dependsOn: 'CMAC',
    description: 'This command starts a MAC sequence',
    source: { part: 3, title: 'TPM2_MAC_Start Command' },
    handles: [
      { name: 'handle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'handle of a MAC key' },
    ],
    params: [
      { name: 'auth', type: 'TPM2B_AUTH', description: 'authorization value for subsequent use of the sequence' },
      { name: 'inScheme', type: 'TPMI_ALG_MAC_SCHEME', allowNull: true, description: 'the algorithm to use for the MAC' },
    ],
    response: {
      handles: [
        { name: 'sequenceHandle', type: 'TPMI_DH_OBJECT', description: 'a handle to reference the sequence' },
      ],
      params: [],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_HashSequenceStart',
    cc: 'TPM_CC_HashSequenceStart',
    tag: 'either',
    attrs: {},
    description: 'This command starts a hash or an Event Sequence',
    source: { part: 3, title: 'TPM2_HashSequenceStart Command' },
    handles: [],
    params: [
      { name: 'auth', type: 'TPM2B_AUTH', description: 'authorization value for subsequent use of the sequence' },
      { name: 'hashAlg', type: 'TPMI_ALG_HASH', allowNull: true, description: 'the hash algorithm to use for the hash sequence' },
    ],
    response: {
      handles: [
        { name: 'sequenceHandle', type: 'TPMI_DH_OBJECT', description: 'a handle to reference the sequence' },
      ],
      params: [],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_SequenceUpdate',
    cc: 'TPM_CC_SequenceUpdate',
    tag: 'sessions',
    attrs: {},
    description: 'This command is used to add data to a hash or HMAC sequence',
    source: { part: 3, title: 'TPM2_SequenceUpdate Command' },
    handles: [
      { name: 'sequenceHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'handle for the sequence object' },
    ],
    params: [{ name: 'buffer', type: 'TPM2B_MAX_BUFFER', description: 'data to be added to hash' }],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_SequenceComplete',
    cc: 'TPM_CC_SequenceComplete',
    tag: 'sessions',
    attrs: { flushed: true },
    description: 'This command adds the last part of data, if any, to a hash/HMAC sequence and returns the result',
    source: { part: 3, title: 'TPM2_SequenceComplete Command' },
    handles: [
      { name: 'sequenceHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'authorization for the sequence' },
    ],
    params: [
      { name: 'buffer', type: 'TPM2B_MAX_BUFFER', description: 'data to be added to the hash/HMAC' },
      { name: 'hierarchy', type: 'TPMI_RH_HIERARCHY', allowNull: true, description: 'hierarchy of the ticket for a hash' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'result', type: 'TPM2B_DIGEST', description: 'the returned HMAC or digest in a sized buffer' },
        { name: 'validation', type: 'TPMT_TK_HASHCHECK', description: 'ticket indicating that the sequence of octets used to compute outDigest did not start with TPM_GENERATED_VALUE' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_EventSequenceComplete',
    cc: 'TPM_CC_EventSequenceComplete',
    tag: 'sessions',
    attrs: { nv: true, flushed: true },
    description: 'This command adds the last part of data, if any, to an Event Sequence and returns the result in a digest list',
    source: { part: 3, title: 'TPM2_EventSequenceComplete Command' },
    handles: [
      { name: 'pcrHandle', type: 'TPMI_DH_PCR', allowNull: true, auth: { index: 1, role: 'USER' }, description: 'PCR to be extended with the Event data' },
      { name: 'sequenceHandle', type: 'TPMI_DH_OBJECT', auth: { index: 2, role: 'USER' }, description: 'authorization for the sequence' },
    ],
    params: [{ name: 'buffer', type: 'TPM2B_MAX_BUFFER', description: 'data to be added to the Event' }],
    response: {
      handles: [],
      params: [
        { name: 'results', type: 'TPML_DIGEST_VALUES', description: 'list of digests computed for the PCR' },
      ],
    },
  },
]);
