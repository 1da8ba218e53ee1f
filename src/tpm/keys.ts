/**
 * The private keys of loaded objects, derived once per object record (Part 1 "RSA": the
 * sensitive area keeps one prime, from which the private exponent and the CRT values are
 * computed at first use, as the reference's CryptRsaLoadPrivateExponent does). Records are
 * frozen and shared by drafts, snapshots of one TPM and persistent copies, so the cache is a
 * WeakMap keyed by the record: a new record (a change) derives again, a dropped one is collected.
 */
import type { RsaPrivateKey } from '../crypto/rsa.js';
import { TPM_ALG, TPM_RC } from '../gen/constants.js';
import { guard } from '../protocol/errors.js';
import { eccPrivateKeyOf, rsaPrivateKeyOf } from '../protocol/keys.js';
import { tpmError } from './errors.js';
import type { ObjectRecord } from './state/types.js';

const RSA_KEYS = new WeakMap<ObjectRecord, RsaPrivateKey>();
const ECC_KEYS = new WeakMap<ObjectRecord, bigint>();

function sensitiveOf(record: ObjectRecord, type: number, field: string) {
  if (record.public.type !== type) throw tpmError(TPM_RC.KEY, 'not a key of this type').at(field);
  if (!record.sensitive) throw tpmError(TPM_RC.KEY, 'the object has no private part (a public-only external object)').at(field);
  return record.sensitive;
}

/**
 * The RSA private key of an RSA object with its sensitive area; TPM_RC_KEY (on `field`) without
 * one, TPM_RC_BINDING when the prime does not divide the modulus.
 */
export function rsaPrivateKey(record: ObjectRecord, field: string): RsaPrivateKey {
  let key = RSA_KEYS.get(record);
  if (!key) {
    const sensitive = sensitiveOf(record, TPM_ALG.RSA, field);
    key = guard(() => rsaPrivateKeyOf(record.public, sensitive), field);
    RSA_KEYS.set(record, key);
  }
  return key;
}

/** The private scalar d of an ECC object with its sensitive area; TPM_RC_KEY (on `field`) without one. */
export function eccPrivateKey(record: ObjectRecord, field: string): bigint {
  let d = ECC_KEYS.get(record);
  if (d === undefined) {
    const sensitive = sensitiveOf(record, TPM_ALG.ECC, field);
    d = guard(() => eccPrivateKeyOf(record.public, sensitive), field);
    ECC_KEYS.set(record, d);
  }
  return d;
}
