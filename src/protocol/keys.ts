/**
 * Object Names and the conversion of public/sensitive areas to crypto keys, shared by the
 * emulator and host-side helpers (TPM 2.0 Part 1 "Names", "Qualified Name"; Part 2
 * "TPMT_PUBLIC", "TPMT_SENSITIVE", "TPMU_SENSITIVE_COMPOSITE").
 */
import { bytesToBigint, bytesEqual, concatBytes, u16be } from '../crypto/bytes.js';
import { eccIsValidPrivate, eccPublicFromPrivate, getCurve, type Curve } from '../crypto/ecc.js';
import { hashByAlg, type HashAlgorithm } from '../crypto/hash.js';
import { rsaPrivateKeyFromPrime, type RsaPrivateKey, type RsaPublicKey } from '../crypto/rsa.js';
import { TPM_ALG, TPM_RC } from '../gen/constants.js';
import { DEFAULT_LIMITS, SCHEMA } from '../gen/schemas.js';
import type { TPMS_ECC_PARMS, TPMS_ECC_POINT, TPMS_RSA_PARMS, TPMT_PUBLIC, TPMT_SENSITIVE } from '../gen/types.js';
import { createCodec, type Codec } from '../wire/codec.js';
import { guard, ProtocolError } from './errors.js';

let CODEC: Codec | undefined;

/**
 * The strict codec (DEFAULT_LIMITS, every algorithm accepted) this module family uses to
 * marshal and unmarshal gen types; functions that decode accept the emulator's own codec instead.
 */
export function protocolCodec(): Codec {
  return (CODEC ??= createCodec({ schema: SCHEMA, limits: DEFAULT_LIMITS, strict: true }));
}

/** The hash for a TPM_ALG_ID; ProtocolError(rc, default TPM_RC.HASH) when not implemented. */
export function hashOf(alg: number, rc: number = TPM_RC.HASH): HashAlgorithm {
  const h = hashByAlg(alg);
  if (h === undefined) throw new ProtocolError(rc, `hash algorithm 0x${alg.toString(16)} not implemented`);
  return h;
}

/** Digest size of a hash algorithm, 0 for TPM_ALG_NULL or an unknown one. */
export function digestSizeOf(alg: number): number {
  return hashByAlg(alg)?.digestSize ?? 0;
}

/** TPMT_PUBLIC in its canonical marshalled form. */
export function marshalPublic(pub: TPMT_PUBLIC): Uint8Array {
  return protocolCodec().encode('TPMT_PUBLIC', pub);
}

/**
 * Name of an object (Part 1 "Names"): nameAlg (UINT16) ‖ H_nameAlg(marshalled TPMT_PUBLIC).
 * With nameAlg TPM_ALG_NULL the object has no Name: it is empty.
 */
export function objectName(publicBytes: Uint8Array, nameAlg: number): Uint8Array {
  if (nameAlg === TPM_ALG.NULL) return new Uint8Array(0);
  return concatBytes(u16be(nameAlg), hashOf(nameAlg).digest(publicBytes));
}

/** Name of a public area (marshalled with the protocol codec). */
export function publicName(pub: TPMT_PUBLIC): Uint8Array {
  return objectName(marshalPublic(pub), pub.nameAlg);
}

/**
 * Qualified Name (Part 1 "Qualified Name"): QN = nameAlg ‖ H_nameAlg(QN of parent ‖ Name), both
 * hashed without size fields; nameAlg is the object's. A primary object's parent QN is the
 * hierarchy handle (4 octets, e.g. handleName(TPM_RH.OWNER)).
 */
export function qualifiedName(parentQN: Uint8Array, name: Uint8Array, nameAlg: number): Uint8Array {
  return concatBytes(u16be(nameAlg), hashOf(nameAlg).digest(parentQN, name));
}

function requireType(pub: TPMT_PUBLIC, type: number): void {
  if (pub.type !== type) throw new ProtocolError(TPM_RC.TYPE, `object type 0x${pub.type.toString(16)} is not 0x${type.toString(16)}`);
}

function requireSensitiveType(sensitive: TPMT_SENSITIVE, type: number): void {
  if (sensitive.sensitiveType !== type) throw new ProtocolError(TPM_RC.TYPE, 'sensitive area type does not match the public area');
}

/** The RSA public key of an RSA object; exponent 0 means 65537 (Part 2 "TPMS_RSA_PARMS"). */
export function rsaPublicKeyOf(pub: TPMT_PUBLIC): RsaPublicKey {
  requireType(pub, TPM_ALG.RSA);
  const parms = pub.parameters as TPMS_RSA_PARMS;
  const n = bytesToBigint(pub.unique as Uint8Array);
  if (n === 0n) throw new ProtocolError(TPM_RC.KEY, 'RSA public modulus missing');
  return { n, e: parms.exponent === 0 ? 65537n : BigInt(parms.exponent) };
}

/**
 * The RSA private key of an object whose sensitive area holds one prime factor (Part 2
 * "TPMU_SENSITIVE_COMPOSITE"). A prime of the wrong size is TPM_RC_KEY_SIZE, one that does not
 * divide the modulus TPM_RC_BINDING (as TPM2_Load reports them).
 */
export function rsaPrivateKeyOf(pub: TPMT_PUBLIC, sensitive: TPMT_SENSITIVE): RsaPrivateKey {
  const key = rsaPublicKeyOf(pub);
  requireSensitiveType(sensitive, TPM_ALG.RSA);
  const p = sensitive.sensitive as Uint8Array;
  if (p.length * 2 !== (pub.unique as Uint8Array).length) throw new ProtocolError(TPM_RC.KEY_SIZE, 'RSA prime has the wrong size');
  try {
    return rsaPrivateKeyFromPrime(key, bytesToBigint(p));
  } catch {
    throw new ProtocolError(TPM_RC.BINDING, 'RSA prime does not divide the public modulus');
  }
}

/** The curve of an ECC object; TPM_RC_CURVE when it is not implemented. */
export function eccCurveOf(pub: TPMT_PUBLIC): Curve {
  requireType(pub, TPM_ALG.ECC);
  const id = (pub.parameters as TPMS_ECC_PARMS).curveID;
  const curve = getCurve(id);
  if (curve === undefined) throw new ProtocolError(TPM_RC.CURVE, `curve 0x${id.toString(16)} not implemented`);
  return curve;
}

/** The public point of an ECC object (coordinates as stored, not validated here). */
export function eccPublicPointOf(pub: TPMT_PUBLIC): { curve: Curve; x: Uint8Array; y: Uint8Array } {
  const curve = eccCurveOf(pub);
  const { x, y } = pub.unique as TPMS_ECC_POINT;
  return { curve, x, y };
}

/**
 * The private scalar d of an ECC object. d outside [1, n-1] is TPM_RC_KEY_SIZE; with
 * checkBinding, [d]G must be the public point (else TPM_RC_BINDING), as TPM2_Load checks.
 */
export function eccPrivateKeyOf(pub: TPMT_PUBLIC, sensitive: TPMT_SENSITIVE, checkBinding = false): bigint {
  const { curve, x, y } = eccPublicPointOf(pub);
  requireSensitiveType(sensitive, TPM_ALG.ECC);
  const dBytes = sensitive.sensitive as Uint8Array;
  const d = bytesToBigint(dBytes);
  if (dBytes.length > curve.byteLength || !eccIsValidPrivate(curve, d)) {
    throw new ProtocolError(TPM_RC.KEY_SIZE, 'ECC private key out of range');
  }
  if (checkBinding) {
    const q = guard(() => eccPublicFromPrivate(curve, d));
    if (!bytesEqual(q.x, leftPad(x, curve.byteLength)) || !bytesEqual(q.y, leftPad(y, curve.byteLength))) {
      throw new ProtocolError(TPM_RC.BINDING, 'ECC private key does not match the public point');
    }
  }
  return d;
}

/** b left-padded with zeros (or stripped of leading zeros) to len octets when it fits. */
export function leftPad(b: Uint8Array, len: number): Uint8Array {
  if (b.length === len) return b;
  if (b.length > len) {
    const extra = b.length - len;
    for (let i = 0; i < extra; i++) if (b[i] !== 0) return b;
    return b.subarray(extra);
  }
  const out = new Uint8Array(len);
  out.set(b, len - b.length);
  return out;
}
