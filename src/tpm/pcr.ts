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

/** The DRTM PCR (PC Client "PCR Usage"; Part 4 DRTM_PCR): extended by _TPM_Hash_End after Startup. */
export const DRTM_PCR = 17;

/** Does this profile have a DRTM PCR (and so forbid TPM2_PCR_Reset at locality 4)? */
export function hasDrtmPcr(profile: Profile): boolean {
  return profile.pcrCount > DRTM_PCR;
}

/** PCR_Extend/PCR_Event at this locality (Part 1 "PCR Attributes": extendLocality). */
export function pcrExtendAllowed(profile: Profile, pcr: number, locality: number): boolean {
  const attrs = profile.pcrAttributes[pcr];
  return !!attrs && (attrs.extendLocality & localityBit(locality)) !== 0;
}

/**
 * PCR_Reset at this locality (Part 1 "PCR Attributes": resetLocality). A TPM with a DRTM PCR
 * never resets PCRs from locality 4: those are reset by _TPM_Hash_End only.
 */
export function pcrResetAllowed(profile: Profile, pcr: number, locality: number): boolean {
  const attrs = profile.pcrAttributes[pcr];
  if (!attrs || (locality === 4 && hasDrtmPcr(profile))) return false;
  return (attrs.resetLocality & localityBit(locality)) !== 0;
}

/**
 * Extends one PCR of one bank when that PCR is allocated; counts the change. Returns false
 * (and changes nothing) for a bank or PCR that is not allocated.
 */
export function extendPcr(
  profile: Profile,
  allocation: readonly PcrBankAllocation[],
  clear: StateClearState,
  pcr: number,
  hashAlg: number,
  digest: Uint8Array,
): boolean {
  const h = profile.crypto.hash(hashAlg);
  const bank = clear.pcrValues[hashAlg];
  if (!h || !bank || !isAllocated(allocation, hashAlg, pcr) || bank[pcr].length !== h.digestSize) return false;
  bank[pcr] = extendValue(h, bank[pcr], digest);
  countPcrChange(profile, clear, pcr);
  return true;
}

/** TPMS_PCR_SELECTION.pcrSelect as a bitmap (bit n = PCR n), limited to the implemented PCRs. */
export function selectBits(profile: Profile, select: Uint8Array): number {
  let bits = 0;
  for (const pcr of selectedPcrs(select)) if (pcr < profile.pcrCount && pcr < 32) bits |= 1 << pcr;
  return bits >>> 0;
}

/**
 * How much Startup changes pcrUpdateCounter (Part 1 "pcrUpdateCounter"): every PCR given its
 * initial value counts as changed, except those in the no-increment group. On TPM Resume the
 * state-saved PCRs are restored, not changed. (As the TCG reference's PCR startup does.)
 */
export function startupPcrChanges(profile: Profile, resume: boolean): number {
  let n = 0;
  for (let pcr = 0; pcr < profile.pcrCount; pcr++) {
    const attrs = profile.pcrAttributes[pcr];
    if (resume && attrs?.stateSave) continue;
    if (!attrs?.doNotIncrement) n++;
  }
  return n;
}

/**
 * The digest of the selected PCRs' values, concatenated in selection order and PCR order
 * (Part 1 "Selecting Multiple PCR"; the reference's PCRComputeCurrentDigest). PCRs that are
 * not allocated are left out.
 */
export function pcrCompositeDigest(
  hash: HashAlgorithm,
  allocation: readonly PcrBankAllocation[],
  clear: Readonly<StateClearState>,
  pcrCount: number,
  selections: readonly { hash: number; pcrSelect: Uint8Array }[],
): Uint8Array {
  const ctx = hash.create();
  for (const sel of selections) {
    const bank = clear.pcrValues[sel.hash];
    for (let pcr = 0; pcr < Math.min(pcrCount, sel.pcrSelect.length * 8); pcr++) {
      if (!((sel.pcrSelect[pcr >> 3] >> (pcr & 7)) & 1)) continue;
      if (!bank || !isAllocated(allocation, sel.hash, pcr) || bank[pcr].length === 0) continue;
      ctx.update(bank[pcr]);
    }
  }
  return ctx.digest();
}
