/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 12: Object Commands.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const objectCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_Create',
    cc: 'TPM_CC_Create',
    tag: 'sessions',
    attrs: {},
    description: 'This command is used to create an object that can be loaded into a TPM using TPM2_Load()',
    source: { part: 3, title: 'TPM2_Create Command' },
    handles: [
      { name: 'parentHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'handle of parent for new object' },
    ],
    params: [
      { name: 'inSensitive', type: 'TPM2B_SENSITIVE_CREATE', description: 'the sensitive data' },
      { name: 'inPublic', type: 'TPM2B_PUBLIC', description: 'the public template' },
      { name: 'outsideInfo', type: 'TPM2B_DATA', description: 'data that will be included in the creation data for this object to provide permanent, verifiable linkage between this object and some object owner data' },
      { name: 'creationPCR', type: 'TPML_PCR_SELECTION', description: 'PCR that will be used in creation data' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'outPrivate', type: 'TPM2B_PRIVATE', description: 'the private portion of the object' },
        { name: 'outPublic', type: 'TPM2B_PUBLIC', description: 'the public portion of the created object' },
        { name: 'creationData', type: 'TPM2B_CREATION_DATA', description: 'contains a TPMS_CREATION_DATA' },
        { name: 'creationHash', type: 'TPM2B_DIGEST', description: 'digest of creationData using nameAlg of outPublic' },
        { name: 'creationTicket', type: 'TPMT_TK_CREATION', description: 'ticket used by TPM2_CertifyCreation() to validate that the creation data was produced by the TPM' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_Load',
    cc: 'TPM_CC_Load',
    tag: 'sessions',
    attrs: {},
    description: 'This command is used to load objects into the TPM',
    source: { part: 3, title: 'TPM2_Load Command' },
    handles: [
      { name: 'parentHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'TPM handle of parent key; shall not be a reserved handle' },
    ],
    params: [
      { name: 'inPrivate', type: 'TPM2B_PRIVATE', description: 'the private portion of the object' },
      { name: 'inPublic', type: 'TPM2B_PUBLIC', description: 'the public portion of the object' },
    ],
    response: {
      handles: [
        { name: 'objectHandle', type: 'TPM_HANDLE', description: 'handle of type TPM_HT_TRANSIENT for the loaded object' },
      ],
      params: [{ name: 'name', type: 'TPM2B_NAME', description: 'Name of the loaded object' }],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_LoadExternal',
    cc: 'TPM_CC_LoadExternal',
    tag: 'either',
    attrs: {},
    description: 'This command is used to load an object that is not a Protected Object into the TPM',
    source: { part: 3, title: 'TPM2_LoadExternal Command' },
    handles: [],
    params: [
      { name: 'inPrivate', type: 'TPM2B_SENSITIVE', description: 'the sensitive portion of the object (optional)' },
      { name: 'inPublic', type: 'TPM2B_PUBLIC', allowNull: true, description: 'the public portion of the object' },
      { name: 'hierarchy', type: 'TPMI_RH_HIERARCHY', allowNull: true, description: 'hierarchy with which the object area is associated' },
    ],
    response: {
      handles: [
        { name: 'objectHandle', type: 'TPM_HANDLE', description: 'handle of type TPM_HT_TRANSIENT for the loaded object' },
      ],
      params: [{ name: 'name', type: 'TPM2B_NAME', description: 'name of the loaded object' }],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_ReadPublic',
    cc: 'TPM_CC_ReadPublic',
    tag: 'either',
    attrs: {},
    description: 'This command allows access to the public area of a loaded object',
    source: { part: 3, title: 'TPM2_ReadPublic Command' },
    handles: [{ name: 'objectHandle', type: 'TPMI_DH_OBJECT', description: 'TPM handle of an object' }],
    params: [],
    response: {
      handles: [],
      params: [
        { name: 'outPublic', type: 'TPM2B_PUBLIC', description: 'structure containing the public area of an object' },
        { name: 'name', type: 'TPM2B_NAME', description: 'name of the object' },
        { name: 'qualifiedName', type: 'TPM2B_NAME', description: 'the Qualified Name of the object' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_ActivateCredential',
    cc: 'TPM_CC_ActivateCredential',
    tag: 'sessions',
    attrs: {},
    description: 'This command enables the association of a credential with an object once the TPM has validated the credentialed object',
    source: { part: 3, title: 'TPM2_ActivateCredential Command' },
    handles: [
      { name: 'activateHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'ADMIN' }, description: 'handle of the object associated with certificate in credentialBlob' },
      { name: 'keyHandle', type: 'TPMI_DH_OBJECT', auth: { index: 2, role: 'USER' }, description: 'loaded key used to decrypt the TPMS_SENSITIVE in credentialBlob' },
    ],
    params: [
      { name: 'credentialBlob', type: 'TPM2B_ID_OBJECT', description: 'the credential' },
      { name: 'secret', type: 'TPM2B_ENCRYPTED_SECRET', description: 'keyHandle algorithm-dependent encrypted seed that protects credentialBlob' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'certInfo', type: 'TPM2B_DIGEST', description: 'the decrypted certificate information' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_MakeCredential',
    cc: 'TPM_CC_MakeCredential',
    tag: 'either',
    attrs: {},
    description: 'Performs the Certificate Authority actions of creating a TPM2B_ID_OBJECT that contains an activation credential',
    source: { part: 3, title: 'TPM2_MakeCredential Command' },
    handles: [
      { name: 'handle', type: 'TPMI_DH_OBJECT', description: 'loaded public area, used to encrypt the sensitive area containing the credential key' },
    ],
    params: [
      { name: 'credential', type: 'TPM2B_DIGEST', description: 'the credential information' },
      { name: 'objectName', type: 'TPM2B_NAME', description: 'Name of the object to which the credential applies' },
    ],
    response: {
      handles: [],
      params: [
        { name: 'credentialBlob', type: 'TPM2B_ID_OBJECT', description: 'the credential' },
        { name: 'secret', type: 'TPM2B_ENCRYPTED_SECRET', description: 'handle algorithm-dependent data that wraps the key that encrypts credentialBlob' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_Unseal',
    cc: 'TPM_CC_Unseal',
    tag: 'sessions',
    attrs: {},
    description: 'This command returns the data in a loaded Sealed Data Object',
    source: { part: 3, title: 'TPM2_Unseal Command' },
    handles: [
      { name: 'itemHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'USER' }, description: 'handle of a loaded data object' },
    ],
    params: [],
    response: {
      handles: [],
      params: [{ name: 'outData', type: 'TPM2B_SENSITIVE_DATA', description: 'unsealed data' }],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_ObjectChangeAuth',
    cc: 'TPM_CC_ObjectChangeAuth',
    tag: 'sessions',
    attrs: {},
    description: 'This command is used to change the authorization secret for a TPM-resident object',
    source: { part: 3, title: 'TPM2_ObjectChangeAuth Command' },
    handles: [
      { name: 'objectHandle', type: 'TPMI_DH_OBJECT', auth: { index: 1, role: 'ADMIN' }, description: 'handle of the object' },
      { name: 'parentHandle', type: 'TPMI_DH_OBJECT', description: 'handle of the parent' },
    ],
    params: [{ name: 'newAuth', type: 'TPM2B_AUTH', description: 'new authorization value' }],
    response: {
      handles: [],
      params: [
        { name: 'outPrivate', type: 'TPM2B_PRIVATE', description: 'private area containing the new authorization value' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_CreateLoaded',
    cc: 'TPM_CC_CreateLoaded',
    tag: 'sessions',
    attrs: {},
    description: 'This command creates an object and loads it in the TPM',
    source: { part: 3, title: 'TPM2_CreateLoaded Command' },
    handles: [
      { name: 'parentHandle', type: 'TPMI_DH_PARENT', allowNull: true, auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'Handle of a transient storage key, a persistent storage key, TPM_RH_ENDORSEMENT, TPM_RH_OWNER, TPM_RH_PLATFORM+{PP}, or TPM_RH_NULL' },
    ],
    params: [
      { name: 'inSensitive', type: 'TPM2B_SENSITIVE_CREATE', description: 'the sensitive data, see TPM 2.0 Part 1 Sensitive Values' },
      { name: 'inPublic', type: 'TPM2B_TEMPLATE', description: 'the public template' },
    ],
    response: {
      handles: [
        { name: 'objectHandle', type: 'TPM_HANDLE', description: 'handle of type TPM_HT_TRANSIENT for created object' },
      ],
      params: [
        { name: 'outPrivate', type: 'TPM2B_PRIVATE', description: 'the sensitive area of the object (optional)' },
        { name: 'outPublic', type: 'TPM2B_PUBLIC', description: 'the public portion of the created object' },
        { name: 'name', type: 'TPM2B_NAME', description: 'the name of the created object' },
      ],
    },
  },
]);
