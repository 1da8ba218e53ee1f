/**
 * Part 1 "ECDAA", Part 3 "TPM2_Commit" and TPM2_Sign with the ECDAA scheme, through the typed
 * client on seeded TPMs. Every point and signature is checked on the host with noble's curve
 * points and node's hashes (node's ECDH for K = [d]B): E = [r]G or [r]P1, K = [d]B, L = [r]B
 * with B = (H_nameAlg(s2) mod p, y2), and the ECDAA signature (nonceK, s) satisfies
 * [s]G = E + [T]Q and [s]B = L + [T]K with T = H(nonceK ‖ digest) mod n. Counts are used once
 * and live for one TPM Reset cycle.
 */
import { createECDH, createHash } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.js';
import { eccKeyTemplate } from '../../src/client/templates.js';
import { TPM_ALG, TPM_ECC, TPM_RC, TPM_RH, TPM_ST, TPMA_OBJECT as A } from '../../src/gen/constants.js';
import type { TPMS_ECC_POINT, TPMS_SIGNATURE_ECC, TPMT_PUBLIC, TPMT_SIG_SCHEME, TPMT_SIGNATURE } from '../../src/gen/types.js';
import { rcOf, startedTpm, toHex } from '../helpers/tpm.js';

const P = (n: number) => TPM_RC.P | (n << 8);
const H = (n: number) => TPM_RC.H | (n << 8);
const EMPTY = new Uint8Array(0);
const noCreation = { outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } };
const NULL_TICKET = { tag: TPM_ST.HASHCHECK, hierarchy: TPM_RH.NULL, digest: EMPTY };
const NO_POINT: TPMS_ECC_POINT = { x: EMPTY, y: EMPTY };
const NODE_HASH: Record<number, string> = { [TPM_ALG.SHA256]: 'sha256', [TPM_ALG.SHA384]: 'sha384', [TPM_ALG.SHA512]: 'sha512' };
const hash = (alg: number, ...parts: Uint8Array[]) => new Uint8Array(parts.reduce((h, p) => h.update(p), createHash(NODE_HASH[alg])).digest());
const utf8 = (s: string) => new TextEncoder().encode(s);
const big = (b: Uint8Array) => (b.length ? BigInt('0x' + toHex(b)) : 0n);
const bytes = (v: bigint, len: number) => Uint8Array.from(Buffer.from(v.toString(16).padStart(len * 2, '0'), 'hex'));

type NoblePoint = typeof p256.Point;
type Pt = InstanceType<NoblePoint>;
const CURVES: Record<number, { Point: NoblePoint; size: number; node: string; hashAlg: number }> = {
  [TPM_ECC.NIST_P256]: { Point: p256.Point, size: 32, node: 'prime256v1', hashAlg: TPM_ALG.SHA256 },
  [TPM_ECC.NIST_P384]: { Point: p384.Point, size: 48, node: 'secp384r1', hashAlg: TPM_ALG.SHA384 },
  [TPM_ECC.NIST_P521]: { Point: p521.Point, size: 66, node: 'secp521r1', hashAlg: TPM_ALG.SHA512 },
};

interface Key {
  handle: number;
  pub: TPMT_PUBLIC;
  curve: number;
}

async function primary(client: Client, template: TPMT_PUBLIC): Promise<Key> {
  const r = await client.run('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: template }, ...noCreation });
  return { handle: r.objectHandle, pub: r.outPublic.publicArea, curve: (template.parameters as { curveID: number }).curveID };
}

const ecdaaKey = (client: Client, curve: number = TPM_ECC.NIST_P256) => primary(client, eccKeyTemplate({ curve, scheme: TPM_ALG.ECDAA, hash: CURVES[curve].hashAlg }));
const ecdaa = (hashAlg: number, count: number): TPMT_SIG_SCHEME => ({ scheme: TPM_ALG.ECDAA, details: { hashAlg, count } });

const commit = (client: Client, key: Key, opts: { P1?: TPMS_ECC_POINT; s2?: Uint8Array; y2?: Uint8Array } = {}) =>
  client.run('Commit', { signHandle: key.handle, P1: { point: opts.P1 ?? NO_POINT }, s2: opts.s2 ?? EMPTY, y2: opts.y2 ?? EMPTY });

const sign = (client: Client, key: Key, digest: Uint8Array, inScheme: TPMT_SIG_SCHEME) =>
  client.run('Sign', { keyHandle: key.handle, digest, inScheme, validation: NULL_TICKET }).then((r) => r.signature);

const pointOf = (curve: number, p: TPMS_ECC_POINT): Pt => CURVES[curve].Point.fromAffine({ x: big(p.x), y: big(p.y) });
const toTpm = (curve: number, p: Pt): TPMS_ECC_POINT => {
  const a = p.toAffine();
  return { x: bytes(a.x, CURVES[curve].size), y: bytes(a.y, CURVES[curve].size) };
};
const Q = (key: Key) => pointOf(key.curve, key.pub.unique as TPMS_ECC_POINT);

/** T = H(nonceK ‖ digest) mod n and s of an ECDAA signature (Part 1 "ECDAA"). */
function ecdaaParts(curve: number, sig: TPMT_SIGNATURE, digest: Uint8Array): { T: bigint; s: bigint } {
  const { hash: hashAlg, signatureR, signatureS } = sig.signature as TPMS_SIGNATURE_ECC;
  const n = CURVES[curve].Point.CURVE().n;
  return { T: big(hash(hashAlg, signatureR, digest)) % n, s: big(signatureS) };
}

/** [s]base = commitment + [T]public: the ECDAA verification equation for one base point. */
function holds(curve: number, sig: TPMT_SIGNATURE, digest: Uint8Array, base: Pt, commitment: Pt, pub: Pt): boolean {
  const { T, s } = ecdaaParts(curve, sig, digest);
  return base.multiply(s).equals(commitment.add(pub.multiply(T)));
}

/** A base point B = (H_nameAlg(s2) mod p, y2) for s2 = label ‖ i, the first i for which x2 is on the curve (p ≡ 3 mod 4). */
function basePoint(curve: number, nameAlg: number, label: string): { s2: Uint8Array; y2: Uint8Array; B: Pt } {
  const { Point, size } = CURVES[curve];
  const { p, a, b } = Point.CURVE();
  const pow = (x: bigint, e: bigint) => {
    let r = 1n;
    for (x %= p; e > 0n; e >>= 1n, x = (x * x) % p) if (e & 1n) r = (r * x) % p;
    return r;
  };
  for (let i = 0; ; i++) {
    const s2 = utf8(`${label} ${i}`);
    const x = big(hash(nameAlg, s2)) % p;
    const rhs = (((x * x + a) % p) * x + b) % p;
    const y = pow(rhs, (p + 1n) / 4n);
    if ((y * y) % p === rhs) return { s2, y2: bytes(y, size), B: Point.fromAffine({ x, y }) };
  }
}

describe('TPM2_Commit and ECDAA signing', () => {
  for (const curve of [TPM_ECC.NIST_P256, TPM_ECC.NIST_P384, TPM_ECC.NIST_P521]) {
    it(`curve 0x${curve.toString(16)}: E = [r]G without P1 or s2; the signature holds [s]G = E + [T]Q`, async () => {
      const { client } = await startedTpm();
      const key = await ecdaaKey(client, curve);
      const { hashAlg, size, Point } = CURVES[curve];
      const c = await commit(client, key);
      expect([c.K.point, c.L.point]).toEqual([NO_POINT, NO_POINT]);
      const E = pointOf(curve, c.E.point);
      const digest = hash(hashAlg, utf8('anonymous message'));
      const sig = await sign(client, key, digest, ecdaa(hashAlg, c.counter));
      expect(sig.sigAlg).toBe(TPM_ALG.ECDAA);
      const s = sig.signature as TPMS_SIGNATURE_ECC;
      expect(s.hash).toBe(hashAlg);
      expect(s.signatureS.length).toBe(size);
      // signatureR is nonceK, 0 < nonceK < n, in its minimal octets.
      expect(s.signatureR[0]).not.toBe(0);
      expect(big(s.signatureR) < Point.CURVE().n).toBe(true);
      expect(holds(curve, sig, digest, Point.BASE, E, Q(key))).toBe(true);
      // Not for another digest, nor with the E of another commit.
      expect(holds(curve, sig, hash(hashAlg, utf8('other')), Point.BASE, E, Q(key))).toBe(false);
      const c2 = await commit(client, key);
      expect(c2.counter).toBe(c.counter + 1);
      expect(holds(curve, sig, digest, Point.BASE, pointOf(curve, c2.E.point), Q(key))).toBe(false);
    });
  }

  it('E = [r]P1 for a given P1; K = [d]B and L = [r]B for s2, y2; [s]B = L + [T]K and [s]G = [1/k]E + [T]Q', async () => {
    const { client } = await startedTpm();
    const curve = TPM_ECC.NIST_P256;
    const { Point } = CURVES[curve];
    // A key whose d the host knows, loaded with its private part.
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const d = big(ecdh.getPrivateKey());
    const template = eccKeyTemplate({ scheme: TPM_ALG.ECDAA });
    const pub: TPMT_PUBLIC = { ...template, objectAttributes: A.sign_encrypt | A.userWithAuth, unique: toTpm(curve, Point.BASE.multiply(d)) };
    const sensitive = { sensitiveType: TPM_ALG.ECC, authValue: EMPTY, seedValue: EMPTY, sensitive: bytes(d, 32) };
    const loaded = await client.run('LoadExternal', { inPrivate: { sensitiveArea: sensitive }, inPublic: { publicArea: pub }, hierarchy: TPM_RH.NULL });
    const key: Key = { handle: loaded.objectHandle, pub, curve };
    const { s2, y2, B } = basePoint(curve, TPM_ALG.SHA256, 'vtpm basename');
    const k = 0x1234567890abcdefn;
    const P1 = Point.BASE.multiply(k);
    const digest = hash(TPM_ALG.SHA256, utf8('signed with a basename'));

    const c = await commit(client, key, { P1: toTpm(curve, P1), s2, y2 });
    const K = pointOf(curve, c.K.point);
    const L = pointOf(curve, c.L.point);
    const E = pointOf(curve, c.E.point);
    // K = [d]B: node computes the x-coordinate of [d]B; and K is [d]B itself.
    expect(toHex(c.K.point.x)).toBe(ecdh.computeSecret(Buffer.concat([Buffer.of(4), toTpm(curve, B).x, y2])).toString('hex'));
    expect(K.equals(B.multiply(d))).toBe(true);
    const sig = await sign(client, key, digest, ecdaa(TPM_ALG.SHA256, c.counter));
    expect(holds(curve, sig, digest, B, L, K)).toBe(true);
    // E = [r]P1 = [r·k]G, so [1/k]E = [r]G.
    const kInv = Point.Fn.inv(k);
    expect(holds(curve, sig, digest, Point.BASE, E.multiply(kInv), Q(key))).toBe(true);
    // With s2, y2 and no P1, E is not computed; L is again [r]B of this count.
    const c2 = await commit(client, key, { s2, y2 });
    expect(c2.E.point).toEqual(NO_POINT);
    expect(pointOf(curve, c2.K.point).equals(K)).toBe(true);
    const sig2 = await sign(client, key, digest, ecdaa(TPM_ALG.SHA256, c2.counter));
    expect(holds(curve, sig2, digest, B, pointOf(curve, c2.L.point), K)).toBe(true);
    // With P1 = B, E and L are the same point.
    const c3 = await commit(client, key, { P1: toTpm(curve, B), s2, y2 });
    expect(c3.E.point).toEqual(c3.L.point);
  });

  it('the key scheme may be given again in inScheme with the count; a NULL-scheme key signs with an inScheme ECDAA', async () => {
    const { client } = await startedTpm();
    const key = await ecdaaKey(client);
    const digest = hash(TPM_ALG.SHA256, utf8('m'));
    const c = await commit(client, key);
    // The key's scheme says count 0; the caller's count wins.
    const sig = await sign(client, key, digest, ecdaa(TPM_ALG.SHA256, c.counter));
    expect(holds(key.curve, sig, digest, CURVES[key.curve].Point.BASE, pointOf(key.curve, c.E.point), Q(key))).toBe(true);
    // A key with scheme NULL may sign ECDAA (it cannot commit, but r follows its own Name).
    const open = await primary(client, eccKeyTemplate({ scheme: TPM_ALG.NULL }));
    expect(await rcOf(commit(client, open))).toBe(TPM_RC.SCHEME | H(1));
    const c2 = await commit(client, key);
    const sig2 = await sign(client, open, digest, ecdaa(TPM_ALG.SHA256, c2.counter));
    expect(sig2.sigAlg).toBe(TPM_ALG.ECDAA);
    // ... but not with the E committed for the other key's Name.
    expect(holds(key.curve, sig2, digest, CURVES[key.curve].Point.BASE, pointOf(key.curve, c2.E.point), Q(open))).toBe(false);
  });

  it('a count signs once: TPM_RC_VALUE (no parameter number) for one used, never given out or older than the array', async () => {
    const { client } = await startedTpm();
    const key = await ecdaaKey(client);
    const digest = hash(TPM_ALG.SHA256, utf8('once'));
    const c0 = await commit(client, key);
    const c1 = await commit(client, key);
    expect([c0.counter, c1.counter]).toEqual([0, 1]);
    // Never committed: ahead of the counter.
    expect(await rcOf(sign(client, key, digest, ecdaa(TPM_ALG.SHA256, 2)))).toBe(TPM_RC.VALUE);
    // Any order, each once.
    await sign(client, key, digest, ecdaa(TPM_ALG.SHA256, c1.counter));
    expect(await rcOf(sign(client, key, digest, ecdaa(TPM_ALG.SHA256, c1.counter)))).toBe(TPM_RC.VALUE);
    // A refused Sign (digest size) does not use up the count.
    expect(await rcOf(sign(client, key, digest.subarray(1), ecdaa(TPM_ALG.SHA256, c0.counter)))).toBe(TPM_RC.SIZE | P(1));
    await sign(client, key, digest, ecdaa(TPM_ALG.SHA256, c0.counter));
    expect(await rcOf(sign(client, key, digest, ecdaa(TPM_ALG.SHA256, c0.counter)))).toBe(TPM_RC.VALUE);
    // Counts 128 apart share a commitArray bit: the older one is no longer usable, the newer one is.
    let last = c1.counter;
    while (last < 130) last = (await commit(client, key)).counter;
    expect(await rcOf(sign(client, key, digest, ecdaa(TPM_ALG.SHA256, 2)))).toBe(TPM_RC.VALUE);
    await sign(client, key, digest, ecdaa(TPM_ALG.SHA256, 130));
    await sign(client, key, digest, ecdaa(TPM_ALG.SHA256, 129));
    await sign(client, key, digest, ecdaa(TPM_ALG.SHA256, 3));
  });

  it('EC_Ephemeral and Commit share one counter', async () => {
    const { client } = await startedTpm();
    const key = await ecdaaKey(client);
    const c0 = await commit(client, key);
    const e = await client.run('EC_Ephemeral', { curveID: TPM_ECC.NIST_P256 });
    const c2 = await commit(client, key);
    expect([c0.counter, e.counter, c2.counter]).toEqual([0, 1, 2]);
  });

  it('a commitment lives for one TPM Reset cycle: a Resume keeps it, a Reset forgets it', async () => {
    const { tpm, client } = await startedTpm();
    const curve = TPM_ECC.NIST_P256;
    const digest = hash(TPM_ALG.SHA256, utf8('across power cycles'));
    let key = await ecdaaKey(client);
    const c0 = await commit(client, key);
    const c1 = await commit(client, key);
    await client.shutdown('state');
    tpm.powerOff();
    tpm.powerOn();
    await client.startup('state');
    // The primary comes back the same (same seed and template, same Name).
    key = await ecdaaKey(client);
    const sig = await sign(client, key, digest, ecdaa(TPM_ALG.SHA256, c0.counter));
    expect(holds(curve, sig, digest, CURVES[curve].Point.BASE, pointOf(curve, c0.E.point), Q(key))).toBe(true);
    tpm.powerOff();
    tpm.powerOn();
    await client.startup();
    key = await ecdaaKey(client);
    expect(await rcOf(sign(client, key, digest, ecdaa(TPM_ALG.SHA256, c1.counter)))).toBe(TPM_RC.VALUE);
    // Counting starts again, with new r values.
    const c = await commit(client, key);
    expect(c.counter).toBe(0);
    expect(toHex(c.E.point.x)).not.toBe(toHex(c0.E.point.x));
  });

  it('Sign refusals: a key scheme ECDAA with a NULL inScheme, a different hash, or another scheme (TPM_RC_SCHEME on inScheme)', async () => {
    const { client } = await startedTpm();
    const key = await ecdaaKey(client);
    const c = await commit(client, key);
    const digest = hash(TPM_ALG.SHA256, utf8('x'));
    expect(await rcOf(sign(client, key, digest, { scheme: TPM_ALG.NULL, details: null }))).toBe(TPM_RC.SCHEME | P(2));
    expect(await rcOf(sign(client, key, hash(TPM_ALG.SHA384, utf8('x')), ecdaa(TPM_ALG.SHA384, c.counter)))).toBe(TPM_RC.SCHEME | P(2));
    expect(await rcOf(sign(client, key, digest, { scheme: TPM_ALG.ECDSA, details: { hashAlg: TPM_ALG.SHA256 } }))).toBe(TPM_RC.SCHEME | P(2));
    // None of these used the count.
    await sign(client, key, digest, ecdaa(TPM_ALG.SHA256, c.counter));
  });

  it('TPM2_VerifySignature does not verify ECDAA signatures: TPM_RC_SCHEME on the signature', async () => {
    const { client } = await startedTpm();
    const key = await ecdaaKey(client);
    const c = await commit(client, key);
    const digest = hash(TPM_ALG.SHA256, utf8('v'));
    const signature = await sign(client, key, digest, ecdaa(TPM_ALG.SHA256, c.counter));
    expect(await rcOf(client.run('VerifySignature', { keyHandle: key.handle, digest, signature }))).toBe(TPM_RC.SCHEME | P(2));
  });

  it('Commit refusals: s2 without y2, a base point or P1 off the curve, a public-only key', async () => {
    const { client } = await startedTpm();
    const key = await ecdaaKey(client);
    const { s2, y2 } = basePoint(TPM_ECC.NIST_P256, TPM_ALG.SHA256, 'refusals');
    const bad = Uint8Array.from(y2);
    bad[31] ^= 1;
    expect(await rcOf(commit(client, key, { s2 }))).toBe(TPM_RC.SIZE | P(3));
    expect(await rcOf(commit(client, key, { y2 }))).toBe(TPM_RC.SIZE | P(3));
    expect(await rcOf(commit(client, key, { s2, y2: bad }))).toBe(TPM_RC.ECC_POINT | P(2));
    expect(await rcOf(commit(client, key, { P1: { x: y2, y: bad } }))).toBe(TPM_RC.ECC_POINT | P(1));
    const ext = await client.run('LoadExternal', { inPrivate: {}, inPublic: { publicArea: key.pub }, hierarchy: TPM_RH.OWNER });
    const pubOnly: Key = { ...key, handle: ext.objectHandle };
    // A public-only object cannot be authorized at all (so the reference's TPM_RC_KEY for s2 with
    // a public-only key is not reached).
    expect(await rcOf(commit(client, pubOnly, { s2, y2 }))).toBe(TPM_RC.AUTH_UNAVAILABLE);
    expect(await rcOf(commit(client, pubOnly))).toBe(TPM_RC.AUTH_UNAVAILABLE);
    // None of the refusals used a count.
    expect((await commit(client, key)).counter).toBe(0);
  });

  it('tcm2 has no ECDAA: the scheme does not unmarshal', async () => {
    const { client } = await startedTpm({ profile: 'tcm2' });
    const key = await primary(client, eccKeyTemplate({ curve: TPM_ECC.SM2_P256 }));
    const digest = new Uint8Array(32);
    expect(await rcOf(sign(client, key, digest, ecdaa(TPM_ALG.SM3_256, 0)))).toBe(TPM_RC.SCHEME | P(2));
  });
});

describe('anonymous attestation (Part 3 "Attestation Commands": ECDAA signers)', () => {
  it('Quote with ECDAA: no qualifiedSigner, no extraData; the signature is over H(qualifyingData ‖ H(TPMS_ATTEST))', async () => {
    const { client } = await startedTpm();
    const key = await ecdaaKey(client);
    const c = await commit(client, key);
    const qualifyingData = utf8('verifier nonce');
    const q = await client.run('Quote', {
      signHandle: key.handle,
      qualifyingData,
      inScheme: ecdaa(TPM_ALG.SHA256, c.counter),
      PCRselect: { pcrSelections: [{ hash: TPM_ALG.SHA256, pcrSelect: Uint8Array.of(1, 0, 0) }] },
    });
    // TPMS_ATTEST: magic, type, qualifiedSigner (TPM2B), extraData (TPM2B) ...
    const view = new DataView(q.quoted.buffer, q.quoted.byteOffset);
    expect(view.getUint32(0)).toBe(0xff544347);
    expect(view.getUint16(4)).toBe(TPM_ST.ATTEST_QUOTE);
    expect([view.getUint16(6), view.getUint16(8)]).toEqual([0, 0]);
    const digest = hash(TPM_ALG.SHA256, qualifyingData, hash(TPM_ALG.SHA256, q.quoted));
    expect(holds(key.curve, q.signature, digest, CURVES[key.curve].Point.BASE, pointOf(key.curve, c.E.point), Q(key))).toBe(true);
    expect(holds(key.curve, q.signature, hash(TPM_ALG.SHA256, q.quoted), CURVES[key.curve].Point.BASE, pointOf(key.curve, c.E.point), Q(key))).toBe(false);
  });
});
