/**
 * A small DER writer and a strict DER reader (ITU-T X.690 "Distinguished Encoding Rules"), enough
 * for X.509 certificates, PKCS #8 / SEC 1 / PKCS #1 private keys and SubjectPublicKeyInfo
 * (RFC 5280, RFC 5208, RFC 5915, RFC 8017). Uint8Array only; low tag numbers (< 31) only.
 */
import { bytesToBigint, bytesToHex, concatBytes, utf8, utf8Decode } from '../crypto/bytes.js';

/** Identifier octets of the universal types used here (X.680 "Universal class tag assignments"). */
export const DER_TAG = Object.freeze({
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
});

/** A DER encoding or decoding fault. */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

// ---------------------------------------------------------------------------------------------
// Writer

function lengthOctets(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Uint8Array.from([0x80 | out.length, ...out]);
}

/** One TLV: identifier octet `tag`, definite length, the value octets. */
export function derTlv(tag: number, ...value: Uint8Array[]): Uint8Array {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f) throw new DerError(`unsupported tag 0x${tag.toString(16)}`);
  const v = concatBytes(...value);
  return concatBytes(Uint8Array.of(tag), lengthOctets(v.length), v);
}

/** BOOLEAN (DER: TRUE is 0xFF). */
export function derBoolean(v: boolean): Uint8Array {
  return derTlv(DER_TAG.BOOLEAN, Uint8Array.of(v ? 0xff : 0x00));
}

/** INTEGER from a (possibly negative) bigint or safe integer, minimal two's complement. */
export function derInteger(v: bigint | number): Uint8Array {
  let n = BigInt(v);
  if (n >= 0n) {
    let hex = n.toString(16);
    if (hex.length % 2) hex = '0' + hex;
    const bytes = Uint8Array.from(hex.match(/../g)!, (b) => parseInt(b, 16));
    return derUnsignedInteger(bytes);
  }
  // Negative: smallest k with -2^(8k-1) <= n.
  let k = 1;
  while (n < -(1n << BigInt(8 * k - 1))) k++;
  n += 1n << BigInt(8 * k);
  const out = new Uint8Array(k);
  for (let i = k - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return derTlv(DER_TAG.INTEGER, out);
}

/** INTEGER from unsigned big-endian octets (leading zeros dropped, a 0x00 added before a set top bit). */
export function derUnsignedInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const b = bytes.length === 0 ? Uint8Array.of(0) : bytes.subarray(i);
  return derTlv(DER_TAG.INTEGER, b[0] & 0x80 ? Uint8Array.of(0) : new Uint8Array(0), b);
}

/** BIT STRING with `unusedBits` (0-7) unused bits in the last octet. */
export function derBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  if (unusedBits < 0 || unusedBits > 7 || (bytes.length === 0 && unusedBits !== 0)) throw new DerError('BIT STRING: bad unused-bit count');
  return derTlv(DER_TAG.BIT_STRING, Uint8Array.of(unusedBits), bytes);
}

/**
 * A named-bit BIT STRING (X.690 11.2.2: trailing zero bits removed), bit 0 the first (most
 * significant) bit: e.g. keyUsage digitalSignature(0), keyEncipherment(2).
 */
export function derNamedBits(bits: readonly number[]): Uint8Array {
  if (bits.length === 0) return derBitString(new Uint8Array(0));
  const top = Math.max(...bits);
  const out = new Uint8Array((top >> 3) + 1);
  for (const b of bits) out[b >> 3] |= 0x80 >> (b & 7);
  return derBitString(out, 7 - (top & 7));
}

export function derOctetString(bytes: Uint8Array): Uint8Array {
  return derTlv(DER_TAG.OCTET_STRING, bytes);
}

export function derNull(): Uint8Array {
  return Uint8Array.of(DER_TAG.NULL, 0);
}

/** OBJECT IDENTIFIER from dotted decimal ("2.23.133.8.1"). */
export function derOid(dotted: string): Uint8Array {
  return derTlv(DER_TAG.OID, oidValue(dotted));
}

function base128(n: bigint): number[] {
  const out = [Number(n & 0x7fn)];
  for (n >>= 7n; n > 0n; n >>= 7n) out.unshift(Number(n & 0x7fn) | 0x80);
  return out;
}

/** The content octets of an OBJECT IDENTIFIER (X.690 8.19). */
export function oidValue(dotted: string): Uint8Array {
  if (!/^[0-2](\.(0|[1-9]\d*))+$/.test(dotted)) throw new DerError(`bad OBJECT IDENTIFIER '${dotted}'`);
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs[0] < 2n && arcs[1] > 39n) throw new DerError(`bad OBJECT IDENTIFIER '${dotted}'`);
  const out = base128(arcs[0] * 40n + arcs[1]);
  for (const a of arcs.slice(2)) out.push(...base128(a));
  return Uint8Array.from(out);
}

export function derUtf8String(s: string): Uint8Array {
  return derTlv(DER_TAG.UTF8_STRING, utf8(s));
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** PrintableString (X.680 41.4: letters, digits, space and '()+,-./:=?). */
export function derPrintableString(s: string): Uint8Array {
  if (!PRINTABLE.test(s)) throw new DerError(`'${s}' is not a PrintableString`);
  return derTlv(DER_TAG.PRINTABLE_STRING, utf8(s));
}

export function derIa5String(s: string): Uint8Array {
  if (!/^[\x00-\x7f]*$/.test(s)) throw new DerError(`'${s}' is not an IA5String`);
  return derTlv(DER_TAG.IA5_STRING, utf8(s));
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function checkDate(d: Date): void {
  if (Number.isNaN(d.getTime())) throw new DerError('invalid date');
  if (d.getUTCMilliseconds() !== 0) throw new DerError('certificate times have whole seconds');
}

/** UTCTime YYMMDDHHMMSSZ (years 1950-2049). */
export function derUtcTime(d: Date): Uint8Array {
  checkDate(d);
  const y = d.getUTCFullYear();
  if (y < 1950 || y > 2049) throw new DerError('UTCTime covers 1950-2049');
  const s = pad(y % 100) + pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) + pad(d.getUTCHours()) + pad(d.getUTCMinutes()) + pad(d.getUTCSeconds()) + 'Z';
  return derTlv(DER_TAG.UTC_TIME, utf8(s));
}

/** GeneralizedTime YYYYMMDDHHMMSSZ (no fractional seconds, RFC 5280 4.1.2.5.2). */
export function derGeneralizedTime(d: Date): Uint8Array {
  checkDate(d);
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) throw new DerError('GeneralizedTime covers years 0000-9999');
  const s = pad(y, 4) + pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) + pad(d.getUTCHours()) + pad(d.getUTCMinutes()) + pad(d.getUTCSeconds()) + 'Z';
  return derTlv(DER_TAG.GENERALIZED_TIME, utf8(s));
}

/** RFC 5280 4.1.2.5 "Validity": UTCTime through 2049, GeneralizedTime from 2050. */
export function derTime(d: Date): Uint8Array {
  const y = d.getUTCFullYear();
  return y >= 1950 && y < 2050 ? derUtcTime(d) : derGeneralizedTime(d);
}

export function derSequence(...items: Uint8Array[]): Uint8Array {
  return derTlv(DER_TAG.SEQUENCE, ...items);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** SET OF: DER orders the element encodings as octet strings (X.690 11.6). */
export function derSet(...items: Uint8Array[]): Uint8Array {
  return derTlv(DER_TAG.SET, ...[...items].sort(compareBytes));
}

/** [n] EXPLICIT: a constructed context-specific tag around the encoding `inner`. */
export function derExplicit(n: number, ...inner: Uint8Array[]): Uint8Array {
  if (n < 0 || n > 30) throw new DerError('context tag number out of range');
  return derTlv(0xa0 | n, ...inner);
}

/**
 * [n] IMPLICIT: the encoding `inner` with its identifier replaced by context-specific n (keeping
 * the primitive/constructed bit).
 */
export function derImplicit(n: number, inner: Uint8Array): Uint8Array {
  if (n < 0 || n > 30) throw new DerError('context tag number out of range');
  const out = inner.slice();
  out[0] = 0x80 | (inner[0] & 0x20) | n;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reader

/** One decoded TLV; constructed encodings carry their children. */
export interface DerNode {
  /** The identifier octet. */
  readonly tag: number;
  readonly constructed: boolean;
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly tagClass: number;
  /** The tag number (identifier bits 0-4). */
  readonly tagNumber: number;
  /** Offset of the identifier in the top-level input. */
  readonly offset: number;
  /** The whole encoding (identifier, length, value). */
  readonly raw: Uint8Array;
  /** The content octets. */
  readonly value: Uint8Array;
  /** Constructed encodings: the elements of the content. */
  readonly children: readonly DerNode[];
}

const MAX_DEPTH = 32;

function readOne(input: Uint8Array, pos: number, end: number, base: number, depth: number): DerNode {
  if (depth > MAX_DEPTH) throw new DerError('nesting too deep');
  if (pos >= end) throw new DerError(`truncated encoding at offset ${base + pos}`);
  const tag = input[pos];
  if ((tag & 0x1f) === 0x1f) throw new DerError(`high tag numbers are not supported (offset ${base + pos})`);
  if (pos + 1 >= end) throw new DerError(`truncated length at offset ${base + pos + 1}`);
  let len = input[pos + 1];
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError(`indefinite length at offset ${base + pos + 1}`);
    if (n > 4) throw new DerError(`length too large at offset ${base + pos + 1}`);
    if (pos + 2 + n > end) throw new DerError(`truncated length at offset ${base + pos + 1}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + input[pos + 2 + i];
    if (input[pos + 2] === 0 || len < 0x80) throw new DerError(`non-minimal length at offset ${base + pos + 1}`);
    hdr += n;
  }
  const vStart = pos + hdr;
  const vEnd = vStart + len;
  if (vEnd > end) throw new DerError(`value runs past its container at offset ${base + pos}`);
  const constructed = (tag & 0x20) !== 0;
  const children: DerNode[] = [];
  if (constructed) {
    for (let p = vStart; p < vEnd; ) {
      const c = readOne(input, p, vEnd, base, depth + 1);
      children.push(c);
      p += c.raw.length;
    }
  }
  const node: DerNode = {
    tag,
    constructed,
    tagClass: tag >> 6,
    tagNumber: tag & 0x1f,
    offset: base + pos,
    raw: input.subarray(pos, vEnd),
    value: input.subarray(vStart, vEnd),
    children,
  };
  checkPrimitive(node);
  return node;
}

/** Content rules of the universal primitive types DER fixes (X.690 10, 11). */
function checkPrimitive(n: DerNode): void {
  if (n.tagClass !== 0) return;
  const v = n.value;
  const at = ` at offset ${n.offset}`;
  switch (n.tag) {
    case DER_TAG.BOOLEAN:
      if (v.length !== 1 || (v[0] !== 0 && v[0] !== 0xff)) throw new DerError('BOOLEAN must be 0x00 or 0xFF' + at);
      break;
    case DER_TAG.INTEGER:
      if (v.length === 0) throw new DerError('empty INTEGER' + at);
      if (v.length > 1 && ((v[0] === 0 && !(v[1] & 0x80)) || (v[0] === 0xff && v[1] & 0x80))) throw new DerError('non-minimal INTEGER' + at);
      break;
    case DER_TAG.BIT_STRING:
      if (v.length === 0 || v[0] > 7 || (v.length === 1 && v[0] !== 0)) throw new DerError('bad BIT STRING' + at);
      if (v[0] && v[v.length - 1] & ((1 << v[0]) - 1)) throw new DerError('BIT STRING unused bits not zero' + at);
      break;
    case DER_TAG.NULL:
      if (v.length !== 0) throw new DerError('NULL with content' + at);
      break;
    case DER_TAG.OID:
      if (v.length === 0 || v[v.length - 1] & 0x80) throw new DerError('bad OBJECT IDENTIFIER' + at);
      for (let i = 0; i < v.length; i++) if (v[i] === 0x80 && (i === 0 || !(v[i - 1] & 0x80))) throw new DerError('non-minimal OBJECT IDENTIFIER arc' + at);
      break;
    default:
  }
  const primitiveOnly = [DER_TAG.BOOLEAN, DER_TAG.INTEGER, DER_TAG.BIT_STRING, DER_TAG.OCTET_STRING, DER_TAG.NULL, DER_TAG.OID, DER_TAG.UTF8_STRING, DER_TAG.PRINTABLE_STRING, DER_TAG.IA5_STRING, DER_TAG.UTC_TIME, DER_TAG.GENERALIZED_TIME] as number[];
  if (primitiveOnly.includes(n.tag & 0xdf) && n.constructed) throw new DerError('constructed string or primitive (DER forbids it)' + at);
  if ((n.tagNumber === 16 || n.tagNumber === 17) && !n.constructed) throw new DerError('primitive SEQUENCE/SET' + at);
}

/** Decodes exactly one DER element filling `input` (strict: definite minimal lengths, DER primitives). */
export function derDecode(input: Uint8Array): DerNode {
  const node = readOne(input, 0, input.length, 0, 0);
  if (node.raw.length !== input.length) throw new DerError(`${input.length - node.raw.length} trailing octets after the DER element`);
  return node;
}

/** Throws unless the node has identifier `tag`. */
export function expectTag(n: DerNode | undefined, tag: number, what = 'element'): DerNode {
  if (!n) throw new DerError(`${what}: missing`);
  if (n.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${n.tag.toString(16)} at offset ${n.offset}`);
  return n;
}

/** A SEQUENCE's children (with a count check when `count` is given as [min, max]). */
export function derChildren(n: DerNode | undefined, what: string, tag: number = DER_TAG.SEQUENCE, count?: [number, number]): readonly DerNode[] {
  const c = expectTag(n, tag, what).children;
  if (count && (c.length < count[0] || c.length > count[1])) throw new DerError(`${what}: ${c.length} elements (expected ${count[0]}-${count[1]})`);
  return c;
}

export function readBoolean(n: DerNode | undefined, what = 'BOOLEAN'): boolean {
  return expectTag(n, DER_TAG.BOOLEAN, what).value[0] === 0xff;
}

/** INTEGER as a bigint (two's complement). */
export function readInteger(n: DerNode | undefined, what = 'INTEGER'): bigint {
  const v = expectTag(n, DER_TAG.INTEGER, what).value;
  const u = bytesToBigint(v);
  return v[0] & 0x80 ? u - (1n << BigInt(8 * v.length)) : u;
}

/** A non-negative INTEGER's magnitude octets (the 0x00 sign octet removed). */
export function readUnsignedInteger(n: DerNode | undefined, what = 'INTEGER'): Uint8Array {
  const v = expectTag(n, DER_TAG.INTEGER, what).value;
  if (v[0] & 0x80) throw new DerError(`${what}: negative`);
  return v.length > 1 && v[0] === 0 ? v.subarray(1) : v;
}

/** OBJECT IDENTIFIER as dotted decimal. */
export function readOid(n: DerNode | undefined, what = 'OBJECT IDENTIFIER'): string {
  const v = expectTag(n, DER_TAG.OID, what).value;
  const arcs: bigint[] = [];
  let acc = 0n;
  for (const b of v) {
    acc = (acc << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(acc);
      acc = 0n;
    }
  }
  const first = arcs[0] < 40n ? 0n : arcs[0] < 80n ? 1n : 2n;
  return [first, arcs[0] - first * 40n, ...arcs.slice(1)].join('.');
}

export interface BitString {
  unusedBits: number;
  bytes: Uint8Array;
}

export function readBitString(n: DerNode | undefined, what = 'BIT STRING'): BitString {
  const v = expectTag(n, DER_TAG.BIT_STRING, what).value;
  return { unusedBits: v[0], bytes: v.subarray(1) };
}

/** The set bit numbers of a named-bit BIT STRING (bit 0 = most significant bit of the first octet). */
export function readNamedBits(n: DerNode | undefined, what = 'BIT STRING'): number[] {
  const { bytes, unusedBits } = readBitString(n, what);
  const out: number[] = [];
  for (let i = 0; i < bytes.length * 8 - unusedBits; i++) if (bytes[i >> 3] & (0x80 >> (i & 7))) out.push(i);
  return out;
}

export function readOctetString(n: DerNode | undefined, what = 'OCTET STRING'): Uint8Array {
  return expectTag(n, DER_TAG.OCTET_STRING, what).value;
}

/** A character string (UTF8String, PrintableString, IA5String, or the legacy T61/BMP-free ASCII types). */
export function readString(n: DerNode | undefined, what = 'string'): string {
  if (!n) throw new DerError(`${what}: missing`);
  const okTags = [DER_TAG.UTF8_STRING, DER_TAG.PRINTABLE_STRING, DER_TAG.IA5_STRING, 0x14 /* T61String */, 0x1a /* VisibleString */] as number[];
  if (!okTags.includes(n.tag)) throw new DerError(`${what}: not a character string (tag 0x${n.tag.toString(16)})`);
  return utf8Decode(n.value);
}

/** UTCTime (YYMMDDHHMMSSZ; 50-99 → 19xx) or GeneralizedTime (YYYYMMDDHHMMSSZ), as RFC 5280 requires them. */
export function readTime(n: DerNode | undefined, what = 'time'): Date {
  if (!n) throw new DerError(`${what}: missing`);
  const s = utf8Decode(n.value);
  let m: RegExpExecArray | null;
  let year: number;
  if (n.tag === DER_TAG.UTC_TIME && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (n.tag === DER_TAG.GENERALIZED_TIME && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    year = Number(m[1]);
  } else {
    throw new DerError(`${what}: bad time '${s}'`);
  }
  const [mo, d, h, mi, se] = [2, 3, 4, 5, 6].map((i) => Number(m![i]));
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, se));
  date.setUTCFullYear(year); // Date.UTC maps 0-99 to 1900-1999
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) throw new DerError(`${what}: bad time '${s}'`);
  return date;
}

/** Hex of a node's whole encoding (debugging, comparisons). */
export function derHex(n: DerNode): string {
  return bytesToHex(n.raw);
}
