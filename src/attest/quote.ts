/**
 * Verifier side of TPM attestation (TPM 2.0 Part 2 "TPMS_ATTEST", "TPMS_CLOCK_INFO",
 * "TPMS_QUOTE_INFO"; Part 3 "TPM2_Quote", "TPM2_Certify", "TPM2_CertifyCreation"): parsing the
 * structures a TPM signs, checking the signature (the digest is H_sigHash(TPMS_ATTEST octets),
 * SM2 over that digest without Z_A, as the TPM signs), the caller's nonce, the PCR digest, and
 * the Clock against an earlier attestation (Keylime's rule). Also the tpm2-tools file formats
 * verifiers receive: the "serialized" PCR file of `tpm2_quote -o` and tss-format signatures.
 *
 * Checks never throw for bad evidence: they return `{ ok, failures: [{ check, message }] }`.
 * They throw (TypeError, AttestationError) only when the caller's own inputs are unusable.
 *
 * Clock obfuscation: for a key outside the endorsement and platform hierarchies the TPM adds a
 * per-key offset to resetCount, restartCount and firmwareVersion (Part 2 "TPMS_ATTEST"), so
 * compare Clock only between attestations signed by the same key.
 */
import { bytesEqual, bytesToHex } from '../crypto/bytes.js';
import { hashByAlg, hashByName, type HashAlgorithm } from '../crypto/hash.js';
import { TPM_ALG, TPM_ECC, TPM_GENERATED, TPM_ST, TPMA_OBJECT } from '../gen/constants.js';
import { DEFAULT_LIMITS, SCHEMA } from '../gen/schemas.js';
import type {
  PCR_ReadOut,
  TPM2B_CREATION_DATA,
  TPML_PCR_SELECTION,
  TPMS_ATTEST,
  TPMS_CERTIFY_INFO,
  TPMS_CLOCK_INFO,
  TPMS_CREATION_DATA,
  TPMS_CREATION_INFO,
  TPMS_ECC_PARMS,
  TPMS_PCR_SELECTION,
  TPMS_QUOTE_INFO,
  TPMS_RSA_PARMS,
  TPMS_SCHEME_HASH,
  TPMS_SIGNATURE_ECC,
  TPMS_SIGNATURE_RSA,
  TPMT_HA,
  TPMT_PUBLIC,
  TPMT_SIGNATURE,
} from '../gen/types.js';
import type { Client } from '../client/client.js';
import { ProtocolError } from '../protocol/errors.js';
import { objectName } from '../protocol/keys.js';
import { verifySignature } from '../protocol/signature.js';
import { createCodec, type Codec } from '../wire/codec.js';
import { WireError } from '../wire/errors.js';
import { Reader } from '../wire/reader.js';

// ---------------------------------------------------------------------------------------------
// Errors and names

/** What a check looked at (the `check` of a failure). */
export type AttestCheck =
  | 'format'
  | 'magic'
  | 'type'
  | 'signature'
  | 'nonce'
  | 'pcrSelection'
  | 'pcrDigest'
  | 'clock'
  | 'safe'
  | 'name'
  | 'qualifiedName'
  | 'creationHash'
  | 'attributes';

/** One failed check of a piece of evidence. */
export interface AttestFailure {
  check: AttestCheck;
  message: string;
}

/** Evidence that cannot be read or checked (parse functions throw it; checks report it as a failure). */
export class AttestationError extends Error {
  readonly check: AttestCheck;
  constructor(check: AttestCheck, message: string) {
    super(message);
    this.name = 'AttestationError';
    this.check = check;
  }
}

const ALG_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(TPM_ALG).map(([k, v]) => [v as number, `TPM_ALG_${k}`]));
const ST_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(TPM_ST).map(([k, v]) => [v as number, `TPM_ST_${k}`]));
const algName = (alg: number): string => ALG_NAMES.get(alg) ?? `algorithm 0x${alg.toString(16).padStart(4, '0')}`;
const stName = (st: number): string => ST_NAMES.get(st) ?? `0x${st.toString(16).padStart(4, '0')}`;
const hexOf = (b: Uint8Array): string => (b.length === 0 ? '(empty)' : bytesToHex(b));

/** The TPMS_ATTEST types (TPMI_ST_ATTEST). */
const ATTEST_TYPES: ReadonlySet<number> = new Set([
  TPM_ST.ATTEST_CERTIFY,
  TPM_ST.ATTEST_QUOTE,
  TPM_ST.ATTEST_SESSION_AUDIT,
  TPM_ST.ATTEST_COMMAND_AUDIT,
  TPM_ST.ATTEST_TIME,
  TPM_ST.ATTEST_CREATION,
  TPM_ST.ATTEST_NV,
  TPM_ST.ATTEST_NV_DIGEST,
]);

// ---------------------------------------------------------------------------------------------
// Parsing

let CODEC: Codec | undefined;
/**
 * Strict codec for evidence from any TPM: every algorithm accepted, and PCR selections of 0 to 8
 * octets (a TPM reports the size it was asked for; other TPMs have more than 24 PCRs).
 */
function codec(): Codec {
  return (CODEC ??= createCodec({ schema: SCHEMA, limits: { ...DEFAULT_LIMITS, PCR_SELECT_MIN: 0, PCR_SELECT_MAX: 8 }, strict: true }));
}

function decodeWhole<T>(type: string, bytes: Uint8Array, check: AttestCheck, allowNull = false): T {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${type}: expected a Uint8Array`);
  const r = new Reader(bytes);
  let value: T;
  try {
    value = codec().read<T>(type, r, allowNull);
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    throw new AttestationError(check, `${type}: malformed${e.path.length ? ` at ${e.field}` : ''}: ${e.message}`);
  }
  if (r.remaining !== 0) throw new AttestationError(check, `${type}: ${r.remaining} octet(s) after the structure`);
  return value;
}

/**
 * Parses a marshalled TPMS_ATTEST (what TPM2_Quote returns in `quoted`, TPM2_Certify in
 * `certifyInfo`, tpm2_quote -m writes). AttestationError names the problem: 'magic' (not
 * TPM_GENERATED_VALUE: not made by a TPM), 'type' (not a TPM_ST_ATTEST_* tag), 'format'
 * (truncated, malformed or trailing octets).
 */
export function parseAttest(bytes: Uint8Array): TPMS_ATTEST {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('parseAttest: expected a Uint8Array');
  if (bytes.length < 6) throw new AttestationError('format', `TPMS_ATTEST: ${bytes.length} octet(s), too short for magic and type`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== TPM_GENERATED.VALUE) {
    throw new AttestationError('magic', `TPMS_ATTEST: magic 0x${magic.toString(16).padStart(8, '0')} is not TPM_GENERATED_VALUE (0xff544347): not a structure the TPM generated`);
  }
  const type = view.getUint16(4);
  if (!ATTEST_TYPES.has(type)) throw new AttestationError('type', `TPMS_ATTEST: type ${stName(type)} is not an attestation type (TPM_ST_ATTEST_*)`);
  return decodeWhole<TPMS_ATTEST>('TPMS_ATTEST', bytes, 'format');
}

/** Parses a marshalled TPMT_SIGNATURE (tpm2-tools "tss" signature files); errors are AttestationError 'signature'. */
export function parseSignature(bytes: Uint8Array): TPMT_SIGNATURE {
  return decodeWhole<TPMT_SIGNATURE>('TPMT_SIGNATURE', bytes, 'signature', true);
}

/** Marshals a TPMT_SIGNATURE (the tss file format). */
export function encodeSignature(signature: TPMT_SIGNATURE): Uint8Array {
  return codec().encode('TPMT_SIGNATURE', signature);
}

/** A public area: TPMT_PUBLIC, TPM2B_PUBLIC ({ publicArea }) or the marshalled octets of either. */
export type PublicInput = TPMT_PUBLIC | { publicArea: TPMT_PUBLIC; bytes?: Uint8Array } | Uint8Array;

/**
 * Parses a marshalled public area: TPM2B_PUBLIC (Keylime's `aik_tpm`, tpm2-tools `.pub` files)
 * or a bare TPMT_PUBLIC. Errors are AttestationError 'format'.
 */
export function parsePublic(bytes: Uint8Array): TPMT_PUBLIC {
  return publicOf(bytes).pub;
}

/** The public area and its canonical octets (for the Name: the octets as received). */
export function publicOf(input: PublicInput): { pub: TPMT_PUBLIC; bytes: Uint8Array; name: Uint8Array } {
  let pub: TPMT_PUBLIC;
  let bytes: Uint8Array;
  if (input instanceof Uint8Array) {
    const sized = input.length >= 2 && ((input[0] << 8) | input[1]) === input.length - 2;
    bytes = sized ? input.subarray(2) : input;
    pub = decodeWhole<TPMT_PUBLIC>('TPMT_PUBLIC', bytes, 'format');
  } else if (input && typeof input === 'object' && 'publicArea' in input) {
    pub = input.publicArea;
    bytes = input.bytes ?? codec().encode('TPMT_PUBLIC', pub);
  } else if (input && typeof input === 'object' && 'type' in input && 'nameAlg' in input) {
    pub = input;
    bytes = codec().encode('TPMT_PUBLIC', pub);
  } else {
    throw new TypeError('expected a TPMT_PUBLIC, a TPM2B_PUBLIC or their marshalled octets');
  }
  return { pub, bytes, name: objectName(bytes, pub.nameAlg) };
}

/** Name of a public area (nameAlg ‖ H_nameAlg(TPMT_PUBLIC); Part 1 "Names"). */
export function nameOfPublic(input: PublicInput): Uint8Array {
  return publicOf(input).name;
}

// ---------------------------------------------------------------------------------------------
// Signatures

/** The hash of a signature (the scheme's hash; TPM_ALG_NULL for a NULL signature). */
export function signatureHash(signature: TPMT_SIGNATURE): number {
  if (signature.sigAlg === TPM_ALG.NULL || signature.signature === null) return TPM_ALG.NULL;
  if (signature.sigAlg === TPM_ALG.HMAC) return (signature.signature as TPMT_HA).hashAlg;
  return (signature.signature as TPMS_SIGNATURE_RSA | TPMS_SIGNATURE_ECC).hash;
}

/**
 * Checks the signature a TPM made over attestation octets with the key akPublic: RSASSA,
 * RSASSA-PSS, ECDSA, EC-Schnorr and SM2 (on H_sigHash(attest), no Z_A). Returns whether it is
 * genuine. Throws AttestationError 'signature' for a signature that cannot be checked: NULL
 * (the TPM signed nothing), HMAC (needs the key's secret), ECDAA (anonymous, needs the
 * issuer's credential), a scheme of another key type, an unknown hash.
 */
export function verifyAttestSignature(akPublic: PublicInput, attestBytes: Uint8Array, signature: TPMT_SIGNATURE | Uint8Array): boolean {
  if (!(attestBytes instanceof Uint8Array)) throw new TypeError('verifyAttestSignature: attestBytes must be a Uint8Array');
  const { pub } = publicOf(akPublic);
  const sig = signature instanceof Uint8Array ? parseSignature(signature) : signature;
  const fail = (msg: string) => new AttestationError('signature', msg);
  switch (sig.sigAlg) {
    case TPM_ALG.NULL:
      throw fail('the signature is TPM_ALG_NULL: the TPM signed nothing (signHandle TPM_RH_NULL)');
    case TPM_ALG.HMAC:
      throw fail('an HMAC signature needs the key secret: not verifiable by a verifier');
    case TPM_ALG.ECDAA:
      throw fail('an ECDAA (anonymous) signature needs the issuer credential: not supported');
  }
  if (pub.type !== TPM_ALG.RSA && pub.type !== TPM_ALG.ECC) throw fail(`the key is ${algName(pub.type)}, not an RSA or ECC signing key`);
  const hashAlg = signatureHash(sig);
  const hash = hashByAlg(hashAlg);
  if (!hash) throw fail(`the signature hash ${algName(hashAlg)} is not implemented`);
  try {
    return verifySignature(pub, hash.digest(attestBytes), sig);
  } catch (e) {
    if (e instanceof ProtocolError) throw fail(`a ${algName(sig.sigAlg)} signature cannot come from a ${algName(pub.type)} key (${e.message})`);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// PCR selections and values

/** One bank of a PCR selection: the hash and PCR numbers (ascending). */
export interface PcrBank {
  hashAlg: number;
  pcrs: number[];
}

/** One PCR value. */
export interface PcrValue {
  hashAlg: number;
  pcr: number;
  value: Uint8Array;
}

/**
 * PCR values by bank and PCR: `{ [TPM_ALG.SHA256]: { 0: v0, 16: v16 } }`; banks may also be
 * named ('sha1', 'sha256', 'sha384', 'sha512', 'sm3_256'/'sm3'); or a list of PcrValue.
 */
export type PcrValues = { readonly [hashAlg: string | number]: { readonly [pcr: number]: Uint8Array } } | readonly PcrValue[];

/** A selection: TPML_PCR_SELECTION, TPMS_PCR_SELECTION[] (bitmaps) or PcrBank-like lists (hashAlg by id or name). */
export type PcrSelectionInput =
  | TPML_PCR_SELECTION
  | readonly (TPMS_PCR_SELECTION | { hashAlg: number | string; pcrs: readonly number[] })[];

/** A hash algorithm by TPM_ALG_ID, numeric string or name. */
export function hashAlgOf(alg: number | string): number {
  if (typeof alg === 'number') return alg;
  const trimmed = alg.trim().toLowerCase();
  if (/^(0x[0-9a-f]+|\d+)$/.test(trimmed)) return Number(trimmed);
  const name = trimmed === 'sm3' || trimmed === 'sm3-256' || trimmed === 'sm3256' ? 'sm3_256' : trimmed.replace('-', '');
  const h = hashByName(name);
  if (!h) throw new TypeError(`unknown hash algorithm '${alg}'`);
  return h.alg;
}

function hashOrThrow(alg: number): HashAlgorithm {
  const h = hashByAlg(alg);
  if (!h) throw new TypeError(`hash algorithm ${algName(alg)} is not implemented`);
  return h;
}

function bitsToPcrs(select: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < select.length * 8; i++) if ((select[i >> 3] >> (i & 7)) & 1) out.push(i);
  return out;
}

/** A selection as banks in the given order (PCRs ascending; banks selecting nothing kept). */
export function pcrBanks(selection: PcrSelectionInput): PcrBank[] {
  const list = Array.isArray(selection) ? selection : (selection as TPML_PCR_SELECTION).pcrSelections;
  if (!Array.isArray(list)) throw new TypeError('expected a PCR selection');
  return list.map((s: TPMS_PCR_SELECTION | { hashAlg: number | string; pcrs: readonly number[] }) => {
    if ('pcrSelect' in s) return { hashAlg: s.hash, pcrs: bitsToPcrs(s.pcrSelect) };
    for (const p of s.pcrs) if (!Number.isInteger(p) || p < 0 || p > 255) throw new TypeError(`PCR number ${p} out of range`);
    return { hashAlg: hashAlgOf(s.hashAlg), pcrs: [...new Set(s.pcrs)].sort((a, b) => a - b) };
  });
}

/** A selection as TPML_PCR_SELECTION (3-octet bitmaps unless a PCR above 23 needs more). */
export function pcrSelectionList(selection: PcrSelectionInput): TPML_PCR_SELECTION {
  return {
    pcrSelections: pcrBanks(selection).map(({ hashAlg, pcrs }) => {
      const pcrSelect = new Uint8Array(Math.max(3, Math.ceil((Math.max(-1, ...pcrs) + 1) / 8)));
      for (const p of pcrs) pcrSelect[p >> 3] |= 1 << (p & 7);
      return { hash: hashAlg, pcrSelect };
    }),
  };
}

/** PCR values as bank → PCR → value. */
export function pcrValueMap(values: PcrValues): Map<number, Map<number, Uint8Array>> {
  const out = new Map<number, Map<number, Uint8Array>>();
  const put = (hashAlg: number, pcr: number, value: Uint8Array) => {
    if (!Number.isInteger(pcr) || pcr < 0 || pcr > 255) throw new TypeError(`PCR number ${pcr} out of range`);
    if (!(value instanceof Uint8Array)) throw new TypeError(`the value of PCR ${pcr} is not a Uint8Array`);
    let bank = out.get(hashAlg);
    if (!bank) out.set(hashAlg, (bank = new Map()));
    bank.set(pcr, value);
  };
  if (Array.isArray(values)) {
    for (const v of values as readonly PcrValue[]) put(hashAlgOf(v.hashAlg), v.pcr, v.value);
  } else if (values && typeof values === 'object') {
    for (const [alg, bank] of Object.entries(values)) {
      for (const [pcr, value] of Object.entries(bank as Record<string, Uint8Array>)) put(hashAlgOf(alg), Number(pcr), value);
    }
  } else {
    throw new TypeError('expected PCR values');
  }
  return out;
}

/** The PCRs a quote covers, bank by bank in quote order (PCRs ascending). */
export function quotedPcrs(attest: TPMS_ATTEST | TPMS_QUOTE_INFO): PcrBank[] {
  let info: TPMS_QUOTE_INFO;
  if ('magic' in attest) {
    if (attest.type !== TPM_ST.ATTEST_QUOTE) throw new AttestationError('type', `TPMS_ATTEST type ${stName(attest.type)} is not TPM_ST_ATTEST_QUOTE`);
    info = attest.attested as TPMS_QUOTE_INFO;
  } else {
    info = attest;
  }
  return pcrBanks(info.pcrSelect);
}

/** The selected PCRs of `selection` that `values` lacks. */
function missingPcrs(banks: readonly PcrBank[], map: Map<number, Map<number, Uint8Array>>): string[] {
  const missing: string[] = [];
  for (const { hashAlg, pcrs } of banks) {
    const bank = map.get(hashAlg);
    const lacking = pcrs.filter((p) => !bank?.has(p));
    if (lacking.length) missing.push(`${hashByAlg(hashAlg)?.name ?? algName(hashAlg)}: ${lacking.join(',')}`);
  }
  return missing;
}

/**
 * Selected PCR values whose length is not their bank's digest size: values split at other places
 * can concatenate to the same octets, so a digest match alone does not prove each value.
 */
export function misSizedPcrs(banks: readonly PcrBank[], map: Map<number, Map<number, Uint8Array>>): string[] {
  const out: string[] = [];
  for (const { hashAlg, pcrs } of banks) {
    const size = hashByAlg(hashAlg)?.digestSize;
    const bank = map.get(hashAlg);
    const bad = pcrs.filter((p) => bank?.has(p) && bank.get(p)!.length !== size);
    if (bad.length) out.push(`${hashByAlg(hashAlg)?.name ?? algName(hashAlg)}: ${bad.join(',')} (not ${size ?? '?'} octets)`);
  }
  return out;
}

/**
 * The PCR digest a quote signs (Part 3 "TPM2_Quote"): H_hashAlg of the selected PCR values
 * concatenated in selection order, banks as listed and PCRs ascending within a bank. A
 * selected PCR without a value is AttestationError 'pcrSelection'.
 */
export function pcrDigestOf(hashAlg: number, selection: PcrSelectionInput, values: PcrValues): Uint8Array {
  const hash = hashOrThrow(hashAlg);
  const banks = pcrBanks(selection);
  const map = pcrValueMap(values);
  const missing = missingPcrs(banks, map);
  if (missing.length) throw new AttestationError('pcrSelection', `no value given for selected PCRs (${missing.join('; ')})`);
  return compositeDigest(hash, banks, map);
}

function compositeDigest(hash: HashAlgorithm, banks: readonly PcrBank[], map: Map<number, Map<number, Uint8Array>>): Uint8Array {
  const ctx = hash.create();
  for (const { hashAlg, pcrs } of banks) for (const p of pcrs) ctx.update(map.get(hashAlg)!.get(p)!);
  return ctx.digest();
}

/**
 * PCR values from TPM2_PCR_Read responses (each lists what it returned in pcrSelectionOut, the
 * values in the same order).
 */
export function pcrReadValues(...responses: (PCR_ReadOut | readonly PCR_ReadOut[])[]): PcrValue[] {
  const out: PcrValue[] = [];
  for (const r of responses.flat() as PCR_ReadOut[]) {
    const digests = r.pcrValues.digests;
    let i = 0;
    for (const { hashAlg, pcrs } of pcrBanks(r.pcrSelectionOut)) {
      for (const pcr of pcrs) {
        if (i >= digests.length) throw new AttestationError('pcrSelection', 'TPM2_PCR_Read response lists more PCRs than values');
        out.push({ hashAlg, pcr, value: digests[i++] });
      }
    }
  }
  return out;
}

/**
 * Reads every PCR of a selection with TPM2_PCR_Read (which returns at most 8 values per call),
 * repeating until all are read. The values come in selection order.
 */
export async function readPcrs(client: Client, selection: PcrSelectionInput): Promise<PcrValue[]> {
  const wanted = pcrBanks(selection);
  const got = pcrValueMap([]);
  for (let round = 0; round < 64; round++) {
    const remaining = wanted.map(({ hashAlg, pcrs }) => ({ hashAlg, pcrs: pcrs.filter((p) => !got.get(hashAlg)?.has(p)) })).filter((b) => b.pcrs.length);
    if (remaining.length === 0) break;
    const response = await client.run('PCR_Read', { pcrSelectionIn: pcrSelectionList(remaining) });
    const values = pcrReadValues(response);
    if (values.length === 0) throw new Error(`TPM2_PCR_Read returned none of the PCRs asked for (${remaining.map((b) => `${algName(b.hashAlg)}:${b.pcrs.join(',')}`).join(' ')}): is the bank allocated?`);
    for (const v of values) {
      let bank = got.get(v.hashAlg);
      if (!bank) got.set(v.hashAlg, (bank = new Map()));
      bank.set(v.pcr, v.value);
    }
  }
  return wanted.flatMap(({ hashAlg, pcrs }) => pcrs.filter((p) => got.get(hashAlg)?.has(p)).map((pcr) => ({ hashAlg, pcr, value: got.get(hashAlg)!.get(pcr)! })));
}

// ---------------------------------------------------------------------------------------------
// Checks

/** The result of checking one attestation. `attest` is set when the octets parsed. */
export interface AttestCheckResult {
  ok: boolean;
  attest?: TPMS_ATTEST;
  failures: AttestFailure[];
}

/** checkQuote's result: `pcrs` are the values the quote covers, set only when its PCR digest matched. */
export interface QuoteCheckResult extends AttestCheckResult {
  pcrs?: PcrValue[];
}

/** What every attestation check takes. */
export interface AttestationCheckOptions {
  /** The signing key's public area (an AK). */
  akPublic: PublicInput;
  /** The TPMS_ATTEST octets as the TPM returned them (quoted / certifyInfo / timeInfo / ...). */
  attest: Uint8Array;
  /** TPMT_SIGNATURE, decoded or marshalled (tss format). */
  signature: TPMT_SIGNATURE | Uint8Array;
  /** The verifier's nonce: extraData must equal it (empty for none). */
  nonce: Uint8Array;
  /** The expected TPMS_ATTEST type (TPM_ST_ATTEST_*). */
  type?: number;
  /** Clock information (or the attestation) of an earlier attestation by the same key. */
  previous?: TPMS_CLOCK_INFO | TPMS_ATTEST | Uint8Array;
  /** Require clockInfo.safe = YES (default false; checkQuote: true). */
  requireSafe?: boolean;
  /** The hash algorithm the signature must use (e.g. Keylime's hash_alg). */
  hashAlg?: number | string;
}

/**
 * Keylime's quote timing rule: resetCount must not decrease; with the same resetCount,
 * restartCount must not decrease; with both the same, Clock must strictly increase.
 */
function clockProblem(prev: TPMS_CLOCK_INFO, cur: TPMS_CLOCK_INFO): string | undefined {
  const show = (c: TPMS_CLOCK_INFO) => `clock ${c.clock}, resetCount ${c.resetCount}, restartCount ${c.restartCount}`;
  if (cur.resetCount < prev.resetCount) return `resetCount went back (${show(prev)} before, ${show(cur)} now)`;
  if (cur.resetCount > prev.resetCount) return undefined;
  if (cur.restartCount < prev.restartCount) return `restartCount went back (${show(prev)} before, ${show(cur)} now)`;
  if (cur.restartCount > prev.restartCount) return undefined;
  if (BigInt(cur.clock) <= BigInt(prev.clock)) return `Clock did not advance since the earlier attestation (${show(prev)} before, ${show(cur)} now)`;
  return undefined;
}

function clockInfoOf(previous: TPMS_CLOCK_INFO | TPMS_ATTEST | Uint8Array): TPMS_CLOCK_INFO {
  if (previous instanceof Uint8Array) return parseAttest(previous).clockInfo;
  if ('clockInfo' in previous) return previous.clockInfo;
  if ('clock' in previous && 'resetCount' in previous) return previous;
  throw new TypeError('previous: expected TPMS_CLOCK_INFO, TPMS_ATTEST or its octets');
}

function requireBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
}

interface Checked extends AttestCheckResult {
  signature?: TPMT_SIGNATURE;
  pub: TPMT_PUBLIC;
}

/** The checks every attestation shares: format, magic, type, signature, nonce, clock, safe. */
function checkCommon(o: AttestationCheckOptions): Checked {
  if (!o || typeof o !== 'object') throw new TypeError('expected check options');
  requireBytes(o.attest, 'the attestation');
  requireBytes(o.nonce, 'nonce');
  const { pub } = publicOf(o.akPublic);
  const prevClock = o.previous === undefined ? undefined : clockInfoOf(o.previous);
  const wantHash = o.hashAlg === undefined ? undefined : hashAlgOf(o.hashAlg);
  const failures: AttestFailure[] = [];
  const fail = (check: AttestCheck, message: string) => failures.push({ check, message });

  let attest: TPMS_ATTEST | undefined;
  try {
    attest = parseAttest(o.attest);
  } catch (e) {
    if (!(e instanceof AttestationError)) throw e;
    fail(e.check, e.message);
  }

  let signature: TPMT_SIGNATURE | undefined;
  try {
    signature = o.signature instanceof Uint8Array ? parseSignature(o.signature) : o.signature;
    if (wantHash !== undefined && signatureHash(signature) !== wantHash) {
      fail('signature', `signed with ${algName(signatureHash(signature))}, expected ${algName(wantHash)}`);
    } else if (!verifyAttestSignature(pub, o.attest, signature)) {
      fail('signature', `the ${algName(signature.sigAlg)} signature does not verify with the key`);
    }
  } catch (e) {
    if (!(e instanceof AttestationError)) throw e;
    fail('signature', e.message);
  }

  if (attest) {
    if (o.type !== undefined && attest.type !== o.type) fail('type', `attestation type ${stName(attest.type)}, expected ${stName(o.type)}`);
    if (!bytesEqual(attest.extraData, o.nonce)) fail('nonce', `extraData ${hexOf(attest.extraData)} is not the nonce ${hexOf(o.nonce)}`);
    if (prevClock) {
      const problem = clockProblem(prevClock, attest.clockInfo);
      if (problem) fail('clock', problem);
    }
    if (o.requireSafe && attest.clockInfo.safe !== 1) fail('safe', 'clockInfo.safe is NO: the TPM may have reported a larger Clock before (power lost without TPM2_Shutdown)');
  }
  return { ok: failures.length === 0, attest, failures, signature, pub };
}

/** Checks any attestation (TPM2_GetTime, audit digests, NV_Certify, ...): the shared checks only. */
export function checkAttestation(options: AttestationCheckOptions): AttestCheckResult {
  const { ok, attest, failures } = checkCommon(options);
  return { ok, attest, failures };
}

export interface CheckQuoteOptions extends Omit<AttestationCheckOptions, 'attest' | 'type'> {
  /** TPM2_Quote's `quoted` (TPMS_ATTEST octets). */
  quoted: Uint8Array;
  /** Values of (at least) the quoted PCRs. */
  pcrs: PcrValues;
  /** The selection the verifier asked for: the quote must cover exactly these PCRs. */
  expectedSelection?: PcrSelectionInput;
}

function selectionText(banks: readonly PcrBank[]): string {
  const shown = banks.filter((b) => b.pcrs.length).map((b) => `${hashByAlg(b.hashAlg)?.name ?? algName(b.hashAlg)}:${b.pcrs.join(',')}`);
  return shown.length ? shown.join(' ') : '(none)';
}

/** Same PCRs per bank (order of banks and empty banks aside). */
function sameSelection(a: readonly PcrBank[], b: readonly PcrBank[]): boolean {
  const key = (banks: readonly PcrBank[]) => {
    const m = new Map<number, Set<number>>();
    for (const { hashAlg, pcrs } of banks) {
      let s = m.get(hashAlg);
      if (!s) m.set(hashAlg, (s = new Set()));
      for (const p of pcrs) s.add(p);
    }
    return [...m].filter(([, s]) => s.size).map(([h, s]) => `${h}:${[...s].sort((x, y) => x - y).join(',')}`).sort().join(' ');
  };
  return key(a) === key(b);
}

/**
 * Checks a TPM2_Quote (tpm2_checkquote, Keylime's check_quote): magic, type
 * TPM_ST_ATTEST_QUOTE, the signature over H_sigHash(quoted), extraData = nonce, the quoted
 * selection (= expectedSelection when given; every selected PCR has a value), pcrDigest =
 * H_sigHash(selected values in selection order), Clock progress against `previous`, and
 * clockInfo.safe = YES (unless requireSafe is false).
 */
export function checkQuote(options: CheckQuoteOptions): QuoteCheckResult {
  const { quoted, pcrs, expectedSelection, ...rest } = options;
  const common = checkCommon({ ...rest, attest: quoted, type: TPM_ST.ATTEST_QUOTE, requireSafe: rest.requireSafe ?? true });
  const { attest, failures } = common;
  const values = pcrValueMap(pcrs ?? {});
  const expected = expectedSelection === undefined ? undefined : pcrBanks(expectedSelection);
  let covered: PcrValue[] | undefined;
  if (attest && attest.type === TPM_ST.ATTEST_QUOTE) {
    const info = attest.attested as TPMS_QUOTE_INFO;
    const banks = pcrBanks(info.pcrSelect);
    if (expected && !sameSelection(banks, expected)) {
      failures.push({ check: 'pcrSelection', message: `the quote covers ${selectionText(banks)}, expected ${selectionText(expected)}` });
    }
    const missing = missingPcrs(banks, values);
    const misSized = misSizedPcrs(banks, values);
    if (missing.length) {
      failures.push({ check: 'pcrSelection', message: `no value given for quoted PCRs (${missing.join('; ')})` });
    } else if (misSized.length) {
      failures.push({ check: 'pcrSelection', message: `PCR values of the wrong size for their bank (${misSized.join('; ')})` });
    } else {
      // The quote's hash is the signing scheme's; without a readable signature, the key's scheme.
      const keyScheme = ((common.pub.parameters as TPMS_RSA_PARMS | TPMS_ECC_PARMS | null)?.scheme?.details as TPMS_SCHEME_HASH | null | undefined)?.hashAlg;
      const hashAlg = common.signature ? signatureHash(common.signature) : keyScheme;
      const hash = hashAlg === undefined ? undefined : hashByAlg(hashAlg);
      if (!hash) {
        failures.push({ check: 'pcrDigest', message: 'the quote hash is unknown (no usable signature or key scheme)' });
      } else {
        const digest = compositeDigest(hash, banks, values);
        if (!bytesEqual(digest, info.pcrDigest)) {
          failures.push({ check: 'pcrDigest', message: `pcrDigest ${hexOf(info.pcrDigest)} is not ${hash.name} of the given PCR values (${hexOf(digest)}) for ${selectionText(banks)}` });
        } else {
          covered = banks.flatMap(({ hashAlg: h, pcrs: list }) => list.map((pcr) => ({ hashAlg: h, pcr, value: values.get(h)!.get(pcr)! })));
        }
      }
    }
  }
  const ok = failures.length === 0;
  return { ok, attest, failures, ...(ok && covered ? { pcrs: covered } : {}) };
}

export interface CheckCertifyOptions extends Omit<AttestationCheckOptions, 'attest' | 'type'> {
  /** TPM2_Certify's `certifyInfo`. */
  certifyInfo: Uint8Array;
  /** The certified object's expected Name, or its public area (its Name is computed). */
  name?: Uint8Array;
  objectPublic?: PublicInput;
  /** The certified object's expected qualified Name (optional). */
  qualifiedName?: Uint8Array;
}

/**
 * Checks a TPM2_Certify (Keylime's AK-by-IAK check): magic, type TPM_ST_ATTEST_CERTIFY,
 * signature, extraData = nonce, the certified Name (and qualified Name when given).
 */
export function checkCertify(options: CheckCertifyOptions): AttestCheckResult {
  const { certifyInfo, name, objectPublic, qualifiedName, ...rest } = options;
  if (name === undefined && objectPublic === undefined) throw new TypeError('checkCertify: give the expected name or objectPublic');
  const expectedName = name ?? publicOf(objectPublic!).name;
  const { attest, failures } = checkCommon({ ...rest, attest: certifyInfo, type: TPM_ST.ATTEST_CERTIFY });
  if (attest && attest.type === TPM_ST.ATTEST_CERTIFY) {
    const info = attest.attested as TPMS_CERTIFY_INFO;
    if (!bytesEqual(info.name, expectedName)) failures.push({ check: 'name', message: `certified Name ${hexOf(info.name)} is not ${hexOf(expectedName)}` });
    if (qualifiedName !== undefined && !bytesEqual(info.qualifiedName, qualifiedName)) {
      failures.push({ check: 'qualifiedName', message: `certified qualified Name ${hexOf(info.qualifiedName)} is not ${hexOf(qualifiedName)}` });
    }
  }
  return { ok: failures.length === 0, attest, failures };
}

/** go-attestation's AK attributes: fixedTPM|fixedParent|sensitiveDataOrigin|restricted|sign. */
export const AK_CREATION_ATTRIBUTES: number = TPMA_OBJECT.fixedTPM | TPMA_OBJECT.fixedParent | TPMA_OBJECT.sensitiveDataOrigin | TPMA_OBJECT.restricted | TPMA_OBJECT.sign_encrypt;

/** Keylime's AK_EXPECTED_ATTRS (tpm2_createak's defaults): the creation attributes plus userWithAuth. */
export const AK_ATTRIBUTES: number = AK_CREATION_ATTRIBUTES | TPMA_OBJECT.userWithAuth;

const ATTRIBUTE_NAMES: readonly [number, string][] = Object.entries(TPMA_OBJECT).map(([k, v]) => [v as number, k === 'sign_encrypt' ? 'sign' : k]);

/** Strong enough AK curves (go-attestation: P-256 and up; SM2 for the TCM). */
const AK_CURVES: ReadonlySet<number> = new Set([TPM_ECC.NIST_P256, TPM_ECC.NIST_P384, TPM_ECC.NIST_P521, TPM_ECC.SM2_P256]);

/**
 * What is wrong with a public area as an attestation key (empty when nothing): an RSA (≥ 2048
 * bits) or ECC (P-256/384/521, SM2) key with all `required` attributes and without decrypt.
 */
export function akPublicProblems(akPublic: PublicInput, required: number = AK_ATTRIBUTES): string[] {
  const { pub } = publicOf(akPublic);
  const problems: string[] = [];
  const attrs = pub.objectAttributes;
  const lacking = ATTRIBUTE_NAMES.filter(([bit]) => required & bit && !(attrs & bit)).map(([, n]) => n);
  if (lacking.length) problems.push(`attributes lack ${lacking.join('|')}`);
  if (attrs & TPMA_OBJECT.decrypt) problems.push('a decryption key is not an attestation key');
  if (pub.type === TPM_ALG.RSA) {
    const bits = (pub.parameters as TPMS_RSA_PARMS).keyBits;
    if (bits < 2048) problems.push(`RSA ${bits} is too small (at least 2048 bits)`);
  } else if (pub.type === TPM_ALG.ECC) {
    const curve = (pub.parameters as TPMS_ECC_PARMS).curveID;
    if (!AK_CURVES.has(curve)) problems.push(`curve 0x${curve.toString(16)} is not P-256, P-384, P-521 or SM2 P-256`);
  } else {
    problems.push(`${algName(pub.type)} is not an RSA or ECC key`);
  }
  return problems;
}

export interface CheckCertifyCreationOptions extends Omit<AttestationCheckOptions, 'attest' | 'type' | 'nonce'> {
  /** TPM2_CertifyCreation's `certifyInfo`. */
  certifyInfo: Uint8Array;
  /** The nonce given as qualifyingData (default empty, as go-attestation). */
  nonce?: Uint8Array;
  /** The certified object (default akPublic: an AK certifying its own creation). */
  objectPublic?: PublicInput;
  /** The creation data TPM2_Create/CreatePrimary returned: TPMS_CREATION_DATA octets, TPM2B_CREATION_DATA or TPMS_CREATION_DATA. */
  creationData: Uint8Array | TPM2B_CREATION_DATA | TPMS_CREATION_DATA;
  /** Check the certified object as an AK (akPublicProblems with `akAttributes`); default true. */
  checkAk?: boolean;
  /** Attributes the AK must have (default AK_CREATION_ATTRIBUTES). */
  akAttributes?: number;
}

/**
 * Checks a TPM2_CertifyCreation (go-attestation's AK check): magic, type
 * TPM_ST_ATTEST_CREATION, signature, extraData = nonce, creationHash = H_nameAlg(creation
 * data octets), objectName = Name of objectPublic, and the object's AK attributes and size.
 */
export function checkCertifyCreation(options: CheckCertifyCreationOptions): AttestCheckResult {
  const { certifyInfo, nonce, objectPublic, creationData, checkAk, akAttributes, ...rest } = options;
  const object = publicOf(objectPublic ?? rest.akPublic);
  let dataBytes: Uint8Array;
  if (creationData instanceof Uint8Array) dataBytes = creationData;
  else if (creationData && 'creationData' in creationData) dataBytes = creationData.bytes ?? codec().encode('TPMS_CREATION_DATA', creationData.creationData);
  else if (creationData && 'pcrSelect' in creationData) dataBytes = codec().encode('TPMS_CREATION_DATA', creationData);
  else throw new TypeError('checkCertifyCreation: creationData must be TPMS_CREATION_DATA, its octets or TPM2B_CREATION_DATA');
  const { attest, failures } = checkCommon({ ...rest, nonce: nonce ?? new Uint8Array(0), attest: certifyInfo, type: TPM_ST.ATTEST_CREATION });
  if (attest && attest.type === TPM_ST.ATTEST_CREATION) {
    const info = attest.attested as TPMS_CREATION_INFO;
    const hash = hashByAlg(object.pub.nameAlg);
    const expectedHash = hash?.digest(dataBytes);
    if (!expectedHash || !bytesEqual(info.creationHash, expectedHash)) {
      failures.push({ check: 'creationHash', message: `creationHash ${hexOf(info.creationHash)} is not ${hash?.name ?? algName(object.pub.nameAlg)} of the creation data${expectedHash ? ` (${hexOf(expectedHash)})` : ''}` });
    }
    if (!bytesEqual(info.objectName, object.name)) failures.push({ check: 'name', message: `certified Name ${hexOf(info.objectName)} is not the Name of the public area ${hexOf(object.name)}` });
  }
  if (checkAk ?? true) {
    const problems = akPublicProblems(object.pub, akAttributes ?? AK_CREATION_ATTRIBUTES);
    if (problems.length) failures.push({ check: 'attributes', message: `not an attestation key: ${problems.join('; ')}` });
  }
  return { ok: failures.length === 0, attest, failures };
}

// ---------------------------------------------------------------------------------------------
// tpm2-tools "serialized" PCR files (tpm2_quote -o, tpm2_pcrread -o; the tools write their C
// structures as they are in memory, little-endian): TPML_PCR_SELECTION = u32 count + 16 slots
// of (u16 hash, u8 sizeofSelect, 4-octet pcrSelect, 1 padding octet); u32 number of
// TPML_DIGEST; each TPML_DIGEST = u32 count + 8 × (u16 size + 64-octet buffer).

const SEL_SLOTS = 16;
const SEL_BYTES = 4 + SEL_SLOTS * 8;
const DIGEST_LIST_BYTES = 4 + 8 * (2 + 64);

/** A tpm2-tools PCR file: the selection it records and the PCR values in that order. */
export interface PcrFile {
  selection: TPML_PCR_SELECTION;
  values: PcrValue[];
}

/** Parses a tpm2-tools "serialized" PCR file (Keylime's `tpm2_pcrs`). Errors are AttestationError 'format'. */
export function parsePcrFile(bytes: Uint8Array): PcrFile {
  requireBytes(bytes, 'the PCR file');
  const bad = (msg: string) => new AttestationError('format', `tpm2-tools PCR file: ${msg}`);
  if (bytes.length < SEL_BYTES + 4) throw bad(`${bytes.length} octets, shorter than a TPML_PCR_SELECTION and a count`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0, true);
  if (count > SEL_SLOTS) throw bad(`${count} PCR selections (at most ${SEL_SLOTS})`);
  const pcrSelections: TPMS_PCR_SELECTION[] = [];
  for (let i = 0; i < count; i++) {
    const at = 4 + i * 8;
    const size = bytes[at + 2];
    if (size > 4) throw bad(`selection ${i} has sizeofSelect ${size} (at most 4)`);
    pcrSelections.push({ hash: view.getUint16(at, true), pcrSelect: bytes.slice(at + 3, at + 3 + size) });
  }
  const lists = view.getUint32(SEL_BYTES, true);
  if (bytes.length !== SEL_BYTES + 4 + lists * DIGEST_LIST_BYTES) {
    throw bad(`${bytes.length} octets, expected ${SEL_BYTES + 4 + lists * DIGEST_LIST_BYTES} for ${lists} TPML_DIGEST`);
  }
  const digests: Uint8Array[] = [];
  for (let l = 0; l < lists; l++) {
    const at = SEL_BYTES + 4 + l * DIGEST_LIST_BYTES;
    const n = view.getUint32(at, true);
    if (n > 8) throw bad(`TPML_DIGEST ${l} has ${n} digests (at most 8)`);
    for (let d = 0; d < n; d++) {
      const off = at + 4 + d * 66;
      const size = view.getUint16(off, true);
      if (size > 64) throw bad(`digest ${d} of TPML_DIGEST ${l} has size ${size}`);
      digests.push(bytes.slice(off + 2, off + 2 + size));
    }
  }
  const banks = pcrBanks(pcrSelections);
  const selected = banks.reduce((s, b) => s + b.pcrs.length, 0);
  if (selected !== digests.length) throw bad(`${selected} PCRs selected but ${digests.length} values`);
  let i = 0;
  const values = banks.flatMap(({ hashAlg, pcrs }) => pcrs.map((pcr) => ({ hashAlg, pcr, value: digests[i++] })));
  return { selection: { pcrSelections }, values };
}

/**
 * Writes a tpm2-tools "serialized" PCR file for a selection (PCRs 0-31) and values (in
 * selection order, at most 8 per TPML_DIGEST), as tpm2_quote -o does.
 */
export function encodePcrFile(selection: PcrSelectionInput, values: PcrValues): Uint8Array {
  const banks = pcrBanks(selection);
  if (banks.length > SEL_SLOTS) throw new TypeError(`at most ${SEL_SLOTS} banks in a tpm2-tools PCR file`);
  const map = pcrValueMap(values);
  const missing = missingPcrs(banks, map);
  if (missing.length) throw new TypeError(`no value for selected PCRs (${missing.join('; ')})`);
  const ordered = banks.flatMap(({ hashAlg, pcrs }) => pcrs.map((p) => map.get(hashAlg)!.get(p)!));
  const lists = Math.ceil(ordered.length / 8);
  const out = new Uint8Array(SEL_BYTES + 4 + lists * DIGEST_LIST_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, banks.length, true);
  banks.forEach(({ hashAlg, pcrs }, i) => {
    if (pcrs.some((p) => p > 31)) throw new TypeError('a tpm2-tools PCR file selects PCRs 0-31 only');
    const at = 4 + i * 8;
    view.setUint16(at, hashAlg, true);
    out[at + 2] = 3;
    for (const p of pcrs) out[at + 3 + (p >> 3)] |= 1 << (p & 7);
    if (pcrs.some((p) => p > 23)) out[at + 2] = 4;
  });
  view.setUint32(SEL_BYTES, lists, true);
  ordered.forEach((value, k) => {
    if (value.length > 64) throw new TypeError('a PCR value longer than 64 octets');
    const at = SEL_BYTES + 4 + Math.floor(k / 8) * DIGEST_LIST_BYTES;
    view.setUint32(at, Math.min(8, ordered.length - Math.floor(k / 8) * 8), true);
    const off = at + 4 + (k % 8) * 66;
    view.setUint16(off, value.length, true);
    out.set(value, off + 2);
  });
  return out;
}
