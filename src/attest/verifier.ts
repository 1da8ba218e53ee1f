/**
 * The verification service's core: one boot's evidence (a TPM2_Quote, the TCG PC Client event
 * log, the Linux IMA list) checked against an instance's integrity baseline, as Keylime's
 * verifier does (check_quote, then check_pcrs: replay the logs, match the quoted PCRs, evaluate
 * the policies) and as Alibaba Cloud's trusted instances show it (per PCR: the actual
 * measurement against the standard value; trusted or untrusted).
 *
 * Steps: the quote's signature, nonce, type and Clock (checkAttestation, checkQuote's common
 * checks); the logs replayed per bank (PC Client PFP "Event Log" replay; IMA PCR 10 replay)
 * and matched against the quote's pcrDigest (Part 3 "TPM2_Quote": H(selected PCR values in
 * selection order)), so a log that does not explain the quote is caught; then each quoted PCR
 * compared with the baseline, with the events that differ; each attested IMA entry checked
 * against the runtime allow-list (Keylime runtime policy: path → digests, excludes).
 *
 * When the replay does not give the quoted digest, the PCRs that the logs cannot explain are
 * found from PCR values given with the evidence (tpm2_quote -o, Keylime's PCR blob) once they
 * match the quote, else by substituting baseline values for the PCRs whose replay moved (a
 * match is conclusive: the digest binds every value); otherwise no quoted PCR is attested.
 *
 * Browser-safe: Uint8Array only; reports and baselines are plain JSON (hex strings).
 */
import { bytesEqual, bytesToHex, hexToBytes, utf8Decode } from '../crypto/bytes.js';
import { hashByAlg, SHA256, type HashAlgorithm } from '../crypto/hash.js';
import { TPM_ALG, TPM_ECC, TPM_ST } from '../gen/constants.js';
import type { TPMS_ATTEST, TPMS_CLOCK_INFO, TPMS_QUOTE_INFO, TPMT_PUBLIC, TPMT_SIGNATURE } from '../gen/types.js';
import type { Baseline, BaselineEvent, RuntimePolicy } from './baseline.js';
import {
  EV_EFI_ACTION,
  EV_ACTION,
  EV_EFI_BOOT_SERVICES_APPLICATION,
  EV_EFI_BOOT_SERVICES_DRIVER,
  EV_EFI_RUNTIME_SERVICES_DRIVER,
  EV_EFI_GPT_EVENT,
  EV_EFI_HANDOFF_TABLES,
  EV_EFI_HANDOFF_TABLES2,
  EV_EFI_PLATFORM_FIRMWARE_BLOB,
  EV_EFI_PLATFORM_FIRMWARE_BLOB2,
  EV_EFI_VARIABLE_AUTHORITY,
  EV_EFI_VARIABLE_BOOT,
  EV_EFI_VARIABLE_BOOT2,
  EV_EFI_VARIABLE_DRIVER_CONFIG,
  EV_IPL,
  EV_NO_ACTION,
  EV_POST_CODE,
  EV_S_CRTM_VERSION,
  EV_SEPARATOR,
  EventLogError,
  eventTypeName,
  parseEventLog,
  parseUefiGptData,
  parseUefiImageLoadEvent,
  parseUefiVariableData,
  pcrResetValue,
  replayEventLog,
  utf16leDecode,
  type EventLog,
  type TcgEvent,
} from './eventlog.js';
import {
  IMA_PCR,
  ImaParseError,
  imaBootAggregate,
  imaHash,
  imaTemplateDigest,
  imaTemplateHashMismatches,
  isImaViolation,
  parseImaAscii,
  parseImaBinary,
  type ImaEntry,
} from './ima.js';
import {
  AttestationError,
  checkAttestation,
  parsePublic,
  parseSignature,
  pcrBanks,
  pcrValueMap,
  publicOf,
  signatureHash,
  type AttestFailure,
  type PcrBank,
  type PcrValues,
  type PublicInput,
} from './quote.js';
import { encodeSpki, parseSpki, pemBlocks, publicKeyFromTpmt, X509Error, type PublicKey } from './x509.js';

// ---------------------------------------------------------------------------------------------
// Inputs

/** One boot's evidence, as an attester sends it. */
export interface Evidence {
  /** The AK: TPMT_PUBLIC, TPM2B_PUBLIC, their octets, or a PEM SubjectPublicKeyInfo (text or octets). */
  akPublic: PublicInput | string;
  /** TPM2_Quote's `quoted` (TPMS_ATTEST octets; tpm2_quote -m). */
  quoted: Uint8Array;
  /** TPMT_SIGNATURE, decoded or marshalled (tpm2_quote -s, tss format). */
  signature: TPMT_SIGNATURE | Uint8Array;
  /** The verifier's nonce (qualifyingData / extraData). */
  nonce: Uint8Array;
  /** The binary TCG crypto-agile event log (binary_bios_measurements), or a parsed one. */
  eventLog?: Uint8Array | EventLog;
  /** The IMA measurement list: entries, ASCII text (ascii_runtime_measurements) or binary octets. */
  ima?: readonly ImaEntry[] | string | Uint8Array;
  /** An earlier attestation by the same AK (its Clock must not go back; Keylime's timing rule). */
  previous?: TPMS_CLOCK_INFO | TPMS_ATTEST | Uint8Array;
  /**
   * PCR values the attester reports with the quote (tpm2_quote -o, TPM2_PCR_Read): used only
   * once they match the quote, to tell exactly which PCRs the logs cannot explain.
   */
  pcrs?: PcrValues;
}

export interface VerifierPolicy {
  /** The PCR IMA extends, checked through the IMA list and allow-list, not by value (default: the baseline's, else 10). */
  imaPcr?: number;
  /** An IMA violation (ToMToU / open-writers) makes PCR 10 untrusted (default false: reported only, as Keylime's ignore_tomtou_errors). */
  failOnImaViolation?: boolean;
  /** The quote must have clockInfo.safe = YES (default true, as checkQuote). */
  requireSafe?: boolean;
  /** The AK must be the one the baseline was recorded with (default false: the caller vouches for the AK, e.g. by enrolment). */
  pinAk?: boolean;
  /** The quote's signature hash must be this (e.g. 'sha256'). */
  hashAlg?: number | string;
  /** Accept an IMA list longer than PCR 10 shows (entries appended after the quote; Keylime accepts the first matching position). Default true. */
  imaLag?: boolean;
}

export interface VerifyInput {
  evidence: Evidence;
  /** The instance's baseline (absent at first boot: every PCR is then 'not-in-baseline'). */
  baseline?: Baseline;
  policy?: VerifierPolicy;
}

// ---------------------------------------------------------------------------------------------
// The report (plain JSON: hex strings)

export type PcrStatus = 'trusted' | 'untrusted';

/**
 * Why a PCR is untrusted: 'changed' (attested value differs from the baseline), 'log-mismatch'
 * (the logs do not explain the quoted value), 'not-in-baseline' (no baseline value for the
 * PCR or bank), 'not-quoted' (the baseline has the PCR, the quote does not), 'quote-invalid'
 * (the quote failed its signature/nonce/type/clock checks: no value is attested), 'ima' (the
 * IMA PCR: an attested entry is not allowed by the runtime policy).
 */
export type PcrReason = 'changed' | 'log-mismatch' | 'not-in-baseline' | 'not-quoted' | 'quote-invalid' | 'ima';

/** Values of one PCR in one bank (lower-case hex). */
export interface PcrBankReport {
  /** The baseline's value. */
  expected?: string;
  /** The value the quote attests (unknown when the logs do not explain the quote and no PCR values matched it). */
  actual?: string;
  /** The value the logs replay to. */
  replayed?: string;
}

/** An event that differs between the baseline and this boot, for one PCR. */
export interface EventDifference {
  change: 'added' | 'removed' | 'changed';
  pcr: number;
  /** Event type name ('EV_IPL'). */
  type: string;
  /** Decoded from the event data: file path, variable name, application path, action string. */
  description: string;
  /** This boot's digests per bank (the baseline's for 'removed'). */
  digests: { [bank: string]: string };
  /** 'changed': the baseline's digests. */
  baselineDigests?: { [bank: string]: string };
  /** Position among the PCR's events: this boot's ('added', 'changed'), the baseline's ('removed'). */
  index: number;
}

export interface PcrReport {
  pcr: number;
  status: PcrStatus;
  reasons: PcrReason[];
  /** By bank name ('sha1', 'sha256', 'sm3_256'), in quote order. */
  banks: { [bank: string]: PcrBankReport };
  /** Events added, removed or changed against the baseline's events for this PCR. */
  events: EventDifference[];
  /** What the PCR measures (PC Client PCR usage). */
  usage?: string;
}

export type ImaEntryStatus = 'ok' | 'excluded' | 'unknown' | 'changed' | 'violation' | 'boot-aggregate-mismatch' | 'template-hash';

export interface ImaEntryReport {
  /** Position in the list (0-based). */
  index: number;
  path: string;
  /** The file digest's algorithm as IMA names it ('sha256', 'sm3'). */
  algorithm: string;
  digest: string;
  status: ImaEntryStatus;
  /** 'changed': the allow-list's digests for the path. */
  expected?: string[];
}

export interface ImaReport {
  pcr: number;
  /** Entries in the list (for the IMA PCR). */
  entries: number;
  /** Entries the quote covers (the first `attested`); the others are pending. */
  attested: number;
  pending: number;
  /** Every attested entry with its status. */
  checked: ImaEntryReport[];
  /** The attested entries that are not allowed (and violations). */
  problems: ImaEntryReport[];
  violations: number;
  /** boot_aggregate against PCRs 0-9 of the boot (or the allow-list's 'boot_aggregate'). */
  bootAggregate: 'ok' | 'mismatch' | 'not-checked' | 'absent';
  /** The list (its first `attested` entries) explains the quoted IMA PCR. */
  explained: boolean;
  ok: boolean;
}

export interface QuoteReport {
  /** Signature, magic, type, nonce, Clock and safe checks passed. */
  ok: boolean;
  failures: AttestFailure[];
  /** The signature's hash ('sha256'). */
  hashAlg?: string;
  /** The quoted PCRs per bank, in quote order. */
  selection: { bank: string; pcrs: number[] }[];
  clock?: { clock: string; resetCount: number; restartCount: number; safe: boolean };
  /** SHA-256 of the AK's SubjectPublicKeyInfo (the same for its TPM2B_PUBLIC and PEM forms). */
  ak: string;
  /** pinAk: does the AK equal the baseline's? */
  akMatchesBaseline?: boolean;
}

export interface LogsReport {
  eventLog: 'absent' | 'ok' | { error: string };
  ima: 'absent' | 'ok' | { error: string };
  /** The quoted PCR digest equals the digest of the values the logs replay to (IMA lag allowed). */
  explained: boolean;
  /**
   * How the attested values were found: 'replay' (the logs explain the quote), 'ima-lag' (with
   * an IMA prefix), 'pcr-values' (the evidence's PCR values match the quote), 'baseline'
   * (baseline values substituted for some PCRs match), 'none' (no attested values).
   */
  method: 'replay' | 'ima-lag' | 'pcr-values' | 'baseline' | 'none';
  note?: string;
}

export interface VerificationReport {
  version: 1;
  verdict: 'trusted' | 'untrusted';
  /** One line per problem, for people. */
  problems: string[];
  quote: QuoteReport;
  logs: LogsReport;
  /** The quoted PCRs (and the baseline's PCRs that were not quoted), ascending. */
  pcrs: PcrReport[];
  /** The IMA PCR's list check (absent when the quote does not cover that PCR and no list was given). */
  ima?: ImaReport;
  /** This boot's events per quoted PCR (what a baseline records), EV_NO_ACTION excluded. */
  measured: { [pcr: string]: BaselineEvent[] };
  /** The IMA PCR (10 unless the policy or baseline says otherwise). */
  imaPcr: number;
}

// ---------------------------------------------------------------------------------------------
// Names and small helpers

/** The bank name of a hash (as tpm2-tools writes it: 'sha1', 'sha256', 'sm3_256'). */
export function bankName(alg: number): string {
  return hashByAlg(alg)?.name ?? `0x${alg.toString(16).padStart(4, '0')}`;
}

const hex = bytesToHex;
type Values = Map<number, Map<number, Uint8Array>>;

function setValue(v: Values, bank: number, pcr: number, value: Uint8Array): void {
  let m = v.get(bank);
  if (!m) v.set(bank, (m = new Map()));
  m.set(pcr, value);
}

function cloneValues(v: Values): Values {
  return new Map([...v].map(([b, m]) => [b, new Map(m)]));
}

// ---------------------------------------------------------------------------------------------
// The AK

const CURVE_IDS: Record<string, number> = { 'P-256': TPM_ECC.NIST_P256, 'P-384': TPM_ECC.NIST_P384, 'P-521': TPM_ECC.NIST_P521, SM2: TPM_ECC.SM2_P256 };

function looksLikePem(b: Uint8Array): boolean {
  return b.length > 11 && utf8Decode(b.subarray(0, Math.min(b.length, 64))).trimStart().startsWith('-----BEGIN');
}

/** A TPMT_PUBLIC carrying a public key (signing, no scheme: the signature names its own), as a PEM AK becomes. */
function tpmtOfKey(key: PublicKey): TPMT_PUBLIC {
  const base = { nameAlg: TPM_ALG.SHA256, objectAttributes: 0, authPolicy: new Uint8Array(0) };
  const sym = { algorithm: TPM_ALG.NULL, keyBits: null, mode: null };
  if (key.kind === 'rsa') {
    if (key.e > 0xffffffffn) throw new AttestationError('format', 'RSA public exponent larger than 32 bits');
    const n = hexToBytes(key.n.toString(16).padStart(Math.ceil(key.n.toString(16).length / 2) * 2, '0'));
    return { ...base, type: TPM_ALG.RSA, parameters: { symmetric: sym, scheme: { scheme: TPM_ALG.NULL, details: null }, keyBits: n.length * 8, exponent: key.e === 65537n ? 0 : Number(key.e) }, unique: n } as TPMT_PUBLIC;
  }
  return {
    ...base,
    type: TPM_ALG.ECC,
    parameters: { symmetric: sym, scheme: { scheme: TPM_ALG.NULL, details: null }, curveID: CURVE_IDS[key.curve], kdf: { scheme: TPM_ALG.NULL, details: null } },
    unique: { x: key.x, y: key.y },
  } as TPMT_PUBLIC;
}

/**
 * The AK's public area from any of the forms verifiers receive: TPMT_PUBLIC, TPM2B_PUBLIC (or
 * their octets: tpm2_createak -u, Keylime's aik_tpm), or a PEM public key (tpm2_createak -f pem;
 * RSA, ECC P-256/384/521, SM2). AttestationError 'format' when it is none of them.
 */
export function parseAkPublic(input: PublicInput | string): TPMT_PUBLIC {
  if (typeof input === 'string' || (input instanceof Uint8Array && looksLikePem(input))) {
    const text = typeof input === 'string' ? input : utf8Decode(input);
    let blocks: ReturnType<typeof pemBlocks>;
    try {
      blocks = pemBlocks(text);
    } catch (e) {
      if (e instanceof X509Error) throw new AttestationError('format', `the AK PEM: ${e.message}`);
      throw e;
    }
    const block = blocks.find((b) => b.label === 'PUBLIC KEY');
    if (!block) throw new AttestationError('format', 'the AK PEM has no "PUBLIC KEY" block');
    let key: PublicKey | undefined;
    try {
      key = parseSpki(block.der).key;
    } catch (e) {
      if (e instanceof X509Error) throw new AttestationError('format', `the AK PEM: ${e.message}`);
      throw e;
    }
    if (!key) throw new AttestationError('format', 'the AK PEM holds a key of an unsupported algorithm or curve');
    return tpmtOfKey(key);
  }
  if (input instanceof Uint8Array) return parsePublic(input);
  return publicOf(input).pub;
}

/** SHA-256 of the AK's SubjectPublicKeyInfo (hex): one identity for its TPM and PEM forms. */
export function akFingerprint(input: PublicInput | string): string {
  const pub = parseAkPublic(input);
  try {
    return hex(SHA256.digest(encodeSpki(publicKeyFromTpmt(pub))));
  } catch (e) {
    if (!(e instanceof X509Error)) throw e;
    return hex(SHA256.digest(publicOf(pub).bytes));
  }
}

// ---------------------------------------------------------------------------------------------
// Event descriptions

const printable = (s: string) => /^[\x20-\x7e\t\r\n]*$/.test(s);
const clip = (s: string, n = 160) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

function asciiOf(data: Uint8Array): string | undefined {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  if (end === 0) return undefined;
  const s = utf8Decode(data.subarray(0, end));
  return printable(s) ? s : undefined;
}

/** File paths of a UEFI device path (Media File Path nodes), with the partition when there is one. */
function devicePathText(dp: Uint8Array): string | undefined {
  const parts: string[] = [];
  for (let off = 0; off + 4 <= dp.length; ) {
    const type = dp[off];
    const sub = dp[off + 1];
    const len = dp[off + 2] | (dp[off + 3] << 8);
    if (len < 4 || off + len > dp.length) break;
    if (type === 0x7f) break;
    if (type === 4 && sub === 4) parts.push(utf16leDecode(dp.subarray(off + 4, off + len)));
    else if (type === 4 && sub === 1 && len >= 42) parts.push(`HD(${dp[off + 4] | (dp[off + 5] << 8)},GPT)`);
    off += len;
  }
  const files = parts.filter((p) => !p.startsWith('HD('));
  return files.length ? parts.join('/').replace(/\)\//, ')') : undefined;
}

/**
 * A short description of an event from its data: the file path of EV_IPL, the variable name of
 * EV_EFI_VARIABLE_*, the application's path of EV_EFI_BOOT_SERVICES_APPLICATION, the action
 * string, the firmware volume, the GPT disk. Never throws: undecodable data is described by size.
 */
export function describeEvent(e: Pick<TcgEvent, 'type' | 'data'>): string {
  const d = e.data;
  try {
    switch (e.type) {
      case EV_IPL:
      case EV_EFI_ACTION:
      case EV_ACTION:
      case EV_POST_CODE: {
        const s = asciiOf(d);
        if (s !== undefined) return clip(s);
        break;
      }
      case EV_SEPARATOR:
        if (d.length === 4) {
          const v = d[0] | (d[1] << 8) | (d[2] << 16) | (d[3] << 24);
          return v === 0 ? 'separator' : v === 1 ? 'separator (error)' : `separator 0x${(v >>> 0).toString(16)}`;
        }
        break;
      case EV_S_CRTM_VERSION: {
        const s = d.length >= 2 && d.length % 2 === 0 ? utf16leDecode(d) : asciiOf(d);
        if (s) return `S-CRTM version ${clip(s)}`;
        break;
      }
      case EV_EFI_VARIABLE_DRIVER_CONFIG:
      case EV_EFI_VARIABLE_BOOT:
      case EV_EFI_VARIABLE_BOOT2:
      case EV_EFI_VARIABLE_AUTHORITY: {
        const v = parseUefiVariableData(d);
        let s = `variable ${v.name}`;
        if (v.data.length === 1) s += ` = ${v.data[0]}`;
        else if (v.name === 'BootOrder' && v.data.length % 2 === 0) {
          const order: string[] = [];
          for (let i = 0; i < v.data.length; i += 2) order.push((v.data[i] | (v.data[i + 1] << 8)).toString(16).toUpperCase().padStart(4, '0'));
          s += ` = ${order.join(',')}`;
        } else if (/^Boot[0-9A-F]{4}$/.test(v.name) && v.data.length > 6) {
          const label = utf16leDecode(v.data.subarray(6));
          if (label) s += ` "${clip(label, 60)}"`;
        } else if (v.data.length) s += ` (${v.data.length} octets)`;
        return s;
      }
      case EV_EFI_BOOT_SERVICES_APPLICATION:
      case EV_EFI_BOOT_SERVICES_DRIVER:
      case EV_EFI_RUNTIME_SERVICES_DRIVER: {
        const img = parseUefiImageLoadEvent(d);
        const path = devicePathText(img.devicePath);
        return path ? clip(path) : `image of ${img.imageLengthInMemory} octets at 0x${img.imageLocationInMemory.toString(16)}`;
      }
      case EV_EFI_PLATFORM_FIRMWARE_BLOB2: {
        const n = d[0];
        if (d.length === 1 + n + 16) {
          const s = asciiOf(d.subarray(1, 1 + n));
          return `firmware ${s ?? 'blob'} (${new DataView(d.buffer, d.byteOffset + 1 + n + 8, 8).getBigUint64(0, true)} octets)`;
        }
        break;
      }
      case EV_EFI_PLATFORM_FIRMWARE_BLOB:
        if (d.length === 16) {
          const v = new DataView(d.buffer, d.byteOffset, 16);
          return `firmware blob at 0x${v.getBigUint64(0, true).toString(16)} (${v.getBigUint64(8, true)} octets)`;
        }
        break;
      case EV_EFI_HANDOFF_TABLES:
      case EV_EFI_HANDOFF_TABLES2:
        if (d.length >= 8) return `${new DataView(d.buffer, d.byteOffset, 8).getBigUint64(0, true)} handoff table(s)`;
        break;
      case EV_EFI_GPT_EVENT: {
        const g = parseUefiGptData(d);
        return clip(`GPT disk ${g.diskGuid}: ${g.partitions.map((p) => p.name || p.uniqueGuid).join(', ')}`);
      }
    }
  } catch {
    // described by size below
  }
  const s = asciiOf(d);
  if (s !== undefined && s.length >= 2) return clip(s);
  return `${d.length} octet(s) of event data`;
}

/** An event as a baseline keeps it: type name, digests per bank (hex), description. */
export function baselineEventOf(e: TcgEvent): BaselineEvent {
  const digests: { [bank: string]: string } = {};
  for (const dg of e.digests) digests[bankName(dg.hashAlg)] = hex(dg.digest);
  return { type: eventTypeName(e.type), digests, description: describeEvent(e) };
}

/** Same type and the same digest in every bank both have (and at least one in common). */
function sameEvent(a: BaselineEvent, b: BaselineEvent): boolean {
  if (a.type !== b.type) return false;
  let common = 0;
  for (const bank of Object.keys(a.digests)) {
    if (b.digests[bank] === undefined) continue;
    if (a.digests[bank] !== b.digests[bank]) return false;
    common++;
  }
  return common > 0;
}

/**
 * The events added, removed and changed between a baseline's events for a PCR and this boot's
 * (longest common subsequence of identical events; an unmatched removed and added pair with the
 * same type and description is one 'changed' event: the same file or variable, new contents).
 */
export function diffEvents(pcr: number, baseline: readonly BaselineEvent[], current: readonly BaselineEvent[]): EventDifference[] {
  const n = baseline.length;
  const m = current.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = sameEvent(baseline[i], current[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const removed: number[] = [];
  const added: number[] = [];
  for (let i = 0, j = 0; i < n || j < m; ) {
    if (i < n && j < m && sameEvent(baseline[i], current[j])) {
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) added.push(j++);
    else removed.push(i++);
  }
  const out: EventDifference[] = [];
  const pairedRemoved = new Set<number>();
  for (const j of added) {
    const c = current[j];
    const k = removed.find((i) => !pairedRemoved.has(i) && baseline[i].type === c.type && baseline[i].description === c.description);
    if (k !== undefined) {
      pairedRemoved.add(k);
      out.push({ change: 'changed', pcr, type: c.type, description: c.description, digests: { ...c.digests }, baselineDigests: { ...baseline[k].digests }, index: j });
    } else {
      out.push({ change: 'added', pcr, type: c.type, description: c.description, digests: { ...c.digests }, index: j });
    }
  }
  for (const i of removed) {
    if (pairedRemoved.has(i)) continue;
    const b = baseline[i];
    out.push({ change: 'removed', pcr, type: b.type, description: b.description, digests: { ...b.digests }, index: i });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parsing the logs

function parseImaInput(ima: readonly ImaEntry[] | string | Uint8Array): ImaEntry[] {
  if (typeof ima === 'string') return parseImaAscii(ima);
  if (ima instanceof Uint8Array) {
    // ASCII lists start with the PCR number in decimal; binary ones with a little-endian u32.
    const ascii = ima.length > 0 && ((ima[0] >= 0x30 && ima[0] <= 0x39) || ima[0] === 0x20);
    return ascii ? parseImaAscii(utf8Decode(ima)) : parseImaBinary(ima);
  }
  if (!Array.isArray(ima)) throw new TypeError('evidence.ima: expected IMA entries, ASCII text or binary octets');
  return [...ima];
}

/** A compiled runtime policy: exclusions tested once per path. */
interface CompiledPolicy {
  digests: Map<string, string[]>;
  excludes: RegExp[];
  prefixes: string[];
  invalid: string[];
}

function compilePolicy(p: RuntimePolicy | undefined): CompiledPolicy {
  const out: CompiledPolicy = { digests: new Map(), excludes: [], prefixes: [], invalid: [] };
  if (!p) return out;
  for (const [path, list] of Object.entries(p.digests ?? {})) out.digests.set(path, list.map((d) => d.toLowerCase()));
  for (const r of p.excludes ?? []) {
    try {
      out.excludes.push(new RegExp(r));
    } catch {
      out.invalid.push(r);
    }
  }
  out.prefixes = [...(p.excludePrefixes ?? [])];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Analysis (what does not depend on the baseline) and judgement

/**
 * The baseline-independent part of a verification: quote checks, parsed logs, replayed values.
 * verifyEvidence = judgeEvidence(analyseEvidence(...), baseline); a service that records a
 * baseline from the same boot can judge one analysis twice.
 */
export interface EvidenceAnalysis {
  quote: QuoteReport;
  attest?: TPMS_ATTEST;
  /** The quoted banks in quote order (as the pcrDigest concatenates them). */
  banks: PcrBank[];
  hash?: HashAlgorithm;
  eventLog?: EventLog;
  eventLogError?: string;
  imaEntries?: ImaEntry[];
  imaError?: string;
  imaPcr: number;
  /** Replayed values of the quoted PCRs (a bank the event log lacks has none). */
  replayed: Values;
  /** Event-log replay of every PCR per bank (for boot_aggregate), when a log parsed. */
  logReplay?: Map<number, Uint8Array[]>;
  /** IMA PCR per bank after the first k entries, k = 0..n (present when a list parsed). */
  imaPrefix?: Map<number, Uint8Array>[];
  evidencePcrs?: Values;
  measured: { [pcr: string]: BaselineEvent[] };
  policy: VerifierPolicy;
}

function imaPcrOf(policy: VerifierPolicy | undefined, baseline: Baseline | undefined): number {
  return policy?.imaPcr ?? baseline?.imaPcr ?? IMA_PCR;
}

/** Quote checks, log parsing and replay. Throws only for unusable caller input (TypeError, an AK that is no key). */
export function analyseEvidence(evidence: Evidence, policy: VerifierPolicy = {}, imaPcr: number = policy.imaPcr ?? IMA_PCR): EvidenceAnalysis {
  if (!evidence || typeof evidence !== 'object') throw new TypeError('verifyEvidence: expected evidence');
  const akPub = parseAkPublic(evidence.akPublic);
  const common = checkAttestation({
    akPublic: akPub,
    attest: evidence.quoted,
    signature: evidence.signature,
    nonce: evidence.nonce,
    type: TPM_ST.ATTEST_QUOTE,
    previous: evidence.previous,
    requireSafe: policy.requireSafe ?? true,
    hashAlg: policy.hashAlg,
  });
  const quote: QuoteReport = { ok: common.ok, failures: [...common.failures], selection: [], ak: akFingerprint(akPub) };
  const attest = common.attest?.type === TPM_ST.ATTEST_QUOTE ? common.attest : undefined;
  let banks: PcrBank[] = [];
  let hash: HashAlgorithm | undefined;
  if (attest) {
    banks = pcrBanks((attest.attested as TPMS_QUOTE_INFO).pcrSelect);
    quote.selection = banks.filter((b) => b.pcrs.length).map((b) => ({ bank: bankName(b.hashAlg), pcrs: [...b.pcrs] }));
    const c = attest.clockInfo;
    quote.clock = { clock: c.clock.toString(), resetCount: c.resetCount, restartCount: c.restartCount, safe: c.safe === 1 };
    for (const b of banks) {
      if (!hashByAlg(b.hashAlg)) {
        quote.ok = false;
        quote.failures.push({ check: 'pcrSelection', message: `the quote selects PCRs of bank ${bankName(b.hashAlg)}, whose hash is not implemented` });
      }
    }
  }
  try {
    const sig = evidence.signature instanceof Uint8Array ? parseSignature(evidence.signature) : evidence.signature;
    hash = hashByAlg(signatureHash(sig));
    if (hash) quote.hashAlg = hash.name;
  } catch (e) {
    if (!(e instanceof AttestationError)) throw e;
  }

  // The event log.
  let eventLog: EventLog | undefined;
  let eventLogError: string | undefined;
  if (evidence.eventLog !== undefined) {
    try {
      eventLog = evidence.eventLog instanceof Uint8Array ? parseEventLog(evidence.eventLog) : evidence.eventLog;
    } catch (e) {
      if (!(e instanceof EventLogError)) throw e;
      eventLogError = e.message;
    }
  }
  let logReplay: Map<number, Uint8Array[]> | undefined;
  if (eventLog) {
    try {
      const r = replayEventLog(eventLog);
      logReplay = new Map(Object.entries(r).map(([k, v]) => [Number(k), v]));
    } catch (e) {
      if (!(e instanceof EventLogError)) throw e;
      eventLogError = e.message;
      eventLog = undefined;
    }
  }

  // The IMA list.
  let imaEntries: ImaEntry[] | undefined;
  let imaError: string | undefined;
  if (evidence.ima !== undefined) {
    try {
      imaEntries = parseImaInput(evidence.ima).filter((e) => e.pcr === imaPcr);
    } catch (e) {
      if (!(e instanceof ImaParseError)) throw e;
      imaError = e.message;
    }
  }

  // Replayed values of the quoted PCRs.
  const replayed: Values = new Map();
  const quotedBanks = [...new Set(banks.map((b) => b.hashAlg))].filter((alg) => hashByAlg(alg));
  for (const alg of quotedBanks) {
    const size = hashByAlg(alg)!.digestSize;
    const pcrs = [...new Set(banks.filter((b) => b.hashAlg === alg).flatMap((b) => b.pcrs))];
    for (const pcr of pcrs) {
      if (logReplay) {
        const v = logReplay.get(alg)?.[pcr];
        if (v) setValue(replayed, alg, pcr, v);
      } else if (evidence.eventLog === undefined) {
        setValue(replayed, alg, pcr, pcrResetValue(pcr, size));
      }
    }
  }
  let imaPrefix: Map<number, Uint8Array>[] | undefined;
  if (imaEntries && quotedBanks.length) {
    const start = new Map<number, Uint8Array>();
    for (const alg of quotedBanks) {
      const v = logReplay ? logReplay.get(alg)?.[imaPcr] : evidence.eventLog === undefined ? pcrResetValue(imaPcr, hashByAlg(alg)!.digestSize) : undefined;
      if (v) start.set(alg, v);
    }
    imaPrefix = [start];
    let cur = start;
    for (const e of imaEntries) {
      const next = new Map<number, Uint8Array>();
      for (const [alg, v] of cur) next.set(alg, hashByAlg(alg)!.digest(v, imaTemplateDigest(e, alg)));
      imaPrefix.push(next);
      cur = next;
    }
    for (const [alg, v] of cur) if (replayed.get(alg)?.has(imaPcr) || banks.some((b) => b.hashAlg === alg && b.pcrs.includes(imaPcr))) setValue(replayed, alg, imaPcr, v);
  }

  let evidencePcrs: Values | undefined;
  if (evidence.pcrs !== undefined) {
    // Values of the wrong size for their bank prove nothing (they are left out, so they cannot match).
    evidencePcrs = pcrValueMap(evidence.pcrs);
    for (const [alg, bank] of evidencePcrs) {
      const size = hashByAlg(alg)?.digestSize;
      for (const [pcr, v] of bank) if (v.length !== size) bank.delete(pcr);
    }
  }

  // This boot's events per quoted PCR.
  const measured: { [pcr: string]: BaselineEvent[] } = {};
  const quotedPcrs = [...new Set(banks.flatMap((b) => b.pcrs))].sort((a, b) => a - b);
  if (eventLog) {
    for (const pcr of quotedPcrs) if (pcr !== imaPcr) measured[pcr] = [];
    for (const e of eventLog.events) if (e.type !== EV_NO_ACTION && measured[e.pcr]) measured[e.pcr].push(baselineEventOf(e));
  }

  return { quote, attest, banks, hash, eventLog, eventLogError, imaEntries, imaError, imaPcr, replayed, logReplay, imaPrefix, evidencePcrs, measured, policy };
}

/** H(values of the selection, in selection order), or undefined when a value is missing. */
function compositeOf(hash: HashAlgorithm, banks: readonly PcrBank[], values: Values): Uint8Array | undefined {
  const ctx = hash.create();
  for (const { hashAlg, pcrs } of banks) {
    for (const p of pcrs) {
      const v = values.get(hashAlg)?.get(p);
      if (!v) return undefined;
      ctx.update(v);
    }
  }
  return ctx.digest();
}

interface Matched {
  method: LogsReport['method'];
  actual?: Values;
  /** Entries of the IMA list the quote covers. */
  imaAttested?: number;
  note?: string;
}

/** Baseline values of a PCR for the quoted banks, or undefined when the baseline lacks one. */
function baselineValues(baseline: Baseline | undefined, pcr: number, algs: readonly number[]): Map<number, Uint8Array> | undefined {
  const entry = baseline?.pcrs[String(pcr)];
  if (!entry) return undefined;
  const out = new Map<number, Uint8Array>();
  for (const alg of algs) {
    const v = entry.values[bankName(alg)];
    if (v === undefined) return undefined;
    out.set(alg, hexToBytes(v));
  }
  return out;
}

const MAX_SUBSTITUTIONS = 12;
/** Composite digests the baseline substitution may try (IMA prefixes × subsets of moved PCRs). */
const MAX_TRIALS = 4096;

/** Finds the values the quote attests (see the module comment). */
function matchQuote(a: EvidenceAnalysis, baseline: Baseline | undefined): Matched {
  const info = a.attest?.attested as TPMS_QUOTE_INFO | undefined;
  if (!info || !a.hash) return { method: 'none', note: 'the quote could not be read: no PCR value is attested' };
  const hash = a.hash;
  const want = info.pcrDigest;
  const matches = (v: Values) => {
    const d = compositeOf(hash, a.banks, v);
    return d !== undefined && bytesEqual(d, want);
  };
  const n = a.imaEntries?.length;
  const imaQuoted = a.banks.some((b) => b.pcrs.includes(a.imaPcr));
  if (matches(a.replayed)) return { method: 'replay', actual: a.replayed, imaAttested: n };

  // PCR 10 lags the IMA list: the first entries whose replay gives the quote.
  const withPrefix = (base: Values, k: number) => {
    const v = cloneValues(base);
    for (const [alg, val] of a.imaPrefix![k]) if (v.get(alg)?.has(a.imaPcr)) setValue(v, alg, a.imaPcr, val);
    return v;
  };
  if (a.imaPrefix && imaQuoted && (a.policy.imaLag ?? true)) {
    for (let k = a.imaPrefix.length - 2; k >= 0; k--) {
      const v = withPrefix(a.replayed, k);
      if (matches(v)) return { method: 'ima-lag', actual: v, imaAttested: k };
    }
  }

  // PCR values given with the evidence: authentic once they match the quote.
  let note: string | undefined;
  if (a.evidencePcrs) {
    const v: Values = new Map();
    for (const { hashAlg, pcrs } of a.banks) for (const p of pcrs) {
      const x = a.evidencePcrs.get(hashAlg)?.get(p);
      if (x) setValue(v, hashAlg, p, x);
    }
    if (matches(v)) {
      let imaAttested: number | undefined;
      if (a.imaPrefix && imaQuoted) {
        for (let k = a.imaPrefix.length - 1; k >= 0; k--) {
          if ([...a.imaPrefix[k]].every(([alg, val]) => !v.get(alg)?.has(a.imaPcr) || bytesEqual(v.get(alg)!.get(a.imaPcr)!, val))) {
            imaAttested = k;
            break;
          }
        }
      }
      return { method: 'pcr-values', actual: v, imaAttested };
    }
    note = 'the PCR values given with the evidence do not match the quote either';
  }

  // Baseline values for the PCRs whose replay moved from the baseline.
  if (baseline) {
    const algs = [...new Set(a.banks.map((b) => b.hashAlg))];
    const quoted = [...new Set(a.banks.flatMap((b) => b.pcrs))].filter((p) => p !== a.imaPcr);
    const suspects: { pcr: number; values: Map<number, Uint8Array> }[] = [];
    for (const pcr of quoted) {
      const bv = baselineValues(baseline, pcr, algs.filter((alg) => a.banks.some((b) => b.hashAlg === alg && b.pcrs.includes(pcr))));
      if (!bv) continue;
      const moved = [...bv].some(([alg, val]) => {
        const r = a.replayed.get(alg)?.get(pcr);
        return !r || !bytesEqual(r, val);
      });
      if (moved) suspects.push({ pcr, values: bv });
    }
    if (suspects.length > 0 && suspects.length <= MAX_SUBSTITUTIONS) {
      const ks = a.imaPrefix && imaQuoted && (a.policy.imaLag ?? true) ? [a.imaPrefix.length - 1, ...Array.from({ length: a.imaPrefix.length - 1 }, (_, i) => a.imaPrefix!.length - 2 - i)] : [undefined];
      // Fewest substitutions first.
      const masks = Array.from({ length: (1 << suspects.length) - 1 }, (_, i) => i + 1).sort((x, y) => popcount(x) - popcount(y) || x - y);
      // A bounded search: the most recent IMA prefixes first, at most MAX_TRIALS composite digests.
      ks.length = Math.min(ks.length, Math.max(1, Math.floor(MAX_TRIALS / masks.length)));
      for (const k of ks) {
        const base = k === undefined ? a.replayed : withPrefix(a.replayed, k);
        for (const mask of masks) {
          const v = cloneValues(base);
          suspects.forEach((s, i) => {
            if (mask & (1 << i)) for (const [alg, val] of s.values) setValue(v, alg, s.pcr, val);
          });
          if (matches(v)) return { method: 'baseline', actual: v, imaAttested: k ?? n, note };
        }
      }
    }
  }
  let why = a.evidencePcrs ? note : 'give the PCR values with the evidence (tpm2_quote -o) to tell which PCRs differ';
  if (imaQuoted && !a.imaEntries) why += `; PCR ${a.imaPcr} is quoted but no IMA list was given`;
  return { method: 'none', note: `the quote's PCR digest matches no replay of the logs; no quoted PCR value is attested (${why})` };
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

function checkIma(a: EvidenceAnalysis, matched: Matched, baseline: Baseline | undefined): ImaReport {
  const entries = a.imaEntries ?? [];
  const attested = Math.min(matched.imaAttested ?? entries.length, entries.length);
  const policy = compilePolicy(baseline?.ima);
  const checked: ImaEntryReport[] = [];
  const badTemplate = new Set(imaTemplateHashMismatches(entries));
  let bootAggregate: ImaReport['bootAggregate'] = 'absent';
  let violations = 0;
  for (let i = 0; i < attested; i++) {
    const e = entries[i];
    const r: ImaEntryReport = { index: i, path: e.name, algorithm: e.algorithm, digest: hex(e.digest), status: 'ok' };
    const allowed = policy.digests.get(e.name);
    if (isImaViolation(e)) {
      r.status = 'violation';
      violations++;
    } else if (badTemplate.has(i)) {
      r.status = 'template-hash';
    } else if (e.name === 'boot_aggregate') {
      // H(PCR0..7[,8,9]) of the bank of the entry's hash, from the attested values (else the log's replay).
      let alg: number | undefined;
      try {
        alg = imaHash(e.algorithm).alg;
      } catch {
        alg = undefined;
      }
      const values: Uint8Array[] = [];
      for (let p = 0; p < 10 && alg !== undefined; p++) {
        const v = matched.actual?.get(alg)?.get(p) ?? a.logReplay?.get(alg)?.[p];
        if (v) values[p] = v;
      }
      const complete = alg !== undefined && values.filter(Boolean).length >= (alg === TPM_ALG.SHA1 ? 8 : 10);
      if (complete && bytesEqual(imaBootAggregate(alg!, values), e.digest)) bootAggregate = 'ok';
      else if (allowed?.includes(r.digest)) bootAggregate = 'ok';
      else if (complete) {
        bootAggregate = 'mismatch';
        r.status = 'boot-aggregate-mismatch';
      } else {
        bootAggregate = 'not-checked';
        r.status = 'unknown';
      }
    } else if (policy.excludes.some((re) => re.test(e.name)) || policy.prefixes.some((p) => e.name.startsWith(p))) {
      r.status = 'excluded';
    } else if (!allowed) {
      r.status = 'unknown';
    } else if (!allowed.includes(r.digest)) {
      r.status = 'changed';
      r.expected = [...allowed];
    }
    checked.push(r);
  }
  const failOnViolation = a.policy.failOnImaViolation ?? false;
  const problems = checked.filter((r) => r.status !== 'ok' && r.status !== 'excluded');
  const ok = problems.every((r) => r.status === 'violation' && !failOnViolation) && policy.invalid.length === 0;
  return { pcr: a.imaPcr, entries: entries.length, attested, pending: entries.length - attested, checked, problems, violations, bootAggregate, explained: true, ok };
}

const short = (h: string | undefined) => (h === undefined ? '(unknown)' : h.length > 16 ? h.slice(0, 16) + '…' : h);

/** Judges an analysis against a baseline (see verifyEvidence). */
export function judgeEvidence(a: EvidenceAnalysis, baseline?: Baseline): VerificationReport {
  const problems: string[] = [];
  const quote: QuoteReport = { ...a.quote, failures: [...a.quote.failures] };
  if (a.policy.pinAk && baseline) {
    quote.akMatchesBaseline = baseline.ak === quote.ak;
    if (!quote.akMatchesBaseline) {
      quote.ok = false;
      quote.failures.push({ check: 'signature', message: `the AK ${short(quote.ak)} is not the instance's AK ${short(baseline.ak)}` });
    }
  }
  for (const f of quote.failures) problems.push(`quote: ${f.message}`);

  const matched = matchQuote(a, baseline);
  const logs: LogsReport = {
    eventLog: a.eventLogError ? { error: a.eventLogError } : a.eventLog ? 'ok' : 'absent',
    ima: a.imaError ? { error: a.imaError } : a.imaEntries ? 'ok' : 'absent',
    explained: matched.method === 'replay' || matched.method === 'ima-lag',
    method: matched.method,
    ...(matched.note ? { note: matched.note } : {}),
  };
  if (a.eventLogError) problems.push(`event log: ${a.eventLogError}`);
  if (a.imaError) problems.push(`IMA list: ${a.imaError}`);
  if (!logs.explained && a.attest) problems.push(`logs: ${matched.note ?? 'the logs do not explain the quote'}`);

  const imaQuoted = a.banks.some((b) => b.pcrs.includes(a.imaPcr));
  let ima: ImaReport | undefined;
  if (imaQuoted || a.imaEntries) ima = checkIma(a, matched, baseline);
  if (ima && !imaQuoted && ima.entries > 0) {
    ima.ok = false;
    problems.push(`IMA: the list is not attested: the quote does not cover PCR ${a.imaPcr}`);
  }

  const pcrs: PcrReport[] = [];
  const quotedPcrs = [...new Set(a.banks.flatMap((b) => b.pcrs))].sort((x, y) => x - y);
  for (const pcr of quotedPcrs) {
    const reasons = new Set<PcrReason>();
    if (!quote.ok) reasons.add('quote-invalid');
    const banks: { [bank: string]: PcrBankReport } = {};
    const isIma = pcr === a.imaPcr;
    const base = baseline?.pcrs[String(pcr)];
    for (const { hashAlg } of a.banks.filter((b) => b.pcrs.includes(pcr))) {
      const name = bankName(hashAlg);
      if (banks[name]) continue;
      const actual = matched.actual?.get(hashAlg)?.get(pcr);
      // The IMA PCR replays to the prefix of the list the quote covers.
      const replayed = isIma && a.imaPrefix && matched.imaAttested !== undefined ? a.imaPrefix[matched.imaAttested].get(hashAlg) : a.replayed.get(hashAlg)?.get(pcr);
      const r: PcrBankReport = {};
      if (!isIma && base?.values[name] !== undefined) r.expected = base.values[name];
      if (actual) r.actual = hex(actual);
      if (replayed) r.replayed = hex(replayed);
      banks[name] = r;
      if (!actual || !replayed || !bytesEqual(actual, replayed)) reasons.add('log-mismatch');
      if (!isIma) {
        if (r.expected === undefined) reasons.add('not-in-baseline');
        else if (r.actual !== undefined && r.actual !== r.expected) reasons.add('changed');
      }
    }
    if (isIma && ima && reasons.has('log-mismatch')) {
      ima.explained = false;
      ima.ok = false;
    }
    if (isIma && ima && !ima.ok && !reasons.has('log-mismatch')) reasons.add('ima');
    let events: EventDifference[] = [];
    if (!isIma && base && a.measured[pcr] && (reasons.has('changed') || reasons.has('log-mismatch') || Object.values(banks).some((b) => b.replayed !== undefined && b.expected !== undefined && b.replayed !== b.expected))) {
      events = diffEvents(pcr, base.events, a.measured[pcr]);
    }
    pcrs.push({ pcr, status: reasons.size ? 'untrusted' : 'trusted', reasons: [...reasons], banks, events, ...(PCR_USAGE_SHORT[pcr] ? { usage: PCR_USAGE_SHORT[pcr] } : {}) });
  }
  // Baseline PCRs the quote leaves out.
  if (baseline && a.attest) {
    for (const key of Object.keys(baseline.pcrs)) {
      const pcr = Number(key);
      if (quotedPcrs.includes(pcr)) continue;
      const banks: { [bank: string]: PcrBankReport } = {};
      for (const [bank, v] of Object.entries(baseline.pcrs[key].values)) banks[bank] = { expected: v };
      pcrs.push({ pcr, status: 'untrusted', reasons: ['not-quoted'], banks, events: [], ...(PCR_USAGE_SHORT[pcr] ? { usage: PCR_USAGE_SHORT[pcr] } : {}) });
    }
    pcrs.sort((x, y) => x.pcr - y.pcr);
  }

  for (const p of pcrs) {
    if (p.status === 'trusted') continue;
    const rs = p.reasons.filter((r) => r !== 'quote-invalid');
    if (rs.length === 0) continue;
    const diffs = Object.entries(p.banks).filter(([, b]) => b.expected !== undefined && b.actual !== undefined && b.expected !== b.actual);
    let line = `PCR ${p.pcr}: ${rs.join(', ')}`;
    if (diffs.length) line += ` (${diffs.map(([bank, b]) => `${bank} expected ${short(b.expected)} actual ${short(b.actual)}`).join('; ')})`;
    if (p.events.length) line += `: ${p.events.map((e) => `${e.change} ${e.type} ${e.description}`).join('; ')}`;
    problems.push(line);
  }
  if (ima) {
    for (const r of ima.problems) {
      if (r.status === 'violation' && !(a.policy.failOnImaViolation ?? false)) continue;
      const what = { unknown: 'not in the allow-list', changed: 'digest not in the allow-list for this path', 'boot-aggregate-mismatch': 'does not match PCRs 0-9 of this boot', 'template-hash': 'template hash does not match its data', violation: 'measurement violation (ToMToU / open-writers)' } as const;
      problems.push(`IMA: ${r.path} ${r.algorithm}:${short(r.digest)} ${what[r.status as keyof typeof what] ?? r.status}`);
    }
    for (const r of compilePolicy(baseline?.ima).invalid) problems.push(`IMA policy: exclude ${JSON.stringify(r)} is not a valid regular expression`);
  }

  const trusted = quote.ok && pcrs.every((p) => p.status === 'trusted') && (ima?.ok ?? true) && !a.eventLogError && !a.imaError && pcrs.length > 0;
  if (pcrs.length === 0 && a.attest && quote.ok) problems.push('quote: it covers no PCR');
  return { version: 1, verdict: trusted ? 'trusted' : 'untrusted', problems, quote, logs, pcrs, ...(ima ? { ima } : {}), measured: a.measured, imaPcr: a.imaPcr };
}

/** Short PCR meanings for reports (PC Client PFP "PCR Usage"; Linux). */
const PCR_USAGE_SHORT: { readonly [pcr: number]: string } = {
  0: 'firmware',
  1: 'firmware configuration',
  2: 'option ROM code',
  3: 'option ROM configuration',
  4: 'boot loader and kernel images',
  5: 'boot configuration (GPT, ExitBootServices)',
  6: 'platform manufacturer',
  7: 'Secure Boot policy',
  8: 'kernel command line, grub commands',
  9: 'kernel, initrd, grub files',
  10: 'IMA runtime measurements',
  11: 'unified kernel image',
  12: 'kernel command line (systemd-stub)',
  13: 'system extensions',
  14: 'MOK lists (shim)',
  15: 'systemd (machine-id, volume keys)',
};

/**
 * Verifies one boot's evidence: the quote (checkQuote's checks), the event log and IMA list
 * replayed per bank and matched against the quoted PCR digest, each quoted PCR against the
 * baseline ('trusted' / 'untrusted' with reasons, expected and actual values per bank, the
 * events that differ), each attested IMA entry against the runtime allow-list. The verdict is
 * 'trusted' only if everything is. Never throws for bad evidence (it is reported); throws
 * TypeError / AttestationError for unusable inputs (no evidence, an AK that is not a key).
 */
export function verifyEvidence(input: VerifyInput): VerificationReport {
  if (!input || typeof input !== 'object' || !input.evidence) throw new TypeError('verifyEvidence: expected { evidence, baseline?, policy? }');
  const policy = input.policy ?? {};
  return judgeEvidence(analyseEvidence(input.evidence, policy, imaPcrOf(policy, input.baseline)), input.baseline);
}

// ---------------------------------------------------------------------------------------------
// Text

export interface FormatReportOptions {
  /** The instance's name in the header. */
  instance?: string;
  /** Full hex values instead of 16 digits. */
  full?: boolean;
}

/**
 * The report for people: a header with the verdict, the quote line, one line per PCR
 * (trusted/untrusted, reasons, expected vs actual per bank), the differing events under it, the
 * IMA summary and problems.
 */
export function formatReport(report: VerificationReport, options: FormatReportOptions = {}): string {
  const v = (h: string | undefined) => (h === undefined ? '(unknown)' : options.full ? h : short(h));
  const lines: string[] = [];
  lines.push(`${options.instance ? `instance ${options.instance}: ` : ''}${report.verdict.toUpperCase()}`);
  const q = report.quote;
  const sel = q.selection.map((s) => `${s.bank}:${s.pcrs.join(',')}`).join(' ');
  const clock = q.clock ? `, clock ${q.clock.clock} reset ${q.clock.resetCount} restart ${q.clock.restartCount}${q.clock.safe ? '' : ' (not safe)'}` : '';
  lines.push(`quote: ${q.ok ? 'ok' : 'FAILED'} (${q.hashAlg ?? 'unknown hash'}, AK ${short(q.ak)}, PCRs ${sel || '(none)'}${clock})`);
  for (const f of q.failures) lines.push(`  ${f.check}: ${f.message}`);
  const logs = report.logs;
  const el = logs.eventLog === 'ok' ? 'event log replayed' : logs.eventLog === 'absent' ? 'no event log' : `event log unreadable: ${logs.eventLog.error}`;
  const il = logs.ima === 'ok' ? 'IMA list replayed' : logs.ima === 'absent' ? 'no IMA list' : `IMA list unreadable: ${logs.ima.error}`;
  lines.push(`logs: ${el}; ${il}; ${logs.explained ? 'they explain the quote' : `they do not explain the quote (${logs.method === 'none' ? 'no value attested' : `values found from ${logs.method}`})`}`);
  for (const p of report.pcrs) {
    const banks = Object.entries(p.banks)
      .map(([bank, b]) => {
        if (b.expected !== undefined && b.actual !== undefined && b.expected !== b.actual) return `${bank} expected ${v(b.expected)} actual ${v(b.actual)}`;
        if (b.actual !== undefined) return `${bank} ${v(b.actual)}`;
        if (b.expected !== undefined) return `${bank} expected ${v(b.expected)}${b.replayed !== undefined && b.replayed !== b.expected ? ` log replays ${v(b.replayed)}` : ''}`;
        return `${bank} log replays ${v(b.replayed)}`;
      })
      .join('; ');
    const reasons = p.reasons.length ? ` ${p.reasons.join(',')}` : '';
    lines.push(`PCR ${String(p.pcr).padStart(2)} ${p.status.padEnd(9)}${reasons}  ${banks}${p.usage ? `  [${p.usage}]` : ''}`);
    for (const e of p.events) {
      const mark = e.change === 'added' ? '+' : e.change === 'removed' ? '-' : '~';
      const [bank, d] = Object.entries(e.digests).pop() ?? ['', ''];
      const was = e.baselineDigests?.[bank] !== undefined ? ` (was ${v(e.baselineDigests[bank])})` : '';
      lines.push(`       ${mark} ${e.change} ${e.type} ${e.description}  ${bank} ${v(d)}${was}`);
    }
  }
  if (report.ima) {
    const i = report.ima;
    const agg = i.bootAggregate === 'ok' ? 'boot_aggregate ok' : i.bootAggregate === 'absent' ? 'no boot_aggregate' : `boot_aggregate ${i.bootAggregate}`;
    const bad = i.problems.filter((r) => r.status !== 'violation').length;
    const head = i.explained ? `${i.attested} of ${i.entries} entries attested${i.pending ? ` (${i.pending} pending)` : ''}` : `${i.entries} entries, not attested (the list does not explain PCR ${i.pcr})`;
    lines.push(`IMA: ${head}, ${agg}, ${bad ? `${bad} not allowed` : 'all allowed'}${i.violations ? `, ${i.violations} violation(s)` : ''}`);
    for (const r of i.problems) lines.push(`       ! ${r.status} ${r.path} ${r.algorithm}:${v(r.digest)}${r.expected ? ` (allowed: ${r.expected.map(v).join(', ')})` : ''}`);
  }
  for (const p of report.problems.filter((x) => !/^(PCR \d+|IMA: )/.test(x) && !x.startsWith('quote: '))) lines.push(`problem: ${p}`);
  lines.push(`verdict: ${report.verdict}`);
  return lines.join('\n') + '\n';
}
