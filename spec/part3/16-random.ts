/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 16: Random Number Generator.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const randomCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_GetRandom',
    cc: 'TPM_CC_GetRandom',
    tag: 'either',
    attrs: {},
    description: 'This command returns the next bytesRequested octets from the random number generator (RNG)',
    source: { part: 3, title: 'TPM2_GetRandom Command' },
    handles: [],
    params: [{ name: 'bytesRequested', type: 'UINT16', description: 'number of octets to return' }],
    response: {
      handles: [],
      params: [{ name: 'randomBytes', type: 'TPM2B_DIGEST', description: 'the random octets' }],
    },
  },
  {
    kind: 'command',
    name: 'TPM2_StirRandom',
    cc: 'TPM_CC_StirRandom',
    tag: 'either',
    attrs: { nv: true },
    description: 'This command is used to add "additional information" to the RNG state',
    source: { part: 3, title: 'TPM2_StirRandom Command' },
    handles: [],
    params: [{ name: 'inData', type: 'TPM2B_SENSITIVE_DATA', description: 'additional information' }],
    response: { handles: [], params: [] },
  },
]);
