/**
 * TPM 2.0 Library Part 2 (Structures), revision 1.59: NV storage structures of clause 13.
 * Transcribed from the specification tables; see spec/README.md for the notation mapping.
 */
import { defineTypes } from '../schema.js';

export const nvTypes = defineTypes([
  {
    kind: 'struct',
    name: 'TPMS_NV_PIN_COUNTER_PARAMETERS',
    source: { part: 2, title: 'Definition of TPMS_NV_PIN_COUNTER_PARAMETERS Structure' },
    fields: [
      { name: 'pinCount', type: 'UINT32', description: 'This counter shows the current number of successful authValue authorization attempts to access a TPM_NT_PIN_PASS index or the current number of unsuccessful...' },
      { name: 'pinLimit', type: 'UINT32', description: 'This threshold is the value of pinCount at which the authValue authorization of the host TPM_NT_PIN_PASS or TPM_NT_PIN_FAIL index is locked out' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_NV_PUBLIC',
    rc: 'TPM_RC_SIZE',
    source: { part: 2, title: 'Definition of TPMS_NV_PUBLIC Structure' },
    fields: [
      { name: 'nvIndex', type: 'TPMI_RH_NV_INDEX', description: 'the handle of the data area' },
      { name: 'nameAlg', type: 'TPMI_ALG_HASH', description: 'hash algorithm used to compute the name of the Index and used for the authPolicy' },
      { name: 'attributes', type: 'TPMA_NV', description: 'the Index attributes' },
      { name: 'authPolicy', type: 'TPM2B_DIGEST', description: 'optional access policy for the Index' },
      { name: 'dataSize', type: 'UINT16', max: 'MAX_NV_INDEX_SIZE', description: 'the size of the data area' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_NV_PUBLIC',
    source: { part: 2, title: 'Definition of TPM2B_NV_PUBLIC Structure' },
    fields: [
      { name: 'size', type: 'UINT16', sizeOf: 'nvPublic', sizeMustMatch: true, description: 'size of nvPublic' },
      { name: 'nvPublic', type: 'TPMS_NV_PUBLIC', description: 'the public area' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_NV_PUBLIC_EXP_ATTR',
    rc: 'TPM_RC_SIZE',
    description: 'added after 1.59 (TPM 2.0 Library 1.83); layout from the TCG reference TpmTypes.h / Marshal.c',
    source: { part: 2, title: 'Definition of TPMS_NV_PUBLIC_EXP_ATTR Structure' },
    fields: [
      { name: 'nvIndex', type: 'TPMI_RH_NV_EXP_INDEX', description: 'the handle of the data area' },
      { name: 'nameAlg', type: 'TPMI_ALG_HASH', description: 'hash algorithm used to compute the name of the Index and used for the authPolicy' },
      { name: 'attributes', type: 'TPMA_NV_EXP', description: 'the Index attributes, including the External NV attributes' },
      { name: 'authPolicy', type: 'TPM2B_DIGEST', description: 'optional access policy for the Index' },
      { name: 'dataSize', type: 'UINT16', max: 'MAX_NV_INDEX_SIZE', description: 'the size of the data area' },
    ],
  },
  {
    kind: 'union',
    name: 'TPMU_NV_PUBLIC_2',
    description: 'added after 1.59 (TPM 2.0 Library 1.83); layout from the TCG reference TpmTypes.h / Marshal.c',
    source: { part: 2, title: 'Definition of TPMU_NV_PUBLIC_2 Union' },
    members: [
      { name: 'nvIndex', type: 'TPMS_NV_PUBLIC', selector: 'TPM_HT_NV_INDEX' },
      { name: 'externalNV', type: 'TPMS_NV_PUBLIC_EXP_ATTR', selector: 'TPM_HT_EXTERNAL_NV' },
      { name: 'permanentNV', type: 'TPMS_NV_PUBLIC', selector: 'TPM_HT_PERMANENT_NV' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMT_NV_PUBLIC_2',
    description: 'added after 1.59 (TPM 2.0 Library 1.83); layout from the TCG reference TpmTypes.h / Marshal.c',
    source: { part: 2, title: 'Definition of TPMT_NV_PUBLIC_2 Structure' },
    fields: [
      { name: 'handleType', type: 'TPM_HT', description: 'the handle type of the NV Index' },
      { name: 'nvPublic2', type: 'TPMU_NV_PUBLIC_2', selector: 'handleType', description: 'the public area' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_NV_PUBLIC_2',
    description: 'added after 1.59 (TPM 2.0 Library 1.83); layout from the TCG reference TpmTypes.h / Marshal.c',
    source: { part: 2, title: 'Definition of TPM2B_NV_PUBLIC_2 Structure' },
    fields: [
      { name: 'size', type: 'UINT16', sizeOf: 'nvPublic2', sizeMustMatch: true, description: 'size of nvPublic2' },
      { name: 'nvPublic2', type: 'TPMT_NV_PUBLIC_2', description: 'the public area' },
    ],
  },
]);
