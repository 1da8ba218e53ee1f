/**
 * The shape of the declaration: TPM 2.0 Library Part 2 tables (types) and Part 3 tables
 * (commands) as plain data. Every spec notation becomes a named field; see spec/README.md
 * for the mapping. Nothing here runs: the generator (spec/codegen) reads these tables.
 */

/** Where a table comes from: the Library part and the table's title (not its number). */
export interface Source {
  readonly part: 2 | 3;
  readonly title: string;
}

/**
 * A size or bound as the spec writes it: a number, a constant or implementation limit name
 * ('MAX_DIGEST_BUFFER'), `sizeof(TYPE)`, or a small arithmetic expression of those.
 */
export type Expr = number | string;

/** Algorithm-dependency marker of Part 2 ("{RSA}", "{ECC}"): the table exists only when the
 * algorithm is implemented. */
export type AlgDependency = string;

/** Base types (Part 2 "Definition of Base Types"). */
export interface BaseTypeSpec {
  readonly kind: 'base';
  readonly name: string;
  readonly size: 1 | 2 | 4 | 8;
  readonly signed: boolean;
  readonly description?: string;
  readonly source: Source;
}

/** `typedef` tables ("Definition of Types for ..."): a new name for an existing type. */
export interface AliasSpec {
  readonly kind: 'alias';
  readonly name: string;
  readonly type: string;
  readonly source: Source;
  readonly dependsOn?: AlgDependency;
}

export interface ConstantValue {
  readonly name: string;
  /** The value; a string is an expression of other constants and implementation limits. */
  readonly value: Expr;
  /** One-line meaning (for TPM_RC the description the client shows). */
  readonly description?: string;
  /** TPM_ALG_ID only: the algorithm type letters of the Algorithm Registry ("A O", "H", "S"...). */
  readonly classes?: string;
  readonly dependsOn?: AlgDependency;
}

/** Constant tables: TPM_ALG_ID, TPM_CC, TPM_RC, TPM_ST, TPM_RH, TPM_HC, ... */
export interface ConstantsSpec {
  readonly kind: 'constants';
  readonly name: string;
  /** Underlying type, e.g. 'UINT16' for TPM_ALG_ID, 'TPM_HANDLE' for TPM_RH. */
  readonly base: string;
  readonly values: readonly ConstantValue[];
  /** Response code when an unmarshaled value is not in the table ("#TPM_RC_..."). */
  readonly rc?: string;
  readonly description?: string;
  readonly source: Source;
}

export interface BitField {
  readonly name: string;
  /** Lowest bit of the field. */
  readonly bit: number;
  /** Width in bits (1 for a flag; a multi-bit field such as TPMA_CC cHandles is wider). */
  readonly width: number;
  readonly description?: string;
}

/** TPMA_* attribute tables and other bit layouts. Bits not listed are reserved. */
export interface BitsSpec {
  readonly kind: 'bits';
  readonly name: string;
  readonly base: string;
  readonly bits: readonly BitField[];
  readonly description?: string;
  readonly source: Source;
}

/** TPMI_* interface types: a base type restricted to listed values and ranges. */
export interface InterfaceSpec {
  readonly kind: 'interface';
  readonly name: string;
  readonly base: string;
  /** Allowed constant names (or numeric literals). Algorithm macros are expanded. */
  readonly values: readonly Expr[];
  /** Inclusive ranges `{FIRST:LAST}`. */
  readonly ranges?: readonly (readonly [Expr, Expr])[];
  /** The conditional value ("+TPM_RH_NULL", "+TPM_ALG_NULL"), allowed only where a use permits. */
  readonly nullValue?: string;
  /** Values fixed by the implementation ("$RSA_KEY_SIZES_BITS", "$ECC_CURVES"): the profile decides. */
  readonly implementationDefined?: string;
  readonly rc: string;
  readonly dependsOn?: AlgDependency;
  readonly description?: string;
  readonly source: Source;
}

/** One row of a structure (or of a command/response table). */
export interface FieldSpec {
  readonly name: string;
  /** Type name ('BYTE' for octet arrays). */
  readonly type: string;
  /**
   * NULL permitted for this use: `true` for the spec's "+" suffix (TPMI_RH_HIERARCHY+), 'inherit'
   * for the "+" prefix in a structure (+TPMI_ALG_HASH), which passes the flag its own user gave.
   */
  readonly allowNull?: true | 'inherit';
  /** `[selector]member`: the sibling field whose value selects this union member. */
  readonly selector?: string;
  /** `buffer[size]`: the sibling field holding the element count. */
  readonly count?: string;
  /** `digest[SHA256_DIGEST_SIZE]`: a fixed element count. */
  readonly length?: Expr;
  /** `{min:max}` bounds: on the element count for arrays, on the value for integers. */
  readonly min?: Expr;
  readonly max?: Expr;
  /** `size` of a TPM2B that wraps a structure: the sibling it measures. */
  readonly sizeOf?: string;
  /** `size=`: the size may not be zero and must equal the length of the parsed structure. */
  readonly sizeMustMatch?: true;
  /** `tag {TPM_ST_CREATION}`: the only values allowed. */
  readonly values?: readonly string[];
  /** Response code for a bad value of this field ("#TPM_RC_TAG" after the row). */
  readonly rc?: string;
  readonly description?: string;
}

/** TPMS_, TPMT_, TPM2B_, TPML_ structures. */
export interface StructSpec {
  readonly kind: 'struct';
  readonly name: string;
  readonly fields: readonly FieldSpec[];
  /** Response code for the structure as a whole ("#TPM_RC_SIZE" for a list that is too long). */
  readonly rc?: string;
  readonly dependsOn?: AlgDependency;
  readonly description?: string;
  readonly source: Source;
}

export interface UnionMember {
  readonly name: string;
  /** Absent for an empty member (the NULL selector). */
  readonly type?: string;
  /** The selector constant; absent for members the wire never selects ("any", "sym"). */
  readonly selector?: string;
  /** Octet array members: `sha256[SHA256_DIGEST_SIZE]`. */
  readonly length?: Expr;
  /** "+" suffix on the member type (`TPMI_ALG_SYM_MODE+`): the conditional value is allowed. */
  readonly allowNull?: true;
  readonly description?: string;
}

/** TPMU_ unions, selected by a sibling field of the structure that holds them. */
export interface UnionSpec {
  readonly kind: 'union';
  readonly name: string;
  readonly members: readonly UnionMember[];
  readonly dependsOn?: AlgDependency;
  readonly description?: string;
  readonly source: Source;
}

export type TypeSpec = BaseTypeSpec | AliasSpec | ConstantsSpec | BitsSpec | InterfaceSpec | StructSpec | UnionSpec;

/** Authorization of a handle (Part 3 "Auth Index" and "Auth Role"). */
export interface HandleAuth {
  /** 1-based position among the authorized handles: the session that authorizes it. */
  readonly index: number;
  readonly role: 'USER' | 'ADMIN' | 'DUP';
  /** "+{PP}": physical presence may be required (platform authorization). */
  readonly physicalPresence?: true;
}

export interface HandleSpec {
  readonly name: string;
  readonly type: string;
  readonly allowNull?: true;
  /** The spec's "@" prefix: the handle needs authorization. Absent for "Auth Index: None". */
  readonly auth?: HandleAuth;
  readonly description?: string;
}

/** A Part 3 command: its command table and its response table. */
export interface CommandSpec {
  readonly kind: 'command';
  /** 'TPM2_Create' */
  readonly name: string;
  /** 'TPM_CC_Create' */
  readonly cc: string;
  /** What the tag row allows: sessions required, none allowed, or either. */
  readonly tag: 'sessions' | 'no-sessions' | 'either';
  /** TPMA_CC attributes written on the command-code row: {NV}, {E} (extensive), {F} (flushed). */
  readonly attrs: { readonly nv?: true; readonly extensive?: true; readonly flushed?: true };
  readonly handles: readonly HandleSpec[];
  readonly params: readonly FieldSpec[];
  readonly response: {
    readonly handles: readonly HandleSpec[];
    readonly params: readonly FieldSpec[];
  };
  readonly dependsOn?: AlgDependency;
  readonly description?: string;
  readonly source: Source;
}

/** Implementation values (Part 2 "Defines for Implementation Values" and friends): the bounds
 * that `{:MAX_...}` annotations name. A profile may override them. */
export interface LimitSpec {
  readonly name: string;
  readonly value: Expr;
  readonly description?: string;
}

export const defineTypes = <const T extends readonly TypeSpec[]>(types: T): T => types;
export const defineCommands = <const T extends readonly CommandSpec[]>(commands: T): T => commands;
export const defineLimits = <const T extends readonly LimitSpec[]>(limits: T): T => limits;
