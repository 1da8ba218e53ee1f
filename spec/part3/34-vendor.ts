/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 34: Vendor Specific.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const vendorCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_Vendor_TCG_Test',
    cc: 'TPM_CC_Vendor_TCG_Test',
    tag: 'either',
    attrs: {},
    description: 'This is a placeholder to allow testing of the dispatch code',
    source: { part: 3, title: 'TPM2_Vendor_TCG_Test Command' },
    handles: [],
    params: [{ name: 'inputData', type: 'TPM2B_DATA', description: 'dummy data' }],
    response: { handles: [], params: [{ name: 'outputData', type: 'TPM2B_DATA', description: 'dummy data' }] },
  },
]);
