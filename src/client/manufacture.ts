/**
 * Manufacturing a TPM the way swtpm_setup does it: endorsement keys from the TCG EK Credential
 * Profile templates, made persistent, with EK certificates signed by a CA and stored in the
 * profile's NV indices; optionally a platform certificate, an SRK and IAK / IDevID keys with
 * certificates (TCG "TPM 2.0 Keys for Device Identity and Attestation"). Works through any
 * Client: in-process or over TCP.
 *
 * Where swtpm and tpm2-tools disagree, vtpm follows the TCG documents:
 * (a) Persistent EK handles. RSA 2048 (L-1) 0x81010001 and ECC P-256 (L-2) 0x81010002, as TCG "TPM
 *     v2.0 Provisioning Guidance" has them (go-attestation, go-tpm-tools, tpm2-tools' docs);
 *     swtpm puts the P-256 EK at 0x8101000A. The high range has no TCG handle, so vtpm uses
 *     0x810100 + the low octet of the template's certificate index: swtpm's handles for P-384
 *     0x81010016, P-521 0x81010018, RSA 3072 0x8101001C, RSA 4096 0x8101001E, and by the same
 *     pattern H-1 0x81010012, H-2 0x81010014, SM2 P-256 (H-5) 0x8101001A.
 * (b) EK template and nonce indices. For L-2 the template index is 0x01C0000C and 0x01C0000B is
 *     the nonce (EK Credential Profile "EK NV Indices", tpm2-tools, go-attestation); swtpm writes
 *     its (signing-EK) template at 0x01C0000B. vtpm creates the standard templates only and writes
 *     neither index, so tpm2_createek recreates the same EKs from the default templates.
 * A TPM already manufactured (an object at a target persistent handle or a target certificate
 * index defined) is refused before anything changes: ManufactureError 'already-manufactured'.
 */
import { bytesToHex, utf8Decode } from '../crypto/bytes.js';
import { createCa, findExtension, OID, parseCertificate, tpmCertificate, type Ca, type CaKeyAlg } from '../attest/x509.js';
import { derDecode, derInteger } from '../attest/der.js';
import { TPM_ALG, TPM_CAP, TPM_ECC, TPM_PT, TPM_RH, TPMA_NV } from '../gen/constants.js';
import type { TPMS_ALG_PROPERTY, TPMS_TAGGED_PROPERTY, TPMT_PUBLIC, TPML_ALG_PROPERTY, TPML_ECC_CURVE, TPML_HANDLE, TPML_TAGGED_TPM_PROPERTY } from '../gen/types.js';
import type { Client } from './client.js';
import { EK_TEMPLATES, ekTemplate, iakTemplate, idevidTemplate, srkTemplate, type EkTemplateId, type KeyAlg } from './templates.js';

/** Persistent handles of the EKs (see (a) above). */
export const EK_PERSISTENT_HANDLES: Readonly<Record<EkTemplateId, number>> = Object.freeze({
  'L-1': 0x81010001,
  'L-2': 0x81010002,
  'H-1': 0x81010012,
  'H-2': 0x81010014,
  'H-3': 0x81010016,
  'H-4': 0x81010018,
  'H-5': 0x8101001a,
  'H-6': 0x8101001c,
  'H-7': 0x8101001e,
});

/** Provisioning Guidance SRK handle; swtpm's IAK / IDevID handles and certificate indices; platform certificate index. */
export const MANUFACTURE_HANDLES = Object.freeze({
  srk: 0x81000001,
  iak: 0x81020001,
  idevid: 0x81020000,
  iakCert: 0x01c90100,
  idevidCert: 0x01c90200,
  platformCert: 0x01c08000,
});

/** NV attributes of the certificate indices (EK Credential Profile; swtpm_setup): PLATFORMCREATE|AUTHREAD|OWNERREAD|PPREAD|PPWRITE|NO_DA|WRITEDEFINE. */
export const CERT_NV_ATTRIBUTES =
  (TPMA_NV.PLATFORMCREATE | TPMA_NV.AUTHREAD | TPMA_NV.OWNERREAD | TPMA_NV.PPREAD | TPMA_NV.PPWRITE | TPMA_NV.NO_DA | TPMA_NV.WRITEDEFINE) >>> 0;

/** Key names accepted for EKs, besides the template ids ('L-1', 'H-5', ...). */
export const EK_BY_ALG: Readonly<Record<KeyAlg, EkTemplateId>> = Object.freeze({
  rsa2048: 'L-1',
  'ecc-p256': 'L-2',
  'ecc-p384': 'H-3',
  'ecc-p521': 'H-4',
  'sm2-p256': 'H-5',
  rsa3072: 'H-6',
  rsa4096: 'H-7',
});

export type ManufactureErrorReason = 'already-manufactured' | 'unsupported' | 'too-large';

export class ManufactureError extends Error {
  constructor(
    readonly reason: ManufactureErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'ManufactureError';
  }
}

/** An EK template id, or a key name (rsa2048, ecc-p256, sm2-p256, ...). */
export type EkChoice = EkTemplateId | KeyAlg;

export function ekTemplateId(choice: EkChoice): EkTemplateId {
  if (Object.hasOwn(EK_TEMPLATES, choice)) return choice as EkTemplateId;
  const id = EK_BY_ALG[choice as KeyAlg];
  if (!id) throw new Error(`manufacture: unknown EK '${String(choice)}' (one of ${[...Object.keys(EK_BY_ALG), ...Object.keys(EK_TEMPLATES)].join(', ')})`);
  return id;
}

export interface DeviceKeyOptions {
  /** Default 'ecc-p256' ('sm2-p256' on a TCM, which also needs authPolicy). */
  alg?: KeyAlg;
  /** authPolicy (required for SM3 keys: no SM3 Device Identity policy is published here). */
  authPolicy?: Uint8Array;
}

export interface ManufactureOptions {
  /** EKs to create; default L-1 and L-2 on a TPM (those it supports), H-5 (SM2 P-256) on a TCM. */
  eks?: readonly EkChoice[];
  /** 'TPM' or 'TCM'; default: 'TCM' when the TPM has the SM2 curve but neither RSA nor NIST P-256. */
  family?: 'TPM' | 'TCM';
  /** The CA signing the certificates; default a new one (createCa with caKeyAlg / caSeed). */
  ca?: Ca;
  /** Default 'ecc-p256' ('sm2-p256' on a TCM). */
  caKeyAlg?: CaKeyAlg;
  /** Makes the created CA deterministic. */
  caSeed?: Uint8Array | string;
  /** Certificate validity (default now .. 9999-12-31T23:59:59Z). */
  notBefore?: Date;
  notAfter?: Date;
  /** NV_WriteLock the certificate indices (swtpm_setup --lock-nvram). Default false. */
  lock?: boolean;
  /** A platform certificate for the first EK at 0x01C08000 (default fields: the TPM's manufacturer, model, version). */
  platformCertificate?: boolean | { manufacturer: string; model: string; version: string };
  /** A storage root key at 0x81000001: true for the family's default (RSA 2048 / SM2 P-256). */
  srk?: boolean | { alg?: KeyAlg };
  /** An IAK at 0x81020001 with its certificate at 0x01C90100. */
  iak?: boolean | DeviceKeyOptions;
  /** An IDevID key at 0x81020000 with its certificate at 0x01C90200. */
  idevid?: boolean | DeviceKeyOptions;
  /** hwSerialNum of the IAK / IDevID certificates; default swtpm's "<manufacturer>:<EK cert AKI hex>:<EK cert serial hex>". */
  hwSerialNum?: string;
  /** Overrides of what GetCapability reports. */
  model?: string;
  /** Hierarchy authorizations (default empty). */
  auth?: { owner?: Uint8Array | string; endorsement?: Uint8Array | string; platform?: Uint8Array | string };
}

export interface ManufacturedKey {
  handle: number;
  public: TPMT_PUBLIC;
  name: Uint8Array;
}

export interface CertifiedKey extends ManufacturedKey {
  certificate: Uint8Array;
  /** The NV index holding the certificate. */
  certIndex: number;
}

export interface ManufacturedEk extends CertifiedKey {
  id: EkTemplateId;
}

/** What GetCapability told about the TPM (and the certificates carry). */
export interface TpmIdentity {
  family: 'TPM' | 'TCM';
  /** TPM_PT_MANUFACTURER. */
  manufacturer: number;
  /** The four vendor strings, NULs removed. */
  model: string;
  /** TPM_PT_FIRMWARE_VERSION_1, _2. */
  firmwareVersion: [number, number];
  /** TPM_PT_FAMILY_INDICATOR as text ("2.0"), TPM_PT_LEVEL, TPM_PT_REVISION. */
  specFamily: string;
  specLevel: number;
  specRevision: number;
  /** TPM_PT_NV_BUFFER_MAX, TPM_PT_NV_INDEX_MAX. */
  nvBufferMax: number;
  nvIndexMax: number;
}

export interface ManufactureResult {
  eks: ManufacturedEk[];
  ca: Ca;
  identity: TpmIdentity;
  platformCertificate?: { certificate: Uint8Array; certIndex: number };
  srk?: ManufacturedKey;
  iak?: CertifiedKey;
  idevid?: CertifiedKey;
}

const EMPTY = new Uint8Array(0);
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };

function asciiOf(v: number): string {
  return utf8Decode(Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff)).replace(/\0+$/g, '');
}

/** TPM properties (TPM_CAP_TPM_PROPERTIES) by TPM_PT, reading on while the TPM reports moreData. */
async function readProperties(client: Client, wanted: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const missing = () => wanted.filter((p) => !out.has(p));
  for (let guard = 0; missing().length && guard < 16; guard++) {
    const from = Math.min(...missing());
    const r = await client.run('GetCapability', { capability: TPM_CAP.TPM_PROPERTIES, property: from, propertyCount: 64 });
    const list = (r.capabilityData.data as TPML_TAGGED_TPM_PROPERTY).tpmProperty as TPMS_TAGGED_PROPERTY[];
    for (const p of list) out.set(p.property, p.value);
    if (!list.length || !list.some((p) => p.property >= from)) break;
    // Properties the TPM does not have are simply skipped: stop when nothing new came back.
    if (!r.moreData && missing().length) break;
  }
  return out;
}

async function listCapability<T>(client: Client, capability: number, property: number, pick: (data: unknown) => T[], next: (last: T) => number): Promise<T[]> {
  const all: T[] = [];
  for (let guard = 0; guard < 64; guard++) {
    const r = await client.run('GetCapability', { capability, property, propertyCount: 256 });
    const items = pick(r.capabilityData.data);
    all.push(...items);
    if (!r.moreData || !items.length) break;
    property = next(items[items.length - 1]);
  }
  return all;
}

async function handlesFrom(client: Client, first: number): Promise<number[]> {
  const top = first >>> 24;
  const hs = await listCapability(client, TPM_CAP.HANDLES, first, (d) => (d as TPML_HANDLE).handle, (h) => h + 1);
  return hs.filter((h) => h >>> 24 === top);
}

/** What the TPM says about itself: family, manufacturer, model, firmware, spec level, NV limits. */
export async function readTpmIdentity(client: Client, family?: 'TPM' | 'TCM'): Promise<TpmIdentity> {
  const PT = TPM_PT;
  const props = await readProperties(client, [
    PT.FAMILY_INDICATOR, PT.LEVEL, PT.REVISION, PT.MANUFACTURER, PT.VENDOR_STRING_1, PT.VENDOR_STRING_2, PT.VENDOR_STRING_3, PT.VENDOR_STRING_4,
    PT.FIRMWARE_VERSION_1, PT.FIRMWARE_VERSION_2, PT.NV_INDEX_MAX, PT.NV_BUFFER_MAX,
  ]);
  const get = (p: number, d = 0) => props.get(p) ?? d;
  const model = [PT.VENDOR_STRING_1, PT.VENDOR_STRING_2, PT.VENDOR_STRING_3, PT.VENDOR_STRING_4].map((p) => asciiOf(get(p))).join('').trim();
  return {
    family: family ?? (await detectFamily(client)),
    manufacturer: get(PT.MANUFACTURER),
    model,
    firmwareVersion: [get(PT.FIRMWARE_VERSION_1), get(PT.FIRMWARE_VERSION_2)],
    specFamily: asciiOf(get(PT.FAMILY_INDICATOR, 0x322e3000)),
    specLevel: get(PT.LEVEL),
    specRevision: get(PT.REVISION),
    nvBufferMax: get(PT.NV_BUFFER_MAX, 512) || 512,
    nvIndexMax: get(PT.NV_INDEX_MAX, 2048) || 2048,
  };
}

interface Algorithms {
  algs: Set<number>;
  curves: Set<number>;
}

async function algorithms(client: Client): Promise<Algorithms> {
  const algs = await listCapability(client, TPM_CAP.ALGS, 1, (d) => (d as TPML_ALG_PROPERTY).algProperties as TPMS_ALG_PROPERTY[], (a) => a.alg + 1);
  const curves = await listCapability(client, TPM_CAP.ECC_CURVES, TPM_ECC.NONE + 1, (d) => (d as TPML_ECC_CURVE).eccCurves, (c) => c + 1);
  return { algs: new Set(algs.map((a) => a.alg)), curves: new Set(curves) };
}

/** TCM (GM/T 0012): SM2 P-256 present, neither RSA nor NIST P-256. */
async function detectFamily(client: Client, a?: Algorithms): Promise<'TPM' | 'TCM'> {
  const { algs, curves } = a ?? (await algorithms(client));
  return curves.has(TPM_ECC.SM2_P256) && !algs.has(TPM_ALG.RSA) && !curves.has(TPM_ECC.NIST_P256) ? 'TCM' : 'TPM';
}

function defaultEks(family: 'TPM' | 'TCM', a: Algorithms): EkTemplateId[] {
  if (family === 'TCM') return ['H-5'];
  const out: EkTemplateId[] = [];
  if (a.algs.has(TPM_ALG.RSA)) out.push('L-1');
  if (a.algs.has(TPM_ALG.ECC) && a.curves.has(TPM_ECC.NIST_P256)) out.push('L-2');
  if (!out.length && a.curves.has(TPM_ECC.SM2_P256)) out.push('H-5');
  return out;
}

/**
 * Is there an EK at one of the EK persistent handles (0x81010001, 0x81010002, 0x8101001A, ...)?
 * The CLI's "already manufactured" test.
 */
export async function isManufactured(client: Client): Promise<boolean> {
  const persistent = new Set(await handlesFrom(client, 0x81000000));
  return Object.values(EK_PERSISTENT_HANDLES).some((h) => persistent.has(h));
}

/**
 * Creates the EKs (CreatePrimary in the endorsement hierarchy, EvictControl to the persistent
 * handle), signs their certificates and writes them to the EK certificate indices (NV_DefineSpace
 * with platform authorization, NV_Write in TPM_PT_NV_BUFFER_MAX chunks, optional NV_WriteLock);
 * optionally a platform certificate, an SRK, an IAK and an IDevID. The TPM must be started.
 */
export async function manufacture(client: Client, options: ManufactureOptions = {}): Promise<ManufactureResult> {
  const auth = options.auth ?? {};
  const a = await algorithms(client);
  const family = options.family ?? (await detectFamily(client, a));
  const identity = await readTpmIdentity(client, family);
  if (options.model !== undefined) identity.model = options.model;
  const nvNameAlg = a.algs.has(TPM_ALG.SHA256) ? TPM_ALG.SHA256 : TPM_ALG.SM3_256;
  const ids = options.eks ? [...new Set(options.eks.map(ekTemplateId))] : defaultEks(family, a);
  if (!ids.length) throw new ManufactureError('unsupported', 'manufacture: the TPM supports none of the EK templates');
  const tcm = family === 'TCM';
  const deviceAlg: KeyAlg = tcm ? 'sm2-p256' : 'ecc-p256';
  const iakOpts = options.iak ? (options.iak === true ? {} : options.iak) : undefined;
  const idevidOpts = options.idevid ? (options.idevid === true ? {} : options.idevid) : undefined;

  // Refuse before changing anything when a target handle or index is taken.
  const persistent = new Set(await handlesFrom(client, 0x81000000));
  const nvIndices = new Set(await handlesFrom(client, 0x01000000));
  const targets: [number, string][] = ids.flatMap((id) => [
    [EK_PERSISTENT_HANDLES[id], `EK ${id}`],
    [EK_TEMPLATES[id].certIndex, `EK ${id} certificate index`],
  ] as [number, string][]);
  if (options.srk) targets.push([MANUFACTURE_HANDLES.srk, 'SRK']);
  if (iakOpts) targets.push([MANUFACTURE_HANDLES.iak, 'IAK'], [MANUFACTURE_HANDLES.iakCert, 'IAK certificate index']);
  if (idevidOpts) targets.push([MANUFACTURE_HANDLES.idevid, 'IDevID'], [MANUFACTURE_HANDLES.idevidCert, 'IDevID certificate index']);
  if (options.platformCertificate) targets.push([MANUFACTURE_HANDLES.platformCert, 'platform certificate index']);
  const taken = targets.filter(([h]) => persistent.has(h) || nvIndices.has(h));
  if (taken.length) {
    throw new ManufactureError('already-manufactured', `manufacture: the TPM is already manufactured (${taken.map(([h, what]) => `${what} at 0x${h.toString(16).padStart(8, '0')}`).join(', ')})`);
  }

  const ca = options.ca ?? createCa({ keyAlg: options.caKeyAlg ?? (tcm ? 'sm2-p256' : 'ecc-p256'), seed: options.caSeed, notBefore: options.notBefore });
  const certCommon = {
    ca,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    manufacturer: identity.manufacturer,
    model: identity.model,
    version: identity.firmwareVersion,
    specFamily: identity.specFamily,
    specLevel: identity.specLevel,
    specRevision: identity.specRevision,
  };

  const createPersistent = async (hierarchy: number, template: TPMT_PUBLIC, handle: number): Promise<ManufacturedKey> => {
    const hierarchyAuth = hierarchy === TPM_RH.OWNER ? auth.owner : auth.endorsement;
    const r = await client.run('CreatePrimary', { primaryHandle: hierarchy, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: template }, ...noCreation }, { auth: { primaryHandle: hierarchyAuth ?? EMPTY } });
    try {
      await client.run('EvictControl', { auth: TPM_RH.OWNER, objectHandle: r.objectHandle, persistentHandle: handle }, { auth: { auth: auth.owner ?? EMPTY } });
    } finally {
      await client.flush(r.objectHandle);
    }
    return { handle, public: r.outPublic.publicArea, name: r.name };
  };

  const writeCertificate = async (index: number, der: Uint8Array): Promise<void> => {
    if (der.length > identity.nvIndexMax) throw new ManufactureError('too-large', `manufacture: a ${der.length}-octet certificate does not fit an NV index (TPM_PT_NV_INDEX_MAX ${identity.nvIndexMax})`);
    const platform = { authHandle: auth.platform ?? EMPTY };
    await client.run(
      'NV_DefineSpace',
      { authHandle: TPM_RH.PLATFORM, auth: EMPTY, publicInfo: { nvPublic: { nvIndex: index, nameAlg: nvNameAlg, attributes: CERT_NV_ATTRIBUTES, authPolicy: EMPTY, dataSize: der.length } } },
      { auth: platform },
    );
    for (let off = 0; off < der.length; off += identity.nvBufferMax) {
      await client.run('NV_Write', { authHandle: TPM_RH.PLATFORM, nvIndex: index, data: der.subarray(off, off + identity.nvBufferMax), offset: off }, { auth: platform });
    }
    if (options.lock) await client.run('NV_WriteLock', { authHandle: TPM_RH.PLATFORM, nvIndex: index }, { auth: platform });
  };

  const eks: ManufacturedEk[] = [];
  for (const id of ids) {
    const key = await createPersistent(TPM_RH.ENDORSEMENT, ekTemplate(id), EK_PERSISTENT_HANDLES[id]);
    const certificate = tpmCertificate({ ...certCommon, kind: 'ek', ekPublic: key.public });
    const certIndex = EK_TEMPLATES[id].certIndex;
    await writeCertificate(certIndex, certificate);
    eks.push({ id, ...key, certificate, certIndex });
  }
  const result: ManufactureResult = { eks, ca, identity };

  if (options.platformCertificate) {
    const p =
      options.platformCertificate === true
        ? { manufacturer: asciiOf(identity.manufacturer), model: identity.model, version: 'id:' + identity.firmwareVersion[0].toString(16).toUpperCase().padStart(8, '0') }
        : options.platformCertificate;
    const certificate = tpmCertificate({ ...certCommon, kind: 'platform', ekPublic: eks[0].public, platform: p });
    await writeCertificate(MANUFACTURE_HANDLES.platformCert, certificate);
    result.platformCertificate = { certificate, certIndex: MANUFACTURE_HANDLES.platformCert };
  }

  if (options.srk) {
    const alg = (options.srk === true ? undefined : options.srk.alg) ?? (tcm ? 'sm2-p256' : 'rsa2048');
    result.srk = await createPersistent(TPM_RH.OWNER, srkTemplate({ alg }), MANUFACTURE_HANDLES.srk);
  }

  const hwSerialNum = options.hwSerialNum ?? swtpmSerialNum(identity.manufacturer, eks[0].certificate);
  const device = async (kind: 'iak' | 'idevid', o: DeviceKeyOptions): Promise<CertifiedKey> => {
    const t = { alg: o.alg ?? deviceAlg, authPolicy: o.authPolicy };
    const template = kind === 'iak' ? iakTemplate(t) : idevidTemplate(t);
    const key = await createPersistent(TPM_RH.ENDORSEMENT, template, MANUFACTURE_HANDLES[kind]);
    const certificate = tpmCertificate({ ...certCommon, kind, ekPublic: key.public, hwSerialNum });
    const certIndex = kind === 'iak' ? MANUFACTURE_HANDLES.iakCert : MANUFACTURE_HANDLES.idevidCert;
    await writeCertificate(certIndex, certificate);
    return { ...key, certificate, certIndex };
  };
  if (iakOpts) result.iak = await device('iak', iakOpts);
  if (idevidOpts) result.idevid = await device('idevid', idevidOpts);
  return result;
}

/** swtpm_setup's TPM serial number for IAK / IDevID certificates: "<manufacturer>:<EK cert AKI hex>:<EK cert serial hex>". */
function swtpmSerialNum(manufacturer: number, ekCert: Uint8Array): string {
  const c = parseCertificate(ekCert);
  const aki = findExtension(c, OID.authorityKeyIdentifier);
  const keyId = aki?.node?.children[0]?.tag === 0x80 ? aki.node.children[0].value : EMPTY;
  return `${asciiOf(manufacturer)}:${bytesToHex(keyId)}:${bytesToHex(derDecode(derInteger(c.serial)).value)}`;
}

/** Reads a certificate back from its NV index (owner authorization; NV_Read in TPM_PT_NV_BUFFER_MAX chunks). */
export async function readNvCertificate(client: Client, index: number, options: { auth?: Uint8Array | string; chunk?: number } = {}): Promise<Uint8Array> {
  const pub = await client.run('NV_ReadPublic', { nvIndex: index });
  const size = pub.nvPublic.nvPublic.dataSize;
  const chunk = options.chunk ?? (await readProperties(client, [TPM_PT.NV_BUFFER_MAX])).get(TPM_PT.NV_BUFFER_MAX) ?? 512;
  const out = new Uint8Array(size);
  for (let off = 0; off < size; off += chunk) {
    const r = await client.run('NV_Read', { authHandle: TPM_RH.OWNER, nvIndex: index, size: Math.min(chunk, size - off), offset: off }, { auth: { authHandle: options.auth ?? EMPTY } });
    out.set(r.data, off);
  }
  return out;
}
