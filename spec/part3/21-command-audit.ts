/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 21: Command Audit.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const commandAuditCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_SetCommandCodeAuditStatus',
    cc: 'TPM_CC_SetCommandCodeAuditStatus',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'Changes the audit status of commands or sets the hash algorithm used for the command audit digest',
    source: { part: 3, title: 'TPM2_SetCommandCodeAuditStatus Command' },
    handles: [
      { name: 'auth', type: 'TPMI_RH_PROVISION', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_OWNER or TPM_RH_PLATFORM+{PP}' },
    ],
    params: [
      { name: 'auditAlg', type: 'TPMI_ALG_HASH', allowNull: true, description: 'hash algorithm for the audit digest; if TPM_ALG_NULL, then the hash is not changed' },
      { name: 'setList', type: 'TPML_CC', description: 'list of commands that will be added to those that will be audited' },
      { name: 'clearList', type: 'TPML_CC', description: 'list of commands that will no longer be audited' },
    ],
    response: { handles: [], params: [] },
  },
]);
