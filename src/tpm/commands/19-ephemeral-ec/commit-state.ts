/**
 * The commit mechanism of split ECC operations (Part 3 "TPM2_Commit", "TPM2_EC_Ephemeral",
 * "TPM2_ZGen_2Phase"; the reference's CryptGenerateR, CryptCommit, CryptEndCommit). An
 * ephemeral private key r is never stored: it is KDFa(commitNonce, "ECDAA Commit", Name,
 * commitCount) and can be derived again from the 16-bit counter the TPM returned, as long as
 * that count's bit in commitArray is SET; the operation that uses it clears the bit.
 */
import { bigintToBytes, bytesEqual, bytesToBigint, concatBytes, u32be, utf8 } from '../../../crypto/bytes.js';
import type { Curve } from '../../../crypto/ecc.js';
import { createHmac } from '../../../crypto/hmac.js';
import type { CommandContext } from '../../context.js';
import { contextHash } from '../../properties.js';
import type { CommitState } from '../../state/types.js';

/** Bits in commitArray (the reference's 16-octet array): counts this far apart share a bit. */
export const COMMIT_ARRAY_BITS = 128;
const MASK = COMMIT_ARRAY_BITS - 1;
const U64 = (1n << 64n) - 1n;
/** COMMIT_STRING with its terminating zero octet. */
const COMMIT_LABEL = concatBytes(utf8('ECDAA Commit'), Uint8Array.of(0));
/** Attempts before CryptGenerateR gives up (each fails with probability about 1/2 at worst, ~1/128 on P-521). */
const MAX_ATTEMPTS = 100_000;

const bitSet = (array: Uint8Array, bit: number) => (array[bit >> 3] & (1 << (bit & 7))) !== 0;

/** The commit state of this TPM Reset cycle, if any commit was made in it. */
function currentState(ctx: CommandContext): Readonly<CommitState> | undefined {
  const sr = ctx.read('stateReset');
  const c = sr.commit;
  return c && bytesEqual(c.resetProof, sr.nullProof) ? c : undefined;
}

/** The commit state, started (new commitNonce, counter 0, no bits SET) when this TPM Reset has none. */
function stateForCommit(ctx: CommandContext): Readonly<CommitState> {
  const c = currentState(ctx);
  if (c) return c;
  const sr = ctx.write('stateReset');
  const nonceSize = Math.max(...ctx.crypto.hashes.map((h) => h.digestSize));
  const fresh: CommitState = { resetProof: sr.nullProof, commitNonce: ctx.rng.bytes(nonceSize), commitCounter: 0, commitArray: new Uint8Array(COMMIT_ARRAY_BITS / 8) };
  sr.commit = fresh;
  return fresh;
}

function u64be(v: bigint): Uint8Array {
  return bigintToBytes(v & U64, 8);
}

/**
 * The random value r for `curve` (the reference's CryptGenerateR). With c null: r of the next
 * commit count (not yet committed: call commit() once it is used). With c: r of the count whose
 * low 16 bits are c, or undefined when that count is not committed (its bit is CLEAR) or too
 * far behind the counter. r is KDFa output of the byte length of n, drawn again (the KDFa
 * counter continuing) until r < n with a nonzero octet in its upper half; `name` binds it to a
 * key (TPM2_Commit) or is empty (TPM2_EC_Ephemeral).
 */
export function generateR(ctx: CommandContext, curve: Curve, c: number | null, name: Uint8Array): bigint | undefined {
  const st = c === null ? stateForCommit(ctx) : currentState(ctx);
  if (!st) return undefined;
  let count = BigInt(st.commitCounter);
  if (c !== null) {
    if (!bitSet(st.commitArray, c & MASK)) return undefined;
    // The count as it was at the commit: the same low bits, the counter's high bits (one array
    // length back when the low bits are not behind the counter's).
    if ((c & MASK) >= (Number(count & 0xffffn) & MASK)) count = (count - BigInt(MASK + 1)) & U64;
    if ((Number(count & 0xffffn) & ~MASK) !== (c & ~MASK & 0xffff)) return undefined;
    count = (count & (U64 ^ 0xffffn)) | BigInt(c & 0xffff);
  }
  const hash = contextHash(ctx.profile);
  const nBytes = Math.ceil(curve.nBits / 8);
  const fixed = concatBytes(COMMIT_LABEL, name, u64be(count), u32be(nBytes * 8));
  const keyed = createHmac(hash, st.commitNonce);
  const blocks = Math.ceil(nBytes / hash.digestSize);
  let i = 0;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const parts: Uint8Array[] = [];
    for (let b = 0; b < blocks; b++) parts.push(keyed.clone().update(u32be(++i)).update(fixed).digest());
    const r = concatBytes(...parts).subarray(0, nBytes);
    const v = bytesToBigint(r);
    if (v >= curve.n) continue;
    for (let j = nBytes >> 1; j >= 0; j--) if (r[j] !== 0) return v;
  }
  return undefined;
}

/** Commits the current count (the reference's CryptCommit): SETs its bit, advances the counter, returns its low 16 bits. */
export function commit(ctx: CommandContext): number {
  const st = stateForCommit(ctx);
  const old = st.commitCounter % 0x10000;
  const commitArray = st.commitArray.slice();
  commitArray[(old & MASK) >> 3] |= 1 << (old & 7);
  ctx.write('stateReset').commit = { ...st, commitCounter: st.commitCounter + 1, commitArray };
  return old;
}

/** Ends the use of committed count c (the reference's CryptEndCommit): CLEARs its bit. */
export function endCommit(ctx: CommandContext, c: number): void {
  const st = currentState(ctx);
  if (!st || !bitSet(st.commitArray, c & MASK)) return;
  const commitArray = st.commitArray.slice();
  commitArray[(c & MASK) >> 3] &= ~(1 << (c & 7));
  ctx.write('stateReset').commit = { ...st, commitArray };
}
