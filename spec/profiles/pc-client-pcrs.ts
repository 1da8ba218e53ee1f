import type { PcrAttributesSpec } from '../../src/tpm/profile-spec.js';

/**
 * PCR attributes of the PC Client platform (TCG PC Client Platform TPM Profile, "PCR
 * Attributes"; the same table as the TCG reference implementation's platform PCR data):
 * PCR 0-15 static RTM, saved across Shutdown(STATE), extendable from localities 0-4, never reset;
 * PCR 16 debug and PCR 23 application, resettable from localities 0-3;
 * PCR 17-22 dynamic RTM, reset only from the localities listed, starting as all ones.
 */
const srtm: PcrAttributesSpec = { stateSave: true, resetLocality: 0x00, extendLocality: 0x1f };

export const PC_CLIENT_PCRS: readonly PcrAttributesSpec[] = [
  ...Array.from({ length: 16 }, () => srtm),
  { stateSave: false, resetLocality: 0x0f, extendLocality: 0x1f }, // 16 debug
  { stateSave: false, resetLocality: 0x10, extendLocality: 0x1c }, // 17 locality 4
  { stateSave: false, resetLocality: 0x10, extendLocality: 0x1c }, // 18 locality 3
  { stateSave: false, resetLocality: 0x10, extendLocality: 0x0c }, // 19 locality 2
  { stateSave: false, doNotIncrement: true, policyGroup: 1, authGroup: 1, resetLocality: 0x14, extendLocality: 0x0e }, // 20 locality 1
  { stateSave: false, doNotIncrement: true, policyGroup: 1, authGroup: 1, resetLocality: 0x14, extendLocality: 0x04 }, // 21 dynamic OS
  { stateSave: false, doNotIncrement: true, policyGroup: 1, authGroup: 1, resetLocality: 0x14, extendLocality: 0x04 }, // 22 dynamic OS
  { stateSave: false, resetLocality: 0x0f, extendLocality: 0x1f }, // 23 application
];
