/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 28: Context Management.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const contextCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_ContextSave',
    cc: 'TPM_CC_ContextSave',
    tag: 'no-sessions',
    attrs: {},
    description: 'This command saves a session context, object context, or sequence object context outside the TPM',
    source: { part: 3, title: 'TPM2_ContextSave Command' },
    handles: [{ name: 'saveHandle', type: 'TPMI_DH_CONTEXT', description: 'handle of the resource to save' }],
    params: [],
    response: { handles: [], params: [{ name: 'context', type: 'TPMS_CONTEXT' }] },
  },
  {
    kind: 'command',
    name: 'TPM2_ContextLoad',
    cc: 'TPM_CC_ContextLoad',
    tag: 'no-sessions',
    attrs: {},
    description: 'This command is used to reload a context that has been saved by TPM2_ContextSave()',
    source: { part: 3, title: 'TPM2_ContextLoad Command' },
    handles: [],
    params: [{ name: 'context', type: 'TPMS_CONTEXT', description: 'the context blob' }],
    response: {
      handles: [
        { name: 'loadedHandle', type: 'TPMI_DH_CONTEXT', description: 'the handle assigned to the resource after it has been successfully loaded' },
      ],
      params: [],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_FlushContext',
    cc: 'TPM_CC_FlushContext',
    tag: 'no-sessions',
    attrs: {},
    description: 'This command causes all context associated with a loaded object, sequence object, or session to be removed from TPM memory',
    source: { part: 3, title: 'TPM2_FlushContext Command' },
    handles: [],
    params: [
      { name: 'flushHandle', type: 'TPMI_DH_CONTEXT', description: 'the handle of the item to flush' },
    ],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_EvictControl',
    cc: 'TPM_CC_EvictControl',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'This command allows certain Transient Objects to be made persistent or a persistent object to be evicted',
    source: { part: 3, title: 'TPM2_EvictControl Command' },
    handles: [
      { name: 'auth', type: 'TPMI_RH_PROVISION', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_OWNER or TPM_RH_PLATFORM+{PP}' },
      { name: 'objectHandle', type: 'TPMI_DH_OBJECT', description: 'the handle of a loaded object' },
    ],
    params: [
      { name: 'persistentHandle', type: 'TPMI_DH_PERSISTENT', description: 'if objectHandle is a transient object handle, then this is the persistent handle for the object' },
    ],
    response: { handles: [], params: [] },
  },
]);
