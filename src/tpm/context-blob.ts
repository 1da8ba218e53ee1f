/**
 * Saved contexts (TPM 2.0 Part 1 "Context Management": "Context Protection", "Context
 * Integrity"): the blob is TPM2B(integrity) ‖ CFB(sequence ‖ payload) under
 * symKey ‖ iv = KDFa(contextHash, hProof, "CONTEXT", sequence, handle, bits), and
 * integrity = HMAC(hProof, resetCount [‖ restartCount] ‖ sequence ‖ savedHandle ‖ encrypted).
 * The payload layout is this TPM's own: objects in TPM marshalling, sequences and sessions as
 * snapshot records.
 */
import { bytesEqual, u32be } from '../crypto/bytes.js';
import { hmac } from '../crypto/hmac.js';
import { kdfa } from '../crypto/kdf.js';
import { cfbDecrypt, cfbEncrypt } from '../crypto/symmetric.js';
import { TPM_RC } from '../gen/constants.js';
import type { TPMT_PUBLIC, TPMT_SENSITIVE } from '../gen/types.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import type { CommandContext } from './context.js';
import { tpmError } from './errors.js';
import { hierarchyProof } from './hierarchy.js';
import { makeRecord } from './object.js';
import { contextHash, contextSymmetric } from './properties.js';
import { decodeSnapshot, encodeSnapshot } from './state/snapshot.js';
import type { AuthSession, ObjectRecord, SequenceObject } from './state/types.js';

/** savedHandle values of object contexts (Part 2 "Context Handle Values"). */
export const SAVED_OBJECT = 0x80000000;
export const SAVED_SEQUENCE = 0x80000001;
export const SAVED_STCLEAR_OBJECT = 0x80000002;

const KIND_OBJECT = 1;
const KIND_SEQUENCE = 2;
const KIND_SESSION = 3;

export type ContextPayload =
  | { kind: 'object'; record: ObjectRecord }
  | { kind: 'sequence'; sequence: SequenceObject }
  | { kind: 'session'; session: AuthSession };

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

function keys(ctx: CommandContext, proof: Uint8Array, sequence: number, handle: number) {
  const sym = contextSymmetric(ctx.profile);
  const block = ctx.crypto.symmetricBlockSize(sym.alg)!;
  const bits = kdfa(contextHash(ctx.profile), proof, 'CONTEXT', u64(sequence), u32be(handle), sym.keyBits + block * 8);
  const keyBytes = sym.keyBits / 8;
  return { cipher: ctx.crypto.cipher(sym.alg, bits.subarray(0, keyBytes)), iv: bits.subarray(keyBytes) };
}

function integrity(ctx: CommandContext, proof: Uint8Array, sequence: number, handle: number, encrypted: Uint8Array): Uint8Array {
  const resetCount = u64(ctx.read('persistent').resetCount);
  const clearCount = handle === SAVED_STCLEAR_OBJECT ? u32be(ctx.read('stateReset').restartCount) : new Uint8Array(0);
  return hmac(contextHash(ctx.profile), proof, resetCount, clearCount, u64(sequence), u32be(handle), encrypted);
}

function encodePayload(ctx: CommandContext, payload: ContextPayload): Uint8Array {
  const w = new Writer(1024);
  if (payload.kind === 'object') {
    const r = payload.record;
    w.u8(KIND_OBJECT);
    w.u32(r.hierarchy);
    w.u8((r.primary ? 1 : 0) | (r.external ? 2 : 0));
    w.u16(r.qualifiedName.length);
    w.bytes(r.qualifiedName);
    w.u16(r.publicBytes.length);
    w.bytes(r.publicBytes);
    const sensitive = r.sensitive ? ctx.codec.encode('TPMT_SENSITIVE', r.sensitive) : new Uint8Array(0);
    w.u16(sensitive.length);
    w.bytes(sensitive);
  } else {
    w.u8(payload.kind === 'sequence' ? KIND_SEQUENCE : KIND_SESSION);
    w.bytes(encodeSnapshot(payload.kind === 'sequence' ? payload.sequence : payload.session));
  }
  return w.finish();
}

function decodePayload(ctx: CommandContext, bytes: Uint8Array): ContextPayload {
  const r = new Reader(bytes, 0, bytes.length);
  const kind = r.u8();
  if (kind === KIND_OBJECT) {
    const hierarchy = r.u32();
    const flags = r.u8();
    const qualifiedName = r.take(r.u16());
    const publicBytes = r.take(r.u16());
    const sensitiveBytes = r.take(r.u16());
    const pub = ctx.codec.decode<TPMT_PUBLIC>('TPMT_PUBLIC', publicBytes);
    const sensitive = sensitiveBytes.length ? ctx.codec.decode<TPMT_SENSITIVE>('TPMT_SENSITIVE', sensitiveBytes) : null;
    const record = makeRecord(ctx, pub, sensitive, new Uint8Array(0), hierarchy, { primary: (flags & 1) !== 0, external: (flags & 2) !== 0 }, publicBytes);
    return { kind: 'object', record: Object.freeze({ ...record, qualifiedName }) };
  }
  const rest = r.take(r.remaining);
  if (kind === KIND_SEQUENCE) return { kind: 'sequence', sequence: decodeSnapshot<SequenceObject>(rest) };
  if (kind === KIND_SESSION) return { kind: 'session', session: decodeSnapshot<AuthSession>(rest) };
  throw new Error('unknown context payload');
}

/** Protects a payload as a TPMS_CONTEXT contextBlob. */
export function sealContext(ctx: CommandContext, hierarchy: number, sequence: number, handle: number, payload: ContextPayload): Uint8Array {
  const proof = hierarchyProof(ctx, hierarchy);
  if (!proof) throw tpmError(TPM_RC.HIERARCHY);
  const plain = encodePayload(ctx, payload);
  const { cipher, iv } = keys(ctx, proof, sequence, handle);
  const body = new Uint8Array(8 + plain.length);
  body.set(u64(sequence));
  body.set(plain, 8);
  const encrypted = cfbEncrypt(cipher, iv, body);
  const mac = integrity(ctx, proof, sequence, handle, encrypted);
  const blob = new Uint8Array(2 + mac.length + encrypted.length);
  blob[0] = mac.length >> 8;
  blob[1] = mac.length & 0xff;
  blob.set(mac, 2);
  blob.set(encrypted, 2 + mac.length);
  if (blob.length > ctx.profile.limits.MAX_CONTEXT_SIZE) throw tpmError(TPM_RC.SIZE, 'context larger than MAX_CONTEXT_SIZE');
  return blob;
}

/**
 * Checks and opens a contextBlob (the reference's TPM2_ContextLoad): TPM_RC_SIZE for a bad
 * integrity size, TPM_RC_INTEGRITY when the HMAC fails (another TPM, a TPM Reset since, a
 * changed proof, tampering). Errors are on `context`.
 */
export function openContext(ctx: CommandContext, hierarchy: number, sequence: bigint, handle: number, blob: Uint8Array): ContextPayload {
  const proof = hierarchyProof(ctx, hierarchy);
  if (!proof) throw tpmError(TPM_RC.HIERARCHY).at('context');
  const hashSize = contextHash(ctx.profile).digestSize;
  if (blob.length < 2 || ((blob[0] << 8) | blob[1]) !== hashSize) throw tpmError(TPM_RC.SIZE, 'bad integrity size').at('context');
  const mac = blob.subarray(2, 2 + hashSize);
  const encrypted = blob.subarray(2 + hashSize);
  if (encrypted.length < 8) throw tpmError(TPM_RC.SIZE, 'context too short').at('context');
  if (sequence > BigInt(Number.MAX_SAFE_INTEGER)) throw tpmError(TPM_RC.INTEGRITY).at('context');
  const seq = Number(sequence);
  if (!bytesEqual(mac, integrity(ctx, proof, seq, handle, encrypted))) throw tpmError(TPM_RC.INTEGRITY, 'context integrity check failed').at('context');
  const { cipher, iv } = keys(ctx, proof, seq, handle);
  const body = cfbDecrypt(cipher, iv, encrypted);
  if (!bytesEqual(body.subarray(0, 8), u64(seq))) throw tpmError(TPM_RC.INTEGRITY).at('context');
  try {
    return decodePayload(ctx, body.subarray(8));
  } catch {
    // Authentic but unreadable: a context from an incompatible version of this TPM.
    throw tpmError(TPM_RC.INTEGRITY, 'context payload unreadable').at('context');
  }
}
