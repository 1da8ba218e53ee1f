/**
 * TPM 2.0 Library Part 2 (Structures), revision 1.59: context data (clause 14) and creation data (clause 15).
 * Transcribed from the specification tables; see spec/README.md for the notation mapping.
 */
import { defineTypes } from '../schema.js';

export const contextTypes = defineTypes([
  {
    kind: 'struct',
    name: 'TPM2B_CONTEXT_SENSITIVE',
    source: { part: 2, title: 'Definition of TPM2B_CONTEXT_SENSITIVE Structure' },
    fields: [
      { name: 'size', type: 'UINT16' },
      { name: 'buffer', type: 'BYTE', count: 'size', max: 'MAX_CONTEXT_SIZE', description: 'the sensitive data' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_CONTEXT_DATA',
    source: { part: 2, title: 'Definition of TPMS_CONTEXT_DATA Structure' },
    fields: [
      { name: 'integrity', type: 'TPM2B_DIGEST', description: 'the integrity value' },
      { name: 'encrypted', type: 'TPM2B_CONTEXT_SENSITIVE', description: 'the sensitive area' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_CONTEXT_DATA',
    source: { part: 2, title: 'Definition of TPM2B_CONTEXT_DATA Structure' },
    fields: [
      { name: 'size', type: 'UINT16' },
      { name: 'buffer', type: 'BYTE', count: 'size', max: 'sizeof(TPMS_CONTEXT_DATA)' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_CONTEXT',
    source: { part: 2, title: 'Definition of TPMS_CONTEXT Structure' },
    fields: [
      { name: 'sequence', type: 'UINT64', description: 'the sequence number of the context' },
      { name: 'savedHandle', type: 'TPMI_DH_SAVED', description: 'a handle indicating if the context is a session, object, or sequence object (see "Context Handle Values")' },
      { name: 'hierarchy', type: 'TPMI_RH_HIERARCHY', allowNull: true, description: 'the hierarchy of the context' },
      { name: 'contextBlob', type: 'TPM2B_CONTEXT_DATA', description: 'the context data and integrity HMAC' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_CREATION_DATA',
    source: { part: 2, title: 'Definition of TPMS_CREATION_DATA Structure' },
    fields: [
      { name: 'pcrSelect', type: 'TPML_PCR_SELECTION', description: 'list indicating the PCR included in pcrDigest' },
      { name: 'pcrDigest', type: 'TPM2B_DIGEST', description: 'digest of the selected PCR using nameAlg of the object for which this structure is being created' },
      { name: 'locality', type: 'TPMA_LOCALITY', description: 'the locality at which the object was created' },
      { name: 'parentNameAlg', type: 'TPM_ALG_ID', description: 'nameAlg of the parent' },
      { name: 'parentName', type: 'TPM2B_NAME', description: 'Name of the parent at time of creation' },
      { name: 'parentQualifiedName', type: 'TPM2B_NAME', description: 'Qualified Name of the parent at the time of creation' },
      { name: 'outsideInfo', type: 'TPM2B_DATA', description: 'association with additional information added by the key creator' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_CREATION_DATA',
    source: { part: 2, title: 'Definition of TPM2B_CREATION_DATA Structure' },
    fields: [
      { name: 'size', type: 'UINT16', sizeOf: 'creationData', sizeMustMatch: true, description: 'size of the creation data' },
      { name: 'creationData', type: 'TPMS_CREATION_DATA' },
    ],
  },
]);
