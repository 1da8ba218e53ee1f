/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 10: Testing.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const testingCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_SelfTest',
    cc: 'TPM_CC_SelfTest',
    tag: 'either',
    attrs: { nv: true },
    description: 'This command causes the TPM to perform a test of its capabilities',
    source: { part: 3, title: 'TPM2_SelfTest Command' },
    handles: [],
    params: [{ name: 'fullTest', type: 'TPMI_YES_NO', description: 'YES if full test to be performed' }],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_IncrementalSelfTest',
    cc: 'TPM_CC_IncrementalSelfTest',
    tag: 'either',
    attrs: { nv: true },
    description: 'This command causes the TPM to perform a test of the selected algorithms',
    source: { part: 3, title: 'TPM2_IncrementalSelfTest Command' },
    handles: [],
    params: [{ name: 'toTest', type: 'TPML_ALG', description: 'list of algorithms that should be tested' }],
    response: {
      handles: [],
      params: [{ name: 'toDoList', type: 'TPML_ALG', description: 'list of algorithms that need testing' }],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_GetTestResult',
    cc: 'TPM_CC_GetTestResult',
    tag: 'either',
    attrs: {},
    description: 'This command returns manufacturer-specific information regarding the results of a self-test and an indication of the test status',
    source: { part: 3, title: 'TPM2_GetTestResult Command' },
    handles: [],
    params: [],
    response: {
      handles: [],
      params: [
        { name: 'outData', type: 'TPM2B_MAX_BUFFER', description: 'test result data' },
        { name: 'testResult', type: 'TPM_RC' },
      ],
    },
  },
]);
