/**
 * PCR banks (TPM 2.0 Part 1 "Platform Configuration Registers"): initial values, extend, reset
 * and the locality rules of the profile's PCR attributes.
 */
import type { HashAlgorithm } from '../crypto/hash.js';
import type { Profile } from './profile.js';
import type { PcrBankAllocation, StateClearState } from './state/types.js';

/** Locality as the TPMA_LOCALITY bit it tests (localities 0-4). */
export function localityBit(locality: number): number {
  return locality <= 4 ? 1 << locality : 0;
}

/** Initial value of a PCR at TPM Reset/Restart: all ones for PCRs only locality 4 resets (DRTM). */
export function pcrInitialValue(profile: Profile, pcr: number, size: number, startupLocality: number): Uint8Array {
  const attrs = profile.pcrAttributes[pcr];
  const v = new Uint8Array(size);
  if (attrs && (attrs.resetLocality & 0x10) !== 0) v.fill(0xff);
  // The H-CRTM PCR records the locality of Startup in its last octet (PC Client "Startup Locality").
  if (pcr === profile.startupLocalityPcr) v[size - 1] = startupLocality;
  return v;
}

/** Fresh PCR values for an allocation. */
export function freshPcrValues(profile: Profile, allocation: readonly PcrBankAllocation[], startupLocality: number): StateClearState['pcrValues'] {
  const out: StateClearState['pcrValues'] = {};
  for (const bank of allocation) {
    const h = profile.crypto.hash(bank.hash);
    if (!h) continue;
    out[bank.hash] = Array.from({ length: profile.pcrCount }, (_, i) =>
      (bank.select >>> i) & 1 ? pcrInitialValue(profile, i, h.digestSize, startupLocality) : new Uint8Array(0),
    );
  }
  return out;
}

/** PCR value := H(PCR value ‖ digest) (Part 1 "Extend"). */
export function extendValue(hash: HashAlgorithm, value: Uint8Array, digest: Uint8Array): Uint8Array {
  return hash.digest(value, digest);
}

export function isAllocated(allocation: readonly PcrBankAllocation[], hash: number, pcr: number): boolean {
  const bank = allocation.find((b) => b.hash === hash);
  return !!bank && ((bank.select >>> pcr) & 1) === 1;
}

/** Bitmap (TPMS_PCR_SELECT.pcrSelect) to a set of PCR numbers. */
export function selectedPcrs(select: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < select.length; i++) for (let b = 0; b < 8; b++) if ((select[i] >> b) & 1) out.push(i * 8 + b);
  return out;
}

/** Counts a change (Part 1 "pcrUpdateCounter"), unless the PCR is in the no-increment group. */
export function countPcrChange(profile: Profile, clear: StateClearState, pcr: number): void {
  if (!profile.pcrAttributes[pcr]?.doNotIncrement) clear.pcrUpdateCounter = (clear.pcrUpdateCounter + 1) >>> 0;
}
