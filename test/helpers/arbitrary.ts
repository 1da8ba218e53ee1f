/**
 * fast-check arbitraries derived from the codec descriptors: values that a strict decoder
 * accepts, for every declared type.
 */
import fc from 'fast-check';
import type { FieldDesc, Schema, TypeDesc } from '../../src/wire/descriptor.js';
import { evaluateBound } from '../../src/wire/expr.js';

type Gen = (arb: () => fc.Arbitrary<any>) => any;
type Limits = { readonly [name: string]: number };

export interface ArbitraryOptions {
  /** Longest octet array to generate (keeps runs fast). */
  maxBytes?: number;
  /** Longest list to generate. */
  maxItems?: number;
  /** Whether the outermost value may take its NULL alternatives (as a `+` parameter, TPMT_PUBLIC+ say). */
  allowNull?: boolean;
}

export function valueArbitrary(schema: Schema, limits: Limits, type: string, options: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const maxBytes = options.maxBytes ?? 40;
  const maxItems = options.maxItems ?? 3;
  const bound = (b: number | string | undefined) => (b === undefined ? undefined : evaluateBound(b, limits));

  const intArb = (size: number, signed = false): fc.Arbitrary<any> => {
    if (size === 8) return signed ? fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n) : fc.bigInt(0n, 2n ** 64n - 1n);
    const bits = size * 8;
    return signed ? fc.integer({ min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 }) : fc.integer({ min: 0, max: 2 ** bits - 1 });
  };

  /** The values a selector-like integer type may take. */
  const candidates = (desc: TypeDesc, allowNull: boolean): number[] | undefined => {
    if (desc.kind === 'interface') {
      const out = [...desc.values];
      for (const [lo, hi] of desc.ranges) {
        const a = bound(lo)!;
        const b = bound(hi)!;
        out.push(a, b, Math.floor((a + b) / 2));
      }
      if (allowNull && desc.nullValue !== undefined) out.push(desc.nullValue);
      return out;
    }
    if (desc.kind === 'enum' && desc.values) return [...desc.values];
    return undefined;
  };

  const gen = (g: Gen, t: string, allowNull: boolean, only?: number[]): any => {
    const desc = schema[t];
    if (!desc) throw new Error(`no descriptor for ${t}`);
    switch (desc.kind) {
      case 'int':
        return g(() => intArb(desc.size, !!desc.signed));
      case 'enum': {
        const c = only ?? (desc.rc !== undefined ? candidates(desc, allowNull) : undefined);
        return c && c.length ? g(() => fc.constantFrom(...c)) : g(() => intArb(desc.size, !!desc.signed));
      }
      case 'bits':
        if (desc.size === 8) return g(() => intArb(8).map((v: bigint) => v & ~BigInt(desc.reserved)));
        return g(() => intArb(desc.size).map((v: number) => (v & ~Number(desc.reserved)) >>> 0));
      case 'interface': {
        const c = only ?? candidates(desc, allowNull)!;
        return g(() => fc.constantFrom(...c));
      }
      case 'bytes': {
        const max = Math.min(bound(desc.max) ?? 0xffff, maxBytes);
        return g(() => fc.uint8Array({ maxLength: max }));
      }
      case 'sized':
        return { [desc.field]: gen(g, desc.type, !!desc.inheritNull && allowNull) };
      case 'struct':
        return genFields(g, desc.fields, allowNull);
      case 'union':
        throw new Error(`union ${t} outside a structure`);
    }
  };

  const genFields = (g: Gen, fields: readonly FieldDesc[], allowNull: boolean): any => {
    const vals: Record<string, any> = {};
    const lengths: Record<string, number> = {};
    const out: Record<string, any> = {};
    for (const f of fields) {
      const nullFlag = f.allowNull === true ? true : f.allowNull === 'inherit' ? allowNull : false;
      if (f.hidden) {
        const user = fields.find((x) => x.count === f.name);
        if (!user) continue;
        const min = bound(f.min) ?? 0;
        const cap = user.type === 'BYTE' ? maxBytes : maxItems;
        const max = Math.max(min, Math.min(bound(user.max) ?? 0xffff, bound(f.max) ?? 0xffff, cap));
        lengths[user.name] = g(() => fc.integer({ min, max }));
        continue;
      }
      if (f.count !== undefined || f.length !== undefined) {
        const n = f.length !== undefined ? bound(f.length)! : lengths[f.name];
        out[f.name] = f.type === 'BYTE' ? g(() => fc.uint8Array({ minLength: n, maxLength: n })) : Array.from({ length: n }, () => gen(g, f.type, nullFlag));
        continue;
      }
      if (f.selector !== undefined) {
        const u = schema[f.type];
        if (!u || u.kind !== 'union') throw new Error(`${f.name} selects from non-union ${f.type}`);
        const m = u.members[vals[f.selector]];
        if (!m) throw new Error(`no ${f.type} member for ${vals[f.selector]}`);
        out[f.name] = m.length !== undefined ? g(() => fc.uint8Array({ minLength: bound(m.length)!, maxLength: bound(m.length)! })) : m.type ? gen(g, m.type, !!m.allowNull || nullFlag) : null;
        continue;
      }
      // A selector: only values every union it selects has a member for.
      const users = fields.filter((x) => x.selector === f.name);
      let only: number[] | undefined;
      if (f.values) only = [...f.values];
      if (users.length) {
        const desc = schema[f.type];
        const unionKeys = users.map((x) => Object.keys((schema[x.type] as { members: object }).members).map(Number));
        const c = only ?? (desc ? candidates(desc, nullFlag) : undefined) ?? unionKeys[0];
        if (c) {
          only = c.filter((v) => users.every((x) => {
            const u = schema[x.type];
            return u && u.kind === 'union' && u.members[v] !== undefined;
          }));
        }
      }
      let v = gen(g, f.type, nullFlag, only && only.length ? only : undefined);
      const min = bound(f.min);
      const max = bound(f.max);
      if (typeof v === 'number' && (min !== undefined || max !== undefined)) v = Math.min(Math.max(v, min ?? v), max ?? v);
      vals[f.name] = v;
      out[f.name] = v;
    }
    return out;
  };

  return fc.gen().map((g) => gen(g as unknown as Gen, type, options.allowNull ?? false));
}

/** Drops the informational `bytes` that decoding adds to wrapped structures. */
export function withoutRawBytes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutRawBytes);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'bytes') out[k] = withoutRawBytes(x);
    return out;
  }
  return v;
}
