/**
 * Codec descriptors: what `npm run gen` derives from spec/ into src/gen/schemas.ts and
 * src/gen/commands.ts. Plain data; the codec compiles them per context.
 */

/** A bound: a number, or an expression of implementation limits ('MAX_DIGEST_BUFFER'). */
export type Bound = number | string;

export interface IntDesc {
  readonly kind: 'int';
  readonly size: 1 | 2 | 4 | 8;
  readonly signed?: true;
}

/** A constants table used as a type (TPM_SU, TPM_CAP...). Checked only when `rc` is set. */
export interface EnumDesc {
  readonly kind: 'enum';
  readonly size: 1 | 2 | 4;
  readonly signed?: true;
  readonly values?: readonly number[];
  readonly rc?: number;
}

/** TPMA_ bit layouts: reserved bits must be clear. */
export interface BitsDesc {
  readonly kind: 'bits';
  readonly size: 1 | 2 | 4 | 8;
  /** Mask of reserved bits; a hex string for 64-bit layouts (TPMA_NV_EXP). */
  readonly reserved: number | string;
}

/** TPMI_ interface types. */
export interface InterfaceDesc {
  readonly kind: 'interface';
  readonly size: 1 | 2 | 4;
  readonly values: readonly number[];
  readonly ranges: readonly (readonly [Bound, Bound])[];
  readonly nullValue?: number;
  readonly rc: number;
  /** Set when the profile narrows the allowed values (algorithms, curves, key sizes). */
  readonly profileFiltered?: true;
}

/** A TPM2B of octets: decodes to a Uint8Array. */
export interface BytesDesc {
  readonly kind: 'bytes';
  readonly max?: Bound;
}

/** A TPM2B that wraps a structure (`size=` or a size before a structure). */
export interface SizedDesc {
  readonly kind: 'sized';
  /** The wrapped field's name ('publicArea'). */
  readonly field: string;
  readonly type: string;
  /** `size=`: zero is not allowed and the parsed length must equal size. */
  readonly mustMatch?: true;
  /** The wrapped field passes its NULL flag from this TPM2B's user ("+TPMT_PUBLIC"). */
  readonly inheritNull?: true;
}

export interface FieldDesc {
  readonly name: string;
  readonly type: string;
  /** A count or size that is derived from a sibling and not part of the value. */
  readonly hidden?: true;
  /** Array: sibling holding the count, or a fixed length. Element type 'BYTE' gives a Uint8Array. */
  readonly count?: string;
  readonly length?: Bound;
  readonly min?: Bound;
  readonly max?: Bound;
  /** Union member chosen by this sibling's value. */
  readonly selector?: string;
  readonly allowNull?: true | 'inherit';
  /** Allowed values (structure tags) and the response code when another one appears. */
  readonly values?: readonly number[];
  readonly rc?: number;
}

export interface StructDesc {
  readonly kind: 'struct';
  readonly fields: readonly FieldDesc[];
  /** Response code for list counts over the bound and other whole-structure checks. */
  readonly rc?: number;
}

export interface UnionMemberDesc {
  readonly name: string;
  /** Absent for an empty member. */
  readonly type?: string;
  /** Octet-array members: the length. */
  readonly length?: Bound;
  /** The member's type allows its conditional (NULL) value. */
  readonly allowNull?: true;
}

export interface UnionDesc {
  readonly kind: 'union';
  /** Members by selector value. */
  readonly members: { readonly [selector: number]: UnionMemberDesc };
}

export type TypeDesc = IntDesc | EnumDesc | BitsDesc | InterfaceDesc | BytesDesc | SizedDesc | StructDesc | UnionDesc;

export type Schema = { readonly [name: string]: TypeDesc };

export interface HandleDesc {
  readonly name: string;
  readonly type: string;
  readonly allowNull?: true;
  readonly auth?: { readonly index: number; readonly role: 'USER' | 'ADMIN' | 'DUP'; readonly physicalPresence?: true };
}

/** A Part 3 command as the dispatcher and the client see it. */
export interface CommandDesc {
  /** 'Create' (the spec name without TPM2_). */
  readonly name: string;
  readonly code: number;
  readonly tag: 'sessions' | 'no-sessions' | 'either';
  readonly nv?: true;
  readonly extensive?: true;
  readonly flushed?: true;
  readonly handles: readonly HandleDesc[];
  readonly params: readonly FieldDesc[];
  readonly responseHandles: readonly HandleDesc[];
  readonly responseParams: readonly FieldDesc[];
  /** The first command/response parameter is a TPM2B, so a session may encrypt it. */
  readonly decrypt?: true;
  readonly encrypt?: true;
}
