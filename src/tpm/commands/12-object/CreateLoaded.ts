import type { Rng } from '../../../crypto/drbg.js';
import { kdfa } from '../../../crypto/kdf.js';
import { TPM_ALG, TPM_HT, TPM_RC, TPM_RH, TPMA_OBJECT } from '../../../gen/constants.js';
import { SCHEMA } from '../../../gen/schemas.js';
import type { TPMS_DERIVE, TPMS_KEYEDHASH_PARMS, TPMS_SCHEME_XOR, TPMT_PUBLIC } from '../../../gen/types.js';
import type { StructDesc } from '../../../wire/descriptor.js';
import { WireError } from '../../../wire/errors.js';
import { Reader } from '../../../wire/reader.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';
import {
  checkAuthSize,
  checkCreate,
  checkPublicAttributes,
  freeTransientHandle,
  generateObject,
  generatePrimary,
  hierarchyQN,
  hierarchySeed,
  installObject,
  isStorageParent,
  makeRecord,
  objectOf,
  wrapPrivate,
} from '../../object.js';
import type { ObjectRecord } from '../../state/types.js';
import type { Handler } from '../handler.js';

const EMPTY = new Uint8Array(0);
/** TPM_MAX_DERIVATION_BITS: how much a derivation may draw from its KDF. */
const MAX_DERIVATION_BITS = 8192;

/** TPMT_PUBLIC up to (not including) unique. */
const HEAD_FIELDS = (SCHEMA.TPMT_PUBLIC as StructDesc).fields.filter((f) => f.name !== 'unique');

/** An empty unique field of the type's shape (generation fills it). */
function emptyUnique(type: number): TPMT_PUBLIC['unique'] {
  return type === TPM_ALG.ECC ? { x: EMPTY, y: EMPTY } : EMPTY;
}

/**
 * The template (TPM2B_TEMPLATE): a TPMT_PUBLIC, or under a derivation parent a TPMT_PUBLIC whose
 * unique field is a TPMS_DERIVE (the reference's UnmarshalToPublic). Octets left over are
 * TPM_RC_SIZE; every error is on inPublic.
 */
function readTemplate(ctx: CommandContext, bytes: Uint8Array, derivation: boolean): { pub: TPMT_PUBLIC; derive: TPMS_DERIVE | null } {
  try {
    if (!derivation) return { pub: ctx.codec.decode<TPMT_PUBLIC>('TPMT_PUBLIC', bytes), derive: null };
    const r = new Reader(bytes);
    const head = ctx.codec.readFields<Omit<TPMT_PUBLIC, 'unique'>>(HEAD_FIELDS, r);
    const derive = ctx.codec.read<TPMS_DERIVE>('TPMS_DERIVE', r);
    if (r.remaining !== 0) throw new WireError(TPM_RC.SIZE, 'octets after the template');
    return { pub: { ...head, unique: emptyUnique(head.type) }, derive };
  } catch (e) {
    if (e instanceof WireError) throw tpmError(e.rc, e.message).at('inPublic');
    throw e;
  }
}

/**
 * Label and context of a derivation (Part 1 "Derived Objects"; the reference's
 * SetLabelAndContext): those of the template, or where the template's is empty, those of a
 * TPMS_DERIVE in the sensitive data.
 */
function labelAndContext(ctx: CommandContext, derive: TPMS_DERIVE, data: Uint8Array): TPMS_DERIVE {
  if (data.length === 0) return derive;
  let given: TPMS_DERIVE;
  try {
    given = ctx.codec.read<TPMS_DERIVE>('TPMS_DERIVE', new Reader(data));
  } catch (e) {
    if (e instanceof WireError) throw tpmError(e.rc, e.message).at('inSensitive');
    throw e;
  }
  return {
    label: derive.label.length ? derive.label : given.label,
    context: derive.context.length ? derive.context : given.context,
  };
}

/**
 * The generator of a derived object: the octets of KDFa(hash, parent key, label, context,
 * TPM_MAX_DERIVATION_BITS) in order (the reference's KDF-based RAND_STATE);
 * TPM_RC_NO_RESULT once they are used up.
 */
function derivationRng(ctx: CommandContext, parent: ObjectRecord, derive: TPMS_DERIVE): Rng {
  const xor = (parent.public.parameters as TPMS_KEYEDHASH_PARMS).scheme.details as TPMS_SCHEME_XOR;
  const hash = ctx.crypto.hash(xor.hashAlg)!;
  const stream = kdfa(hash, parent.sensitive!.sensitive as Uint8Array, derive.label, derive.context, EMPTY, MAX_DERIVATION_BITS);
  let pos = 0;
  const bytes = (n: number): Uint8Array => {
    if (pos + n > stream.length) throw tpmError(TPM_RC.NO_RESULT, 'derivation used up its KDF');
    pos += n;
    return stream.slice(pos - n, pos);
  };
  return { bytes, fill: (out) => out.set(bytes(out.length)) };
}

/**
 * TPM2_CreateLoaded (Part 3 "TPM2_CreateLoaded"): creates an object and loads it. Under a
 * hierarchy handle it is a primary object (as TPM2_CreatePrimary makes it); under a storage
 * parent an ordinary object, whose private area is also returned; under a derivation parent a
 * derived object (Part 1 "Derived Objects"), whose key comes from the parent's key, the label and
 * the context, so that the same template gives the same key again.
 */
export const CreateLoaded: Handler<'CreateLoaded'> = (ctx, { parentHandle, inSensitive, inPublic }) => {
  const isObjectHandle = parentHandle >>> 24 === TPM_HT.TRANSIENT || parentHandle >>> 24 === TPM_HT.PERSISTENT;
  const parent = isObjectHandle ? objectOf(ctx, parentHandle) : undefined;
  const derivation = !!parent?.derivation;
  // A sequence object, or a key that is not a parent.
  if (isObjectHandle && (!parent || (!derivation && !isStorageParent(parent)))) throw tpmError(TPM_RC.TYPE, 'not a parent').at('parentHandle');
  freeTransientHandle(ctx);
  const { pub, derive } = readTemplate(ctx, inPublic, derivation);
  const create = inSensitive.sensitive;
  const authValue = checkAuthSize(ctx, pub.nameAlg, create.userAuth, 'inSensitive');

  let record: ObjectRecord;
  let outPrivate: Uint8Array = EMPTY;
  if (parent && derivation) {
    if (pub.type === TPM_ALG.RSA) throw tpmError(TPM_RC.TYPE, 'RSA keys are not derived').at('inPublic');
    if (pub.objectAttributes & TPMA_OBJECT.sensitiveDataOrigin) throw tpmError(TPM_RC.ATTRIBUTES, 'a derived object has sensitiveDataOrigin CLEAR').at('inPublic');
    checkPublicAttributes(ctx, parent, pub, 'inPublic');
    const rng = derivationRng(ctx, parent, labelAndContext(ctx, derive!, create.data));
    const generated = generateObject(ctx, pub, { userAuth: create.userAuth, data: EMPTY }, authValue, rng);
    record = makeRecord(ctx, generated.public, generated.sensitive, parent.qualifiedName, parent.hierarchy);
  } else if (parent) {
    checkCreate(ctx, parent, pub, create.data.length, 'inPublic');
    const generated = generateObject(ctx, pub, create, authValue, ctx.rng);
    record = makeRecord(ctx, generated.public, generated.sensitive, parent.qualifiedName, parent.hierarchy);
    outPrivate = wrapPrivate(ctx, parent, record.name, generated.sensitive, pub.nameAlg);
  } else {
    checkCreate(ctx, null, pub, create.data.length, 'inPublic');
    const generated = generatePrimary(ctx, hierarchySeed(ctx, parentHandle), pub, create, authValue);
    record = makeRecord(ctx, generated.public, generated.sensitive, hierarchyQN(parentHandle), parentHandle, { primary: parentHandle !== TPM_RH.NULL });
  }
  const objectHandle = installObject(ctx, record);
  return { objectHandle, outPrivate, outPublic: { publicArea: record.public }, name: record.name };
};
