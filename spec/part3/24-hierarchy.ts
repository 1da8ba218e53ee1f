/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 24: Hierarchy Commands.
 * Also declares the commands of this clause added after 1.59 (TPM 2.0 Library 1.83), with layouts taken
 * from the TCG reference implementation.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const hierarchyCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_CreatePrimary',
    cc: 'TPM_CC_CreatePrimary',
    tag: 'sessions',
    attrs: {},
    description: 'This command is used to create a Primary Object under one of the Primary Seeds or a Temporary Object under TPM_RH_NULL',
    source: { part: 3, title: 'TPM2_CreatePrimary Command' },
    handles: [
      { name: 'primaryHandle', type: 'TPMI_RH_HIERARCHY', allowNull: true, auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_ENDORSEMENT, TPM_RH_OWNER, TPM_RH_PLATFORM+{PP}, or TPM_RH_NULL' },
    ],
    params: [
      { name: 'inSensitive', type: 'TPM2B_SENSITIVE_CREATE', description: 'the sensitive data, see TPM 2.0 Part 1 Sensitive Values' },
      { name: 'inPublic', type: 'TPM2B_PUBLIC', description: 'the public template' },
      { name: 'outsideInfo', type: 'TPM2B_DATA', description: 'data that will be included in the creation data for this object to provide permanent, verifiable linkage between this object and some object owner data' },
      { name: 'creationPCR', type: 'TPML_PCR_SELECTION', description: 'PCR that will be used in creation data' },
    ],
    response: {
      handles: [
        { name: 'objectHandle', type: 'TPM_HANDLE', description: 'handle of type TPM_HT_TRANSIENT for created Primary Object' },
      ],
      params: [
        { name: 'outPublic', type: 'TPM2B_PUBLIC', description: 'the public portion of the created object' },
        { name: 'creationData', type: 'TPM2B_CREATION_DATA', description: 'contains a TPMT_CREATION_DATA' },
        { name: 'creationHash', type: 'TPM2B_DIGEST', description: 'digest of creationData using nameAlg of outPublic' },
        { name: 'creationTicket', type: 'TPMT_TK_CREATION', description: 'ticket used by TPM2_CertifyCreation() to validate that the creation data was produced by the TPM' },
        { name: 'name', type: 'TPM2B_NAME', description: 'the name of the created object' },
      ],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_HierarchyControl',
    cc: 'TPM_CC_HierarchyControl',
    tag: 'sessions',
    attrs: { nv: true, extensive: true },
    description: 'This command enables and disables use of a hierarchy and its associated NV storage',
    source: { part: 3, title: 'TPM2_HierarchyControl Command' },
    handles: [
      { name: 'authHandle', type: 'TPMI_RH_HIERARCHY', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_ENDORSEMENT, TPM_RH_OWNER or TPM_RH_PLATFORM+{PP}' },
    ],
    params: [
      { name: 'enable', type: 'TPMI_RH_ENABLES', description: 'the enable being modified' },
      { name: 'state', type: 'TPMI_YES_NO', description: 'YES if the enable should be SET, NO if the enable should be CLEAR' },
    ],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_SetPrimaryPolicy',
    cc: 'TPM_CC_SetPrimaryPolicy',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'Sets the authorization policy for the lockout, the platform, storage or endorsement hierarchy, or an ACT',
    source: { part: 3, title: 'TPM2_SetPrimaryPolicy Command' },
    handles: [
      { name: 'authHandle', type: 'TPMI_RH_HIERARCHY_POLICY', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_LOCKOUT, TPM_RH_ENDORSEMENT, TPM_RH_OWNER, TPMI_RH_ACT or TPM_RH_PLATFORM+{PP}' },
    ],
    params: [
      { name: 'authPolicy', type: 'TPM2B_DIGEST', description: 'an authorization policy digest; may be the Empty Buffer' },
      { name: 'hashAlg', type: 'TPMI_ALG_HASH', allowNull: true, description: 'the hash algorithm to use for the policy' },
    ],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_ChangePPS',
    cc: 'TPM_CC_ChangePPS',
    tag: 'sessions',
    attrs: { nv: true, extensive: true },
    description: 'Replaces the platform primary seed (PPS) with a value from the RNG and resets platformPolicy',
    source: { part: 3, title: 'TPM2_ChangePPS Command' },
    handles: [
      { name: 'authHandle', type: 'TPMI_RH_PLATFORM', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_PLATFORM+{PP}' },
    ],
    params: [],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_ChangeEPS',
    cc: 'TPM_CC_ChangeEPS',
    tag: 'sessions',
    attrs: { nv: true, extensive: true },
    description: 'Replaces the endorsement primary seed (EPS) with a value from the RNG and resets the Endorsement hierarchy controls',
    source: { part: 3, title: 'TPM2_ChangeEPS Command' },
    handles: [
      { name: 'authHandle', type: 'TPMI_RH_PLATFORM', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_PLATFORM+{PP}' },
    ],
    params: [],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_Clear',
    cc: 'TPM_CC_Clear',
    tag: 'sessions',
    attrs: { nv: true, extensive: true },
    description: 'This command removes all TPM context associated with a specific Owner',
    source: { part: 3, title: 'TPM2_Clear Command' },
    handles: [
      { name: 'authHandle', type: 'TPMI_RH_CLEAR', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_LOCKOUT or TPM_RH_PLATFORM+{PP}' },
    ],
    params: [],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_ClearControl',
    cc: 'TPM_CC_ClearControl',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'TPM2_ClearControl() disables and enables the execution of TPM2_Clear()',
    source: { part: 3, title: 'TPM2_ClearControl Command' },
    handles: [
      { name: 'auth', type: 'TPMI_RH_CLEAR', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_LOCKOUT or TPM_RH_PLATFORM+{PP}' },
    ],
    params: [
      { name: 'disable', type: 'TPMI_YES_NO', description: 'YES if the disableOwnerClear flag is to be SET, NO if the flag is to be CLEAR' },
    ],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_HierarchyChangeAuth',
    cc: 'TPM_CC_HierarchyChangeAuth',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'This command allows the authorization secret for a hierarchy or lockout to be changed',
    source: { part: 3, title: 'TPM2_HierarchyChangeAuth Command' },
    handles: [
      { name: 'authHandle', type: 'TPMI_RH_HIERARCHY_AUTH', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_LOCKOUT, TPM_RH_ENDORSEMENT, TPM_RH_OWNER or TPM_RH_PLATFORM+{PP}' },
    ],
    params: [{ name: 'newAuth', type: 'TPM2B_AUTH', description: 'new authorization value' }],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_ReadOnlyControl',
    cc: 'TPM_CC_ReadOnlyControl',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'Enters or leaves the TPM Read-Only mode (added after 1.59 (TPM 2.0 Library 1.83); layout from the reference ReadOnlyControl_fp.h)',
    source: { part: 3, title: 'TPM2_ReadOnlyControl Command' },
    handles: [
      { name: 'authHandle', type: 'TPMI_RH_PLATFORM', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_PLATFORM+{PP}' },
    ],
    params: [
      { name: 'state', type: 'TPMI_YES_NO', description: 'YES to enter Read-Only mode, NO to leave it' },
    ],
    response: { handles: [], params: [] },
  },
]);
