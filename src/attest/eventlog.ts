/**
 * TCG PC Client Platform Firmware Profile event logs, crypto-agile format ("Event Logging"):
 * a TCG_PCR_EVENT header carrying TCG_EfiSpecIDEvent ("Spec ID Event03"), then TCG_PCR_EVENT2
 * records with one digest per bank. Writer, strict parser, replay, and builders for the UEFI
 * event data structures (UEFI_VARIABLE_DATA, UEFI_IMAGE_LOAD_EVENT, UEFI_PLATFORM_FIRMWARE_BLOB(2),
 * UEFI_GPT_DATA, EFI_SIGNATURE_LIST, EFI_LOAD_OPTION, device paths). All integers little-endian.
 */
import { bytesEqual, bytesToHex, concatBytes, utf8, utf8Decode } from '../crypto/bytes.js';
import { hashByAlg } from '../crypto/hash.js';

// ---------------------------------------------------------------------------------------------
// Event types ("Event Types" of the PC Client PFP)

export const EV_PREBOOT_CERT = 0x00;
export const EV_POST_CODE = 0x01;
export const EV_UNUSED = 0x02;
export const EV_NO_ACTION = 0x03;
export const EV_SEPARATOR = 0x04;
export const EV_ACTION = 0x05;
export const EV_EVENT_TAG = 0x06;
export const EV_S_CRTM_CONTENTS = 0x07;
export const EV_S_CRTM_VERSION = 0x08;
export const EV_CPU_MICROCODE = 0x09;
export const EV_PLATFORM_CONFIG_FLAGS = 0x0a;
export const EV_TABLE_OF_DEVICES = 0x0b;
export const EV_COMPACT_HASH = 0x0c;
export const EV_IPL = 0x0d;
export const EV_IPL_PARTITION_DATA = 0x0e;
export const EV_NONHOST_CODE = 0x0f;
export const EV_NONHOST_CONFIG = 0x10;
export const EV_NONHOST_INFO = 0x11;
export const EV_OMIT_BOOT_DEVICE_EVENTS = 0x12;
export const EV_EFI_EVENT_BASE = 0x80000000;
export const EV_EFI_VARIABLE_DRIVER_CONFIG = 0x80000001;
export const EV_EFI_VARIABLE_BOOT = 0x80000002;
export const EV_EFI_BOOT_SERVICES_APPLICATION = 0x80000003;
export const EV_EFI_BOOT_SERVICES_DRIVER = 0x80000004;
export const EV_EFI_RUNTIME_SERVICES_DRIVER = 0x80000005;
export const EV_EFI_GPT_EVENT = 0x80000006;
export const EV_EFI_ACTION = 0x80000007;
export const EV_EFI_PLATFORM_FIRMWARE_BLOB = 0x80000008;
export const EV_EFI_HANDOFF_TABLES = 0x80000009;
export const EV_EFI_PLATFORM_FIRMWARE_BLOB2 = 0x8000000a;
export const EV_EFI_HANDOFF_TABLES2 = 0x8000000b;
export const EV_EFI_VARIABLE_BOOT2 = 0x8000000c;
export const EV_EFI_HCRTM_EVENT = 0x80000010;
export const EV_EFI_VARIABLE_AUTHORITY = 0x800000e0;
export const EV_EFI_SPDM_FIRMWARE_BLOB = 0x800000e1;
export const EV_EFI_SPDM_FIRMWARE_CONFIG = 0x800000e2;

const EVENT_TYPE_NAMES: { readonly [type: number]: string } = {
  [EV_PREBOOT_CERT]: 'EV_PREBOOT_CERT',
  [EV_POST_CODE]: 'EV_POST_CODE',
  [EV_UNUSED]: 'EV_UNUSED',
  [EV_NO_ACTION]: 'EV_NO_ACTION',
  [EV_SEPARATOR]: 'EV_SEPARATOR',
  [EV_ACTION]: 'EV_ACTION',
  [EV_EVENT_TAG]: 'EV_EVENT_TAG',
  [EV_S_CRTM_CONTENTS]: 'EV_S_CRTM_CONTENTS',
  [EV_S_CRTM_VERSION]: 'EV_S_CRTM_VERSION',
  [EV_CPU_MICROCODE]: 'EV_CPU_MICROCODE',
  [EV_PLATFORM_CONFIG_FLAGS]: 'EV_PLATFORM_CONFIG_FLAGS',
  [EV_TABLE_OF_DEVICES]: 'EV_TABLE_OF_DEVICES',
  [EV_COMPACT_HASH]: 'EV_COMPACT_HASH',
  [EV_IPL]: 'EV_IPL',
  [EV_IPL_PARTITION_DATA]: 'EV_IPL_PARTITION_DATA',
  [EV_NONHOST_CODE]: 'EV_NONHOST_CODE',
  [EV_NONHOST_CONFIG]: 'EV_NONHOST_CONFIG',
  [EV_NONHOST_INFO]: 'EV_NONHOST_INFO',
  [EV_OMIT_BOOT_DEVICE_EVENTS]: 'EV_OMIT_BOOT_DEVICE_EVENTS',
  [EV_EFI_VARIABLE_DRIVER_CONFIG]: 'EV_EFI_VARIABLE_DRIVER_CONFIG',
  [EV_EFI_VARIABLE_BOOT]: 'EV_EFI_VARIABLE_BOOT',
  [EV_EFI_BOOT_SERVICES_APPLICATION]: 'EV_EFI_BOOT_SERVICES_APPLICATION',
  [EV_EFI_BOOT_SERVICES_DRIVER]: 'EV_EFI_BOOT_SERVICES_DRIVER',
  [EV_EFI_RUNTIME_SERVICES_DRIVER]: 'EV_EFI_RUNTIME_SERVICES_DRIVER',
  [EV_EFI_GPT_EVENT]: 'EV_EFI_GPT_EVENT',
  [EV_EFI_ACTION]: 'EV_EFI_ACTION',
  [EV_EFI_PLATFORM_FIRMWARE_BLOB]: 'EV_EFI_PLATFORM_FIRMWARE_BLOB',
  [EV_EFI_HANDOFF_TABLES]: 'EV_EFI_HANDOFF_TABLES',
  [EV_EFI_PLATFORM_FIRMWARE_BLOB2]: 'EV_EFI_PLATFORM_FIRMWARE_BLOB2',
  [EV_EFI_HANDOFF_TABLES2]: 'EV_EFI_HANDOFF_TABLES2',
  [EV_EFI_VARIABLE_BOOT2]: 'EV_EFI_VARIABLE_BOOT2',
  [EV_EFI_HCRTM_EVENT]: 'EV_EFI_HCRTM_EVENT',
  [EV_EFI_VARIABLE_AUTHORITY]: 'EV_EFI_VARIABLE_AUTHORITY',
  [EV_EFI_SPDM_FIRMWARE_BLOB]: 'EV_EFI_SPDM_FIRMWARE_BLOB',
  [EV_EFI_SPDM_FIRMWARE_CONFIG]: 'EV_EFI_SPDM_FIRMWARE_CONFIG',
};

/** The name of an event type ('EV_SEPARATOR'), or its hex value when unknown. */
export function eventTypeName(type: number): string {
  return EVENT_TYPE_NAMES[type] ?? '0x' + (type >>> 0).toString(16).padStart(8, '0');
}

/** What firmware and the Linux boot chain measure into each PCR (PC Client PFP "PCR Usage"; UAPI PCR registry). */
export const PCR_USAGE: { readonly [pcr: number]: string } = {
  0: 'SRTM, BIOS/UEFI firmware code, host platform extensions, embedded option ROMs and PI drivers',
  1: 'host platform configuration: SMBIOS/handoff tables, BootOrder and Boot#### variables, CPU microcode',
  2: 'UEFI driver and application code (option ROMs)',
  3: 'UEFI driver and application configuration and data',
  4: 'boot manager code and boot attempts: EFI applications (shim, grub, kernel)',
  5: 'boot manager configuration and data: GPT, ExitBootServices',
  6: 'host platform manufacturer specific',
  7: 'Secure Boot policy: SecureBoot, PK, KEK, db, dbx and the authorities that verified images',
  8: 'grub commands and the kernel command line',
  9: 'files read by grub: kernel, initrd, grub configuration',
  10: 'Linux IMA runtime measurements',
  11: 'systemd-stub: unified kernel image sections; boot phases',
  12: 'systemd-boot/stub: kernel command line, credentials, configuration extensions',
  13: 'systemd-stub: system extension images for the initrd',
  14: 'shim: MokList, MokListX, MokListTrusted',
  15: 'systemd: volume keys, machine-id, file system identities',
  16: 'debug; resettable at localities 0-3',
  17: 'DRTM (dynamic root of trust)',
  18: 'DRTM: trusted OS configuration',
  19: 'DRTM: trusted OS',
  20: 'DRTM: trusted OS',
  21: 'DRTM: defined by the dynamic OS',
  22: 'DRTM: defined by the dynamic OS',
  23: 'application support; resettable at any locality',
};

/** Value of PCR `pcr` after TPM2_Startup(CLEAR) (PC Client PTP "PCR Initial Values"): 0xFF… for 17-22, 0 otherwise. */
export function pcrResetValue(pcr: number, digestSize: number, startupLocality = 0): Uint8Array {
  const v = new Uint8Array(digestSize);
  if (pcr >= 17 && pcr <= 22) v.fill(0xff);
  if (pcr === 0) v[digestSize - 1] = startupLocality;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Little-endian helpers, GUIDs, UTF-16

const le16 = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff);
const le32 = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
function le64(n: number | bigint): Uint8Array {
  let v = BigInt(n);
  if (v < 0n || v >= 1n << 64n) throw new RangeError(`UINT64 out of range: ${n}`);
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}
function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
function rd64(b: Uint8Array, off: number): bigint {
  return dv(b).getBigUint64(off, true);
}

/** An EFI_GUID from its text form: the first three fields little-endian, the last eight octets as written. */
export function guidBytes(guid: string): Uint8Array {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i.exec(guid.trim());
  if (!m) throw new Error(`not a GUID: ${guid}`);
  const out = new Uint8Array(16);
  const v = dv(out);
  v.setUint32(0, parseInt(m[1], 16), true);
  v.setUint16(4, parseInt(m[2], 16), true);
  v.setUint16(6, parseInt(m[3], 16), true);
  const tail = m[4] + m[5];
  for (let i = 0; i < 8; i++) out[8 + i] = parseInt(tail.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The text form (lower case) of a 16-octet EFI_GUID. */
export function guidString(b: Uint8Array): string {
  if (b.length !== 16) throw new Error(`EFI_GUID is 16 octets, got ${b.length}`);
  const v = dv(b);
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const tail = bytesToHex(b.subarray(8));
  return `${h(v.getUint32(0, true), 8)}-${h(v.getUint16(4, true), 4)}-${h(v.getUint16(6, true), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}

/** Well-known GUIDs (UEFI specification; shim). */
export const EFI_GUID = {
  /** EFI_GLOBAL_VARIABLE: SecureBoot, PK, KEK, BootOrder, Boot#### */
  globalVariable: '8be4df61-93ca-11d2-aa0d-00e098032b8c',
  /** EFI_IMAGE_SECURITY_DATABASE_GUID: db, dbx */
  imageSecurityDatabase: 'd719b2cb-3d3a-4596-a3bc-dad00e67656f',
  /** SHIM_LOCK_GUID: Shim, SbatLevel, MokList, MokListX, MokListTrusted */
  shimLock: '605dab50-e046-4300-abb6-3dd810dd8b23',
  certX509: 'a5c059a1-94e4-4aa7-87b5-ab155c2bf072',
  certSha256: 'c1c41626-504c-4092-aca9-41f936934328',
  /** Microsoft's signature owner GUID */
  microsoft: '77fa9abd-0359-4d32-bd60-28f4e78f784b',
  smbios3Table: 'f2fd1544-9794-4a2c-992e-e5bbcf20e394',
  espPartition: 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b',
  linuxFilesystemPartition: '0fc63daf-8483-4772-8e79-3d69d8477de4',
  biosBootPartition: '21686148-6449-6e6f-744e-656564454649',
} as const;

/** UTF-16LE code units of a string (no terminator). */
export function utf16le(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >>> 8;
  }
  return out;
}

/** Decode UTF-16LE code units (stops at the first NUL). */
export function utf16leDecode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) {
    const c = b[i] | (b[i + 1] << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Data model

/** One digest of an event (the same shape as TPMT_HA, so it can go straight into TPM2_PCR_Extend). */
export interface TcgDigest {
  hashAlg: number;
  digest: Uint8Array;
}

/** A TCG_PCR_EVENT2 record. */
export interface TcgEvent {
  pcr: number;
  type: number;
  digests: TcgDigest[];
  data: Uint8Array;
}

/** A TCG_PCR_EVENT2 as parsed, with its position: `eventNum` counts as tpm2_eventlog does (0 = the Spec ID header). */
export interface ParsedTcgEvent extends TcgEvent {
  eventNum: number;
  offset: number;
}

/** TCG_EfiSpecIDEvent ("Spec ID Event03"). */
export interface SpecIdEvent {
  platformClass: number;
  specVersionMinor: number;
  specVersionMajor: number;
  specErrata: number;
  /** 1 = UINT32, 2 = UINT64 (UEFI UINTN). */
  uintnSize: number;
  algorithms: { algorithmId: number; digestSize: number }[];
  vendorInfo: Uint8Array;
}

export interface EventLog {
  specId: SpecIdEvent;
  events: TcgEvent[];
}

export interface ParsedEventLog extends EventLog {
  events: ParsedTcgEvent[];
}

/** A malformed event log: which event (tpm2_eventlog numbering, 0 = the Spec ID header) and octet offset. */
export class EventLogError extends Error {
  constructor(
    message: string,
    readonly eventNum: number,
    readonly offset: number,
  ) {
    super(`event log: event ${eventNum} at offset ${offset} (0x${offset.toString(16)}): ${message}`);
    this.name = 'EventLogError';
  }
}

const SPEC_ID_SIGNATURE = utf8('Spec ID Event03\0');
const SPEC_ID_SIGNATURE_00 = utf8('Spec ID Event00\0');
const STARTUP_LOCALITY_SIGNATURE = utf8('StartupLocality\0');

/**
 * Spec ID event for these banks: platform class 0 (client), spec 2.0, errata 2 (PFP revision
 * 1.05; earlier firmware writes 0), UINTN = UINT64.
 */
export function specIdFor(banks: readonly number[], vendorInfo: Uint8Array = new Uint8Array(0), specErrata = 2): SpecIdEvent {
  const algs = [...new Set(banks)].sort((a, b) => a - b);
  if (algs.length === 0) throw new Error('event log: at least one PCR bank is needed');
  return {
    platformClass: 0,
    specVersionMinor: 0,
    specVersionMajor: 2,
    specErrata,
    uintnSize: 2,
    algorithms: algs.map((algorithmId) => {
      const h = hashByAlg(algorithmId);
      if (!h) throw new Error(`event log: no hash for algorithm 0x${algorithmId.toString(16)}`);
      return { algorithmId, digestSize: h.digestSize };
    }),
    vendorInfo,
  };
}

function encodeSpecId(s: SpecIdEvent): Uint8Array {
  if (s.vendorInfo.length > 255) throw new Error('event log: vendorInfo is at most 255 octets');
  return concatBytes(
    SPEC_ID_SIGNATURE,
    le32(s.platformClass),
    Uint8Array.of(s.specVersionMinor, s.specVersionMajor, s.specErrata, s.uintnSize),
    le32(s.algorithms.length),
    ...s.algorithms.map((a) => concatBytes(le16(a.algorithmId), le16(a.digestSize))),
    Uint8Array.of(s.vendorInfo.length),
    s.vendorInfo,
  );
}

/** The first event: TCG_PCR_EVENT (PCR 0, EV_NO_ACTION, 20 zero octets) carrying the Spec ID event. */
function encodeHeader(s: SpecIdEvent): Uint8Array {
  const body = encodeSpecId(s);
  return concatBytes(le32(0), le32(EV_NO_ACTION), new Uint8Array(20), le32(body.length), body);
}

/** One TCG_PCR_EVENT2; digests must be those of the Spec ID table (any order, each once). */
export function encodeEvent(e: TcgEvent, specId?: SpecIdEvent): Uint8Array {
  const parts: Uint8Array[] = [le32(e.pcr), le32(e.type), le32(e.digests.length)];
  for (const d of e.digests) {
    const size = specId?.algorithms.find((a) => a.algorithmId === d.hashAlg)?.digestSize ?? hashByAlg(d.hashAlg)?.digestSize;
    if (size === undefined) throw new Error(`event log: digest algorithm 0x${d.hashAlg.toString(16)} is not in the Spec ID event`);
    if (d.digest.length !== size) throw new Error(`event log: ${d.digest.length}-octet digest for algorithm 0x${d.hashAlg.toString(16)} (expected ${size})`);
    parts.push(le16(d.hashAlg), d.digest);
  }
  parts.push(le32(e.data.length), e.data);
  return concatBytes(...parts);
}

/** The binary log (as in /sys/kernel/security/tpm0/binary_bios_measurements). */
export function encodeEventLog(log: EventLog): Uint8Array {
  return concatBytes(encodeHeader(log.specId), ...log.events.map((e) => encodeEvent(e, log.specId)));
}

/**
 * Parses a crypto-agile log strictly: the Spec ID header (PCR 0, EV_NO_ACTION, zero digest,
 * "Spec ID Event03", version 2.0, at least one algorithm, sizes of known algorithms right), then
 * TCG_PCR_EVENT2 records whose digests are of algorithms in the Spec ID table (sizes from it).
 */
export function parseEventLog(bytes: Uint8Array): ParsedEventLog {
  const v = dv(bytes);
  let off = 0;
  let eventNum = 0;
  const fail = (msg: string, at = off): never => {
    throw new EventLogError(msg, eventNum, at);
  };
  const need = (n: number, what: string) => {
    if (off + n > bytes.length) fail(`truncated: ${what} needs ${n} octets, ${bytes.length - off} left`);
  };
  const u8 = (what: string) => (need(1, what), bytes[off++]);
  const u16 = (what: string) => {
    need(2, what);
    const x = v.getUint16(off, true);
    off += 2;
    return x;
  };
  const u32 = (what: string) => {
    need(4, what);
    const x = v.getUint32(off, true);
    off += 4;
    return x;
  };
  const take = (n: number, what: string) => {
    need(n, what);
    const x = bytes.slice(off, off + n);
    off += n;
    return x;
  };

  if (bytes.length === 0) fail('empty log');
  // TCG_PCR_EVENT header
  const pcr0 = u32('PCRIndex');
  const type0 = u32('EventType');
  if (pcr0 !== 0) fail(`the first event must be on PCR 0, not ${pcr0}`, 0);
  if (type0 !== EV_NO_ACTION) fail(`the first event must be EV_NO_ACTION, not ${eventTypeName(type0)}`, 4);
  const zero = take(20, 'SHA-1 digest');
  if (zero.some((b) => b !== 0)) fail('the first event must have an all-zero digest', 8);
  const size0 = u32('eventDataSize');
  const bodyStart = off;
  need(size0, 'Spec ID event');
  const sig = take(16, 'Spec ID signature');
  if (bytesEqual(sig, SPEC_ID_SIGNATURE_00)) fail('"Spec ID Event00" (SHA-1 only, TPM 1.2 format) logs are not supported', bodyStart);
  if (!bytesEqual(sig, SPEC_ID_SIGNATURE)) fail('the first event is not "Spec ID Event03"', bodyStart);
  const platformClass = u32('platformClass');
  const specVersionMinor = u8('specVersionMinor');
  const specVersionMajor = u8('specVersionMajor');
  const specErrata = u8('specErrata');
  const uintnSize = u8('uintnSize');
  if (specVersionMajor !== 2 || specVersionMinor !== 0) fail(`Spec ID version ${specVersionMajor}.${specVersionMinor}, expected 2.0`, bodyStart + 20);
  if (uintnSize !== 1 && uintnSize !== 2) fail(`uintnSize ${uintnSize} (1 or 2 expected)`, bodyStart + 23);
  const nAlgs = u32('numberOfAlgorithms');
  if (nAlgs === 0) fail('numberOfAlgorithms is 0', off - 4);
  if (nAlgs > 64) fail(`numberOfAlgorithms ${nAlgs} is implausible`, off - 4);
  const algorithms: SpecIdEvent['algorithms'] = [];
  for (let i = 0; i < nAlgs; i++) {
    const at = off;
    const algorithmId = u16('algorithmId');
    const digestSize = u16('digestSize');
    const known = hashByAlg(algorithmId);
    if (known && known.digestSize !== digestSize) fail(`algorithm 0x${algorithmId.toString(16)} has digest size ${known.digestSize}, not ${digestSize}`, at);
    if (digestSize === 0) fail(`algorithm 0x${algorithmId.toString(16)} with digest size 0`, at);
    if (algorithms.some((a) => a.algorithmId === algorithmId)) fail(`algorithm 0x${algorithmId.toString(16)} listed twice`, at);
    algorithms.push({ algorithmId, digestSize });
  }
  const vendorInfoSize = u8('vendorInfoSize');
  const vendorInfo = take(vendorInfoSize, 'vendorInfo');
  if (off - bodyStart !== size0) fail(`eventDataSize ${size0} but the Spec ID event is ${off - bodyStart} octets`, bodyStart - 4);
  const specId: SpecIdEvent = { platformClass, specVersionMinor, specVersionMajor, specErrata, uintnSize, algorithms, vendorInfo };

  const events: ParsedTcgEvent[] = [];
  while (off < bytes.length) {
    eventNum++;
    const offset = off;
    const pcr = u32('PCRIndex');
    if (pcr > 31) fail(`PCRIndex ${pcr} out of range`, offset);
    const type = u32('EventType');
    const count = u32('DigestCount');
    if (count > algorithms.length) fail(`DigestCount ${count} exceeds the ${algorithms.length} algorithms of the Spec ID event`, off - 4);
    const digests: TcgDigest[] = [];
    for (let i = 0; i < count; i++) {
      const at = off;
      const hashAlg = u16('AlgorithmId');
      const spec = algorithms.find((a) => a.algorithmId === hashAlg);
      if (!spec) fail(`digest algorithm 0x${hashAlg.toString(16)} is not in the Spec ID event`, at);
      if (digests.some((d) => d.hashAlg === hashAlg)) fail(`digest algorithm 0x${hashAlg.toString(16)} appears twice`, at);
      digests.push({ hashAlg, digest: take(spec!.digestSize, `digest 0x${hashAlg.toString(16)}`) });
    }
    const size = u32('EventSize');
    const data = take(size, 'event data');
    events.push({ pcr, type, digests, data, eventNum, offset });
  }
  return { specId, events };
}

// ---------------------------------------------------------------------------------------------
// Replay ("Event Log" replay: PCR_new = H(PCR_old ‖ digest) per bank)

/** PCR values per bank: hashAlg → values indexed by PCR number (the shape quote helpers accept). */
export type PcrBankValues = { [hashAlg: number]: Uint8Array[] };

export interface ReplayOptions {
  /** Number of PCRs per bank (default 24, more if the log names higher PCRs). */
  pcrCount?: number;
}

/** The StartupLocality EV_NO_ACTION event's locality, or undefined if `data` is not one. */
export function startupLocalityOf(e: TcgEvent): number | undefined {
  if (e.type !== EV_NO_ACTION || e.pcr !== 0 || e.data.length !== 17) return undefined;
  return bytesEqual(e.data.subarray(0, 16), STARTUP_LOCALITY_SIGNATURE) ? e.data[16] : undefined;
}

/**
 * Replays the log: per bank of the Spec ID event (with an implemented hash), each PCR starts at
 * its reset value (0 for 0-16 and 23, all 0xFF for 17-22; PCR 0 carries the StartupLocality
 * event's locality, or 4 for an H-CRTM event) and every event except EV_NO_ACTION extends the
 * digest of that bank into its PCR. Events without a digest of a bank leave that bank alone.
 */
export function replayEventLog(input: EventLog | Uint8Array, options: ReplayOptions = {}): PcrBankValues {
  const log = input instanceof Uint8Array ? parseEventLog(input) : input;
  const maxPcr = log.events.reduce((m, e) => Math.max(m, e.pcr), 0);
  const count = Math.max(options.pcrCount ?? 24, maxPcr + 1);
  const out: PcrBankValues = {};
  const extended0 = new Set<number>();
  for (const { algorithmId, digestSize } of log.specId.algorithms) {
    if (!hashByAlg(algorithmId)) continue;
    out[algorithmId] = Array.from({ length: count }, (_, pcr) => pcrResetValue(pcr, digestSize));
  }
  log.events.forEach((e, i) => {
    const where = () => ({ num: (e as ParsedTcgEvent).eventNum ?? i + 1, off: (e as ParsedTcgEvent).offset ?? -1 });
    const locality = startupLocalityOf(e);
    const hcrtm = e.type === EV_EFI_HCRTM_EVENT && e.pcr === 0;
    if (locality !== undefined || hcrtm) {
      if (extended0.size > 0) {
        const { num, off } = where();
        throw new EventLogError(`${locality !== undefined ? 'StartupLocality' : 'H-CRTM'} event after PCR 0 was extended`, num, off);
      }
      for (const alg of Object.keys(out)) {
        const v = out[Number(alg)][0];
        v[v.length - 1] = hcrtm ? 4 : locality!;
      }
    }
    if (e.type === EV_NO_ACTION) return;
    for (const d of e.digests) {
      const h = hashByAlg(d.hashAlg);
      const bank = out[d.hashAlg];
      if (!h || !bank) continue;
      bank[e.pcr] = h.digest(bank[e.pcr], d.digest);
      if (e.pcr === 0) extended0.add(d.hashAlg);
    }
  });
  return out;
}

/** PCRs that events of the log extend (EV_NO_ACTION excluded), ascending. */
export function eventLogPcrs(log: EventLog): number[] {
  return [...new Set(log.events.filter((e) => e.type !== EV_NO_ACTION).map((e) => e.pcr))].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// Writer

export interface EventLogWriterOptions {
  /** TCG_EfiSpecIDEvent vendorInfo (default empty). */
  vendorInfo?: Uint8Array;
  /** TCG_EfiSpecIDEvent specErrata (default 2). */
  specErrata?: number;
  /** Adds the StartupLocality EV_NO_ACTION event (PCR 0) right after the header. */
  startupLocality?: number;
}

export interface EventLogWriter {
  readonly specId: SpecIdEvent;
  /** Bank algorithms, in Spec ID order. */
  readonly banks: readonly number[];
  readonly events: TcgEvent[];
  /** Appends an event whose digests are H_bank(content) (content defaults to the event data). */
  measure(pcr: number, type: number, data: Uint8Array, content?: Uint8Array): TcgEvent;
  /** Appends an event with given digests (one per bank, keyed by hashAlg). */
  record(pcr: number, type: number, data: Uint8Array, digests: TcgDigest[] | { [hashAlg: number]: Uint8Array }): TcgEvent;
  /** Appends an EV_NO_ACTION event (all-zero digests; not extended). */
  noAction(data: Uint8Array, pcr?: number): TcgEvent;
  log(): EventLog;
  bytes(): Uint8Array;
}

/** A log for these PCR banks (TPM_ALG_IDs): the Spec ID header lists every bank; each event carries a digest per bank. */
export function createEventLogWriter(banks: readonly number[], options: EventLogWriterOptions = {}): EventLogWriter {
  const specId = specIdFor(banks, options.vendorInfo, options.specErrata);
  const algs = specId.algorithms.map((a) => a.algorithmId);
  const events: TcgEvent[] = [];
  const push = (e: TcgEvent) => (events.push(e), e);
  const w: EventLogWriter = {
    specId,
    banks: algs,
    events,
    measure(pcr, type, data, content = data) {
      return push({ pcr, type, data, digests: algs.map((hashAlg) => ({ hashAlg, digest: hashByAlg(hashAlg)!.digest(content) })) });
    },
    record(pcr, type, data, digests) {
      const list = Array.isArray(digests) ? digests : algs.map((hashAlg) => ({ hashAlg, digest: digests[hashAlg] }));
      for (const hashAlg of algs) {
        const d = list.find((x) => x.hashAlg === hashAlg)?.digest;
        if (!d) throw new Error(`event log: no digest for bank 0x${hashAlg.toString(16)}`);
      }
      return push({ pcr, type, data, digests: algs.map((hashAlg) => ({ hashAlg, digest: list.find((x) => x.hashAlg === hashAlg)!.digest })) });
    },
    noAction(data, pcr = 0) {
      return push({ pcr, type: EV_NO_ACTION, data, digests: specId.algorithms.map((a) => ({ hashAlg: a.algorithmId, digest: new Uint8Array(a.digestSize) })) });
    },
    log: () => ({ specId, events: [...events] }),
    bytes: () => encodeEventLog({ specId, events }),
  };
  if (options.startupLocality !== undefined) w.noAction(startupLocalityData(options.startupLocality));
  return w;
}

// ---------------------------------------------------------------------------------------------
// Event data builders

/** StartupLocality EV_NO_ACTION data: "StartupLocality\0" ‖ locality. */
export function startupLocalityData(locality: number): Uint8Array {
  if (!Number.isInteger(locality) || locality < 0 || locality > 4) throw new RangeError(`startup locality ${locality}`);
  return concatBytes(STARTUP_LOCALITY_SIGNATURE, Uint8Array.of(locality));
}

/** EV_SEPARATOR data: UINT32 0 (normal) or 1 (error). */
export function separatorData(value = 0): Uint8Array {
  return le32(value);
}

/** EV_EFI_ACTION / EV_ACTION data: the ASCII string, not NUL-terminated; the digest is over the same octets. */
export function efiActionData(action: string): Uint8Array {
  return utf8(action);
}

/** Well-known EV_EFI_ACTION strings (PC Client PFP "EV_EFI_ACTION Event Types"). */
export const EFI_ACTION = {
  callingEfiApplication: 'Calling EFI Application from Boot Option',
  returningFromEfiApplication: 'Returning from EFI Application from Boot Option',
  exitBootServicesInvocation: 'Exit Boot Services Invocation',
  exitBootServicesSuccess: 'Exit Boot Services Returned with Success',
  exitBootServicesFailure: 'Exit Boot Services Returned with Failure',
  uefiDebugMode: 'UEFI Debug Mode',
} as const;

/** EV_IPL data as grub and shim write it: the string and a NUL. */
export function iplData(text: string): Uint8Array {
  return concatBytes(utf8(text), Uint8Array.of(0));
}

/** EV_S_CRTM_VERSION data: the version as a NUL-terminated UTF-16LE string. */
export function scrtmVersionData(version: string): Uint8Array {
  return concatBytes(utf16le(version), Uint8Array.of(0, 0));
}

/** UEFI_VARIABLE_DATA: VariableName GUID, UnicodeNameLength, VariableDataLength (UINT64), UTF-16LE name (no NUL), data. */
export function uefiVariableData(guid: string, name: string, data: Uint8Array): Uint8Array {
  return concatBytes(guidBytes(guid), le64(name.length), le64(data.length), utf16le(name), data);
}

export interface UefiVariable {
  guid: string;
  name: string;
  data: Uint8Array;
}

/** Parses UEFI_VARIABLE_DATA (strict: the lengths must account for every octet). */
export function parseUefiVariableData(b: Uint8Array): UefiVariable {
  if (b.length < 32) throw new Error('UEFI_VARIABLE_DATA: shorter than its 32-octet header');
  const nameLen = rd64(b, 16);
  const dataLen = rd64(b, 24);
  if (BigInt(b.length) !== 32n + nameLen * 2n + dataLen) throw new Error(`UEFI_VARIABLE_DATA: lengths (${nameLen} UTF-16 units, ${dataLen} octets) do not match its ${b.length} octets`);
  const n = Number(nameLen);
  return { guid: guidString(b.subarray(0, 16)), name: utf16leDecode(b.subarray(32, 32 + 2 * n)), data: b.slice(32 + 2 * n) };
}

/** UEFI_PLATFORM_FIRMWARE_BLOB: BlobBase, BlobLength. */
export function uefiPlatformFirmwareBlob(base: number | bigint, length: number | bigint): Uint8Array {
  return concatBytes(le64(base), le64(length));
}

/** UEFI_PLATFORM_FIRMWARE_BLOB2: BlobDescriptionSize, BlobDescription (ASCII), BlobBase, BlobLength. */
export function uefiPlatformFirmwareBlob2(description: string, base: number | bigint, length: number | bigint): Uint8Array {
  const d = utf8(description);
  if (d.length > 255) throw new Error('UEFI_PLATFORM_FIRMWARE_BLOB2: description is at most 255 octets');
  return concatBytes(Uint8Array.of(d.length), d, le64(base), le64(length));
}

/** UEFI_HANDOFF_TABLE_POINTERS: NumberOfTables, then (VendorGuid, VendorTable) pairs. */
export function uefiHandoffTablePointers(tables: readonly { guid: string; address: number | bigint }[]): Uint8Array {
  return concatBytes(le64(tables.length), ...tables.map((t) => concatBytes(guidBytes(t.guid), le64(t.address))));
}

export interface UefiImageLoadEvent {
  imageLocationInMemory: bigint;
  imageLengthInMemory: bigint;
  imageLinkTimeAddress: bigint;
  devicePath: Uint8Array;
}

/** UEFI_IMAGE_LOAD_EVENT: location, length, link-time address, device path length, device path. */
export function uefiImageLoadEvent(e: { location: number | bigint; length: number | bigint; linkTimeAddress?: number | bigint; devicePath?: Uint8Array }): Uint8Array {
  const dp = e.devicePath ?? new Uint8Array(0);
  return concatBytes(le64(e.location), le64(e.length), le64(e.linkTimeAddress ?? 0), le64(dp.length), dp);
}

export function parseUefiImageLoadEvent(b: Uint8Array): UefiImageLoadEvent {
  if (b.length < 32) throw new Error('UEFI_IMAGE_LOAD_EVENT: shorter than its 32-octet header');
  const n = rd64(b, 24);
  if (BigInt(b.length) !== 32n + n) throw new Error(`UEFI_IMAGE_LOAD_EVENT: LengthOfDevicePath ${n} does not match its ${b.length} octets`);
  return { imageLocationInMemory: rd64(b, 0), imageLengthInMemory: rd64(b, 8), imageLinkTimeAddress: rd64(b, 16), devicePath: b.slice(32) };
}

// Device paths (UEFI "Device Path Protocol"): Type, SubType, UINT16 Length, data.

function dpNode(type: number, subType: number, data: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(type, subType), le16(4 + data.length), data);
}

/** Media device path, hard drive (GPT partition). */
export function devicePathHardDrive(p: { partitionNumber: number; startLba: number | bigint; sizeLba: number | bigint; partitionGuid: string }): Uint8Array {
  return dpNode(4, 1, concatBytes(le32(p.partitionNumber), le64(p.startLba), le64(p.sizeLba), guidBytes(p.partitionGuid), Uint8Array.of(0x02, 0x02)));
}

/** Media device path, file path (NUL-terminated UTF-16LE, backslashes as UEFI writes them). */
export function devicePathFile(path: string): Uint8Array {
  return dpNode(4, 4, concatBytes(utf16le(path), Uint8Array.of(0, 0)));
}

/** A device path: the nodes then End of Entire Device Path. */
export function devicePath(...nodes: Uint8Array[]): Uint8Array {
  return concatBytes(...nodes, Uint8Array.of(0x7f, 0xff, 0x04, 0x00));
}

/** EFI_LOAD_OPTION (Boot#### contents): Attributes, FilePathListLength, description (UTF-16LE, NUL), device path, optional data. */
export function efiLoadOption(o: { description: string; devicePath: Uint8Array; attributes?: number; optionalData?: Uint8Array }): Uint8Array {
  return concatBytes(
    le32(o.attributes ?? 1 /* LOAD_OPTION_ACTIVE */),
    le16(o.devicePath.length),
    utf16le(o.description),
    Uint8Array.of(0, 0),
    o.devicePath,
    o.optionalData ?? new Uint8Array(0),
  );
}

/** BootOrder contents: UINT16 option numbers. */
export function bootOrderData(order: readonly number[]): Uint8Array {
  return concatBytes(...order.map(le16));
}

/** EFI_SIGNATURE_DATA: SignatureOwner GUID ‖ SignatureData. */
export function efiSignatureData(owner: string, data: Uint8Array): Uint8Array {
  return concatBytes(guidBytes(owner), data);
}

/**
 * EFI_SIGNATURE_LIST: SignatureType, SignatureListSize, SignatureHeaderSize (0), SignatureSize,
 * then the EFI_SIGNATURE_DATA entries (all of the same size, as the UEFI specification requires).
 */
export function efiSignatureList(type: string, entries: readonly { owner: string; data: Uint8Array }[]): Uint8Array {
  if (entries.length === 0) throw new Error('EFI_SIGNATURE_LIST: no entries');
  const size = 16 + entries[0].data.length;
  if (entries.some((e) => 16 + e.data.length !== size)) throw new Error('EFI_SIGNATURE_LIST: entries of one list must have one size');
  return concatBytes(guidBytes(type), le32(28 + size * entries.length), le32(0), le32(size), ...entries.map((e) => efiSignatureData(e.owner, e.data)));
}

export interface EfiSignatureList {
  type: string;
  entries: { owner: string; data: Uint8Array }[];
}

/** Parses a variable holding EFI_SIGNATURE_LISTs (db, dbx, PK, KEK). */
export function parseEfiSignatureLists(b: Uint8Array): EfiSignatureList[] {
  const out: EfiSignatureList[] = [];
  for (let off = 0; off < b.length; ) {
    if (b.length - off < 28) throw new Error(`EFI_SIGNATURE_LIST at ${off}: truncated header`);
    const v = dv(b.subarray(off));
    const listSize = v.getUint32(16, true);
    const headerSize = v.getUint32(20, true);
    const sigSize = v.getUint32(24, true);
    if (listSize < 28 + headerSize || off + listSize > b.length) throw new Error(`EFI_SIGNATURE_LIST at ${off}: SignatureListSize ${listSize} out of range`);
    if (sigSize < 16 || (listSize - 28 - headerSize) % sigSize !== 0) throw new Error(`EFI_SIGNATURE_LIST at ${off}: SignatureSize ${sigSize} does not divide the list`);
    const entries: EfiSignatureList['entries'] = [];
    for (let p = off + 28 + headerSize; p < off + listSize; p += sigSize) entries.push({ owner: guidString(b.subarray(p, p + 16)), data: b.slice(p + 16, p + sigSize) });
    out.push({ type: guidString(b.subarray(off, off + 16)), entries });
    off += listSize;
  }
  return out;
}

// GPT (UEFI "GUID Partition Table (GPT) Disk Layout"), as EV_EFI_GPT_EVENT's UEFI_GPT_DATA.

export interface GptPartition {
  typeGuid: string;
  uniqueGuid: string;
  startLba: number | bigint;
  endLba: number | bigint;
  attributes?: number | bigint;
  /** Up to 36 UTF-16 code units. */
  name: string;
}

export interface GptDisk {
  diskGuid: string;
  /** Disk size in 512-octet sectors. */
  sectors: number | bigint;
  partitions: GptPartition[];
}

const CRC_TABLE = /* @__PURE__ */ (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3), as the GPT header and entry array use it. */
export function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function gptEntry(p: GptPartition): Uint8Array {
  if (p.name.length > 36) throw new Error(`GPT partition name longer than 36 UTF-16 units: ${p.name}`);
  const name = new Uint8Array(72);
  name.set(utf16le(p.name));
  return concatBytes(guidBytes(p.typeGuid), guidBytes(p.uniqueGuid), le64(p.startLba), le64(p.endLba), le64(p.attributes ?? 0), name);
}

/**
 * UEFI_GPT_DATA: the primary GPT header (92 octets, CRCs computed over a 128-entry array) and
 * the partitions in use (UINT64 NumberOfPartitions, then 128-octet entries).
 */
export function uefiGptData(disk: GptDisk): Uint8Array {
  const entries = disk.partitions.map(gptEntry);
  const array = new Uint8Array(128 * 128);
  entries.forEach((e, i) => array.set(e, 128 * i));
  const last = BigInt(disk.sectors) - 1n;
  const header = concatBytes(
    utf8('EFI PART'),
    le32(0x00010000),
    le32(92),
    le32(0), // HeaderCRC32, filled below
    le32(0),
    le64(1),
    le64(last),
    le64(34),
    le64(last - 33n),
    guidBytes(disk.diskGuid),
    le64(2),
    le32(128),
    le32(128),
    le32(crc32(array)),
  );
  header.set(le32(crc32(header)), 16);
  return concatBytes(header, le64(entries.length), ...entries);
}

export interface ParsedGpt {
  diskGuid: string;
  partitions: { typeGuid: string; uniqueGuid: string; startLba: bigint; endLba: bigint; attributes: bigint; name: string }[];
}

export function parseUefiGptData(b: Uint8Array): ParsedGpt {
  if (b.length < 100) throw new Error('UEFI_GPT_DATA: shorter than header and partition count');
  if (utf8Decode(b.subarray(0, 8)) !== 'EFI PART') throw new Error('UEFI_GPT_DATA: no "EFI PART" signature');
  const n = rd64(b, 92);
  if (BigInt(b.length) !== 100n + n * 128n) throw new Error(`UEFI_GPT_DATA: ${n} partitions do not match its ${b.length} octets`);
  const partitions: ParsedGpt['partitions'] = [];
  for (let off = 100; off < b.length; off += 128) {
    partitions.push({
      typeGuid: guidString(b.subarray(off, off + 16)),
      uniqueGuid: guidString(b.subarray(off + 16, off + 32)),
      startLba: rd64(b, off + 32),
      endLba: rd64(b, off + 40),
      attributes: rd64(b, off + 48),
      name: utf16leDecode(b.subarray(off + 56, off + 128)),
    });
  }
  return { diskGuid: guidString(b.subarray(56, 72)), partitions };
}
