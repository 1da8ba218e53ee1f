import type { Bound, FieldDesc, Schema, StructDesc, TypeDesc } from './descriptor.js';
import { WIRE_RC, WireError } from './errors.js';
import { evaluateBound } from './expr.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

export interface CodecOptions {
  readonly schema: Schema;
  /**
   * Strict (the emulator, the default): TPMI values and ranges, reserved bits, tags, bounds,
   * `size=` and trailing octets are checked with the response code the spec names.
   * Lenient (clients): only the structure is checked, and a wrapped structure keeps its octets.
   */
  readonly strict?: boolean;
  /** Implementation values that bounds name (MAX_DIGEST_BUFFER, PCR_SELECT_MAX, sizeof(...)). */
  readonly limits?: { readonly [name: string]: number };
  /** The profile's say on `profileFiltered` interfaces: is this algorithm/curve/key size implemented? */
  readonly accepts?: (type: string, value: number) => boolean;
}

export interface Codec {
  readonly strict: boolean;
  /** Decodes a whole buffer; octets left over are TPM_RC_SIZE in strict mode. */
  decode<T = unknown>(type: string, bytes: Uint8Array, allowNull?: boolean): T;
  /** Decodes one value at the reader's position. */
  read<T = unknown>(type: string, reader: Reader, allowNull?: boolean): T;
  encode(type: string, value: unknown): Uint8Array;
  write(type: string, writer: Writer, value: unknown): void;
  /** A parameter list (command or response) read as one structure. */
  readFields<T = Record<string, unknown>>(fields: readonly FieldDesc[], reader: Reader, allowNull?: boolean): T;
  writeFields(fields: readonly FieldDesc[], writer: Writer, value: unknown): void;
}

type Value = any;
interface Compiled {
  dec(r: Reader, allowNull: boolean): Value;
  enc(w: Writer, v: Value): void;
}

/** Where a failure happened: prepend the field to the error's path on the way out. */
function within(e: unknown, field: string): never {
  if (e instanceof WireError) e.path.unshift(field);
  throw e;
}

const BYTE = 'BYTE';

export function createCodec(options: CodecOptions): Codec {
  const { schema } = options;
  const strict = options.strict ?? true;
  const limits = options.limits ?? {};
  const accepts = options.accepts;
  const cache = new Map<string, Compiled>();

  const bound = (b: Bound | undefined): number | undefined => (b === undefined ? undefined : evaluateBound(b, limits));

  function compiled(type: string): Compiled {
    let c = cache.get(type);
    if (!c) {
      const desc = schema[type];
      if (!desc) throw new Error(`codec: unknown type '${type}'`);
      // Placeholder first so that self-references resolve lazily.
      const slot: Compiled = { dec: () => undefined, enc: () => undefined };
      cache.set(type, slot);
      const made = compile(type, desc);
      slot.dec = made.dec;
      slot.enc = made.enc;
      c = slot;
    }
    return c;
  }

  function intReader(size: 1 | 2 | 4 | 8, signed: boolean): (r: Reader) => Value {
    if (signed) return size === 1 ? (r) => r.i8() : size === 2 ? (r) => r.i16() : size === 4 ? (r) => r.i32() : (r) => r.i64();
    return size === 1 ? (r) => r.u8() : size === 2 ? (r) => r.u16() : size === 4 ? (r) => r.u32() : (r) => r.u64();
  }
  function intWriter(size: 1 | 2 | 4 | 8, signed: boolean): (w: Writer, v: Value) => void {
    if (signed)
      return size === 1 ? (w, v) => w.i8(v) : size === 2 ? (w, v) => w.i16(v) : size === 4 ? (w, v) => w.i32(v) : (w, v) => w.i64(BigInt(v));
    return size === 1 ? (w, v) => w.u8(v) : size === 2 ? (w, v) => w.u16(v) : size === 4 ? (w, v) => w.u32(v) : (w, v) => w.u64(BigInt(v));
  }

  function compile(type: string, desc: TypeDesc): Compiled {
    switch (desc.kind) {
      case 'int': {
        const rd = intReader(desc.size, !!desc.signed);
        return { dec: rd, enc: intWriter(desc.size, !!desc.signed) };
      }
      case 'enum': {
        const rd = intReader(desc.size, !!desc.signed);
        const enc = intWriter(desc.size, !!desc.signed);
        if (!strict || desc.rc === undefined || !desc.values) return { dec: rd, enc };
        const allowed = new Set(desc.values);
        const rc = desc.rc;
        return {
          dec(r) {
            const v = rd(r);
            if (!allowed.has(v)) throw new WireError(rc, `${type} 0x${(v >>> 0).toString(16)} is not defined`);
            return v;
          },
          enc,
        };
      }
      case 'bits': {
        const rd = intReader(desc.size, false);
        const enc = intWriter(desc.size, false);
        if (!strict || desc.reserved === 0) return { dec: rd, enc };
        if (desc.size === 8) {
          const reserved = BigInt(desc.reserved);
          return {
            dec(r) {
              const v: bigint = rd(r);
              if ((v & reserved) !== 0n) throw new WireError(WIRE_RC.RESERVED_BITS, `${type} 0x${v.toString(16)} sets reserved bits`);
              return v;
            },
            enc,
          };
        }
        const reserved = Number(desc.reserved);
        return {
          dec(r) {
            const v = rd(r);
            if ((v & reserved) !== 0) {
              throw new WireError(WIRE_RC.RESERVED_BITS, `${type} 0x${(v >>> 0).toString(16)} sets reserved bits 0x${((v & reserved) >>> 0).toString(16)}`);
            }
            return v;
          },
          enc,
        };
      }
      case 'interface': {
        const rd = intReader(desc.size, false);
        const enc = intWriter(desc.size, false);
        if (!strict) return { dec: rd, enc };
        const allowed = new Set(desc.values);
        const ranges = desc.ranges.map(([lo, hi]) => [bound(lo)!, bound(hi)!] as const);
        const nullValue = desc.nullValue;
        const rc = desc.rc;
        const inRanges = (v: number): boolean => {
          for (let i = 0; i < ranges.length; i++) if (v >= ranges[i][0] && v <= ranges[i][1]) return true;
          return false;
        };
        const filter = desc.profileFiltered && accepts ? accepts : undefined;
        return {
          dec(r, allowNull) {
            const v = rd(r);
            if (v === nullValue) {
              if (allowNull) return v;
            } else if (allowed.has(v) || inRanges(v)) {
              if (!filter || filter(type, v)) return v;
            }
            throw new WireError(rc, `${type} 0x${(v >>> 0).toString(16)} is not allowed here`);
          },
          enc,
        };
      }
      case 'bytes': {
        const max = strict ? bound(desc.max) : undefined;
        return {
          dec(r) {
            const n = r.u16();
            if (max !== undefined && n > max) throw new WireError(WIRE_RC.SIZE, `${type} size ${n} exceeds ${max}`);
            return r.take(n);
          },
          enc(w, v: Uint8Array) {
            const b = v ?? EMPTY;
            w.u16(b.length);
            w.bytes(b);
          },
        };
      }
      case 'sized': {
        const inner = () => compiled(desc.type);
        const field = desc.field;
        const mustMatch = !!desc.mustMatch;
        const inheritNull = !!desc.inheritNull;
        return {
          dec(r, allowNull) {
            const n = r.u16();
            if (n === 0) {
              if (mustMatch) throw new WireError(WIRE_RC.SIZE, `${type} may not be empty`);
              return {};
            }
            r.need(n);
            const start = r.pos;
            const end = r.end;
            r.end = start + n;
            let value: Value;
            try {
              value = inner().dec(r, inheritNull && allowNull);
              if (strict && r.pos !== r.end) {
                throw new WireError(WIRE_RC.SIZE, `${type} size ${n} but its ${field} uses ${r.pos - start}`);
              }
            } catch (e) {
              within(e, field);
            } finally {
              r.end = end;
            }
            r.pos = start + n;
            return { [field]: value, bytes: r.bytes.slice(start, start + n) };
          },
          enc(w, v) {
            const at = w.reserve(2);
            const start = w.pos;
            if (v && v[field] !== undefined) inner().enc(w, v[field]);
            else if (v && v.bytes) w.bytes(v.bytes);
            w.patch(at, 2, w.pos - start);
          },
        };
      }
      case 'struct':
        return compileFields(type, desc.fields, desc.rc);
      case 'union': {
        // A union is compiled against the selector value its parent passes (see compileFields).
        throw new Error(`codec: union '${type}' can only appear as a selected field`);
      }
    }
  }

  /** One field: `vals` holds the values decoded so far by field index (hidden ones included). */
  type Step = {
    name: string;
    hidden: boolean;
    dec(r: Reader, vals: Value[], allowNull: boolean): Value;
    enc(w: Writer, obj: Value, v: Value): void;
  };

  function compileFields(owner: string, fields: readonly FieldDesc[], structRc: number | undefined): Compiled {
    const steps: Step[] = fields.map((f) => compileField(owner, f, fields, structRc));
    for (const f of fields) {
      for (const ref of [f.count, f.selector]) {
        if (ref !== undefined && fields.findIndex((s) => s.name === ref) >= fields.indexOf(f)) {
          throw new Error(`codec: ${owner}.${f.name} refers to '${ref}', which is not an earlier sibling`);
        }
      }
    }
    const n = steps.length;
    return {
      dec(r, allowNull) {
        const obj: Value = {};
        const vals: Value[] = new Array(n);
        let i = 0;
        try {
          for (; i < n; i++) {
            const s = steps[i];
            const v = s.dec(r, vals, allowNull);
            vals[i] = v;
            if (!s.hidden) obj[s.name] = v;
          }
        } catch (e) {
          within(e, steps[i].name);
        }
        return obj;
      },
      enc(w, v) {
        const obj = v ?? {};
        let i = 0;
        try {
          for (; i < n; i++) steps[i].enc(w, obj, obj[steps[i].name]);
        } catch (e) {
          within(e, steps[i].name);
        }
      },
    };
  }

  function compileField(owner: string, f: FieldDesc, siblings: readonly FieldDesc[], structRc: number | undefined): Step {
    const name = f.name;
    const nullFlag = (parent: boolean) => (f.allowNull === true ? true : f.allowNull === 'inherit' ? parent : false);

    // A count or size that another sibling's length gives.
    if (f.hidden) {
      const desc = schema[f.type];
      const size = desc && (desc.kind === 'int' || desc.kind === 'enum' || desc.kind === 'bits' || desc.kind === 'interface') ? desc.size : 4;
      const rd = intReader(size as 1 | 2 | 4, false);
      const min = strict ? bound(f.min) : undefined;
      const max = strict ? bound(f.max) : undefined;
      const user = siblings.find((s) => s.count === name);
      return {
        name,
        hidden: true,
        dec(r) {
          const v = rd(r);
          if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
            throw new WireError(f.rc ?? structRc ?? WIRE_RC.VALUE, `${name} ${v} is out of range`);
          }
          return v;
        },
        enc(w, obj) {
          const arr = user ? obj[user.name] : undefined;
          const count = arr ? arr.length : 0;
          if (size === 1) w.u8(count);
          else if (size === 2) w.u16(count);
          else w.u32(count);
        },
      };
    }

    // Arrays: counted by a sibling or of fixed length.
    if (f.count !== undefined || f.length !== undefined) {
      const countAt = f.count !== undefined ? siblings.findIndex((s) => s.name === f.count) : -1;
      const fixed = f.length !== undefined ? bound(f.length) : undefined;
      const max = strict ? bound(f.max) : undefined;
      const overRc = structRc ?? WIRE_RC.SIZE;
      if (f.type === BYTE) {
        return {
          name,
          hidden: false,
          dec(r, vals) {
            const n = fixed ?? vals[countAt];
            if (max !== undefined && n > max) throw new WireError(overRc, `${name} has ${n} octets, at most ${max} allowed`);
            return r.take(n);
          },
          enc(w, _obj, v: Uint8Array) {
            const b = v ?? EMPTY;
            if (fixed !== undefined && b.length !== fixed) throw new WireError(WIRE_RC.SIZE, `${name} must have ${fixed} octets, has ${b.length}`);
            w.bytes(b);
          },
        };
      }
      const el = () => compiled(f.type);
      return {
        name,
        hidden: false,
        dec(r, vals, allowNull) {
          const n = fixed ?? vals[countAt];
          if (max !== undefined && n > max) throw new WireError(overRc, `${name} has ${n} entries, at most ${max} allowed`);
          const out = new Array(n);
          const c = el();
          const nf = nullFlag(allowNull);
          for (let i = 0; i < n; i++) {
            try {
              out[i] = c.dec(r, nf);
            } catch (e) {
              within(e, `[${i}]`);
            }
          }
          return out;
        },
        enc(w, _obj, v: Value[]) {
          const c = el();
          const arr = v ?? [];
          for (let i = 0; i < arr.length; i++) c.enc(w, arr[i]);
        },
      };
    }

    // Union member chosen by a sibling.
    if (f.selector !== undefined) {
      const sel = f.selector;
      const u = schema[f.type];
      if (!u || u.kind !== 'union') throw new Error(`codec: ${owner}.${name} selects from '${f.type}', which is not a union`);
      type Member = { name: string; c?: () => Compiled; length?: number; allowNull: boolean };
      const members = new Map<number, Member>();
      for (const [k, m] of Object.entries(u.members)) {
        members.set(Number(k), {
          name: m.name,
          c: m.type && m.type !== BYTE ? () => compiled(m.type!) : undefined,
          length: m.length !== undefined ? bound(m.length) : undefined,
          allowNull: !!m.allowNull,
        });
      }
      const selAt = siblings.findIndex((s) => s.name === sel);
      const pickBy = (s: number): Member => {
        const m = members.get(s);
        if (!m) throw new WireError(WIRE_RC.SELECTOR, `${f.type} has no member for ${sel} 0x${(s >>> 0).toString(16)}`);
        return m;
      };
      return {
        name,
        hidden: false,
        dec(r, vals, allowNull) {
          const m = pickBy(vals[selAt]);
          if (m.length !== undefined) return r.take(m.length);
          if (!m.c) return null;
          return m.c().dec(r, m.allowNull || nullFlag(allowNull));
        },
        enc(w, obj, v) {
          const m = pickBy(obj[sel]);
          if (m.length !== undefined) {
            const b: Uint8Array = v ?? EMPTY;
            if (b.length !== m.length) throw new WireError(WIRE_RC.SIZE, `${name} must have ${m.length} octets, has ${b.length}`);
            w.bytes(b);
          } else if (m.c) m.c().enc(w, v);
        },
      };
    }

    // A plain field; a structure tag list or integer bounds may restrict it.
    const c = () => compiled(f.type);
    const values = strict && f.values ? new Set(f.values) : undefined;
    const min = strict ? bound(f.min) : undefined;
    const max = strict ? bound(f.max) : undefined;
    const checked = values !== undefined || min !== undefined || max !== undefined;
    let cached: Compiled | undefined;
    return {
      name,
      hidden: false,
      dec(r, _vals, allowNull) {
        const v = (cached ??= c()).dec(r, nullFlag(allowNull));
        if (checked) {
          if (values && !values.has(v)) throw new WireError(f.rc ?? WIRE_RC.TAG, `${name} 0x${(v >>> 0).toString(16)} is not allowed here`);
          if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
            throw new WireError(f.rc ?? structRc ?? WIRE_RC.VALUE, `${name} ${v} is out of range`);
          }
        }
        return v;
      },
      enc(w, _obj, v) {
        (cached ??= c()).enc(w, v);
      },
    };
  }

  const fieldListCache = new WeakMap<readonly FieldDesc[], Compiled>();
  const fieldList = (fields: readonly FieldDesc[]): Compiled => {
    let c = fieldListCache.get(fields);
    if (!c) {
      c = compileFields('parameters', fields, undefined);
      fieldListCache.set(fields, c);
    }
    return c;
  };

  return {
    strict,
    decode(type, bytes, allowNull = false) {
      const r = new Reader(bytes);
      const v = compiled(type).dec(r, allowNull);
      if (strict && r.remaining !== 0) throw new WireError(WIRE_RC.SIZE, `${r.remaining} octet(s) after ${type}`);
      return v;
    },
    read(type, reader, allowNull = false) {
      return compiled(type).dec(reader, allowNull);
    },
    encode(type, value) {
      const w = new Writer(512);
      compiled(type).enc(w, value);
      return w.finish();
    },
    write(type, writer, value) {
      compiled(type).enc(writer, value);
    },
    readFields(fields, reader, allowNull = false) {
      return fieldList(fields).dec(reader, allowNull);
    },
    writeFields(fields, writer, value) {
      fieldList(fields).enc(writer, value);
    },
  };
}

const EMPTY = new Uint8Array(0);

/** Re-exported for handlers that build descriptors by hand in tests. */
export type { StructDesc };
