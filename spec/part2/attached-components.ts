/**
 * TPM 2.0 Library Part 2 (Structures), revision 1.59: attached component structures of clause 16.
 * Transcribed from the specification tables; see spec/README.md for the notation mapping.
 */
import { defineTypes } from '../schema.js';

export const attachedComponentTypes = defineTypes([
  {
    kind: 'struct',
    name: 'TPMS_AC_OUTPUT',
    source: { part: 2, title: 'Definition of TPMS_AC_OUTPUT Structure' },
    fields: [
      { name: 'tag', type: 'TPM_AT', description: 'tag indicating the contents of data' },
      { name: 'data', type: 'UINT32', description: 'the data returned from the AC' },
    ],
  },
  {
    kind: 'struct',
    name: 'TPML_AC_CAPABILITIES',
    source: { part: 2, title: 'Definition of TPML_AC_CAPABILITIES Structure' },
    fields: [
      { name: 'count', type: 'UINT32', description: 'number of values in the acCapabilities list; may be 0' },
      { name: 'acCapabilities', type: 'TPMS_AC_OUTPUT', count: 'count', max: 'MAX_AC_CAPABILITIES', description: 'a list of AC values' },
    ],
  },
]);
