/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 18: Attestation Commands.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const attestationCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_Certify',
    cc: 'TPM_CC_Certify',
    tag: 'sessions',
    attrs: {},
    description: 'The purpose of this command is to prove that an object with a specific Name is loaded in the TPM',
    source: { part: 3, title: 'TPM2_Certify Command' },
    handles: [
      { name: 'objectHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'ADMIN' }, description: 'handle of the object to be certified' },
      { name: 'signHandle', type: 'TPMI_DH_OBJECT', allowNull: true, auth: { index: 2, role: 'USER' }, description: 'handle of the key used to sign the attestation structure' },
    ],
    params: [
      { name: 'qualifyingData', type: 'TPM2B_DATA', description: 'user provided qualifying data' },
      { name: 'inScheme', type: 'TPMT_SIG_SCHEME', allowNull: true, description: 'signing scheme to use if the scheme for signHandle is TPM_ALG_NULL' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'certifyInfo', type: 'TPM2B_ATTEST', description: 'the structure that was signed' },
        { name: 'signature', type: 'TPMT_SIGNATURE', description: 'the asymmetric signature over certifyInfo using the key referenced by signHandle' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_CertifyCreation',
    cc: 'TPM_CC_CertifyCreation',
    tag: 'sessions',
    attrs: {},
    description: 'This command is used to prove the association between an object and its creation data',
    source: { part: 3, title: 'TPM2_CertifyCreation Command' },
    handles: [
      { name: 'signHandle', type: 'TPMI_DH_OBJECT', allowNull: true, auth: { index: 1, role: 'USER' }, description: 'handle of the key that will sign the attestation block' },
      { name: 'objectHandle', type: 'TPMI_DH_OBJECT', description: 'the object associated with the creation data' },
    ],
    params: [
      { name: 'qualifyingData', type: 'TPM2B_DATA', description: 'user-provided qualifying data' },
      { name: 'creationHash', type: 'TPM2B_DIGEST', description: 'hash of the creation data produced by TPM2_Create() or TPM2_CreatePrimary()' },
      { name: 'inScheme', type: 'TPMT_SIG_SCHEME', allowNull: true, description: 'signing scheme to use if the scheme for signHandle is TPM_ALG_NULL' },
      { name: 'creationTicket', type: 'TPMT_TK_CREATION', description: 'ticket produced by TPM2_Create() or TPM2_CreatePrimary()' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'certifyInfo', type: 'TPM2B_ATTEST', description: 'the structure that was signed' },
        { name: 'signature', type: 'TPMT_SIGNATURE', description: 'the signature over certifyInfo' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_Quote',
    cc: 'TPM_CC_Quote',
    tag: 'sessions',
    attrs: {},
    description: 'This command is used to quote PCR values',
    source: { part: 3, title: 'TPM2_Quote Command' },
    handles: [
      { name: 'signHandle', type: 'TPMI_DH_OBJECT', allowNull: true, auth: { index: 1, role: 'USER' }, description: 'handle of key that will perform signature' },
    ],
    params: [
      { name: 'qualifyingData', type: 'TPM2B_DATA', description: 'data supplied by the caller' },
      { name: 'inScheme', type: 'TPMT_SIG_SCHEME', allowNull: true, description: 'signing scheme to use if the scheme for signHandle is TPM_ALG_NULL' },
      { name: 'PCRselect', type: 'TPML_PCR_SELECTION', description: 'PCR set to quote' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'quoted', type: 'TPM2B_ATTEST', description: 'the quoted information' },
        { name: 'signature', type: 'TPMT_SIGNATURE', description: 'the signature over quoted' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_GetSessionAuditDigest',
    cc: 'TPM_CC_GetSessionAuditDigest',
    tag: 'sessions',
    attrs: {},
    description: 'This command returns a digital signature of the audit session digest',
    source: { part: 3, title: 'TPM2_GetSessionAuditDigest Command' },
    handles: [
      { name: 'privacyAdminHandle', type: 'TPMI_RH_ENDORSEMENT', auth: { index: 1, role: 'USER' }, description: 'handle of the privacy administrator (TPM_RH_ENDORSEMENT)' },
      { name: 'signHandle', type: 'TPMI_DH_OBJECT', allowNull: true, auth: { index: 2, role: 'USER' }, description: 'handle of the signing key' },
      { name: 'sessionHandle', type: 'TPMI_SH_HMAC', description: 'handle of the audit session' },
    ],
    params: [
      { name: 'qualifyingData', type: 'TPM2B_DATA', description: 'user-provided qualifying data - may be zero-length' },
      { name: 'inScheme', type: 'TPMT_SIG_SCHEME', allowNull: true, description: 'signing scheme to use if the scheme for signHandle is TPM_ALG_NULL' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'auditInfo', type: 'TPM2B_ATTEST', description: 'the audit information that was signed' },
        { name: 'signature', type: 'TPMT_SIGNATURE', description: 'the signature over auditInfo' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_GetCommandAuditDigest',
    cc: 'TPM_CC_GetCommandAuditDigest',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'This command returns the current value of the command audit digest, a digest of the commands being audited, and the audit hash algorithm',
    source: { part: 3, title: 'TPM2_GetCommandAuditDigest Command' },
    handles: [
      { name: 'privacyHandle', type: 'TPMI_RH_ENDORSEMENT', auth: { index: 1, role: 'USER' }, description: 'handle of the privacy administrator (TPM_RH_ENDORSEMENT)' },
      { name: 'signHandle', type: 'TPMI_DH_OBJECT', allowNull: true, auth: { index: 2, role: 'USER' }, description: 'the handle of the signing key' },
    ],
    params: [
      { name: 'qualifyingData', type: 'TPM2B_DATA', description: 'other data to associate with this audit digest' },
      { name: 'inScheme', type: 'TPMT_SIG_SCHEME', allowNull: true, description: 'signing scheme to use if the scheme for signHandle is TPM_ALG_NULL' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'auditInfo', type: 'TPM2B_ATTEST', description: 'the auditInfo that was signed' },
        { name: 'signature', type: 'TPMT_SIGNATURE', description: 'the signature over auditInfo' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_GetTime',
    cc: 'TPM_CC_GetTime',
    tag: 'sessions',
    attrs: {},
    description: 'This command returns the current values of Time and Clock',
    source: { part: 3, title: 'TPM2_GetTime Command' },
    handles: [
      { name: 'privacyAdminHandle', type: 'TPMI_RH_ENDORSEMENT', auth: { index: 1, role: 'USER' }, description: 'handle of the privacy administrator (TPM_RH_ENDORSEMENT)' },
      { name: 'signHandle', type: 'TPMI_DH_OBJECT', allowNull: true, auth: { index: 2, role: 'USER' }, description: 'the keyHandle identifier of a loaded key that can perform digital signatures' },
    ],
    params: [
      { name: 'qualifyingData', type: 'TPM2B_DATA', description: 'data to tick stamp' },
      { name: 'inScheme', type: 'TPMT_SIG_SCHEME', allowNull: true, description: 'signing scheme to use if the scheme for signHandle is TPM_ALG_NULL' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'timeInfo', type: 'TPM2B_ATTEST', description: 'standard TPM-generated attestation block' },
        { name: 'signature', type: 'TPMT_SIGNATURE', description: 'the signature over timeInfo' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_CertifyX509',
    cc: 'TPM_CC_CertifyX509',
    tag: 'sessions',
    attrs: {},
    description: 'Generates an X.509 certificate that proves an object with a specific public key and attributes is loaded in the TPM',
    source: { part: 3, title: 'TPM2_CertifyX509 Command' },
    handles: [
      { name: 'objectHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'ADMIN' }, description: 'handle of the object to be certified' },
      { name: 'signHandle', type: 'TPMI_DH_OBJECT', allowNull: true, auth: { index: 2, role: 'USER' }, description: 'handle of the key used to sign the attestation structure' },
    ],
    params: [
      { name: 'reserved', type: 'TPM2B_DATA', description: 'shall be an Empty Buffer' },
      { name: 'inScheme', type: 'TPMT_SIG_SCHEME', allowNull: true, description: 'signing scheme to use if the scheme for signHandle is TPM_ALG_NULL' },
      { name: 'partialCertificate', type: 'TPM2B_MAX_BUFFER', description: 'a DER encoded partial certificate' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'addedToCertificate', type: 'TPM2B_MAX_BUFFER', description: 'a DER encoded SEQUENCE containing the DER encoded fields added to partialCertificate to make it a complete RFC5280 TBSCertificate' },
        { name: 'tbsDigest', type: 'TPM2B_DIGEST', description: 'the digest that was signed' },
        { name: 'signature', type: 'TPMT_SIGNATURE', description: 'The signature over tbsDigest' },
      ],
    },
  },
]);
