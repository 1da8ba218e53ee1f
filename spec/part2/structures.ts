/**
 * TPM 2.0 Library Part 2 (Structures), revision 1.59: structure definitions of clause 10 (digests, names, PCR, tickets, lists, capabilities, attestation, sessions).
 * Transcribed from the specification tables; see spec/README.md for the notation mapping.
 */
import { defineTypes } from '../schema.js';

export const structureTypes = defineTypes([
  {
    kind: 'struct',
    name: 'TPMS_EMPTY',
    source: { part: 2, title: 'Definition of TPMS_EMPTY Structure' },
    fields: [],
  },
  {
    kind: 'struct',
    name: 'TPMS_ALGORITHM_DESCRIPTION',
    source: { part: 2, title: 'Definition of TPMS_ALGORITHM_DESCRIPTION Structure' },
    fields: [
      { name: 'alg', type: 'TPM_ALG_ID', description: 'an algorithm' },
      { name: 'attributes', type: 'TPMA_ALGORITHM', description: 'the attributes of the algorithm' },
    ],
  },
  {
    kind: 'union',
    name: 'TPMU_HA',
    source: { part: 2, title: 'Definition of TPMU_HA Union' },
    members: [
      { name: 'sha1', type: 'BYTE', selector: 'TPM_ALG_SHA1', length: 'SHA1_DIGEST_SIZE' },
      { name: 'sha256', type: 'BYTE', selector: 'TPM_ALG_SHA256', length: 'SHA256_DIGEST_SIZE' },
      { name: 'sha384', type: 'BYTE', selector: 'TPM_ALG_SHA384', length: 'SHA384_DIGEST_SIZE' },
      { name: 'sha512', type: 'BYTE', selector: 'TPM_ALG_SHA512', length: 'SHA512_DIGEST_SIZE' },
      { name: 'sm3_256', type: 'BYTE', selector: 'TPM_ALG_SM3_256', length: 'SM3_256_DIGEST_SIZE' },
      { name: 'sha3_256', type: 'BYTE', selector: 'TPM_ALG_SHA3_256', length: 'SHA3_256_DIGEST_SIZE' },
      { name: 'sha3_384', type: 'BYTE', selector: 'TPM_ALG_SHA3_384', length: 'SHA3_384_DIGEST_SIZE' },
      { name: 'sha3_512', type: 'BYTE', selector: 'TPM_ALG_SHA3_512', length: 'SHA3_512_DIGEST_SIZE' },
      { name: 'null', selector: 'TPM_ALG_NULL' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMT_HA',
    source: { part: 2, title: 'Definition of TPMT_HA Structure' },
    fields: [
      { name: 'hashAlg', type: 'TPMI_ALG_HASH', allowNull: 'inherit', description: 'selector of the hash contained in the digest that implies the size of the digest' },
      { name: 'digest', type: 'TPMU_HA', selector: 'hashAlg', description: 'the digest data' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_DIGEST',
    source: { part: 2, title: 'Definition of TPM2B_DIGEST Structure' },
    fields: [
      { name: 'size', type: 'UINT16', description: 'size in octets of the buffer field; may be 0' },
      { name: 'buffer', type: 'BYTE', count: 'size', max: 'sizeof(TPMU_HA)', description: 'the buffer area that can be no larger than a digest' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_DATA',
    source: { part: 2, title: 'Definition of TPM2B_DATA Structure' },
    fields: [
      { name: 'size', type: 'UINT16', description: 'size in octets of the buffer field; may be 0' },
      { name: 'buffer', type: 'BYTE', count: 'size', max: 'sizeof(TPMT_HA)' },
    ],
  },
  { kind: 'alias', name: 'TPM2B_NONCE', type: 'TPM2B_DIGEST', source: { part: 2, title: 'Definition of Types for TPM2B_NONCE' } },
  { kind: 'alias', name: 'TPM2B_AUTH', type: 'TPM2B_DIGEST', source: { part: 2, title: 'Definition of Types for TPM2B_AUTH' } },
  { kind: 'alias', name: 'TPM2B_OPERAND', type: 'TPM2B_DIGEST', source: { part: 2, title: 'Definition of Types for TPM2B_OPERAND' } },
  {
    kind: 'struct',
    name: 'TPM2B_EVENT',
    source: { part: 2, title: 'Definition of TPM2B_EVENT Structure' },
    fields: [
      { name: 'size', type: 'UINT16', description: 'size of the operand buffer' },
      { name: 'buffer', type: 'BYTE', count: 'size', max: 1024, description: 'the operand' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_MAX_BUFFER',
    source: { part: 2, title: 'Definition of TPM2B_MAX_BUFFER Structure' },
    fields: [
      { name: 'size', type: 'UINT16', description: 'size of the buffer' },
      { name: 'buffer', type: 'BYTE', count: 'size', max: 'MAX_DIGEST_BUFFER', description: 'the operand' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_MAX_NV_BUFFER',
    source: { part: 2, title: 'Definition of TPM2B_MAX_NV_BUFFER Structure' },
    fields: [
      { name: 'size', type: 'UINT16', description: 'size of the buffer' },
      { name: 'buffer', type: 'BYTE', count: 'size', max: 'MAX_NV_BUFFER_SIZE', description: 'the operand' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_TIMEOUT',
    source: { part: 2, title: 'Definition of TPM2B_TIMEOUT Structure' },
    fields: [
      { name: 'size', type: 'UINT16', description: 'size of the timeout value' },
      { name: 'buffer', type: 'BYTE', count: 'size', max: 'sizeof(UINT64)', description: 'the timeout value' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_IV',
    source: { part: 2, title: 'Definition of TPM2B_IV Structure' },
    fields: [
      { name: 'size', type: 'UINT16', description: 'size of the IV value' },
      { name: 'buffer', type: 'BYTE', count: 'size', max: 'MAX_SYM_BLOCK_SIZE', description: 'the IV value' },
    ],
  },
  {
    kind: 'union',
    name: 'TPMU_NAME',
    source: { part: 2, title: 'Definition of TPMU_NAME Union' },
    members: [
      { name: 'digest', type: 'TPMT_HA', description: 'when the Name is a digest' },
      { name: 'handle', type: 'TPM_HANDLE', description: 'when the Name is a handle' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_NAME',
    source: { part: 2, title: 'Definition of TPM2B_NAME Structure' },
    fields: [
      { name: 'size', type: 'UINT16', description: 'size of the Name structure' },
      { name: 'name', type: 'BYTE', count: 'size', max: 'sizeof(TPMU_NAME)', description: 'the Name structure' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_PCR_SELECT',
    rc: 'TPM_RC_VALUE',
    source: { part: 2, title: 'Definition of TPMS_PCR_SELECT Structure' },
    fields: [
      { name: 'sizeofSelect', type: 'UINT8', min: 'PCR_SELECT_MIN', description: 'the size in octets of the pcrSelect array' },
      { name: 'pcrSelect', type: 'BYTE', count: 'sizeofSelect', max: 'PCR_SELECT_MAX', description: 'the bit map of selected PCR' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_PCR_SELECTION',
    rc: 'TPM_RC_VALUE',
    source: { part: 2, title: 'Definition of TPMS_PCR_SELECTION Structure' },
    fields: [
      { name: 'hash', type: 'TPMI_ALG_HASH', description: 'the hash algorithm associated with the selection' },
      { name: 'sizeofSelect', type: 'UINT8', min: 'PCR_SELECT_MIN', description: 'the size in octets of the pcrSelect array' },
      { name: 'pcrSelect', type: 'BYTE', count: 'sizeofSelect', max: 'PCR_SELECT_MAX', description: 'the bit map of selected PCR' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMT_TK_CREATION',
    source: { part: 2, title: 'Definition of TPMT_TK_CREATION Structure' },
    fields: [
      { name: 'tag', type: 'TPM_ST', values: ['TPM_ST_CREATION'], rc: 'TPM_RC_TAG', description: 'ticket structure tag' },
      { name: 'hierarchy', type: 'TPMI_RH_HIERARCHY', allowNull: true, description: 'the hierarchy containing name' },
      { name: 'digest', type: 'TPM2B_DIGEST', description: 'This shall be the HMAC produced using a proof value of hierarchy' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMT_TK_VERIFIED',
    source: { part: 2, title: 'Definition of TPMT_TK_VERIFIED Structure' },
    fields: [
      { name: 'tag', type: 'TPM_ST', values: ['TPM_ST_VERIFIED'], rc: 'TPM_RC_TAG', description: 'ticket structure tag' },
      { name: 'hierarchy', type: 'TPMI_RH_HIERARCHY', allowNull: true, description: 'the hierarchy containing keyName' },
      { name: 'digest', type: 'TPM2B_DIGEST', description: 'This shall be the HMAC produced using a proof value of hierarchy' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMT_TK_AUTH',
    source: { part: 2, title: 'Definition of TPMT_TK_AUTH Structure' },
    fields: [
      { name: 'tag', type: 'TPM_ST', values: ['TPM_ST_AUTH_SIGNED', 'TPM_ST_AUTH_SECRET'], rc: 'TPM_RC_TAG', description: 'ticket structure tag' },
      { name: 'hierarchy', type: 'TPMI_RH_HIERARCHY', allowNull: true, description: 'the hierarchy of the object used to produce the ticket' },
      { name: 'digest', type: 'TPM2B_DIGEST', description: 'This shall be the HMAC produced using a proof value of hierarchy' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMT_TK_HASHCHECK',
    source: { part: 2, title: 'Definition of TPMT_TK_HASHCHECK Structure' },
    fields: [
      { name: 'tag', type: 'TPM_ST', values: ['TPM_ST_HASHCHECK'], rc: 'TPM_RC_TAG', description: 'ticket structure tag' },
      { name: 'hierarchy', type: 'TPMI_RH_HIERARCHY', allowNull: true, description: 'the hierarchy' },
      { name: 'digest', type: 'TPM2B_DIGEST', description: 'This shall be the HMAC produced using a proof value of hierarchy' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_ALG_PROPERTY',
    source: { part: 2, title: 'Definition of TPMS_ALG_PROPERTY Structure' },
    fields: [
      { name: 'alg', type: 'TPM_ALG_ID', description: 'an algorithm identifier' },
      { name: 'algProperties', type: 'TPMA_ALGORITHM', description: 'the attributes of the algorithm' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_TAGGED_PROPERTY',
    source: { part: 2, title: 'Definition of TPMS_TAGGED_PROPERTY Structure' },
    fields: [
      { name: 'property', type: 'TPM_PT', description: 'a property identifier' },
      { name: 'value', type: 'UINT32', description: 'the value of the property' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_TAGGED_PCR_SELECT',
    source: { part: 2, title: 'Definition of TPMS_TAGGED_PCR_SELECT Structure' },
    fields: [
      { name: 'tag', type: 'TPM_PT_PCR', description: 'the property identifier' },
      { name: 'sizeofSelect', type: 'UINT8', min: 'PCR_SELECT_MIN', description: 'the size in octets of the pcrSelect array' },
      { name: 'pcrSelect', type: 'BYTE', count: 'sizeofSelect', max: 'PCR_SELECT_MAX', description: 'the bit map of PCR with the identified property' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_TAGGED_POLICY',
    source: { part: 2, title: 'Definition of TPMS_TAGGED_POLICY Structure' },
    fields: [
      { name: 'handle', type: 'TPM_HANDLE', description: 'a permanent handle' },
      { name: 'policyHash', type: 'TPMT_HA', description: 'the policy algorithm and hash' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_ACT_DATA',
    source: { part: 2, title: 'Definition of TPMS_ACT_DATA Structure' },
    fields: [
      { name: 'handle', type: 'TPM_HANDLE', description: 'a permanent handle' },
      { name: 'timeout', type: 'UINT32', description: 'the current timeout of the ACT' },
      { name: 'attributes', type: 'TPMA_ACT', description: 'the state of the ACT' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPML_CC',
    rc: 'TPM_RC_SIZE',
    source: { part: 2, title: 'Definition of TPML_CC Structure' },
    fields: [
      { name: 'count', type: 'UINT32', description: 'number of commands in the commandCode list; may be 0' },
      { name: 'commandCodes', type: 'TPM_CC', count: 'count', max: 'MAX_CAP_CC', description: 'a list of command codes' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPML_CCA',
    source: { part: 2, title: 'Definition of TPML_CCA Structure' },
    fields: [
      { name: 'count', type: 'UINT32', description: 'number of values in the commandAttributes list; may be 0' },
      { name: 'commandAttributes', type: 'TPMA_CC', count: 'count', max: 'MAX_CAP_CC', description: 'a list of command codes attributes' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPML_ALG',
    rc: 'TPM_RC_SIZE',
    source: { part: 2, title: 'Definition of TPML_ALG Structure' },
    fields: [
      { name: 'count', type: 'UINT32', description: 'number of algorithms in the algorithms list; may be 0' },
      { name: 'algorithms', type: 'TPM_ALG_ID', count: 'count', max: 'MAX_ALG_LIST_SIZE', description: 'a list of algorithm IDs' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPML_HANDLE',
    rc: 'TPM_RC_SIZE',
    source: { part: 2, title: 'Definition of TPML_HANDLE Structure' },
    fields: [
      { name: 'count', type: 'UINT32', description: 'the number of handles in the list' },
      { name: 'handle', type: 'TPM_HANDLE', count: 'count', max: 'MAX_CAP_HANDLES', description: 'an array of handles' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPML_DIGEST',
    rc: 'TPM_RC_SIZE',
    source: { part: 2, title: 'Definition of TPML_DIGEST Structure' },
    fields: [
      { name: 'count', type: 'UINT32', min: 2, description: 'number of digests in the list, minimum is two for TPM2_PolicyOR()' },
      { name: 'digests', type: 'TPM2B_DIGEST', count: 'count', max: 8, description: 'a list of digests' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPML_DIGEST_VALUES',
    rc: 'TPM_RC_SIZE',
    source: { part: 2, title: 'Definition of TPML_DIGEST_VALUES Structure' },
    fields: [
      { name: 'count', type: 'UINT32', description: 'number of digests in the list' },
      { name: 'digests', type: 'TPMT_HA', count: 'count', max: 'HASH_COUNT', description: 'a list of tagged digests' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPML_PCR_SELECTION',
    rc: 'TPM_RC_SIZE',
    source: { part: 2, title: 'Definition of TPML_PCR_SELECTION Structure' },
    fields: [
      { name: 'count', type: 'UINT32', description: 'number of selection structures' },
      { name: 'pcrSelections', type: 'TPMS_PCR_SELECTION', count: 'count', max: 'HASH_COUNT', description: 'list of selections' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPML_ALG_PROPERTY',
    source: { part: 2, title: 'Definition of TPML_ALG_PROPERTY Structure' },
    fields: [
      { name: 'count', type: 'UINT32', description: 'number of algorithm properties structures' },
      { name: 'algProperties', type: 'TPMS_ALG_PROPERTY', count: 'count', max: 'MAX_CAP_ALGS', description: 'list of properties' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPML_TAGGED_TPM_PROPERTY',
    source: { part: 2, title: 'Definition of TPML_TAGGED_TPM_PROPERTY Structure' },
    fields: [
      { name: 'count', type: 'UINT32', description: 'number of properties' },
      { name: 'tpmProperty', type: 'TPMS_TAGGED_PROPERTY', count: 'count', max: 'MAX_TPM_PROPERTIES', description: 'an array of tagged properties' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPML_TAGGED_PCR_PROPERTY',
    source: { part: 2, title: 'Definition of TPML_TAGGED_PCR_PROPERTY Structure' },
    fields: [
      { name: 'count', type: 'UINT32', description: 'number of properties' },
      { name: 'pcrProperty', type: 'TPMS_TAGGED_PCR_SELECT', count: 'count', max: 'MAX_PCR_PROPERTIES', description: 'a tagged PCR selection' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPML_ECC_CURVE',
    dependsOn: 'ECC',
    source: { part: 2, title: 'Definition of {ECC} TPML_ECC_CURVE Structure' },
    fields: [
      { name: 'count', type: 'UINT32', description: 'number of curves' },
      { name: 'eccCurves', type: 'TPM_ECC_CURVE', count: 'count', max: 'MAX_ECC_CURVES', description: 'array of ECC curve identifiers' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPML_TAGGED_POLICY',
    source: { part: 2, title: 'Definition of TPML_TAGGED_POLICY Structure' },
    fields: [
      { name: 'count', type: 'UINT32', description: 'number of tagged policies' },
      { name: 'policies', type: 'TPMS_TAGGED_POLICY', count: 'count', max: 'MAX_TAGGED_POLICIES', description: 'array of tagged policies' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPML_ACT_DATA',
    source: { part: 2, title: 'Definition of TPML_ACT_DATA Structure' },
    fields: [
      { name: 'count', type: 'UINT32', description: 'number of ACT instances' },
      { name: 'actData', type: 'TPMS_ACT_DATA', count: 'count', max: 'MAX_ACT_DATA', description: 'array of ACT data' },
    ],
  },
  {
    kind: 'union',
    name: 'TPMU_CAPABILITIES',
    source: { part: 2, title: 'Definition of TPMU_CAPABILITIES Union' },
    members: [
      { name: 'algorithms', type: 'TPML_ALG_PROPERTY', selector: 'TPM_CAP_ALGS' },
      { name: 'handles', type: 'TPML_HANDLE', selector: 'TPM_CAP_HANDLES' },
      { name: 'command', type: 'TPML_CCA', selector: 'TPM_CAP_COMMANDS' },
      { name: 'ppCommands', type: 'TPML_CC', selector: 'TPM_CAP_PP_COMMANDS' },
      { name: 'auditCommands', type: 'TPML_CC', selector: 'TPM_CAP_AUDIT_COMMANDS' },
      { name: 'assignedPCR', type: 'TPML_PCR_SELECTION', selector: 'TPM_CAP_PCRS' },
      { name: 'tpmProperties', type: 'TPML_TAGGED_TPM_PROPERTY', selector: 'TPM_CAP_TPM_PROPERTIES' },
      { name: 'pcrProperties', type: 'TPML_TAGGED_PCR_PROPERTY', selector: 'TPM_CAP_PCR_PROPERTIES' },
      { name: 'eccCurves', type: 'TPML_ECC_CURVE', selector: 'TPM_CAP_ECC_CURVES', description: 'present only when TPM_ALG_ECC is implemented' },
      { name: 'authPolicies', type: 'TPML_TAGGED_POLICY', selector: 'TPM_CAP_AUTH_POLICIES' },
      { name: 'actData', type: 'TPML_ACT_DATA', selector: 'TPM_CAP_ACT' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_CAPABILITY_DATA',
    source: { part: 2, title: 'Definition of TPMS_CAPABILITY_DATA Structure' },
    fields: [
      { name: 'capability', type: 'TPM_CAP', description: 'the capability' },
      { name: 'data', type: 'TPMU_CAPABILITIES', selector: 'capability', description: 'the capability data' },
    ],
  },
  {
    kind: 'union',
    name: 'TPMU_SET_CAPABILITIES',
    description: 'added after 1.59 (TPM 2.0 Library 1.83); no settable capability is defined (members come from a separate Capabilities registry; the reference unmarshaler returns TPM_RC_SELECTOR)',
    source: { part: 2, title: 'Definition of TPMU_SET_CAPABILITIES Union' },
    members: [],
  },
  {
    kind: 'struct',
    name: 'TPMS_SET_CAPABILITY_DATA',
    description: 'added after 1.59 (TPM 2.0 Library 1.83); layout from the TCG reference TpmTypes.h / Marshal.c',
    source: { part: 2, title: 'Definition of TPMS_SET_CAPABILITY_DATA Structure' },
    fields: [
      { name: 'setCapability', type: 'TPM_CAP', description: 'the capability to set' },
      { name: 'data', type: 'TPMU_SET_CAPABILITIES', selector: 'setCapability', description: 'the capability data' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_SET_CAPABILITY_DATA',
    description: 'added after 1.59 (TPM 2.0 Library 1.83); layout from the TCG reference TpmTypes.h / Marshal.c',
    source: { part: 2, title: 'Definition of TPM2B_SET_CAPABILITY_DATA Structure' },
    fields: [
      { name: 'size', type: 'UINT16', sizeOf: 'setCapabilityData', sizeMustMatch: true, description: 'size of setCapabilityData' },
      { name: 'setCapabilityData', type: 'TPMS_SET_CAPABILITY_DATA', description: 'the capability data' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_CLOCK_INFO',
    source: { part: 2, title: 'Definition of TPMS_CLOCK_INFO Structure' },
    fields: [
      { name: 'clock', type: 'UINT64', description: 'time value in milliseconds that advances while the TPM is powered' },
      { name: 'resetCount', type: 'UINT32', description: 'number of occurrences of TPM Reset since the last TPM2_Clear()' },
      { name: 'restartCount', type: 'UINT32', description: 'number of times that TPM2_Shutdown() or _TPM_Hash_Start have occurred since the last TPM Reset or TPM2_Clear()' },
      { name: 'safe', type: 'TPMI_YES_NO', description: 'no value of Clock greater than the current value of Clock has been previously reported by the TPM' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_TIME_INFO',
    source: { part: 2, title: 'Definition of TPMS_TIME_INFO Structure' },
    fields: [
      { name: 'time', type: 'UINT64', description: 'time in milliseconds since the TIme circuit was last reset' },
      { name: 'clockInfo', type: 'TPMS_CLOCK_INFO', description: 'a structure containing the clock information' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_TIME_ATTEST_INFO',
    source: { part: 2, title: 'Definition of TPMS_TIME_ATTEST_INFO Structure' },
    fields: [
      { name: 'time', type: 'TPMS_TIME_INFO', description: 'the Time, Clock, resetCount, restartCount, and Safe indicator' },
      { name: 'firmwareVersion', type: 'UINT64', description: 'a TPM vendor-specific value indicating the version number of the firmware' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_CERTIFY_INFO',
    source: { part: 2, title: 'Definition of TPMS_CERTIFY_INFO Structure' },
    fields: [
      { name: 'name', type: 'TPM2B_NAME', description: 'Name of the certified object' },
      { name: 'qualifiedName', type: 'TPM2B_NAME', description: 'Qualified Name of the certified object' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_QUOTE_INFO',
    source: { part: 2, title: 'Definition of TPMS_QUOTE_INFO Structure' },
    fields: [
      { name: 'pcrSelect', type: 'TPML_PCR_SELECTION', description: 'information on algID, PCR selected and digest' },
      { name: 'pcrDigest', type: 'TPM2B_DIGEST', description: 'digest of the selected PCR using the hash of the signing key' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_COMMAND_AUDIT_INFO',
    source: { part: 2, title: 'Definition of TPMS_COMMAND_AUDIT_INFO Structure' },
    fields: [
      { name: 'auditCounter', type: 'UINT64', description: 'the monotonic audit counter' },
      { name: 'digestAlg', type: 'TPM_ALG_ID', description: 'hash algorithm used for the command audit' },
      { name: 'auditDigest', type: 'TPM2B_DIGEST', description: 'the current value of the audit digest' },
      { name: 'commandDigest', type: 'TPM2B_DIGEST', description: 'digest of the command codes being audited using digestAlg' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_SESSION_AUDIT_INFO',
    source: { part: 2, title: 'Definition of TPMS_SESSION_AUDIT_INFO Structure' },
    fields: [
      { name: 'exclusiveSession', type: 'TPMI_YES_NO', description: 'current exclusive status of the session' },
      { name: 'sessionDigest', type: 'TPM2B_DIGEST', description: 'the current value of the session audit digest' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_CREATION_INFO',
    source: { part: 2, title: 'Definition of TPMS_CREATION_INFO Structure' },
    fields: [
      { name: 'objectName', type: 'TPM2B_NAME', description: 'Name of the object' },
      { name: 'creationHash', type: 'TPM2B_DIGEST', description: 'creationHash' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_NV_CERTIFY_INFO',
    source: { part: 2, title: 'Definition of TPMS_NV_CERTIFY_INFO Structure' },
    fields: [
      { name: 'indexName', type: 'TPM2B_NAME', description: 'Name of the NV Index' },
      { name: 'offset', type: 'UINT16', description: 'the offset parameter of TPM2_NV_Certify()' },
      { name: 'nvContents', type: 'TPM2B_MAX_NV_BUFFER', description: 'contents of the NV Index' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_NV_DIGEST_CERTIFY_INFO',
    source: { part: 2, title: 'Definition of TPMS_NV_DIGEST_CERTIFY_INFO Structure' },
    fields: [
      { name: 'indexName', type: 'TPM2B_NAME', description: 'Name of the NV Index' },
      { name: 'nvDigest', type: 'TPM2B_DIGEST', description: 'hash of the contents of the index' },
    ],
  },
  {
    kind: 'union',
    name: 'TPMU_ATTEST',
    source: { part: 2, title: 'Definition of TPMU_ATTEST Union' },
    members: [
      { name: 'certify', type: 'TPMS_CERTIFY_INFO', selector: 'TPM_ST_ATTEST_CERTIFY' },
      { name: 'creation', type: 'TPMS_CREATION_INFO', selector: 'TPM_ST_ATTEST_CREATION' },
      { name: 'quote', type: 'TPMS_QUOTE_INFO', selector: 'TPM_ST_ATTEST_QUOTE' },
      { name: 'commandAudit', type: 'TPMS_COMMAND_AUDIT_INFO', selector: 'TPM_ST_ATTEST_COMMAND_AUDIT' },
      { name: 'sessionAudit', type: 'TPMS_SESSION_AUDIT_INFO', selector: 'TPM_ST_ATTEST_SESSION_AUDIT' },
      { name: 'time', type: 'TPMS_TIME_ATTEST_INFO', selector: 'TPM_ST_ATTEST_TIME' },
      { name: 'nv', type: 'TPMS_NV_CERTIFY_INFO', selector: 'TPM_ST_ATTEST_NV' },
      { name: 'nvDigest', type: 'TPMS_NV_DIGEST_CERTIFY_INFO', selector: 'TPM_ST_ATTEST_NV_DIGEST' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_ATTEST',
    source: { part: 2, title: 'Definition of TPMS_ATTEST Structure' },
    fields: [
      { name: 'magic', type: 'TPM_GENERATED', description: 'the indication that this structure was created by a TPM (always TPM_GENERATED_VALUE)' },
      { name: 'type', type: 'TPMI_ST_ATTEST', description: 'type of the attestation structure' },
      { name: 'qualifiedSigner', type: 'TPM2B_NAME', description: 'Qualified Name of the signing key' },
      { name: 'extraData', type: 'TPM2B_DATA', description: 'external information supplied by caller' },
      { name: 'clockInfo', type: 'TPMS_CLOCK_INFO', description: 'Clock, resetCount, restartCount, and Safe' },
      { name: 'firmwareVersion', type: 'UINT64', description: 'TPM-vendor-specific value identifying the version number of the firmware' },
      { name: 'attested', type: 'TPMU_ATTEST', selector: 'type', description: 'the type-specific attestation information' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPM2B_ATTEST',
    source: { part: 2, title: 'Definition of TPM2B_ATTEST Structure' },
    fields: [
      { name: 'size', type: 'UINT16', description: 'size of the attestationData structure' },
      { name: 'attestationData', type: 'BYTE', count: 'size', max: 'sizeof(TPMS_ATTEST)', description: 'the signed structure' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_AUTH_COMMAND',
    source: { part: 2, title: 'Definition of TPMS_AUTH_COMMAND Structure' },
    fields: [
      { name: 'sessionHandle', type: 'TPMI_SH_AUTH_SESSION', allowNull: true, description: 'the session handle' },
      { name: 'nonce', type: 'TPM2B_NONCE', description: 'the session nonce, may be the Empty Buffer' },
      { name: 'sessionAttributes', type: 'TPMA_SESSION', description: 'the session attributes' },
      { name: 'hmac', type: 'TPM2B_AUTH', description: 'either an HMAC, a password, or an EmptyAuth' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPMS_AUTH_RESPONSE',
    source: { part: 2, title: 'Definition of TPMS_AUTH_RESPONSE Structure' },
    fields: [
      { name: 'nonce', type: 'TPM2B_NONCE', description: 'the session nonce, may be the Empty Buffer' },
      { name: 'sessionAttributes', type: 'TPMA_SESSION', description: 'the session attributes' },
      { name: 'hmac', type: 'TPM2B_AUTH', description: 'either an HMAC or an EmptyAuth' },
    ],
  },
]);
