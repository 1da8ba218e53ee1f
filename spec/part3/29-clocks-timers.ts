/**
 * TPM 2.0 Library Part 3 (Commands), revision 1.59, clause 29: Clocks and Timers.
 * Transcribed from the command and response tables; see spec/README.md for the notation mapping.
 */
import { defineCommands } from '../schema.js';

export const clocksTimersCommands = defineCommands([
  {
    kind: 'command',
    name: 'TPM2_ReadClock',
    cc: 'TPM_CC_ReadClock',
    tag: 'either',
    attrs: {},
    description: 'This command reads the current TPMS_TIME_INFO structure that contains the current setting of Time, Clock, resetCount, and restartCount',
    source: { part: 3, title: 'TPM2_ReadClock Command' },
    handles: [],
    params: [],
    response: { handles: [], params: [{ name: 'currentTime', type: 'TPMS_TIME_INFO' }] },
  },
  {
    kind: 'command',
    name: 'TPM2_ClockSet',
    cc: 'TPM_CC_ClockSet',
    tag: 'sessions',
    attrs: { nv: true },
    description: 'This command is used to advance the value of the TPM\'s Clock',
    source: { part: 3, title: 'TPM2_ClockSet Command' },
    handles: [
      { name: 'auth', type: 'TPMI_RH_PROVISION', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_OWNER or TPM_RH_PLATFORM+{PP}' },
    ],
    params: [{ name: 'newTime', type: 'UINT64', description: 'new Clock setting in milliseconds' }],
    response: { handles: [], params: [] },
  },
  {
    kind: 'command',
    name: 'TPM2_ClockRateAdjust',
    cc: 'TPM_CC_ClockRateAdjust',
    tag: 'sessions',
    attrs: {},
    description: 'This command adjusts the rate of advance of Clock and Time to provide a better approximation to real time',
    source: { part: 3, title: 'TPM2_ClockRateAdjust Command' },
    handles: [
      { name: 'auth', type: 'TPMI_RH_PROVISION', auth: { index: 1, role: 'USER', physicalPresence: true }, description: 'TPM_RH_OWNER or TPM_RH_PLATFORM+{PP}' },
    ],
    params: [
      { name: 'rateAdjust', type: 'TPM_CLOCK_ADJUST', description: 'Adjustment to current Clock update rate' },
    ],
    response: { handles: [], params: [] },
  },
]);
