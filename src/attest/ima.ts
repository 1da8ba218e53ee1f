/**
 * Linux IMA runtime measurement lists (kernel Documentation/security/IMA-templates.rst;
 * security/integrity/ima): template entries (ima-ng, ima-sig, ima-buf), template digests per
 * PCR bank, boot_aggregate, violations (ToMToU / open-writers), the ASCII and binary list
 * formats, and PCR 10 replay.
 *
 * Template data is the concatenation of the fields, each `u32 length ‖ octets` (little-endian,
 * as with ima_canonical_fmt; x86 hosts write the same): d-ng = `<algo>:` NUL digest, n-ng =
 * name NUL, sig = signature (may be empty), buf = buffer.
 *
 * Template digests: the kernel hashes the template data once per allocated PCR bank with that
 * bank's algorithm and extends PCR 10 of that bank with it; only banks whose algorithm the
 * kernel cannot map get a zero-padded SHA-1. SM3 is mapped (TPM_ALG_SM3_256 ↔ "sm3"), so an SM3
 * bank gets SM3(template data). The log's template-hash column is SHA-1 (the legacy
 * binary/ascii_runtime_measurements files); per-bank files (`…_sha256`, `…_sm3`) carry that
 * bank's digests. Violations have an all-zero template digest in the log and extend all-0xFF.
 */
import { bytesEqual, bytesToHex, concatBytes, hexToBytes, utf8, utf8Decode } from '../crypto/bytes.js';
import { hashByAlg, SHA1, type HashAlgorithm } from '../crypto/hash.js';
import { TPM_ALG } from '../gen/constants.js';

/** The PCR IMA extends by default (CONFIG_IMA_MEASURE_PCR_IDX). */
export const IMA_PCR = 10;

export type ImaTemplateName = 'ima-ng' | 'ima-sig' | 'ima-buf';

/** One measurement-list entry. */
export interface ImaEntry {
  pcr: number;
  template: ImaTemplateName;
  /** d-ng algorithm name as the kernel prints it: 'sha1', 'sha256', 'sha384', 'sha512', 'sm3'. */
  algorithm: string;
  /** File (or buffer) digest; all zero for a violation. */
  digest: Uint8Array;
  /** n-ng: path, or 'boot_aggregate', or the ima-buf buffer name. */
  name: string;
  /** The name's octets when they are not UTF-8 (a binary list can carry any path octets); they are what is hashed. */
  nameBytes?: Uint8Array;
  /** ima-sig: the security.ima signature (empty when the file has none). */
  signature?: Uint8Array;
  /** ima-buf: the measured buffer. */
  buffer?: Uint8Array;
  /**
   * The template digest in the log: SHA-1 of the template data, or zeros for a violation
   * (then PCRs are extended with all 0xFF). Parsed entries keep the value read from the list.
   */
  templateHash: Uint8Array;
  /** Algorithm of templateHash when it is not SHA-1 (entries read from a per-bank list). */
  templateHashAlg?: number;
}

/** IMA algorithm names (kernel hash_algo_name[]) ↔ TPM_ALG_ID. "sm3-256" is the older kernels' name. */
const IMA_ALGORITHMS: { [name: string]: number } = {
  sha1: TPM_ALG.SHA1,
  sha256: TPM_ALG.SHA256,
  sha384: TPM_ALG.SHA384,
  sha512: TPM_ALG.SHA512,
  sm3: TPM_ALG.SM3_256,
  'sm3-256': TPM_ALG.SM3_256,
};

/** The IMA name of a hash (TPM_ALG_ID): 'sha256', 'sm3', … */
export function imaAlgorithmName(hashAlg: number): string {
  for (const [name, alg] of Object.entries(IMA_ALGORITHMS)) if (alg === hashAlg) return name;
  throw new Error(`IMA: no algorithm name for TPM_ALG 0x${hashAlg.toString(16)}`);
}

/** The hash behind an IMA algorithm name ('sha256', 'sm3', 'sm3-256'). */
export function imaHash(name: string): HashAlgorithm {
  const h = IMA_ALGORITHMS[name] !== undefined ? hashByAlg(IMA_ALGORITHMS[name]) : undefined;
  if (!h) throw new Error(`IMA: unknown hash algorithm "${name}"`);
  return h;
}

const le32 = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
const field = (b: Uint8Array) => concatBytes(le32(b.length), b);

/** The fields of an entry's template, in order, without length prefixes. */
export function imaTemplateFields(e: Omit<ImaEntry, 'templateHash'>): Uint8Array[] {
  const dng = concatBytes(utf8(e.algorithm + ':'), Uint8Array.of(0), e.digest);
  const nng = concatBytes(e.nameBytes ?? utf8(e.name), Uint8Array.of(0));
  switch (e.template) {
    case 'ima-ng':
      return [dng, nng];
    case 'ima-sig':
      return [dng, nng, e.signature ?? new Uint8Array(0)];
    case 'ima-buf':
      return [dng, nng, e.buffer ?? new Uint8Array(0)];
    default:
      throw new Error(`IMA: unsupported template "${(e as ImaEntry).template}"`);
  }
}

/** Template data: every field as `u32 length ‖ octets`. */
export function imaTemplateData(e: Omit<ImaEntry, 'templateHash'>): Uint8Array {
  return concatBytes(...imaTemplateFields(e).map(field));
}

/** Is this entry a violation (all-zero template hash in the log)? */
export function isImaViolation(e: ImaEntry): boolean {
  return e.templateHash.every((b) => b === 0);
}

/**
 * The template digest of the entry for a bank: H_bank(template data); for a violation the value
 * PCRs are extended with, all 0xFF.
 */
export function imaTemplateDigest(e: ImaEntry, hashAlg: number): Uint8Array {
  const h = hashByAlg(hashAlg);
  if (!h) throw new Error(`IMA: no hash for bank 0x${hashAlg.toString(16)}`);
  if (isImaViolation(e)) return new Uint8Array(h.digestSize).fill(0xff);
  return h.digest(imaTemplateData(e));
}

/** The template digest a per-bank list shows: H_bank(template data), zeros for a violation. */
function listedDigest(e: ImaEntry, hashAlg: number): Uint8Array {
  if (hashAlg === (e.templateHashAlg ?? TPM_ALG.SHA1)) return e.templateHash;
  const h = hashByAlg(hashAlg);
  if (!h) throw new Error(`IMA: no hash for bank 0x${hashAlg.toString(16)}`);
  return isImaViolation(e) ? new Uint8Array(h.digestSize) : h.digest(imaTemplateData(e));
}

export interface ImaEntryInput {
  /** Default 'ima-ng'. */
  template?: ImaTemplateName;
  /** Default IMA_PCR (10). */
  pcr?: number;
  /** Algorithm of the file digest (IMA name or TPM_ALG_ID); default sha256. */
  algorithm?: string | number;
  /** The file digest; or give `content` and it is hashed with `algorithm`. */
  digest?: Uint8Array;
  content?: Uint8Array;
  name: string;
  signature?: Uint8Array;
  buffer?: Uint8Array;
}

function algorithmName(a: string | number | undefined): string {
  if (a === undefined) return 'sha256';
  if (typeof a === 'number') return imaAlgorithmName(a);
  imaHash(a);
  return a;
}

/** A measurement entry (template hash = SHA-1 of its template data). */
export function imaEntry(input: ImaEntryInput): ImaEntry {
  const algorithm = algorithmName(input.algorithm);
  const h = imaHash(algorithm);
  const template = input.template ?? 'ima-ng';
  let digest = input.digest;
  if (!digest) {
    const content = input.content ?? (template === 'ima-buf' ? input.buffer : undefined);
    if (!content) throw new Error(`IMA: entry "${input.name}" needs a digest or content`);
    digest = h.digest(content);
  }
  if (digest.length !== h.digestSize) throw new Error(`IMA: ${algorithm} digest of "${input.name}" must be ${h.digestSize} octets, got ${digest.length}`);
  const e: Omit<ImaEntry, 'templateHash'> = { pcr: input.pcr ?? IMA_PCR, template, algorithm, digest, name: input.name };
  if (template === 'ima-sig') e.signature = input.signature ?? new Uint8Array(0);
  if (template === 'ima-buf') e.buffer = input.buffer ?? input.content ?? new Uint8Array(0);
  return { ...e, templateHash: SHA1.digest(imaTemplateData(e)) };
}

/**
 * A violation entry (ToMToU or open-writers; ima_add_violation): the d-ng field holds a zero
 * digest of the IMA hash algorithm, the log shows a zero template hash, and PCRs are extended
 * with all 0xFF.
 */
export function imaViolation(name: string, algorithm: string | number = 'sha256', template: ImaTemplateName = 'ima-ng', pcr = IMA_PCR): ImaEntry {
  const alg = algorithmName(algorithm);
  const e: ImaEntry = { pcr, template, algorithm: alg, digest: new Uint8Array(imaHash(alg).digestSize), name, templateHash: new Uint8Array(20) };
  if (template === 'ima-sig') e.signature = new Uint8Array(0);
  if (template === 'ima-buf') e.buffer = new Uint8Array(0);
  return e;
}

/**
 * boot_aggregate (ima_calc_boot_aggregate): H(PCR0 ‖ … ‖ PCR7) with the bank's hash, and for
 * banks other than SHA-1 also ‖ PCR8 ‖ PCR9. `pcrs` are the bank's values indexed by PCR.
 */
export function imaBootAggregate(hashAlg: number, pcrs: readonly Uint8Array[]): Uint8Array {
  const h = hashByAlg(hashAlg);
  if (!h) throw new Error(`IMA: no hash for bank 0x${hashAlg.toString(16)}`);
  const n = hashAlg === TPM_ALG.SHA1 ? 8 : 10;
  for (let i = 0; i < n; i++) if (!pcrs[i] || pcrs[i].length !== h.digestSize) throw new Error(`IMA boot_aggregate: PCR ${i} of bank 0x${hashAlg.toString(16)} missing`);
  return h.digest(...pcrs.slice(0, n));
}

/**
 * The bank boot_aggregate is computed with: the bank of the IMA hash algorithm if allocated,
 * else SHA-256, else SHA-1 (undefined: none, and the kernel logs a zero digest).
 */
export function imaBootAggregateBank(banks: readonly number[], imaHashAlg: number): number | undefined {
  if (banks.includes(imaHashAlg)) return imaHashAlg;
  if (banks.includes(TPM_ALG.SHA256)) return TPM_ALG.SHA256;
  if (banks.includes(TPM_ALG.SHA1)) return TPM_ALG.SHA1;
  return undefined;
}

/** The boot_aggregate entry for these PCR values (see imaBootAggregateBank for the bank choice). */
export function imaBootAggregateEntry(pcrValues: { [hashAlg: number]: readonly Uint8Array[] }, imaHashAlg: number = TPM_ALG.SHA256, template: ImaTemplateName = 'ima-ng'): ImaEntry {
  const banks = Object.keys(pcrValues).map(Number);
  const bank = imaBootAggregateBank(banks, imaHashAlg);
  if (bank === undefined) return imaEntry({ template, algorithm: imaHashAlg, digest: new Uint8Array(hashByAlg(imaHashAlg)!.digestSize), name: 'boot_aggregate' });
  return imaEntry({ template, algorithm: bank, digest: imaBootAggregate(bank, pcrValues[bank]), name: 'boot_aggregate' });
}

// ---------------------------------------------------------------------------------------------
// Replay

export interface ImaReplayOptions {
  /** Only entries of this PCR (default 10). */
  pcr?: number;
  /** Start values per bank (default zeros: PCR 10 after TPM2_Startup(CLEAR)). */
  initial?: { [hashAlg: number]: Uint8Array };
}

/** PCR 10 per bank after the entries: running = H_bank(running ‖ template digest), 0xFF… for violations. */
export function replayIma(entries: readonly ImaEntry[], banks: readonly number[], options: ImaReplayOptions = {}): { [hashAlg: number]: Uint8Array } {
  const pcr = options.pcr ?? IMA_PCR;
  const out: { [hashAlg: number]: Uint8Array } = {};
  for (const alg of banks) {
    const h = hashByAlg(alg);
    if (!h) throw new Error(`IMA: no hash for bank 0x${alg.toString(16)}`);
    let v = options.initial?.[alg] ?? new Uint8Array(h.digestSize);
    for (const e of entries) if (e.pcr === pcr) v = h.digest(v, imaTemplateDigest(e, alg));
    out[alg] = v;
  }
  return out;
}

/** Indices of entries whose logged template hash is neither H(template data) nor a violation's zeros. */
export function imaTemplateHashMismatches(entries: readonly ImaEntry[]): number[] {
  const bad: number[] = [];
  entries.forEach((e, i) => {
    const h = hashByAlg(e.templateHashAlg ?? TPM_ALG.SHA1);
    if (!h || e.templateHash.length !== h.digestSize) bad.push(i);
    else if (!isImaViolation(e) && !bytesEqual(e.templateHash, h.digest(imaTemplateData(e)))) bad.push(i);
  });
  return bad;
}

// ---------------------------------------------------------------------------------------------
// ASCII list (ascii_runtime_measurements): "%2d <template hash> <template> <field> <field> …"

export interface ImaFormatOptions {
  /** Template-hash column of this bank (per-bank lists); default SHA-1 (the legacy files). */
  bank?: number;
}

/** The ASCII list: per entry `PCR template-hash template-name d-ng n-ng [sig|buf]`, each field preceded by one space. */
export function formatImaAscii(entries: readonly ImaEntry[], options: ImaFormatOptions = {}): string {
  const bank = options.bank ?? TPM_ALG.SHA1;
  let out = '';
  for (const e of entries) {
    if (/[\n\r]/.test(e.name)) throw new Error(`IMA: a name with a line break cannot be listed in ASCII: ${JSON.stringify(e.name)}`);
    let line = `${String(e.pcr).padStart(2, ' ')} ${bytesToHex(listedDigest(e, bank))} ${e.template} ${e.algorithm}:${bytesToHex(e.digest)} ${e.name}`;
    if (e.template === 'ima-sig') line += ' ' + bytesToHex(e.signature ?? new Uint8Array(0));
    if (e.template === 'ima-buf') line += ' ' + bytesToHex(e.buffer ?? new Uint8Array(0));
    out += line + '\n';
  }
  return out;
}

/** An ImaParseError names the line (ASCII, 1-based) or entry and octet offset (binary). */
export class ImaParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImaParseError';
  }
}

function parseDng(text: string, where: string): { algorithm: string; digest: Uint8Array } {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) throw new ImaParseError(`${where}: digest field "${text}" is not <algorithm>:<hex>`);
  const algorithm = text.slice(0, colon);
  let h: HashAlgorithm;
  try {
    h = imaHash(algorithm);
  } catch {
    throw new ImaParseError(`${where}: unknown digest algorithm "${algorithm}"`);
  }
  const hex = text.slice(colon + 1);
  if (!/^[0-9a-f]*$/i.test(hex) || hex.length !== 2 * h.digestSize) throw new ImaParseError(`${where}: ${algorithm} digest must be ${2 * h.digestSize} hex digits`);
  return { algorithm, digest: hexToBytes(hex) };
}

/**
 * Parses an ASCII list (ima-ng, ima-sig, ima-buf). Names may contain spaces; the last field of
 * ima-sig/ima-buf is hex. `bank`: the list's template-hash algorithm (default SHA-1).
 */
export function parseImaAscii(text: string, options: ImaFormatOptions = {}): ImaEntry[] {
  const bank = options.bank ?? TPM_ALG.SHA1;
  const bh = hashByAlg(bank);
  if (!bh) throw new Error(`IMA: no hash for bank 0x${bank.toString(16)}`);
  const out: ImaEntry[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const where = `IMA ASCII line ${i + 1}`;
    // Template names are lower case, as the kernel prints them; the digests' hex may be either.
    const m = /^ ?(\d{1,2}) ([0-9a-fA-F]+) (ima-ng|ima-sig|ima-buf) (\S+) (.*)$/.exec(raw);
    if (!m) {
      const t = /^ ?\d{1,2} [0-9a-f]+ (\S+)/i.exec(raw)?.[1];
      throw new ImaParseError(t ? `${where}: unsupported template "${t}"` : `${where}: not "<pcr> <template-hash> <template> <fields>"`);
    }
    const template = m[3] as ImaTemplateName;
    if (m[2].length !== 2 * bh.digestSize) throw new ImaParseError(`${where}: template hash must be ${2 * bh.digestSize} hex digits (${bh.name})`);
    const templateHash = hexToBytes(m[2]);
    const { algorithm, digest } = parseDng(m[4], where);
    let name = m[5];
    const e: ImaEntry = { pcr: Number(m[1]), template, algorithm, digest, name, templateHash };
    if (bank !== TPM_ALG.SHA1) e.templateHashAlg = bank;
    if (template !== 'ima-ng') {
      const sp = name.lastIndexOf(' ');
      if (sp < 0) throw new ImaParseError(`${where}: ${template} needs three fields`);
      const last = name.slice(sp + 1);
      if (!/^[0-9a-f]*$/i.test(last) || last.length % 2) throw new ImaParseError(`${where}: ${template} last field is not hex`);
      name = name.slice(0, sp);
      e.name = name;
      if (template === 'ima-sig') e.signature = hexToBytes(last);
      else e.buffer = hexToBytes(last);
    }
    out.push(e);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Binary list (binary_runtime_measurements; ima_measurements_show), little-endian:
// u32 PCR ‖ template digest ‖ u32 name length ‖ name ‖ u32 template-data length ‖ template data.

/** The binary list. With `bank`, the per-bank layout (that bank's digest size); default SHA-1. */
export function formatImaBinary(entries: readonly ImaEntry[], options: ImaFormatOptions = {}): Uint8Array {
  const bank = options.bank ?? TPM_ALG.SHA1;
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const name = utf8(e.template);
    const data = imaTemplateData(e);
    parts.push(le32(e.pcr), listedDigest(e, bank), le32(name.length), name, le32(data.length), data);
  }
  return concatBytes(...parts);
}

/** Parses a binary list; `bank` gives the template digest size (default SHA-1, 20 octets). */
export function parseImaBinary(bytes: Uint8Array, options: ImaFormatOptions = {}): ImaEntry[] {
  const h = hashByAlg(options.bank ?? TPM_ALG.SHA1);
  if (!h) throw new Error('IMA: unknown bank');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: ImaEntry[] = [];
  let off = 0;
  const fail = (msg: string, at: number): never => {
    throw new ImaParseError(`IMA binary entry ${out.length + 1} at offset ${at}: ${msg}`);
  };
  const u32 = (what: string) => {
    if (off + 4 > bytes.length) fail(`truncated ${what}`, off);
    const x = v.getUint32(off, true);
    off += 4;
    return x;
  };
  const take = (n: number, what: string) => {
    if (n > bytes.length - off) fail(`truncated ${what} (${n} octets, ${bytes.length - off} left)`, off);
    const x = bytes.slice(off, off + n);
    off += n;
    return x;
  };
  while (off < bytes.length) {
    const start = off;
    const pcr = u32('PCR');
    const digest = take(h.digestSize, 'template digest');
    const nameLen = u32('template name length');
    if (nameLen > 255) fail(`template name length ${nameLen}`, off - 4);
    const template = utf8Decode(take(nameLen, 'template name'));
    if (template !== 'ima-ng' && template !== 'ima-sig' && template !== 'ima-buf') fail(`unsupported template "${template}"`, start);
    const dataLen = u32('template data length');
    const dataStart = off;
    const data = take(dataLen, 'template data');
    const fields: Uint8Array[] = [];
    for (let p = 0; p < data.length; ) {
      if (p + 4 > data.length) fail('truncated field length', dataStart + p);
      const n = new DataView(data.buffer, data.byteOffset + p, 4).getUint32(0, true);
      if (n > data.length - p - 4) fail(`field of ${n} octets overruns the template data`, dataStart + p);
      fields.push(data.slice(p + 4, p + 4 + n));
      p += 4 + n;
    }
    const want = template === 'ima-ng' ? 2 : 3;
    if (fields.length !== want) fail(`${template} has ${want} fields, found ${fields.length}`, dataStart);
    const dng = fields[0];
    const sep = dng.indexOf(0);
    if (sep < 1 || dng[sep - 1] !== 0x3a) fail('d-ng field is not "<algorithm>:" NUL digest', dataStart);
    const algorithm = utf8Decode(dng.subarray(0, sep - 1));
    let ha: HashAlgorithm | undefined;
    try {
      ha = imaHash(algorithm);
    } catch {
      fail(`unknown digest algorithm "${algorithm}"`, dataStart);
    }
    const fileDigest = dng.slice(sep + 1);
    if (fileDigest.length !== ha!.digestSize) fail(`${algorithm} digest of ${fileDigest.length} octets`, dataStart);
    const nng = fields[1];
    if (nng.length === 0 || nng[nng.length - 1] !== 0) fail('n-ng field is not NUL-terminated', dataStart);
    const nameOctets = nng.subarray(0, nng.length - 1);
    const name = utf8Decode(nameOctets);
    const e: ImaEntry = { pcr, template: template as ImaTemplateName, algorithm, digest: fileDigest, name, templateHash: digest };
    if (!bytesEqual(utf8(name), nameOctets)) e.nameBytes = nameOctets.slice();
    if (template === 'ima-sig') e.signature = fields[2];
    if (template === 'ima-buf') e.buffer = fields[2];
    if (h !== SHA1) e.templateHashAlg = h.alg;
    out.push(e);
  }
  return out;
}
