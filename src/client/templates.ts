/**
 * Key templates: TPMT_PUBLIC values for TPM2_CreatePrimary, TPM2_Create and TPM2_CreateLoaded
 * (TPM 2.0 Part 2 "TPMT_PUBLIC"; Part 1 "Object Attributes").
 *
 * - Storage root keys: TCG "TPM v2.0 Provisioning Guidance" SRK templates, and the defaults of
 *   tpm2-tools `tpm2_createprimary`.
 * - Endorsement keys: TCG "EK Credential Profile for TPM Family 2.0" templates L-1, L-2 (low range)
 *   and H-1..H-7 (high range), with their policies PolicyA, PolicyB and PolicyC.
 * - Attestation keys: tpm2-tools `tpm2_createak` defaults, and the IAK/IDevID templates of TCG
 *   "TPM 2.0 Keys for Device Identity and Attestation".
 * - General keys: RSA/ECC signing or decryption keys, HMAC keys, sealed data, symmetric keys.
 *
 * Every call returns a fresh object (no shared Uint8Array), so callers may modify it.
 */
import { hexToBytes } from '../crypto/bytes.js';
import { TPM_ALG, TPM_ECC, TPMA_NV, TPMA_OBJECT } from '../gen/constants.js';
import type {
  TPMS_ECC_POINT,
  TPMS_NV_PUBLIC,
  TPMT_KDF_SCHEME,
  TPMT_PUBLIC,
  TPMT_SYM_DEF_OBJECT,
  TPMU_ASYM_SCHEME,
  TPMU_PUBLIC_ID,
} from '../gen/types.js';

const A = TPMA_OBJECT;

/** Object attribute masks the templates use (TPMA_OBJECT bits; Part 2 "TPMA_OBJECT"). */
export const TEMPLATE_ATTRIBUTES = Object.freeze({
  /** Provisioning Guidance SRK: fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|noDA|restricted|decrypt. */
  srk: A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.noDA | A.restricted | A.decrypt,
  /** tpm2_createprimary default: the SRK attributes without noDA. */
  tpm2ToolsPrimary: A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.restricted | A.decrypt,
  /** EK Credential Profile low range: fixedTPM|fixedParent|sensitiveDataOrigin|adminWithPolicy|restricted|decrypt. */
  ekLow: A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.adminWithPolicy | A.restricted | A.decrypt,
  /** EK Credential Profile high range: the low-range attributes plus userWithAuth. */
  ekHigh: A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.adminWithPolicy | A.restricted | A.decrypt,
  /** tpm2_createak default: fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|sign. */
  ak: A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.restricted | A.sign_encrypt,
  /** Device Identity IAK: the AK attributes plus adminWithPolicy. */
  iak: A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.adminWithPolicy | A.restricted | A.sign_encrypt,
  /** Device Identity IDevID: the IAK attributes without restricted. */
  idevid: A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth | A.adminWithPolicy | A.sign_encrypt,
  /** An ordinary TPM-generated key (add sign and/or decrypt). */
  key: A.fixedTPM | A.fixedParent | A.sensitiveDataOrigin | A.userWithAuth,
  /** A sealed data object: fixedTPM|fixedParent (plus userWithAuth unless a policy gates it). */
  sealed: A.fixedTPM | A.fixedParent,
});

// ---------------------------------------------------------------------------------------------
// Algorithm sets

/** The asymmetric algorithm sets of the EK Credential Profile (also used for SRKs and AKs). */
export type KeyAlg = 'rsa2048' | 'rsa3072' | 'rsa4096' | 'ecc-p256' | 'ecc-p384' | 'ecc-p521' | 'sm2-p256';

interface AlgSet {
  type: number;
  /** RSA modulus bits, or the curve's key size in bits. */
  bits: number;
  curve: number;
  nameAlg: number;
  sym: [algorithm: number, keyBits: number];
}

// EK Credential Profile "Template H-1" .. "Template H-7": name algorithm and storage cipher per key.
const ALG_SETS: Readonly<Record<KeyAlg, AlgSet>> = {
  rsa2048: { type: TPM_ALG.RSA, bits: 2048, curve: TPM_ECC.NONE, nameAlg: TPM_ALG.SHA256, sym: [TPM_ALG.AES, 128] },
  rsa3072: { type: TPM_ALG.RSA, bits: 3072, curve: TPM_ECC.NONE, nameAlg: TPM_ALG.SHA384, sym: [TPM_ALG.AES, 256] },
  rsa4096: { type: TPM_ALG.RSA, bits: 4096, curve: TPM_ECC.NONE, nameAlg: TPM_ALG.SHA384, sym: [TPM_ALG.AES, 256] },
  'ecc-p256': { type: TPM_ALG.ECC, bits: 256, curve: TPM_ECC.NIST_P256, nameAlg: TPM_ALG.SHA256, sym: [TPM_ALG.AES, 128] },
  'ecc-p384': { type: TPM_ALG.ECC, bits: 384, curve: TPM_ECC.NIST_P384, nameAlg: TPM_ALG.SHA384, sym: [TPM_ALG.AES, 256] },
  'ecc-p521': { type: TPM_ALG.ECC, bits: 521, curve: TPM_ECC.NIST_P521, nameAlg: TPM_ALG.SHA512, sym: [TPM_ALG.AES, 256] },
  'sm2-p256': { type: TPM_ALG.ECC, bits: 256, curve: TPM_ECC.SM2_P256, nameAlg: TPM_ALG.SM3_256, sym: [TPM_ALG.SM4, 128] },
};

function algSet(alg: KeyAlg): AlgSet {
  const s = ALG_SETS[alg];
  if (!s) throw new Error(`templates: unknown key algorithm '${String(alg)}' (known: ${Object.keys(ALG_SETS).join(', ')})`);
  return s;
}

const CURVE_BITS: Readonly<Record<number, number>> = {
  [TPM_ECC.NIST_P192]: 192,
  [TPM_ECC.NIST_P224]: 224,
  [TPM_ECC.NIST_P256]: 256,
  [TPM_ECC.NIST_P384]: 384,
  [TPM_ECC.NIST_P521]: 521,
  [TPM_ECC.BN_P256]: 256,
  [TPM_ECC.BN_P638]: 638,
  [TPM_ECC.SM2_P256]: 256,
};

// ---------------------------------------------------------------------------------------------
// Building blocks

/** A symmetric definition for TPMT_SYM_DEF_OBJECT (e.g. AES-128-CFB); `symNull()` for none. */
export function symDef(algorithm: number, keyBits: number, mode: number = TPM_ALG.CFB): TPMT_SYM_DEF_OBJECT {
  return { algorithm, keyBits, mode };
}

/** TPMT_SYM_DEF_OBJECT with algorithm TPM_ALG_NULL (no keyBits or mode on the wire). */
export function symNull(): TPMT_SYM_DEF_OBJECT {
  return { algorithm: TPM_ALG.NULL, keyBits: null, mode: null };
}

/** Scheme details for TPMU_ASYM_SCHEME (Part 2 "TPMU_ASYM_SCHEME"): NULL, RSAES (empty) or {hashAlg}. */
function asymScheme(scheme: number, hashAlg: number, count = 0): { scheme: number; details: TPMU_ASYM_SCHEME } {
  if (scheme === TPM_ALG.NULL) return { scheme, details: null };
  if (scheme === TPM_ALG.RSAES) return { scheme, details: {} as TPMU_ASYM_SCHEME };
  if (scheme === TPM_ALG.ECDAA) return { scheme, details: { hashAlg, count } };
  return { scheme, details: { hashAlg } };
}

const kdfNull = (): TPMT_KDF_SCHEME => ({ scheme: TPM_ALG.NULL, details: null });

/**
 * The unique field of a template (Part 1 "Primary Keys": the TPM ignores its contents for key
 * generation but mixes them into the derivation, so it selects one of many keys per template):
 * - 'zero': zero octets of the key's size — RSA: keyBits/8 octets; ECC: x and y of the curve's
 *   size (the Provisioning Guidance SRK and EK low-range form);
 * - 'empty': zero-length buffers (the EK high-range form, tpm2-tools' createprimary default);
 * - an explicit TPMU_PUBLIC_ID (a Uint8Array for RSA/keyedhash/symcipher, {x, y} for ECC).
 */
export type UniqueChoice = 'zero' | 'empty' | TPMU_PUBLIC_ID;

function uniqueFor(type: number, bits: number, choice: UniqueChoice): TPMU_PUBLIC_ID {
  const size = choice === 'zero' ? Math.ceil(bits / 8) : 0;
  if (choice === 'zero' || choice === 'empty') {
    if (type === TPM_ALG.ECC) return { x: new Uint8Array(size), y: new Uint8Array(size) };
    return new Uint8Array(type === TPM_ALG.RSA ? size : 0);
  }
  if (choice instanceof Uint8Array) return choice.slice();
  return { x: choice.x.slice(), y: choice.y.slice() };
}

/** Options every template takes. */
export interface TemplateOptions {
  /** The object's name algorithm (TPMI_ALG_HASH). */
  nameAlg?: number;
  /** authPolicy (a digest of nameAlg's size, or empty). */
  authPolicy?: Uint8Array;
  /** Replaces the template's TPMA_OBJECT mask as a whole. */
  objectAttributes?: number;
}

interface AsymParts {
  type: number;
  nameAlg: number;
  attributes: number;
  authPolicy: Uint8Array;
  bits: number;
  curve: number;
  symmetric: TPMT_SYM_DEF_OBJECT;
  scheme: { scheme: number; details: TPMU_ASYM_SCHEME };
  kdf?: TPMT_KDF_SCHEME;
  exponent?: number;
  unique: UniqueChoice;
}

function asymmetric(p: AsymParts): TPMT_PUBLIC {
  const unique = uniqueFor(p.type, p.bits, p.unique);
  if (p.type === TPM_ALG.RSA) {
    return {
      type: p.type,
      nameAlg: p.nameAlg,
      objectAttributes: p.attributes,
      authPolicy: p.authPolicy.slice(),
      parameters: { symmetric: { ...p.symmetric }, scheme: p.scheme, keyBits: p.bits, exponent: p.exponent ?? 0 },
      unique,
    };
  }
  return {
    type: p.type,
    nameAlg: p.nameAlg,
    objectAttributes: p.attributes,
    authPolicy: p.authPolicy.slice(),
    parameters: { symmetric: { ...p.symmetric }, scheme: p.scheme, curveID: p.curve, kdf: p.kdf ?? kdfNull() },
    unique,
  };
}

const empty = () => new Uint8Array(0);

// ---------------------------------------------------------------------------------------------
// Storage root keys

export interface SrkOptions extends TemplateOptions {
  /** Default 'rsa2048'; 'sm2-p256' is the TCM form (SM3 name algorithm, SM4-128-CFB). */
  alg?: KeyAlg;
  /** Default 'zero', as the Provisioning Guidance specifies; 'empty' is what tpm2-tools sends. */
  unique?: UniqueChoice;
  /** Default true (Provisioning Guidance); false gives tpm2_createprimary's attributes. */
  noDA?: boolean;
  /** The storage cipher; default the algorithm set's (AES-128-CFB for RSA 2048 and P-256). */
  symmetric?: TPMT_SYM_DEF_OBJECT;
}

/**
 * A storage root key (TCG "TPM v2.0 Provisioning Guidance", "Storage Primary Key (SRK)
 * Templates"): a restricted decryption key with NULL scheme, empty authPolicy and the EK
 * Credential Profile's algorithm set (RSA 2048 / ECC P-256 with SHA-256 and AES-128-CFB,
 * SM2 P-256 with SM3 and SM4-128-CFB, ...). unique defaults to zeros of the key size; pass
 * `unique: 'empty'` for the zero-length form (a different key from the same seed).
 */
export function srkTemplate(options: SrkOptions = {}): TPMT_PUBLIC {
  const s = algSet(options.alg ?? 'rsa2048');
  const noDA = options.noDA ?? true;
  return asymmetric({
    type: s.type,
    nameAlg: options.nameAlg ?? s.nameAlg,
    attributes: options.objectAttributes ?? (noDA ? TEMPLATE_ATTRIBUTES.srk : TEMPLATE_ATTRIBUTES.tpm2ToolsPrimary),
    authPolicy: options.authPolicy ?? empty(),
    bits: s.bits,
    curve: s.curve,
    symmetric: options.symmetric ?? symDef(s.sym[0], s.sym[1]),
    scheme: asymScheme(TPM_ALG.NULL, TPM_ALG.NULL),
    unique: options.unique ?? 'zero',
  });
}

/** The object types `tpm2_createprimary -G` takes without further parameters. */
export type Tpm2ToolsPrimaryType = 'rsa' | 'ecc' | 'keyedhash' | 'symcipher';

/**
 * What tpm2-tools `tpm2_createprimary -g <nameAlg> -G <type>` sends with no other options
 * (tpm2-tools 5.x): attributes fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|
 * decrypt (no noDA), empty authPolicy and unique; 'rsa' = RSA 2048 AES-128-CFB, 'ecc' = P-256
 * AES-128-CFB, 'keyedhash' = XOR(SHA-256, KDF1_SP800_108), 'symcipher' = AES-128 mode NULL.
 */
export function tpm2ToolsPrimaryTemplate(type: Tpm2ToolsPrimaryType = 'rsa', options: { nameAlg?: number } = {}): TPMT_PUBLIC {
  const nameAlg = options.nameAlg ?? TPM_ALG.SHA256;
  const objectAttributes = TEMPLATE_ATTRIBUTES.tpm2ToolsPrimary;
  switch (type) {
    case 'rsa':
    case 'ecc':
      return srkTemplate({ alg: type === 'rsa' ? 'rsa2048' : 'ecc-p256', nameAlg, noDA: false, unique: 'empty', symmetric: symDef(TPM_ALG.AES, 128) });
    case 'keyedhash':
      return {
        type: TPM_ALG.KEYEDHASH,
        nameAlg,
        objectAttributes,
        authPolicy: empty(),
        parameters: { scheme: { scheme: TPM_ALG.XOR, details: { hashAlg: TPM_ALG.SHA256, kdf: TPM_ALG.KDF1_SP800_108 } } },
        unique: empty(),
      };
    case 'symcipher':
      return { type: TPM_ALG.SYMCIPHER, nameAlg, objectAttributes, authPolicy: empty(), parameters: { sym: symDef(TPM_ALG.AES, 128, TPM_ALG.NULL) }, unique: empty() };
    default:
      throw new Error(`templates: unknown tpm2_createprimary type '${String(type)}'`);
  }
}

// ---------------------------------------------------------------------------------------------
// EK Credential Profile

const POLICY_A: Readonly<Record<number, string>> = {
  [TPM_ALG.SHA256]: '837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa',
  [TPM_ALG.SHA384]: '8bbf2266537c171cb56e403c4dc1d4b64f432611dc386e6f532050c3278c930e143e8bb1133824ccb431053871c6db53',
  [TPM_ALG.SHA512]:
    '1e3b76502c8a1425aa0b7b3fc646a1b0fae063b03b5368f9c4cddecaff0891dd682bac1a85d4d832b781ea451915de5fc5bf0dc4a1917cd42fa041e3f998e0ee',
  [TPM_ALG.SM3_256]: 'c67f7d35f66f3bec13c89fe898921c651b0cb5a38a92690a62a43c0012e4fb8b',
};
const POLICY_B: Readonly<Record<number, string>> = {
  [TPM_ALG.SHA256]: 'ca3d0a99a2b93906f7a3342414efcfb3a385d44cd1fd459089d19b5071c0b7a0',
  [TPM_ALG.SHA384]: 'b26e7d28d11a50bc53d882bcf5fd3a1a074148bb35d3b4e4cb1c0ad9bde419cacb47ba09699646150f9fc000f3f80e12',
  [TPM_ALG.SHA512]:
    'b8221ca69e8550a4914de3faa6a18c072cc01208073a928d5d66d59ef79e49a429c41a6b269571d57edb25fbdb1838425608b413cd616a5f6db5b6071af99bea',
  [TPM_ALG.SM3_256]: '167860a35f2c5c3567f9c927ac56c032f3b3a6462f8d037998e7a10f77fa454a',
};
const POLICY_C: Readonly<Record<number, string>> = {
  [TPM_ALG.SHA256]: '3767e2edd43ff45a3a7e1eaefcef78643dca964632e7aad82c673a30d8633fde',
  [TPM_ALG.SHA384]: 'd6032ce61f2fb3c240eb3cf6a33237ef2b6a16f4293c22b455e261cffd217ad5b4947c2d73e63005eed2dc2b3593d165',
  [TPM_ALG.SHA512]:
    '589ee1e146544716e8deafe6db247b01b81e9f9c7dd16b814aa159138749105fba5388dd1dea702f35240c184933121e2c61b8f50d3ef91393a49a38c3f73fc8',
  [TPM_ALG.SM3_256]: '2d4e81578c3531d9bd1cdd7d02ba298d5699a3e39fc3551bfeffcf132b49e11d',
};
/** EK Credential Profile policy NV indices I-1..I-4 (PolicyC authorizes through them). */
const POLICY_INDEX: Readonly<Record<number, number>> = {
  [TPM_ALG.SHA256]: 0x01c07f01,
  [TPM_ALG.SHA384]: 0x01c07f02,
  [TPM_ALG.SHA512]: 0x01c07f03,
  [TPM_ALG.SM3_256]: 0x01c07f04,
};

function policyFrom(table: Readonly<Record<number, string>>, what: string, hashAlg: number): Uint8Array {
  const h = table[hashAlg];
  if (!h) throw new Error(`templates: no ${what} for hash algorithm 0x${hashAlg.toString(16)}`);
  return hexToBytes(h);
}

/** EK Credential Profile PolicyA: PolicySecret(TPM_RH_ENDORSEMENT), empty policyRef (SHA-256/384/512, SM3). */
export function ekPolicyA(hashAlg: number = TPM_ALG.SHA256): Uint8Array {
  return policyFrom(POLICY_A, 'EK PolicyA', hashAlg);
}

/** EK Credential Profile PolicyB: PolicyOR(PolicyA, PolicyC), the high-range EK authPolicy. */
export function ekPolicyB(hashAlg: number = TPM_ALG.SHA256): Uint8Array {
  return policyFrom(POLICY_B, 'EK PolicyB', hashAlg);
}

/** EK Credential Profile PolicyC: PolicyAuthorizeNV with the policy index of that hash (ekPolicyIndex). */
export function ekPolicyC(hashAlg: number = TPM_ALG.SHA256): Uint8Array {
  return policyFrom(POLICY_C, 'EK PolicyC', hashAlg);
}

/**
 * The public area of the EK policy NV index I-1..I-4 (0x01C07F01..04) that PolicyC names:
 * nameAlg = hashAlg, authPolicy = PolicyA, attributes POLICYWRITE|WRITEALL|PPREAD|OWNERREAD|
 * AUTHREAD|POLICYREAD|NO_DA|WRITTEN, dataSize = sizeof(TPMT_HA) of hashAlg.
 */
export function ekPolicyIndexPublic(hashAlg: number = TPM_ALG.SHA256): TPMS_NV_PUBLIC {
  const nvIndex = POLICY_INDEX[hashAlg];
  if (!nvIndex) throw new Error(`templates: no EK policy index for hash algorithm 0x${hashAlg.toString(16)}`);
  const authPolicy = ekPolicyA(hashAlg);
  const N = TPMA_NV;
  return {
    nvIndex,
    nameAlg: hashAlg,
    attributes: (N.POLICYWRITE | N.WRITEALL | N.PPREAD | N.OWNERREAD | N.AUTHREAD | N.POLICYREAD | N.NO_DA | N.WRITTEN) >>> 0,
    authPolicy,
    dataSize: 2 + authPolicy.length,
  };
}

/** The EK Credential Profile template names. */
export type EkTemplateId = 'L-1' | 'L-2' | 'H-1' | 'H-2' | 'H-3' | 'H-4' | 'H-5' | 'H-6' | 'H-7';

export interface EkTemplateInfo {
  readonly alg: KeyAlg;
  readonly range: 'low' | 'high';
  /** NV index of the EK certificate. */
  readonly certIndex: number;
  /** NV index of the EK nonce (low range only). */
  readonly nonceIndex?: number;
  /** NV index of a non-default EK template. */
  readonly templateIndex: number;
}

/** The EK templates with their NV indices (EK Credential Profile "EK NV Indices"). */
export const EK_TEMPLATES: Readonly<Record<EkTemplateId, EkTemplateInfo>> = Object.freeze({
  'L-1': { alg: 'rsa2048', range: 'low', certIndex: 0x01c00002, nonceIndex: 0x01c00003, templateIndex: 0x01c00004 },
  'L-2': { alg: 'ecc-p256', range: 'low', certIndex: 0x01c0000a, nonceIndex: 0x01c0000b, templateIndex: 0x01c0000c },
  'H-1': { alg: 'rsa2048', range: 'high', certIndex: 0x01c00012, templateIndex: 0x01c00013 },
  'H-2': { alg: 'ecc-p256', range: 'high', certIndex: 0x01c00014, templateIndex: 0x01c00015 },
  'H-3': { alg: 'ecc-p384', range: 'high', certIndex: 0x01c00016, templateIndex: 0x01c00017 },
  'H-4': { alg: 'ecc-p521', range: 'high', certIndex: 0x01c00018, templateIndex: 0x01c00019 },
  'H-5': { alg: 'sm2-p256', range: 'high', certIndex: 0x01c0001a, templateIndex: 0x01c0001b },
  'H-6': { alg: 'rsa3072', range: 'high', certIndex: 0x01c0001c, templateIndex: 0x01c0001d },
  'H-7': { alg: 'rsa4096', range: 'high', certIndex: 0x01c0001e, templateIndex: 0x01c0001f },
} satisfies Record<EkTemplateId, EkTemplateInfo>);

export interface EkOptions {
  /**
   * Default: 'zero' for the low range (256 zero octets for L-1, 32-octet zero x and y for L-2),
   * 'empty' for the high range, as the profile specifies. (tpm2-tools sends 'zero' for its
   * `rsa_high`, `ecc_high` and `ecc_sm2` EKs too.)
   */
  unique?: UniqueChoice;
  /**
   * Low range only: the EK nonce (from NV 0x01C00003 / 0x01C0000B), placed at the start of the
   * zero-filled unique (RSA: of the 256-octet modulus; ECC: of x, with y zero).
   */
  nonce?: Uint8Array;
}

/**
 * An EK template of the TCG EK Credential Profile: a restricted decryption key (NULL scheme)
 * with adminWithPolicy; low range (L-1 RSA 2048, L-2 ECC P-256; SHA-256, AES-128-CFB) with
 * authPolicy PolicyA, high range (H-1 RSA 2048, H-2 P-256, H-3 P-384, H-4 P-521, H-5 SM2 P-256,
 * H-6 RSA 3072, H-7 RSA 4096) also userWithAuth and authPolicy PolicyB of its name algorithm.
 */
export function ekTemplate(id: EkTemplateId = 'L-1', options: EkOptions = {}): TPMT_PUBLIC {
  const info = EK_TEMPLATES[id];
  if (!info) throw new Error(`templates: unknown EK template '${String(id)}' (known: ${Object.keys(EK_TEMPLATES).join(', ')})`);
  const s = algSet(info.alg);
  const low = info.range === 'low';
  let unique: UniqueChoice = options.unique ?? (low ? 'zero' : 'empty');
  if (options.nonce) {
    if (!low) throw new Error('templates: EK nonces exist for the low range (L-1, L-2) only');
    const size = Math.ceil(s.bits / 8);
    if (options.nonce.length > size) throw new Error(`templates: EK nonce longer than ${size} octets`);
    const padded = new Uint8Array(size);
    padded.set(options.nonce);
    unique = s.type === TPM_ALG.RSA ? padded : { x: padded, y: new Uint8Array(size) };
  }
  return asymmetric({
    type: s.type,
    nameAlg: s.nameAlg,
    attributes: low ? TEMPLATE_ATTRIBUTES.ekLow : TEMPLATE_ATTRIBUTES.ekHigh,
    authPolicy: low ? ekPolicyA(s.nameAlg) : ekPolicyB(s.nameAlg),
    bits: s.bits,
    curve: s.curve,
    symmetric: symDef(s.sym[0], s.sym[1]),
    scheme: asymScheme(TPM_ALG.NULL, TPM_ALG.NULL),
    unique,
  });
}

// ---------------------------------------------------------------------------------------------
// Attestation keys

function defaultSignScheme(s: AlgSet): number {
  if (s.type === TPM_ALG.RSA) return TPM_ALG.RSASSA;
  return s.curve === TPM_ECC.SM2_P256 ? TPM_ALG.SM2 : TPM_ALG.ECDSA;
}

export interface AkOptions extends TemplateOptions {
  /** Default 'rsa2048'; 'sm2-p256' signs with SM2/SM3 under an SM3 name algorithm (TCM). */
  alg?: KeyAlg;
  /** Signing scheme; default RSASSA (RSA), ECDSA (NIST curves), SM2 (SM2 curve). */
  scheme?: number;
  /** The scheme's hash; default the name algorithm. */
  hash?: number;
  /** Default 'empty' (tpm2-tools). */
  unique?: UniqueChoice;
}

/**
 * An attestation key as tpm2-tools `tpm2_createak` creates it (restricted signing key:
 * fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|sign, symmetric NULL,
 * empty authPolicy and unique): RSA 2048 RSASSA-SHA256, ECC P-256 ECDSA-SHA256, or for the TCM
 * SM2 P-256 with SM2-SM3. Its name algorithm defaults to the algorithm set's (SHA-256 for
 * RSA 2048 / P-256; tpm2_createak takes the EK's).
 */
export function akTemplate(options: AkOptions = {}): TPMT_PUBLIC {
  const s = algSet(options.alg ?? 'rsa2048');
  const nameAlg = options.nameAlg ?? s.nameAlg;
  return asymmetric({
    type: s.type,
    nameAlg,
    attributes: options.objectAttributes ?? TEMPLATE_ATTRIBUTES.ak,
    authPolicy: options.authPolicy ?? empty(),
    bits: s.bits,
    curve: s.curve,
    symmetric: symNull(),
    scheme: asymScheme(options.scheme ?? defaultSignScheme(s), options.hash ?? nameAlg),
    unique: options.unique ?? 'empty',
  });
}

// "TPM 2.0 Keys for Device Identity and Attestation": IAK and IDevID authPolicy per name algorithm.
const IAK_POLICY: Readonly<Record<number, string>> = {
  [TPM_ALG.SHA256]: '5437182326e414fca797d5f174615a1641f61255797c3a2b22c21d120b2d1e07',
  [TPM_ALG.SHA384]: '129d94ebf84556652c6eef43bbb757512ac87e52be7b349ca6ce4d826f749fcf672f51716c5cbb605f313bf345aab312',
  [TPM_ALG.SHA512]:
    '8060d1fb31716a29e48a6e5fece088bcfc1b278fc162255e81c3eca3544cd44af94410c3715d561cccd9e39a6cb2646d43535bb54ea88710deb5f7836bd9b586',
};
const IDEVID_POLICY: Readonly<Record<number, string>> = {
  [TPM_ALG.SHA256]: 'ad6b3a2284fd698a0710bf5cc1b9bdf15e2532e3f601fa4b93a6a8fa8de579ea',
  [TPM_ALG.SHA384]: '4db1aa836d0b5615df6ee53a40ef70c61c217f4303d44695925972bc927006cfa5cbdf6dc18c4dbe329b2f1542c3dd33',
  [TPM_ALG.SHA512]:
    '7dd7500fd6c1b94f97a6af910da147301ef28f662fee06f225a4ccadda3b4e6b38e66b2f3ad5dee1a0503cd2daedb1e68cfe4f84b03a8cd22bb6a976f071a72f',
};

/** Device Identity IAK authPolicy for SHA-256/384/512 (no SM3 value is published here). */
export function iakPolicy(hashAlg: number = TPM_ALG.SHA256): Uint8Array {
  return policyFrom(IAK_POLICY, 'IAK policy', hashAlg);
}

/** Device Identity IDevID authPolicy for SHA-256/384/512. */
export function idevidPolicy(hashAlg: number = TPM_ALG.SHA256): Uint8Array {
  return policyFrom(IDEVID_POLICY, 'IDevID policy', hashAlg);
}

export interface DeviceIdOptions {
  /**
   * The spec's templates: 'rsa2048' (SHA-256), 'ecc-p256' (SHA-256), 'ecc-p384' (SHA-384),
   * 'ecc-p521' (SHA-512), 'sm2-p256' (SM3); 'rsa3072'/'rsa4096' (SHA-384) as swtpm adds them.
   */
  alg?: KeyAlg;
  /** Required for 'sm2-p256' (no SM3 policy value here); default the spec's policy for the name algorithm. */
  authPolicy?: Uint8Array;
  /** Default: "IAK"/"IDEVID" in the RSA modulus or the ECC x coordinate, y empty (as swtpm). */
  unique?: UniqueChoice;
}

function deviceIdTemplate(kind: 'iak' | 'idevid', options: DeviceIdOptions): TPMT_PUBLIC {
  const s = algSet(options.alg ?? 'rsa2048');
  const nameAlg = s.nameAlg;
  let authPolicy = options.authPolicy;
  if (!authPolicy) {
    if (nameAlg === TPM_ALG.SM3_256) throw new Error(`templates: give authPolicy for an SM3 ${kind === 'iak' ? 'IAK' : 'IDevID'}`);
    authPolicy = kind === 'iak' ? iakPolicy(nameAlg) : idevidPolicy(nameAlg);
  }
  const label = kind === 'iak' ? [0x49, 0x41, 0x4b] : [0x49, 0x44, 0x45, 0x56, 0x49, 0x44];
  const unique = options.unique ?? (s.type === TPM_ALG.RSA ? Uint8Array.from(label) : { x: Uint8Array.from(label), y: new Uint8Array(0) });
  // IAK: RSASSA-PSS / ECDSA / SM2 with the name algorithm; IDevID RSA: NULL scheme (signs TLS-style data).
  let scheme = defaultSignScheme(s);
  if (s.type === TPM_ALG.RSA) scheme = kind === 'iak' ? TPM_ALG.RSAPSS : TPM_ALG.NULL;
  return asymmetric({
    type: s.type,
    nameAlg,
    attributes: kind === 'iak' ? TEMPLATE_ATTRIBUTES.iak : TEMPLATE_ATTRIBUTES.idevid,
    authPolicy,
    bits: s.bits,
    curve: s.curve,
    symmetric: symNull(),
    scheme: asymScheme(scheme, nameAlg),
    unique,
  });
}

/**
 * An Initial Attestation Key (TCG "TPM 2.0 Keys for Device Identity and Attestation", IAK
 * templates): restricted signing key with adminWithPolicy and the IAK policy, RSASSA-PSS (RSA)
 * or ECDSA (NIST curves) with the name algorithm, unique "IAK".
 */
export function iakTemplate(options: DeviceIdOptions = {}): TPMT_PUBLIC {
  return deviceIdTemplate('iak', options);
}

/** An IDevID key (same spec): as the IAK but not restricted, RSA scheme NULL, unique "IDEVID". */
export function idevidTemplate(options: DeviceIdOptions = {}): TPMT_PUBLIC {
  return deviceIdTemplate('idevid', options);
}

// ---------------------------------------------------------------------------------------------
// General keys

/** What an unrestricted key may do: sign, decrypt, or both (then its scheme must be NULL). */
export type KeyUsage = 'sign' | 'decrypt' | 'sign-decrypt';

function usageBits(usage: KeyUsage): number {
  if (usage === 'sign') return A.sign_encrypt;
  if (usage === 'decrypt') return A.decrypt;
  if (usage === 'sign-decrypt') return A.sign_encrypt | A.decrypt;
  throw new Error(`templates: unknown key usage '${String(usage)}'`);
}

interface KeyOptions extends TemplateOptions {
  /** Default 'sign'. */
  usage?: KeyUsage;
  /** Default: RSASSA / ECDSA / SM2 for 'sign', NULL otherwise (the command then picks). */
  scheme?: number;
  /** The scheme's hash; default the name algorithm. */
  hash?: number;
  /** Set noDA (default false). */
  noDA?: boolean;
  /** Default 'empty'. */
  unique?: UniqueChoice;
}

function keyAttributes(o: KeyOptions, usage: KeyUsage): number {
  return o.objectAttributes ?? (TEMPLATE_ATTRIBUTES.key | usageBits(usage) | (o.noDA ? A.noDA : 0));
}

export interface RsaKeyOptions extends KeyOptions {
  /** Modulus bits; default 2048. */
  keyBits?: number;
  /** Public exponent; default 0 (= 65537). */
  exponent?: number;
}

/**
 * An unrestricted RSA key (fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth plus sign
 * and/or decrypt), SHA-256 name algorithm, symmetric NULL; schemes RSASSA, RSAPSS, RSAES, OAEP.
 */
export function rsaKeyTemplate(options: RsaKeyOptions = {}): TPMT_PUBLIC {
  const usage = options.usage ?? 'sign';
  const nameAlg = options.nameAlg ?? TPM_ALG.SHA256;
  const scheme = options.scheme ?? (usage === 'sign' ? TPM_ALG.RSASSA : TPM_ALG.NULL);
  const bits = options.keyBits ?? 2048;
  return asymmetric({
    type: TPM_ALG.RSA,
    nameAlg,
    attributes: keyAttributes(options, usage),
    authPolicy: options.authPolicy ?? empty(),
    bits,
    curve: TPM_ECC.NONE,
    symmetric: symNull(),
    scheme: asymScheme(scheme, options.hash ?? nameAlg),
    exponent: options.exponent ?? 0,
    unique: options.unique ?? 'empty',
  });
}

export interface EccKeyOptions extends KeyOptions {
  /** TPM_ECC curve; default NIST P-256. */
  curve?: number;
  /** Key derivation for ECDH; default NULL. */
  kdf?: TPMT_KDF_SCHEME;
  /** ECDAA commit count; default 0. */
  count?: number;
}

/**
 * An unrestricted ECC key (attributes as rsaKeyTemplate), symmetric NULL; schemes ECDSA,
 * ECDAA, SM2, ECSCHNORR (sign), ECDH, ECMQV (decrypt). For the SM2 curve the name algorithm and
 * hash default to SM3 and the signing scheme to SM2.
 */
export function eccKeyTemplate(options: EccKeyOptions = {}): TPMT_PUBLIC {
  const usage = options.usage ?? 'sign';
  const curve = options.curve ?? TPM_ECC.NIST_P256;
  const bits = CURVE_BITS[curve];
  if (!bits) throw new Error(`templates: unknown curve 0x${curve.toString(16)}`);
  const sm2 = curve === TPM_ECC.SM2_P256;
  const nameAlg = options.nameAlg ?? (sm2 ? TPM_ALG.SM3_256 : TPM_ALG.SHA256);
  const scheme = options.scheme ?? (usage === 'sign' ? (sm2 ? TPM_ALG.SM2 : TPM_ALG.ECDSA) : TPM_ALG.NULL);
  return asymmetric({
    type: TPM_ALG.ECC,
    nameAlg,
    attributes: keyAttributes(options, usage),
    authPolicy: options.authPolicy ?? empty(),
    bits,
    curve,
    symmetric: symNull(),
    scheme: asymScheme(scheme, options.hash ?? nameAlg, options.count ?? 0),
    kdf: options.kdf ? { ...options.kdf } : kdfNull(),
    unique: options.unique ?? 'empty',
  });
}

export interface KeyedHashOptions extends TemplateOptions {
  /** The HMAC hash; default the name algorithm (SHA-256). */
  hash?: number;
  noDA?: boolean;
  unique?: Uint8Array;
}

/** An HMAC key (keyedhash, scheme HMAC, attributes fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|sign). */
export function keyedHashTemplate(options: KeyedHashOptions = {}): TPMT_PUBLIC {
  const nameAlg = options.nameAlg ?? TPM_ALG.SHA256;
  return {
    type: TPM_ALG.KEYEDHASH,
    nameAlg,
    objectAttributes: options.objectAttributes ?? (TEMPLATE_ATTRIBUTES.key | A.sign_encrypt | (options.noDA ? A.noDA : 0)),
    authPolicy: (options.authPolicy ?? empty()).slice(),
    parameters: { scheme: { scheme: TPM_ALG.HMAC, details: { hashAlg: options.hash ?? nameAlg } } },
    unique: (options.unique ?? empty()).slice(),
  };
}

export interface SealedDataOptions extends TemplateOptions {
  /** Default true without an authPolicy, false with one (then only the policy unseals, as tpm2-tools does). */
  userWithAuth?: boolean;
  noDA?: boolean;
  unique?: Uint8Array;
}

/**
 * A sealed data object for TPM2_Create with inSensitive.data (keyedhash, NULL scheme, neither
 * sign nor decrypt, no sensitiveDataOrigin since the caller supplies the data): fixedTPM|
 * fixedParent, plus userWithAuth unless an authPolicy is given.
 */
export function sealedDataTemplate(options: SealedDataOptions = {}): TPMT_PUBLIC {
  const userWithAuth = options.userWithAuth ?? !options.authPolicy?.length;
  return {
    type: TPM_ALG.KEYEDHASH,
    nameAlg: options.nameAlg ?? TPM_ALG.SHA256,
    objectAttributes: options.objectAttributes ?? (TEMPLATE_ATTRIBUTES.sealed | (userWithAuth ? A.userWithAuth : 0) | (options.noDA ? A.noDA : 0)),
    authPolicy: (options.authPolicy ?? empty()).slice(),
    parameters: { scheme: { scheme: TPM_ALG.NULL, details: null } },
    unique: (options.unique ?? empty()).slice(),
  };
}

export interface SymCipherOptions extends TemplateOptions {
  /** TPM_ALG_AES (default) or TPM_ALG_SM4 (TCM). */
  algorithm?: number;
  /** Default 128. */
  keyBits?: number;
  /** Default TPM_ALG_CFB; TPM_ALG_NULL lets TPM2_EncryptDecrypt choose (tpm2-tools' default). */
  mode?: number;
  /** Default 'sign-decrypt' (sign = encrypt for a symmetric key). */
  usage?: KeyUsage;
  noDA?: boolean;
  unique?: Uint8Array;
}

/** A symmetric block-cipher key for TPM2_EncryptDecrypt (symcipher; attributes as rsaKeyTemplate). */
export function symCipherTemplate(options: SymCipherOptions = {}): TPMT_PUBLIC {
  const usage = options.usage ?? 'sign-decrypt';
  return {
    type: TPM_ALG.SYMCIPHER,
    nameAlg: options.nameAlg ?? TPM_ALG.SHA256,
    objectAttributes: options.objectAttributes ?? (TEMPLATE_ATTRIBUTES.key | usageBits(usage) | (options.noDA ? A.noDA : 0)),
    authPolicy: (options.authPolicy ?? empty()).slice(),
    parameters: { sym: symDef(options.algorithm ?? TPM_ALG.AES, options.keyBits ?? 128, options.mode ?? TPM_ALG.CFB) },
    unique: (options.unique ?? empty()).slice(),
  };
}

/** The point form of an ECC template's unique field (a type guard for TPMU_PUBLIC_ID). */
export function isEccPoint(unique: TPMU_PUBLIC_ID): unique is TPMS_ECC_POINT {
  return !(unique instanceof Uint8Array);
}
