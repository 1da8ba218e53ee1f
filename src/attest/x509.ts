/**
 * X.509 v3 certificates for TPM credentials (RFC 5280): a builder and a strict parser, the
 * certificate signers (ECDSA, RSASSA-PKCS1-v1_5, SM2 with SM3) on our own crypto, a small CA
 * (createCa / loadCa), EK / platform / IAK / IDevID certificates with the content of TCG "EK
 * Credential Profile for TPM Family 2.0" and "TPM 2.0 Keys for Device Identity and Attestation",
 * and PEM helpers. Browser-safe: Uint8Array only, synchronous.
 */
import { bigintToBytes, bytesEqual, bytesToBigint, bytesToHex, concatBytes, utf8 } from '../crypto/bytes.js';
import { createDrbg, systemRng, type Rng } from '../crypto/drbg.js';
import {
  CURVE_NIST_P256,
  CURVE_NIST_P384,
  CURVE_NIST_P521,
  CURVE_SM2_P256,
  ecdsaSign,
  ecdsaVerify,
  eccGenerateKey,
  eccPublicFromPrivate,
  type Curve,
} from '../crypto/ecc.js';
import { SHA1, SHA256, SHA384, SHA512, type HashAlgorithm } from '../crypto/hash.js';
import { rsaGenerateKey, rsaPrivateKeyFromPrimes, rsassaSign, rsassaVerify, type RsaPrivateKey } from '../crypto/rsa.js';
import { sm2GenerateKey, sm2Sign, sm2Verify } from '../crypto/sm2.js';
import { TPM_ALG, TPM_ECC, TPMA_OBJECT } from '../gen/constants.js';
import type { TPMS_ECC_PARMS, TPMS_ECC_POINT, TPMS_RSA_PARMS, TPMT_PUBLIC } from '../gen/types.js';
import {
  DER_TAG,
  DerError,
  derBitString,
  derBoolean,
  derChildren,
  derDecode,
  derExplicit,
  derImplicit,
  derInteger,
  derNamedBits,
  derNull,
  derOctetString,
  derOid,
  derPrintableString,
  derSequence,
  derSet,
  derTime,
  derUnsignedInteger,
  derUtf8String,
  expectTag,
  readBitString,
  readBoolean,
  readInteger,
  readNamedBits,
  readOctetString,
  readOid,
  readString,
  readTime,
  readUnsignedInteger,
  type DerNode,
} from './der.js';

// ---------------------------------------------------------------------------------------------
// Object identifiers

export const OID = Object.freeze({
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  /** GM/T 0006 "sm2p256v1" (the curve; also used as a key algorithm by some encoders). */
  sm2: '1.2.156.10197.1.301',
  /** GM/T 0006 "SM2-with-SM3" signature. */
  sm2WithSm3: '1.2.156.10197.1.501',
  // RFC 5280 4.2.1 certificate extensions
  subjectDirectoryAttributes: '2.5.29.9',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  // X.520 attribute types
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  // TCG (EK Credential Profile "TCG OIDs"; Platform Certificate Profile)
  tpmManufacturer: '2.23.133.2.1',
  tpmModel: '2.23.133.2.2',
  tpmVersion: '2.23.133.2.3',
  tpmSpecification: '2.23.133.2.16',
  platformManufacturer: '2.23.133.5.1.1',
  platformModel: '2.23.133.5.1.4',
  platformVersion: '2.23.133.5.1.5',
  ekCertificate: '2.23.133.8.1',
  platformCertificate: '2.23.133.8.2',
  aikCertificate: '2.23.133.8.3',
  /** TCG hwType of a TPM 2.0 (Device Identity "hardwareModuleName"). */
  tpm2HwType: '2.23.133.1.2',
  /** RFC 4108 id-on-hardwareModuleName. */
  hardwareModuleName: '1.3.6.1.5.5.7.8.4',
});

const NAME_ATTRS: Readonly<Record<string, string>> = {
  CN: OID.commonName,
  SERIALNUMBER: OID.serialNumber,
  C: OID.countryName,
  L: OID.localityName,
  ST: OID.stateOrProvinceName,
  O: OID.organizationName,
  OU: OID.organizationalUnitName,
};
const NAME_SHORT: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(NAME_ATTRS).map(([k, v]) => [v, k === 'SERIALNUMBER' ? 'serialNumber' : k]));

/** Key usage bits (RFC 5280 4.2.1.3). */
export const KEY_USAGE = Object.freeze({
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
});

/** An X.509 fault: bad encoding, unsupported algorithm, key mismatch. */
export class X509Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'X509Error';
  }
}

function wrap<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DerError) throw new X509Error(`${what}: ${e.message}`);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Keys

export type CurveName = 'P-256' | 'P-384' | 'P-521' | 'SM2';

/** A public key as a certificate carries it. */
export type PublicKey = { kind: 'rsa'; n: bigint; e: bigint } | { kind: 'ec'; curve: CurveName; x: Uint8Array; y: Uint8Array };

/** A private key for signing certificates. */
export type PrivateKey = { kind: 'rsa'; key: RsaPrivateKey } | { kind: 'ec'; curve: CurveName; d: bigint; x: Uint8Array; y: Uint8Array };

const CURVES: Readonly<Record<CurveName, { curve: Curve; oid: string; tpm: number }>> = {
  'P-256': { curve: CURVE_NIST_P256, oid: OID.prime256v1, tpm: TPM_ECC.NIST_P256 },
  'P-384': { curve: CURVE_NIST_P384, oid: OID.secp384r1, tpm: TPM_ECC.NIST_P384 },
  'P-521': { curve: CURVE_NIST_P521, oid: OID.secp521r1, tpm: TPM_ECC.NIST_P521 },
  SM2: { curve: CURVE_SM2_P256, oid: OID.sm2, tpm: TPM_ECC.SM2_P256 },
};

function curveByOid(oid: string): CurveName {
  const name = (Object.keys(CURVES) as CurveName[]).find((c) => CURVES[c].oid === oid);
  if (!name) throw new X509Error(`unsupported curve ${oid}`);
  return name;
}

function pad(b: Uint8Array, len: number): Uint8Array {
  if (b.length === len) return b;
  const v = bytesToBigint(b);
  return bigintToBytes(v, len);
}

/** The public key of a TPM object (TPMT_PUBLIC): RSA (exponent 0 = 65537) or ECC on P-256/384/521, SM2 P-256. */
export function publicKeyFromTpmt(pub: TPMT_PUBLIC): PublicKey {
  if (pub.type === TPM_ALG.RSA) {
    const parms = pub.parameters as TPMS_RSA_PARMS;
    const n = bytesToBigint(pub.unique as Uint8Array);
    if (n === 0n) throw new X509Error('RSA public key without a modulus');
    return { kind: 'rsa', n, e: parms.exponent === 0 ? 65537n : BigInt(parms.exponent) };
  }
  if (pub.type === TPM_ALG.ECC) {
    const id = (pub.parameters as TPMS_ECC_PARMS).curveID;
    const curve = (Object.keys(CURVES) as CurveName[]).find((c) => CURVES[c].tpm === id);
    if (!curve) throw new X509Error(`unsupported TPM curve 0x${id.toString(16)}`);
    const { x, y } = pub.unique as TPMS_ECC_POINT;
    const len = CURVES[curve].curve.byteLength;
    if (x.length > len || y.length > len || x.length === 0) throw new X509Error('ECC public point of the wrong size');
    return { kind: 'ec', curve, x: pad(x, len), y: pad(y, len) };
  }
  throw new X509Error(`object type 0x${pub.type.toString(16)} has no certificate public key`);
}

/** SubjectPublicKeyInfo (RFC 5280 4.1.2.7; RFC 3279 rsaEncryption, RFC 5480 id-ecPublicKey + namedCurve, uncompressed point). */
export function encodeSpki(key: PublicKey): Uint8Array {
  if (key.kind === 'rsa') {
    const rsaKey = derSequence(derUnsignedInteger(bigintToBytes(key.n, byteLen(key.n))), derUnsignedInteger(bigintToBytes(key.e, byteLen(key.e))));
    return derSequence(derSequence(derOid(OID.rsaEncryption), derNull()), derBitString(rsaKey));
  }
  const c = CURVES[key.curve];
  return derSequence(derSequence(derOid(OID.ecPublicKey), derOid(c.oid)), derBitString(concatBytes(Uint8Array.of(4), key.x, key.y)));
}

function byteLen(n: bigint): number {
  return Math.max(1, Math.ceil(n.toString(16).length / 2));
}

/** A parsed SubjectPublicKeyInfo. */
export interface Spki {
  /** The whole SubjectPublicKeyInfo encoding. */
  der: Uint8Array;
  /** The algorithm OID. */
  algorithm: string;
  /** The namedCurve OID of an EC key. */
  curve?: string;
  /** The subjectPublicKey BIT STRING octets. */
  publicKey: Uint8Array;
  /** The decoded key, when the algorithm is one of ours. */
  key?: PublicKey;
}

function parseSpkiNode(n: DerNode): Spki {
  const [alg, bits] = derChildren(n, 'SubjectPublicKeyInfo', DER_TAG.SEQUENCE, [2, 2]);
  const algParts = derChildren(alg, 'SubjectPublicKeyInfo.algorithm', DER_TAG.SEQUENCE, [1, 2]);
  const algorithm = readOid(algParts[0], 'SubjectPublicKeyInfo.algorithm');
  const bs = readBitString(bits, 'subjectPublicKey');
  if (bs.unusedBits !== 0) throw new X509Error('subjectPublicKey has unused bits');
  const out: Spki = { der: n.raw, algorithm, publicKey: bs.bytes };
  if (algorithm === OID.rsaEncryption) {
    const [nn, e] = derChildren(derDecode(bs.bytes), 'RSAPublicKey', DER_TAG.SEQUENCE, [2, 2]);
    out.key = { kind: 'rsa', n: readInteger(nn, 'modulus'), e: readInteger(e, 'publicExponent') };
  } else if (algorithm === OID.ecPublicKey || algorithm === OID.sm2) {
    const curveOid = algorithm === OID.sm2 ? OID.sm2 : readOid(algParts[1], 'namedCurve');
    out.curve = curveOid;
    const known = (Object.keys(CURVES) as CurveName[]).find((c) => CURVES[c].oid === curveOid);
    if (known) {
      const len = CURVES[known].curve.byteLength;
      if (bs.bytes.length !== 1 + 2 * len || bs.bytes[0] !== 4) throw new X509Error('EC public key is not an uncompressed point');
      out.key = { kind: 'ec', curve: known, x: bs.bytes.slice(1, 1 + len), y: bs.bytes.slice(1 + len) };
    }
  }
  return out;
}

/** Parses a DER SubjectPublicKeyInfo. */
export function parseSpki(der: Uint8Array): Spki {
  return wrap('SubjectPublicKeyInfo', () => parseSpkiNode(derDecode(der)));
}

function publicKeysEqual(a: PublicKey, b: PublicKey): boolean {
  if (a.kind === 'rsa' || b.kind === 'rsa') return a.kind === 'rsa' && b.kind === 'rsa' && a.n === b.n && a.e === b.e;
  return a.curve === b.curve && bytesEqual(a.x, b.x) && bytesEqual(a.y, b.y);
}

// ---------------------------------------------------------------------------------------------
// Signers

export type SignatureAlgorithm = 'ecdsa-sha256' | 'ecdsa-sha384' | 'ecdsa-sha512' | 'rsa-pkcs1-sha256' | 'rsa-pkcs1-sha384' | 'rsa-pkcs1-sha512' | 'sm2-sm3';

interface SigInfo {
  oid: string;
  kind: 'ecdsa' | 'rsa' | 'sm2';
  hash?: HashAlgorithm;
}
const SIGNATURES: Readonly<Record<SignatureAlgorithm, SigInfo>> = {
  'ecdsa-sha256': { oid: OID.ecdsaWithSha256, kind: 'ecdsa', hash: SHA256 },
  'ecdsa-sha384': { oid: OID.ecdsaWithSha384, kind: 'ecdsa', hash: SHA384 },
  'ecdsa-sha512': { oid: OID.ecdsaWithSha512, kind: 'ecdsa', hash: SHA512 },
  'rsa-pkcs1-sha256': { oid: OID.sha256WithRSAEncryption, kind: 'rsa', hash: SHA256 },
  'rsa-pkcs1-sha384': { oid: OID.sha384WithRSAEncryption, kind: 'rsa', hash: SHA384 },
  'rsa-pkcs1-sha512': { oid: OID.sha512WithRSAEncryption, kind: 'rsa', hash: SHA512 },
  'sm2-sm3': { oid: OID.sm2WithSm3, kind: 'sm2' },
};

/** The signature algorithm name of an AlgorithmIdentifier OID (undefined when not one of ours). */
export function signatureAlgorithmOf(oid: string): SignatureAlgorithm | undefined {
  return (Object.keys(SIGNATURES) as SignatureAlgorithm[]).find((k) => SIGNATURES[k].oid === oid);
}

/** AlgorithmIdentifier of a signature: RSA with NULL parameters (RFC 4055), ECDSA/SM2 without (RFC 5758). */
function signatureAlgorithmId(alg: SignatureAlgorithm): Uint8Array {
  const s = SIGNATURES[alg];
  return s.kind === 'rsa' ? derSequence(derOid(s.oid), derNull()) : derSequence(derOid(s.oid));
}

/** Signs a TBSCertificate: returns the signatureValue octets (DER Ecdsa-Sig-Value / SM2 signature, or the RSA signature). */
export interface CertificateSigner {
  readonly algorithm: SignatureAlgorithm;
  readonly publicKey: PublicKey;
  sign(tbs: Uint8Array): Uint8Array;
}

function ecSigValue(r: Uint8Array, s: Uint8Array): Uint8Array {
  return derSequence(derUnsignedInteger(r), derUnsignedInteger(s));
}

/** The default signature algorithm of a key: ECDSA with the curve's SHA-2 size, SM2-SM3, RSA PKCS#1 v1.5 with SHA-256. */
export function defaultSignatureAlgorithm(key: PrivateKey | PublicKey): SignatureAlgorithm {
  if (key.kind === 'rsa') return 'rsa-pkcs1-sha256';
  return key.curve === 'SM2' ? 'sm2-sm3' : key.curve === 'P-384' ? 'ecdsa-sha384' : key.curve === 'P-521' ? 'ecdsa-sha512' : 'ecdsa-sha256';
}

function publicOf(key: PrivateKey): PublicKey {
  return key.kind === 'rsa' ? { kind: 'rsa', n: key.key.n, e: key.key.e } : { kind: 'ec', curve: key.curve, x: key.x, y: key.y };
}

/**
 * A certificate signer from a private key: ECDSA (RFC 6979 nonces, so deterministic), RSASSA-
 * PKCS1-v1_5, or SM2 over Z_A ‖ TBS with the default ID "1234567812345678" (GM/T 0015
 * "certificate signing" uses the GB/T 32918.2 message procedure).
 */
export function signerFor(key: PrivateKey, algorithm: SignatureAlgorithm = defaultSignatureAlgorithm(key)): CertificateSigner {
  const s = SIGNATURES[algorithm];
  if (!s) throw new X509Error(`unknown signature algorithm '${String(algorithm)}'`);
  const publicKey = publicOf(key);
  if (s.kind === 'rsa') {
    if (key.kind !== 'rsa') throw new X509Error(`${algorithm} needs an RSA key`);
    return { algorithm, publicKey, sign: (tbs) => rsassaSign(key.key, s.hash!, s.hash!.digest(tbs)) };
  }
  if (key.kind !== 'ec' || (s.kind === 'sm2') !== (key.curve === 'SM2')) throw new X509Error(`${algorithm} does not fit a ${key.kind === 'ec' ? key.curve : 'RSA'} key`);
  const curve = CURVES[key.curve].curve;
  if (s.kind === 'sm2') {
    return { algorithm, publicKey, sign: (tbs) => { const sig = sm2Sign(tbs, key.d, { publicKey: { x: key.x, y: key.y } }); return ecSigValue(sig.r, sig.s); } };
  }
  return { algorithm, publicKey, sign: (tbs) => { const sig = ecdsaSign(curve, key.d, s.hash!.digest(tbs)); return ecSigValue(sig.r, sig.s); } };
}

export interface VerifyOptions {
  /**
   * SM2 distinguishing ID (default "1234567812345678", GM/T 0009). OpenSSL 3.0 signs and checks
   * X.509 SM2 signatures with an empty ID unless given `-sigopt/-vfyopt distid:...`: pass
   * `new Uint8Array(0)` for certificates it made that way.
   */
  sm2Id?: Uint8Array;
}

/** Verifies a signatureValue over `message` with `key` for the AlgorithmIdentifier OID `algOid`. */
export function verifySignatureValue(algOid: string, key: PublicKey, message: Uint8Array, signature: Uint8Array, options: VerifyOptions = {}): boolean {
  const alg = signatureAlgorithmOf(algOid);
  if (!alg) return false;
  const s = SIGNATURES[alg];
  if (s.kind === 'rsa') return key.kind === 'rsa' && rsassaVerify({ n: key.n, e: key.e }, s.hash!, s.hash!.digest(message), signature);
  if (key.kind !== 'ec' || (s.kind === 'sm2') !== (key.curve === 'SM2')) return false;
  let r: Uint8Array;
  let sv: Uint8Array;
  try {
    const [rn, sn] = derChildren(derDecode(signature), 'signature', DER_TAG.SEQUENCE, [2, 2]);
    r = readUnsignedInteger(rn);
    sv = readUnsignedInteger(sn);
  } catch {
    return false;
  }
  if (s.kind === 'sm2') return sm2Verify(message, key.x, key.y, r, sv, { id: options.sm2Id });
  return ecdsaVerify(CURVES[key.curve].curve, key.x, key.y, s.hash!.digest(message), r, sv);
}

// ---------------------------------------------------------------------------------------------
// Names

/**
 * A distinguished name: "CN=vtpm CA,O=Example" (one attribute per RDN, in order; CN, O, OU, C,
 * L, ST, serialNumber; no escaping, so values must not contain ','), a list of [type or OID,
 * value] pairs, or a DER Name used as it is.
 */
export type NameInput = string | readonly (readonly [string, string])[] | Uint8Array;

/** DER Name (RDNSequence). C and serialNumber are PrintableString, the rest UTF8String (RFC 5280 4.1.2.4). */
export function encodeName(name: NameInput): Uint8Array {
  if (name instanceof Uint8Array) {
    wrap('Name', () => expectTag(derDecode(name), DER_TAG.SEQUENCE, 'Name'));
    return name;
  }
  const pairs: readonly (readonly [string, string])[] =
    typeof name === 'string'
      ? name
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p.length > 0)
          .map((p) => {
            const eq = p.indexOf('=');
            if (eq <= 0) throw new X509Error(`bad name component '${p}' (expected TYPE=value)`);
            return [p.slice(0, eq).trim(), p.slice(eq + 1).trim()] as const;
          })
      : name;
  const rdns = pairs.map(([type, value]) => {
    const oid = /^\d+(\.\d+)+$/.test(type) ? type : NAME_ATTRS[type.toUpperCase()];
    if (!oid) throw new X509Error(`unknown name attribute '${type}' (known: ${Object.keys(NAME_ATTRS).join(', ')} or an OID)`);
    const v = oid === OID.countryName || oid === OID.serialNumber ? derPrintableString(value) : derUtf8String(value);
    return derSet(derSequence(derOid(oid), v));
  });
  return derSequence(...rdns);
}

export interface NameAttribute {
  oid: string;
  value: string;
}

export interface ParsedName {
  /** The Name's encoding. */
  der: Uint8Array;
  /** The attributes in order (all RDNs flattened). */
  attributes: NameAttribute[];
  /** "CN=..., O=..." (empty for an empty name). */
  text: string;
}

function parseNameNode(n: DerNode): ParsedName {
  const attributes: NameAttribute[] = [];
  for (const rdn of derChildren(n, 'Name')) {
    for (const atv of derChildren(rdn, 'RelativeDistinguishedName', DER_TAG.SET, [1, 64])) {
      const [t, v] = derChildren(atv, 'AttributeTypeAndValue', DER_TAG.SEQUENCE, [2, 2]);
      const oid = readOid(t);
      let value: string;
      try {
        value = readString(v);
      } catch {
        value = '#' + bytesToHex(v.raw);
      }
      attributes.push({ oid, value });
    }
  }
  return { der: n.raw, attributes, text: attributes.map((a) => `${NAME_SHORT[a.oid] ?? a.oid}=${a.value}`).join(', ') };
}

// ---------------------------------------------------------------------------------------------
// Extensions

export interface Extension {
  oid: string;
  critical: boolean;
  /** The extnValue contents (the DER of the extension's own structure). */
  value: Uint8Array;
}

function encodeExtension(e: Extension): Uint8Array {
  // critical BOOLEAN DEFAULT FALSE: DER omits the default.
  return derSequence(derOid(e.oid), ...(e.critical ? [derBoolean(true)] : []), derOctetString(e.value));
}

/** basicConstraints (RFC 5280 4.2.1.9). */
export function basicConstraints(ca: boolean, pathLen?: number): Extension {
  const body = ca ? [derBoolean(true), ...(pathLen !== undefined ? [derInteger(pathLen)] : [])] : [];
  return { oid: OID.basicConstraints, critical: true, value: derSequence(...body) };
}

/** keyUsage (RFC 5280 4.2.1.3), critical. */
export function keyUsage(...bits: number[]): Extension {
  return { oid: OID.keyUsage, critical: true, value: derNamedBits(bits) };
}

/** extKeyUsage (RFC 5280 4.2.1.12), non-critical as the EK Credential Profile has it. */
export function extKeyUsage(...oids: string[]): Extension {
  return { oid: OID.extKeyUsage, critical: false, value: derSequence(...oids.map(derOid)) };
}

export function subjectKeyIdentifier(keyId: Uint8Array): Extension {
  return { oid: OID.subjectKeyIdentifier, critical: false, value: derOctetString(keyId) };
}

/** authorityKeyIdentifier with keyIdentifier [0] only. */
export function authorityKeyIdentifier(keyId: Uint8Array): Extension {
  return { oid: OID.authorityKeyIdentifier, critical: false, value: derSequence(derImplicit(0, derOctetString(keyId))) };
}

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value. */
export function keyIdentifier(key: PublicKey): Uint8Array {
  return SHA1.digest(parseSpki(encodeSpki(key)).publicKey);
}

// ---------------------------------------------------------------------------------------------
// Building

export interface CertificateFields {
  /** Positive serial number, at most 20 octets (RFC 5280 4.1.2.2). */
  serial: bigint | Uint8Array;
  issuer: NameInput;
  subject: NameInput;
  notBefore: Date;
  notAfter: Date;
  /** The certified key (or a DER SubjectPublicKeyInfo used as it is). */
  publicKey: PublicKey | Uint8Array;
  extensions: readonly Extension[];
  signer: CertificateSigner;
}

function serialInteger(serial: bigint | Uint8Array): Uint8Array {
  const v = serial instanceof Uint8Array ? bytesToBigint(serial) : serial;
  if (v <= 0n) throw new X509Error('certificate serial numbers are positive');
  const enc = derInteger(v);
  if (enc.length - 2 > 20) throw new X509Error('certificate serial number longer than 20 octets');
  return enc;
}

/** The DER TBSCertificate of a version 3 certificate (RFC 5280 4.1). */
export function encodeTbsCertificate(f: CertificateFields): Uint8Array {
  if (f.notAfter.getTime() < f.notBefore.getTime()) throw new X509Error('notAfter is before notBefore');
  const spki = f.publicKey instanceof Uint8Array ? (parseSpki(f.publicKey), f.publicKey) : encodeSpki(f.publicKey);
  const exts = f.extensions.length ? [derExplicit(3, derSequence(...f.extensions.map(encodeExtension)))] : [];
  return derSequence(
    derExplicit(0, derInteger(2)),
    serialInteger(f.serial),
    signatureAlgorithmId(f.signer.algorithm),
    encodeName(f.issuer),
    derSequence(derTime(f.notBefore), derTime(f.notAfter)),
    encodeName(f.subject),
    spki,
    ...exts,
  );
}

/** A signed DER certificate. */
export function buildCertificate(f: CertificateFields): Uint8Array {
  const tbs = encodeTbsCertificate(f);
  return derSequence(tbs, signatureAlgorithmId(f.signer.algorithm), derBitString(f.signer.sign(tbs)));
}

// ---------------------------------------------------------------------------------------------
// Parsing

export interface ParsedExtension extends Extension {
  /** The decoded extnValue (undefined when the value is not DER). */
  node?: DerNode;
}

export interface Certificate {
  der: Uint8Array;
  /** The TBSCertificate encoding (what the signature covers). */
  tbs: Uint8Array;
  /** 1, 2 or 3. */
  version: number;
  serial: bigint;
  /** The signatureAlgorithm OID (the same as the TBSCertificate's, which is checked). */
  signatureAlgorithm: string;
  /** Its name when it is one of ours. */
  signatureAlgorithmName?: SignatureAlgorithm;
  /** The signatureValue octets. */
  signature: Uint8Array;
  issuer: ParsedName;
  subject: ParsedName;
  validity: { notBefore: Date; notAfter: Date };
  spki: Spki;
  extensions: ParsedExtension[];
}

function algorithmOid(n: DerNode, what: string): string {
  const parts = derChildren(n, what, DER_TAG.SEQUENCE, [1, 2]);
  return readOid(parts[0], what);
}

/** Parses a DER (or PEM) certificate strictly. Throws X509Error for anything malformed. */
export function parseCertificate(input: Uint8Array | string): Certificate {
  const der = typeof input === 'string' ? pemDecode(input, 'CERTIFICATE') : input;
  return wrap('certificate', () => {
    const top = derDecode(der);
    const [tbsN, algN, sigN] = derChildren(top, 'Certificate', DER_TAG.SEQUENCE, [3, 3]);
    const tbsParts = derChildren(tbsN, 'TBSCertificate', DER_TAG.SEQUENCE, [6, 10]);
    let i = 0;
    let version = 1;
    if (tbsParts[0].tag === 0xa0) {
      const [v] = derChildren(tbsParts[0], 'version', 0xa0, [1, 1]);
      version = Number(readInteger(v, 'version')) + 1;
      if (version < 2 || version > 3) throw new X509Error(`unsupported certificate version ${version}`);
      i = 1;
    }
    const serial = readInteger(tbsParts[i++], 'serialNumber');
    const innerAlg = tbsParts[i++];
    const signatureAlgorithm = algorithmOid(algN, 'signatureAlgorithm');
    if (!bytesEqual(innerAlg.raw, algN.raw)) throw new X509Error('TBSCertificate signature algorithm differs from signatureAlgorithm');
    const issuer = parseNameNode(tbsParts[i++]);
    const [nb, na] = derChildren(tbsParts[i++], 'validity', DER_TAG.SEQUENCE, [2, 2]);
    const subject = parseNameNode(tbsParts[i++]);
    const spki = parseSpkiNode(tbsParts[i++]);
    const extensions: ParsedExtension[] = [];
    for (; i < tbsParts.length; i++) {
      const n = tbsParts[i];
      if (n.tag === 0x81 || n.tag === 0x82) {
        if (version < 2) throw new X509Error('unique identifiers in a version 1 certificate');
        continue;
      }
      if (n.tag !== 0xa3) throw new X509Error(`unexpected TBSCertificate field (tag 0x${n.tag.toString(16)})`);
      if (version !== 3) throw new X509Error('extensions in a certificate before version 3');
      const [list] = derChildren(n, 'extensions', 0xa3, [1, 1]);
      for (const e of derChildren(list, 'Extensions', DER_TAG.SEQUENCE, [1, 1000])) {
        const parts = derChildren(e, 'Extension', DER_TAG.SEQUENCE, [2, 3]);
        const oid = readOid(parts[0], 'extnID');
        let critical = false;
        if (parts.length === 3) {
          critical = readBoolean(parts[1], 'critical');
          if (!critical) throw new X509Error(`extension ${oid}: critical FALSE must be omitted in DER`);
        }
        const value = readOctetString(parts[parts.length - 1], 'extnValue');
        if (extensions.some((x) => x.oid === oid)) throw new X509Error(`extension ${oid} appears twice`);
        let node: DerNode | undefined;
        try {
          node = derDecode(value);
        } catch {
          node = undefined;
        }
        extensions.push({ oid, critical, value, node });
      }
    }
    const sig = readBitString(sigN, 'signatureValue');
    if (sig.unusedBits !== 0) throw new X509Error('signatureValue has unused bits');
    return {
      der,
      tbs: tbsN.raw,
      version,
      serial,
      signatureAlgorithm,
      signatureAlgorithmName: signatureAlgorithmOf(signatureAlgorithm),
      signature: sig.bytes,
      issuer,
      subject,
      validity: { notBefore: readTime(nb, 'notBefore'), notAfter: readTime(na, 'notAfter') },
      spki,
      extensions,
    };
  });
}

const asCert = (c: Certificate | Uint8Array | string): Certificate => (c instanceof Uint8Array || typeof c === 'string' ? parseCertificate(c) : c);

/** The extension with this OID, if present. */
export function findExtension(cert: Certificate, oid: string): ParsedExtension | undefined {
  return cert.extensions.find((e) => e.oid === oid);
}

/**
 * Is `cert` signed by `issuerCert`'s key, with issuer = issuerCert's subject (octet for octet)?
 * ECDSA (SHA-256/384/512), RSASSA-PKCS1-v1_5 (SHA-256/384/512) and SM2-with-SM3 (default ID).
 * Validity periods and extensions are not checked here.
 */
export function verifyCertificate(cert: Certificate | Uint8Array | string, issuerCert: Certificate | Uint8Array | string, options: VerifyOptions = {}): boolean {
  const c = asCert(cert);
  const i = asCert(issuerCert);
  if (!bytesEqual(c.issuer.der, i.subject.der) || !i.spki.key) return false;
  return verifySignatureValue(c.signatureAlgorithm, i.spki.key, c.tbs, c.signature, options);
}

/** Does the certificate carry the public key of this TPM object? */
export function certificatePublicMatches(cert: Certificate | Uint8Array | string, pub: TPMT_PUBLIC): boolean {
  const c = asCert(cert);
  let key: PublicKey;
  try {
    key = publicKeyFromTpmt(pub);
  } catch {
    return false;
  }
  return c.spki.key !== undefined && publicKeysEqual(c.spki.key, key);
}

/** The TCG content of an EK / platform / IAK certificate, decoded (fields absent when the extension is). */
export interface TcgCertificateInfo {
  /** tpmManufacturer, e.g. "id:5654504D". */
  manufacturer?: string;
  model?: string;
  version?: string;
  platformManufacturer?: string;
  platformModel?: string;
  platformVersion?: string;
  /** TPMSpecification from subjectDirectoryAttributes. */
  specification?: { family: string; level: number; revision: number };
  /** hardwareModuleName (IAK/IDevID). */
  hardwareModule?: { hwType: string; hwSerialNum: Uint8Array };
  extKeyUsage: string[];
  keyUsage: number[];
  basicConstraints?: { ca: boolean; critical: boolean };
  sanCritical?: boolean;
}

type SanField = 'manufacturer' | 'model' | 'version' | 'platformManufacturer' | 'platformModel' | 'platformVersion';
const SAN_FIELDS: Readonly<Record<string, SanField>> = {
  [OID.tpmManufacturer]: 'manufacturer',
  [OID.tpmModel]: 'model',
  [OID.tpmVersion]: 'version',
  [OID.platformManufacturer]: 'platformManufacturer',
  [OID.platformModel]: 'platformModel',
  [OID.platformVersion]: 'platformVersion',
};

/** Reads the TCG fields of a certificate (EK Credential Profile "EK Certificate" content). */
export function tcgCertificateInfo(cert: Certificate | Uint8Array | string): TcgCertificateInfo {
  const c = asCert(cert);
  const out: TcgCertificateInfo = { extKeyUsage: [], keyUsage: [] };
  return wrap('TCG certificate fields', () => {
    const san = findExtension(c, OID.subjectAltName);
    if (san?.node) {
      out.sanCritical = san.critical;
      for (const gn of derChildren(san.node, 'GeneralNames')) {
        if (gn.tag === 0xa4) {
          const [name] = derChildren(gn, 'directoryName', 0xa4, [1, 1]);
          for (const a of parseNameNode(name).attributes) {
            const key = SAN_FIELDS[a.oid];
            if (key) out[key] = a.value;
          }
        } else if (gn.tag === 0xa0) {
          const [typeId, value] = derChildren(gn, 'otherName', 0xa0, [2, 2]);
          if (readOid(typeId) === OID.hardwareModuleName) {
            const [hw] = derChildren(value, 'otherName value', 0xa0, [1, 1]);
            const [t, sn] = derChildren(hw, 'HardwareModuleName', DER_TAG.SEQUENCE, [2, 2]);
            out.hardwareModule = { hwType: readOid(t), hwSerialNum: readOctetString(sn) };
          }
        }
      }
    }
    const sda = findExtension(c, OID.subjectDirectoryAttributes);
    if (sda?.node) {
      for (const attr of derChildren(sda.node, 'SubjectDirectoryAttributes')) {
        const [t, values] = derChildren(attr, 'Attribute', DER_TAG.SEQUENCE, [2, 2]);
        if (readOid(t) !== OID.tpmSpecification) continue;
        const [spec] = derChildren(values, 'TPMSpecification values', DER_TAG.SET, [1, 1]);
        const [family, level, revision] = derChildren(spec, 'TPMSpecification', DER_TAG.SEQUENCE, [3, 3]);
        out.specification = { family: readString(family), level: Number(readInteger(level)), revision: Number(readInteger(revision)) };
      }
    }
    const eku = findExtension(c, OID.extKeyUsage);
    if (eku?.node) out.extKeyUsage = derChildren(eku.node, 'extKeyUsage').map((n) => readOid(n));
    const ku = findExtension(c, OID.keyUsage);
    if (ku?.node) out.keyUsage = readNamedBits(ku.node, 'keyUsage');
    const bc = findExtension(c, OID.basicConstraints);
    if (bc?.node) {
      const parts = derChildren(bc.node, 'basicConstraints');
      out.basicConstraints = { ca: parts[0]?.tag === DER_TAG.BOOLEAN ? readBoolean(parts[0]) : false, critical: bc.critical };
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Private keys: PKCS #8 (RFC 5208), SEC 1 ECPrivateKey (RFC 5915), PKCS #1 RSAPrivateKey (RFC 8017 A.1.2)

function ecPrivateKeyDer(key: Extract<PrivateKey, { kind: 'ec' }>, withParams: boolean): Uint8Array {
  const c = CURVES[key.curve];
  return derSequence(
    derInteger(1),
    derOctetString(bigintToBytes(key.d, c.curve.byteLength)),
    ...(withParams ? [derExplicit(0, derOid(c.oid))] : []),
    derExplicit(1, derBitString(concatBytes(Uint8Array.of(4), key.x, key.y))),
  );
}

function rsaPrivateKeyDer(k: RsaPrivateKey): Uint8Array {
  const int = (v: bigint) => derUnsignedInteger(bigintToBytes(v, byteLen(v)));
  return derSequence(derInteger(0), int(k.n), int(k.e), int(k.d), int(k.p), int(k.q), int(k.dp), int(k.dq), int(k.qinv));
}

/** PKCS #8 PrivateKeyInfo DER (EC keys name their curve in the AlgorithmIdentifier, as OpenSSL writes them). */
export function encodePrivateKey(key: PrivateKey): Uint8Array {
  if (key.kind === 'rsa') return derSequence(derInteger(0), derSequence(derOid(OID.rsaEncryption), derNull()), derOctetString(rsaPrivateKeyDer(key.key)));
  return derSequence(derInteger(0), derSequence(derOid(OID.ecPublicKey), derOid(CURVES[key.curve].oid)), derOctetString(ecPrivateKeyDer(key, false)));
}

/** "-----BEGIN PRIVATE KEY-----" (PKCS #8, unencrypted). */
export function privateKeyToPem(key: PrivateKey): string {
  return pemEncode('PRIVATE KEY', encodePrivateKey(key));
}

function ecKeyFrom(curve: CurveName, d: bigint, pubBits?: Uint8Array): PrivateKey {
  const c = CURVES[curve].curve;
  if (d <= 0n || d >= c.n) throw new X509Error('EC private key out of range');
  const { x, y } = eccPublicFromPrivate(c, d);
  if (curve === 'SM2' && d > c.n - 2n) throw new X509Error('SM2 private key out of range');
  if (pubBits && !bytesEqual(pubBits, concatBytes(Uint8Array.of(4), x, y))) throw new X509Error('EC private key does not match its public key');
  return { kind: 'ec', curve, d, x, y };
}

function parseEcPrivateKey(n: DerNode, curveOid?: string): PrivateKey {
  const parts = derChildren(n, 'ECPrivateKey', DER_TAG.SEQUENCE, [2, 4]);
  if (readInteger(parts[0], 'ECPrivateKey.version') !== 1n) throw new X509Error('ECPrivateKey version must be 1');
  const d = bytesToBigint(readOctetString(parts[1], 'ECPrivateKey.privateKey'));
  let oid = curveOid;
  let pub: Uint8Array | undefined;
  for (const p of parts.slice(2)) {
    if (p.tag === 0xa0) {
      const [o] = derChildren(p, 'ECPrivateKey.parameters', 0xa0, [1, 1]);
      const inner = readOid(o, 'namedCurve');
      if (oid && inner !== oid) throw new X509Error('ECPrivateKey curve differs from the AlgorithmIdentifier');
      oid = inner;
    } else if (p.tag === 0xa1) {
      const [b] = derChildren(p, 'ECPrivateKey.publicKey', 0xa1, [1, 1]);
      pub = readBitString(b).bytes;
    } else {
      throw new X509Error('unexpected ECPrivateKey field');
    }
  }
  if (!oid) throw new X509Error('EC private key without a named curve');
  return ecKeyFrom(curveByOid(oid), d, pub);
}

function parseRsaPrivateKey(n: DerNode): PrivateKey {
  const parts = derChildren(n, 'RSAPrivateKey', DER_TAG.SEQUENCE, [9, 10]);
  if (readInteger(parts[0]) !== 0n) throw new X509Error('multi-prime RSA keys are not supported');
  const [nn, e, , p, q] = parts.slice(1, 6).map((x) => readInteger(x));
  if (p < 3n || q < 3n || e < 3n || (e & 1n) === 0n || p * q !== nn) throw new X509Error('RSAPrivateKey: not a key (primes, exponent or modulus)');
  let key: RsaPrivateKey;
  try {
    key = rsaPrivateKeyFromPrimes(p, q, e);
  } catch (err) {
    throw new X509Error(`RSAPrivateKey: not a key (${err instanceof Error ? err.message : String(err)})`);
  }
  if (key.n !== nn) throw new X509Error('RSAPrivateKey modulus is not p·q');
  return { kind: 'rsa', key };
}

function parsePkcs8(n: DerNode): PrivateKey {
  const parts = derChildren(n, 'PrivateKeyInfo', DER_TAG.SEQUENCE, [3, 5]);
  const v = readInteger(parts[0], 'PrivateKeyInfo.version');
  if (v !== 0n && v !== 1n) throw new X509Error('PrivateKeyInfo version must be 0 or 1');
  const alg = derChildren(parts[1], 'privateKeyAlgorithm', DER_TAG.SEQUENCE, [1, 2]);
  const oid = readOid(alg[0]);
  const inner = derDecode(readOctetString(parts[2], 'privateKey'));
  if (oid === OID.rsaEncryption) return parseRsaPrivateKey(inner);
  if (oid === OID.ecPublicKey) return parseEcPrivateKey(inner, alg[1]?.tag === DER_TAG.OID ? readOid(alg[1]) : undefined);
  if (oid === OID.sm2) return parseEcPrivateKey(inner, OID.sm2);
  throw new X509Error(`unsupported private key algorithm ${oid}`);
}

/**
 * A private key from PEM or DER: PKCS #8 "PRIVATE KEY" (RSA, EC P-256/384/521, SM2), SEC 1 "EC
 * PRIVATE KEY", PKCS #1 "RSA PRIVATE KEY". Encrypted keys are refused (decrypt them with
 * `openssl pkey` first).
 */
export function parsePrivateKey(input: string | Uint8Array): PrivateKey {
  return wrap('private key', () => {
    if (input instanceof Uint8Array) return parsePkcs8(derDecode(input));
    const blocks = pemBlocks(input);
    const b = blocks.find((x) => /PRIVATE KEY$/.test(x.label));
    if (!b) throw new X509Error('no PRIVATE KEY block in the PEM text');
    if (b.label === 'PRIVATE KEY') return parsePkcs8(derDecode(b.der));
    if (b.label === 'EC PRIVATE KEY') return parseEcPrivateKey(derDecode(b.der));
    if (b.label === 'RSA PRIVATE KEY') return parseRsaPrivateKey(derDecode(b.der));
    if (b.label === 'ENCRYPTED PRIVATE KEY') throw new X509Error('encrypted private keys are not supported (decrypt with `openssl pkey -in KEY -out PLAIN`)');
    throw new X509Error(`unsupported PEM block '${b.label}'`);
  });
}

// ---------------------------------------------------------------------------------------------
// CA

/** A certificate authority that signs TPM certificates. */
export interface Ca {
  /** DER certificate. */
  readonly certificate: Uint8Array;
  readonly parsed: Certificate;
  readonly privateKey: PrivateKey;
  readonly signer: CertificateSigner;
  /** Subject key identifier (from the certificate's extension, else RFC 5280 method 1). */
  readonly keyId: Uint8Array;
  /** The certificate as PEM. */
  pem(): string;
  /** The private key as PKCS #8 PEM. */
  keyPem(): string;
}

export type CaKeyAlg = 'ecc-p256' | 'ecc-p384' | 'rsa2048' | 'sm2-p256';

export interface CreateCaOptions {
  /** Default 'ecc-p256'. */
  keyAlg?: CaKeyAlg;
  /** Default "CN=vtpm EK CA,O=vtpm". */
  subject?: NameInput;
  /** Randomness for the key and serial (default: the platform CSPRNG unless `seed` is given). */
  rng?: Rng;
  /** Deterministic CA: key and serial from an HMAC-DRBG seeded with these bytes (or UTF-8 text). */
  seed?: Uint8Array | string;
  /** Default: now (whole seconds). */
  notBefore?: Date;
  /** Default 9999-12-31T23:59:59Z (RFC 5280 4.1.2.5: no well-defined expiration). */
  notAfter?: Date;
  signatureAlgorithm?: SignatureAlgorithm;
}

/** RFC 5280 4.1.2.5: 99991231235959Z means "no well-defined expiration date". */
export const NO_EXPIRY: Date = /* @__PURE__ */ new Date(Date.UTC(9999, 11, 31, 23, 59, 59));

export function nowSeconds(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

function randomSerial(rng: Rng): bigint {
  const b = rng.bytes(16);
  b[0] = (b[0] & 0x7f) | 0x40; // positive, 16 octets
  return bytesToBigint(b);
}

function makeCa(certificate: Uint8Array, privateKey: PrivateKey, signatureAlgorithm?: SignatureAlgorithm): Ca {
  const parsed = parseCertificate(certificate);
  if (!parsed.spki.key || !publicKeysEqual(parsed.spki.key, publicOf(privateKey))) throw new X509Error('the CA private key does not match the CA certificate');
  const ski = findExtension(parsed, OID.subjectKeyIdentifier);
  const keyId = ski?.node ? readOctetString(ski.node) : keyIdentifier(parsed.spki.key);
  const signer = signerFor(privateKey, signatureAlgorithm);
  return {
    certificate,
    parsed,
    privateKey,
    signer,
    keyId,
    pem: () => pemEncode('CERTIFICATE', certificate),
    keyPem: () => privateKeyToPem(privateKey),
  };
}

function generateKey(alg: CaKeyAlg, rng: Rng): PrivateKey {
  switch (alg) {
    case 'ecc-p256':
    case 'ecc-p384': {
      const curve: CurveName = alg === 'ecc-p256' ? 'P-256' : 'P-384';
      const k = eccGenerateKey(CURVES[curve].curve, rng);
      return { kind: 'ec', curve, d: k.d, x: k.x, y: k.y };
    }
    case 'sm2-p256': {
      const k = sm2GenerateKey(rng);
      return { kind: 'ec', curve: 'SM2', d: k.d, x: k.x, y: k.y };
    }
    case 'rsa2048':
      return { kind: 'rsa', key: rsaGenerateKey(2048, rng) };
    default:
      throw new X509Error(`unknown CA key algorithm '${String(alg)}' (ecc-p256, ecc-p384, rsa2048, sm2-p256)`);
  }
}

/** A self-signed root CA (basicConstraints CA:TRUE, keyUsage keyCertSign|cRLSign, subject key identifier). */
export function createCa(options: CreateCaOptions = {}): Ca {
  const rng = options.rng ?? (options.seed !== undefined ? createDrbg(typeof options.seed === 'string' ? utf8(options.seed) : options.seed) : systemRng());
  const privateKey = generateKey(options.keyAlg ?? 'ecc-p256', rng);
  const signer = signerFor(privateKey, options.signatureAlgorithm);
  const publicKey = publicOf(privateKey);
  const keyId = keyIdentifier(publicKey);
  const subject = encodeName(options.subject ?? 'CN=vtpm EK CA,O=vtpm');
  const certificate = buildCertificate({
    serial: randomSerial(rng),
    issuer: subject,
    subject,
    notBefore: options.notBefore ?? nowSeconds(),
    notAfter: options.notAfter ?? NO_EXPIRY,
    publicKey,
    extensions: [basicConstraints(true), keyUsage(KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign), subjectKeyIdentifier(keyId), authorityKeyIdentifier(keyId)],
    signer,
  });
  return makeCa(certificate, privateKey, options.signatureAlgorithm);
}

/**
 * A CA from its certificate (PEM or DER) and private key (PKCS #8, SEC 1 or PKCS #1 PEM; PKCS #8
 * DER), e.g. made with `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 ...`.
 */
export function loadCa(certificate: string | Uint8Array, key: string | Uint8Array, signatureAlgorithm?: SignatureAlgorithm): Ca {
  const der = typeof certificate === 'string' ? pemDecode(certificate, 'CERTIFICATE') : certificate;
  return makeCa(der, parsePrivateKey(key), signatureAlgorithm);
}

// ---------------------------------------------------------------------------------------------
// TPM certificates

export type TpmCertificateKind = 'ek' | 'platform' | 'iak' | 'idevid';

export interface TpmCertificateOptions {
  /** The certified key (the EK, or the IAK / IDevID). */
  ekPublic: TPMT_PUBLIC;
  ca: Ca;
  /** Default 'ek'. */
  kind?: TpmCertificateKind;
  /** Default: derived from the CA key id and the key (SHA-256, 16 octets, positive), so it is deterministic. */
  serial?: bigint | Uint8Array;
  /** Default: now (whole seconds). */
  notBefore?: Date;
  /** Default 9999-12-31T23:59:59Z. */
  notAfter?: Date;
  /** TPM_PT_MANUFACTURER (EK, platform): "id:" + 8 upper-case hex digits. */
  manufacturer?: number;
  /** tpmModel (EK, platform): e.g. the vendor strings. */
  model?: string;
  /** TPM_PT_FIRMWARE_VERSION_1 (or [1, 2]); tpmVersion is "id:" + 8 hex digits of the first. */
  version?: number | readonly number[];
  /** TPMSpecification (EK): family "2.0", level 0, revision e.g. 159 (TPM_PT_REVISION). */
  specFamily?: string;
  specLevel?: number;
  specRevision?: number;
  /** Platform certificate: platformManufacturer, platformModel, platformVersion. */
  platform?: { manufacturer: string; model: string; version: string };
  /** IAK / IDevID hardwareModuleName hwSerialNum (required for those kinds). */
  hwSerialNum?: Uint8Array | string;
  /** Default empty (EK Credential Profile); with an empty subject the SAN is critical (RFC 5280 4.2.1.6). */
  subject?: NameInput;
  /** Extra extensions appended as given. */
  extensions?: readonly Extension[];
}

const idHex = (v: number) => 'id:' + (v >>> 0).toString(16).toUpperCase().padStart(8, '0');

function dirName(...attrs: [string, string][]): Uint8Array {
  // GeneralName directoryName [4]: Name is a CHOICE, so the tag is explicit.
  return derExplicit(4, derSequence(...attrs.map(([oid, v]) => derSet(derSequence(derOid(oid), derUtf8String(v))))));
}

function isDecryptKey(pub: TPMT_PUBLIC): boolean {
  return (pub.objectAttributes & TPMA_OBJECT.decrypt) !== 0;
}

function isSignKey(pub: TPMT_PUBLIC): boolean {
  return (pub.objectAttributes & TPMA_OBJECT.sign_encrypt) !== 0;
}

/**
 * A TPM credential (DER), signed by `ca`:
 * - 'ek' (TCG EK Credential Profile "EK Certificate"): empty subject; critical SAN directoryName
 *   with tpmManufacturer "id:XXXXXXXX", tpmModel, tpmVersion "id:XXXXXXXX";
 *   subjectDirectoryAttributes TPMSpecification {family, level, revision}; basicConstraints
 *   CA:FALSE (critical); keyUsage (critical) keyEncipherment for an RSA decryption EK,
 *   keyAgreement for an ECC one, digitalSignature for a signing EK; extKeyUsage
 *   tcg-kp-EKCertificate; authorityKeyIdentifier = the CA's key id.
 * - 'platform': as 'ek' with SAN platformManufacturer/Model/Version (2.23.133.5.1.x), extKeyUsage
 *   tcg-kp-PlatformCertificate, no TPMSpecification (swtpm's X.509 platform certificate).
 * - 'iak' / 'idevid' (TPM 2.0 Keys for Device Identity and Attestation): SAN otherName
 *   hardwareModuleName {hwType 2.23.133.1.2, hwSerialNum} (RFC 4108), keyUsage digitalSignature,
 *   IAK extKeyUsage tcg-kp-AIKCertificate.
 */
export function tpmCertificate(o: TpmCertificateOptions): Uint8Array {
  const kind = o.kind ?? 'ek';
  const publicKey = publicKeyFromTpmt(o.ekPublic);
  const subject = encodeName(o.subject ?? []);
  const sanCritical = subject.length === 2; // empty RDNSequence
  const exts: Extension[] = [];
  const need = <T>(v: T | undefined, name: string): T => {
    if (v === undefined) throw new X509Error(`${kind} certificate: '${name}' is required`);
    return v;
  };
  if (kind === 'ek' || kind === 'platform') {
    if (kind === 'ek') {
      const version = need(o.version, 'version');
      const fw = typeof version === 'number' ? version : version[0];
      exts.push({ oid: OID.subjectAltName, critical: sanCritical, value: derSequence(dirName([OID.tpmManufacturer, idHex(need(o.manufacturer, 'manufacturer'))], [OID.tpmModel, need(o.model, 'model')], [OID.tpmVersion, idHex(fw)])) });
    } else {
      const p = need(o.platform, 'platform');
      exts.push({ oid: OID.subjectAltName, critical: sanCritical, value: derSequence(dirName([OID.platformManufacturer, p.manufacturer], [OID.platformModel, p.model], [OID.platformVersion, p.version])) });
    }
    exts.push(basicConstraints(false));
    if (kind === 'ek') {
      const spec = derSequence(derUtf8String(o.specFamily ?? '2.0'), derInteger(o.specLevel ?? 0), derInteger(need(o.specRevision, 'specRevision')));
      exts.push({ oid: OID.subjectDirectoryAttributes, critical: false, value: derSequence(derSequence(derOid(OID.tpmSpecification), derSet(spec))) });
    }
    exts.push(authorityKeyIdentifier(o.ca.keyId));
    const bits: number[] = [];
    if (isSignKey(o.ekPublic)) bits.push(KEY_USAGE.digitalSignature);
    if (isDecryptKey(o.ekPublic) || !isSignKey(o.ekPublic)) bits.push(publicKey.kind === 'rsa' ? KEY_USAGE.keyEncipherment : KEY_USAGE.keyAgreement);
    exts.push(keyUsage(...bits));
    exts.push(extKeyUsage(kind === 'ek' ? OID.ekCertificate : OID.platformCertificate));
  } else if (kind === 'iak' || kind === 'idevid') {
    const sn = need(o.hwSerialNum, 'hwSerialNum');
    const hwSerialNum = typeof sn === 'string' ? utf8(sn) : sn;
    const hwModule = derSequence(derOid(OID.tpm2HwType), derOctetString(hwSerialNum));
    // GeneralName otherName [0] IMPLICIT OtherName { type-id, value [0] EXPLICIT ANY }.
    const otherName = derImplicit(0, derSequence(derOid(OID.hardwareModuleName), derExplicit(0, hwModule)));
    exts.push({ oid: OID.subjectAltName, critical: sanCritical, value: derSequence(otherName) });
    exts.push(basicConstraints(false));
    exts.push(authorityKeyIdentifier(o.ca.keyId));
    exts.push(keyUsage(KEY_USAGE.digitalSignature));
    if (kind === 'iak') exts.push(extKeyUsage(OID.aikCertificate));
  } else {
    throw new X509Error(`unknown certificate kind '${String(kind)}' (ek, platform, iak, idevid)`);
  }
  exts.push(...(o.extensions ?? []));
  const serial = o.serial ?? defaultSerial(o.ca, publicKey, kind);
  return buildCertificate({
    serial,
    issuer: o.ca.parsed.subject.der,
    subject,
    notBefore: o.notBefore ?? nowSeconds(),
    notAfter: o.notAfter ?? NO_EXPIRY,
    publicKey,
    extensions: exts,
    signer: o.ca.signer,
  });
}

/** The EK certificate (tpmCertificate with kind 'ek' unless another is given). */
export function ekCertificate(o: TpmCertificateOptions): Uint8Array {
  return tpmCertificate({ ...o, kind: o.kind ?? 'ek' });
}

/** SHA-256(CA key id ‖ kind ‖ SubjectPublicKeyInfo), 16 octets, top bit clear: unique per CA and key. */
function defaultSerial(ca: Ca, key: PublicKey, kind: string): bigint {
  const h = SHA256.digest(ca.keyId, utf8(kind), encodeSpki(key)).subarray(0, 16);
  h[0] = (h[0] & 0x7f) | 0x40;
  return bytesToBigint(h);
}

// ---------------------------------------------------------------------------------------------
// PEM (RFC 7468) and base64 (RFC 4648), without the platform's Buffer/btoa

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX: Int16Array = /* @__PURE__ */ (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

export function base64Encode(b: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    s += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + B64[v & 63];
  }
  if (i < b.length) {
    const v = (b[i] << 16) | ((b[i + 1] ?? 0) << 8);
    s += B64[v >> 18] + B64[(v >> 12) & 63] + (i + 1 < b.length ? B64[(v >> 6) & 63] : '=') + '=';
  }
  return s;
}

/** Strict base64 (whitespace ignored; padding required; no other characters). */
export function base64Decode(text: string): Uint8Array {
  const s = text.replace(/\s+/g, '');
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new X509Error('invalid base64');
  const padLen = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - padLen);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const c = [0, 1, 2, 3].map((k) => (s[i + k] === '=' ? 0 : B64_INDEX[s.charCodeAt(i + k)]));
    const v = (c[0] << 18) | (c[1] << 12) | (c[2] << 6) | c[3];
    if (o < out.length) out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 0xff;
    if (o < out.length) out[o++] = v & 0xff;
  }
  return out;
}

/** PEM text with 64-character lines. */
export function pemEncode(label: string, der: Uint8Array): string {
  const b = base64Encode(der);
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 64) lines.push(b.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** All PEM blocks of a text, in order (explanatory text between blocks is ignored). */
export function pemBlocks(text: string): { label: string; der: Uint8Array }[] {
  const out: { label: string; der: Uint8Array }[] = [];
  // One pass: each BEGIN line pairs with the next END line (linear in the text's length).
  const begin = /-----BEGIN ([A-Z0-9 ]+)-----/g;
  const end = /-----END ([A-Z0-9 ]+)-----/g;
  for (let b; (b = begin.exec(text)); ) {
    end.lastIndex = begin.lastIndex;
    const e = end.exec(text);
    if (!e) break;
    const body = text.slice(begin.lastIndex, e.index);
    if (body.includes('-----BEGIN ')) throw new X509Error(`PEM block ${b[1]} contains another BEGIN line`);
    if (b[1] !== e[1]) throw new X509Error(`PEM block BEGIN ${b[1]} ends with END ${e[1]}`);
    if (/^[^\n]*:/m.test(body.trim())) throw new X509Error(`PEM block ${b[1]} has headers (encrypted PEM is not supported)`);
    out.push({ label: b[1], der: base64Decode(body) });
    begin.lastIndex = end.lastIndex;
  }
  return out;
}

/** The DER of the first PEM block with this label (e.g. 'CERTIFICATE'). */
export function pemDecode(text: string, label: string): Uint8Array {
  const b = pemBlocks(text).find((x) => x.label === label);
  if (!b) throw new X509Error(`no '${label}' PEM block`);
  return b.der;
}
