/**
 * Schema-derived public areas into the object commands (CreatePrimary in every hierarchy,
 * Create under an ECC storage key, LoadExternal of public areas) on both profiles, through
 * execute(): nothing throws, every response is well-formed, a refused command leaves the state
 * as it was, a format-one code names a handle, parameter or session the command has, and what
 * the TPM accepts has Name = nameAlg ‖ H(public) (node:crypto) and keeps the Part 1 attribute
 * rules. Values come from valueArbitrary('TPMT_PUBLIC') and from real templates with fields
 * replaced by schema-derived ones, so that many get past decoding.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { eccKeyTemplate, keyedHashTemplate, sealedDataTemplate, srkTemplate, symCipherTemplate } from '../../src/client/templates.js';
import { COMMANDS } from '../../src/gen/commands.js';
import { TPM_ALG, TPM_ECC, TPM_RH, TPMA_OBJECT as A } from '../../src/gen/constants.js';
import { DEFAULT_LIMITS, SCHEMA } from '../../src/gen/schemas.js';
import type { TPMT_PUBLIC } from '../../src/gen/types.js';
import { valueArbitrary } from '../helpers/arbitrary.js';
import { checkWellFormed, startedFuzzTpm, stateOf } from '../helpers/fuzz.js';

const EMPTY = new Uint8Array(0);
const NODE_HASH: Record<number, string> = { [TPM_ALG.SHA1]: 'sha1', [TPM_ALG.SHA256]: 'sha256', [TPM_ALG.SHA384]: 'sha384', [TPM_ALG.SHA512]: 'sha512', [TPM_ALG.SM3_256]: 'sm3' };
const has = (a: number, bit: number) => (a & bit) !== 0;

/** RSA key generation is slow: schema-derived RSA keys are made 1024-bit. */
function fast(t: TPMT_PUBLIC): TPMT_PUBLIC {
  if (t.type !== TPM_ALG.RSA) return t;
  return { ...t, parameters: { ...(t.parameters as object), keyBits: 1024 } as TPMT_PUBLIC['parameters'] };
}

const schemaPublic = valueArbitrary(SCHEMA, DEFAULT_LIMITS, 'TPMT_PUBLIC', { maxBytes: 24 }) as fc.Arbitrary<TPMT_PUBLIC>;
const BASES: Record<string, TPMT_PUBLIC[]> = {
  tpm2: [srkTemplate({ alg: 'ecc-p256', unique: 'empty' }), eccKeyTemplate(), keyedHashTemplate(), sealedDataTemplate(), symCipherTemplate()],
  tcm2: [
    srkTemplate({ alg: 'sm2-p256', unique: 'empty' }),
    eccKeyTemplate({ curve: TPM_ECC.SM2_P256 }),
    keyedHashTemplate({ nameAlg: TPM_ALG.SM3_256, hash: TPM_ALG.SM3_256 } as never),
    sealedDataTemplate({ nameAlg: TPM_ALG.SM3_256 } as never),
    symCipherTemplate({ algorithm: TPM_ALG.SM4, nameAlg: TPM_ALG.SM3_256 }),
  ],
};
/** A real template with one of attributes, authPolicy, parameters or unique taken from a schema-derived value. */
const biased = (bases: TPMT_PUBLIC[]) => fc.tuple(fc.constantFrom(...bases), schemaPublic, fc.constantFrom('objectAttributes', 'authPolicy', 'parameters', 'nameAlg', 'unique')).map(([base, other, field]) => {
  if (field === 'parameters' || field === 'unique') return other.type === base.type ? { ...base, [field]: other[field] } : base;
  return { ...base, [field]: other[field as keyof TPMT_PUBLIC] } as TPMT_PUBLIC;
});
const anyPublic = (profile: string) => fc.oneof(schemaPublic, biased(BASES[profile]), biased(BASES[profile])).map(fast);

/** A format-one code's number must name something the command has. */
function checkNumber(name: string, rc: number): void {
  if (!(rc & 0x80)) return;
  const d = COMMANDS[name as keyof typeof COMMANDS];
  const n = (rc >> 8) & 0xf;
  if (rc & 0x40) expect(n).toBeLessThanOrEqual(d.params.length);
  else if (rc & 0x800) expect(n & 7).toBeLessThanOrEqual(3);
  else if (n) expect(n).toBeLessThanOrEqual(d.handles.length);
}

/** The Part 1 "Object Attributes" rules an accepted object keeps (written here from the text). */
function checkRules(t: TPMT_PUBLIC, primary: boolean): void {
  const a = t.objectAttributes;
  if (primary) expect(has(a, A.fixedTPM)).toBe(has(a, A.fixedParent));
  if (has(a, A.restricted)) expect(has(a, A.sign_encrypt) !== has(a, A.decrypt)).toBe(true);
  if (has(a, A.fixedTPM)) expect(has(a, A.encryptedDuplication)).toBe(false);
  if (t.type === TPM_ALG.RSA || t.type === TPM_ALG.ECC) {
    expect(has(a, A.sensitiveDataOrigin)).toBe(true);
    const sym = (t.parameters as { symmetric: { algorithm: number } }).symmetric.algorithm;
    expect(sym !== TPM_ALG.NULL).toBe(has(a, A.restricted) && has(a, A.decrypt));
  }
  const digest = createHash(NODE_HASH[t.nameAlg]).digest().length;
  expect(t.authPolicy.length === 0 || t.authPolicy.length === digest).toBe(true);
}

describe.each(['tpm2', 'tcm2'])('object commands with schema-derived public areas, profile %s', (profile) => {
  it('CreatePrimary, Create and LoadExternal: well-formed, state kept on refusal, accepted objects obey the rules', () => {
    const tpm = startedFuzzTpm(profile);
    const client = createClient(inProcess(tpm));
    const srkTemplateForProfile = profile === 'tcm2' ? srkTemplate({ alg: 'sm2-p256', unique: 'empty' }) : srkTemplate({ alg: 'ecc-p256', unique: 'empty' });
    const srkResponse = tpm.execute(
      client.encode('CreatePrimary', { primaryHandle: TPM_RH.OWNER, inSensitive: { sensitive: { userAuth: EMPTY, data: EMPTY } }, inPublic: { publicArea: srkTemplateForProfile }, outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } }),
    );
    expect(checkWellFormed(new Uint8Array([0x80, 0x02]), srkResponse)).toBe(0);
    const srk = new DataView(srkResponse.buffer, srkResponse.byteOffset).getUint32(10);
    let accepted = 0;
    const codes = new Set<number>();
    fc.assert(
      fc.property(anyPublic(profile), fc.constantFrom(TPM_RH.OWNER, TPM_RH.ENDORSEMENT, TPM_RH.PLATFORM, TPM_RH.NULL), fc.constantFrom('CreatePrimary', 'Create', 'LoadExternal'), fc.boolean(), (publicArea, hierarchy, command, withData) => {
        const inSensitive = { sensitive: { userAuth: EMPTY, data: withData ? Uint8Array.of(1, 2, 3, 4) : EMPTY } };
        let cmd: Uint8Array;
        try {
          cmd =
            command === 'CreatePrimary'
              ? client.encode('CreatePrimary', { primaryHandle: hierarchy, inSensitive, inPublic: { publicArea }, outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } })
              : command === 'Create'
                ? client.encode('Create', { parentHandle: srk, inSensitive, inPublic: { publicArea }, outsideInfo: EMPTY, creationPCR: { pcrSelections: [] } })
                : client.encode('LoadExternal', { inPrivate: {}, inPublic: { publicArea }, hierarchy });
        } catch {
          return; // a value the marshalling cannot express
        }
        const before = stateOf(tpm);
        const response = tpm.execute(cmd);
        const rc = checkWellFormed(cmd, response);
        codes.add(rc);
        if (rc !== 0) {
          expect(stateOf(tpm)).toEqual(before);
          checkNumber(command, rc);
          return;
        }
        accepted++;
        if (command === 'Create') {
          const out = client.decode('Create', response);
          checkRules(out.outPublic.publicArea, false);
          const name = out.creationData.creationData.parentName;
          expect(name.length).toBeGreaterThan(0);
          return;
        }
        const handle = new DataView(response.buffer, response.byteOffset).getUint32(10);
        const pub = client.decode('ReadPublic', tpm.execute(client.encode('ReadPublic', { objectHandle: handle })));
        const alg = pub.outPublic.publicArea.nameAlg;
        expect(Buffer.from(pub.name).toString('hex')).toBe(alg.toString(16).padStart(4, '0') + createHash(NODE_HASH[alg]).update(pub.outPublic.bytes!).digest('hex'));
        if (command === 'CreatePrimary') checkRules(pub.outPublic.publicArea, true);
        tpm.execute(client.encode('FlushContext', { flushHandle: handle }));
      }),
      { numRuns: 400, seed: profile === 'tpm2' ? 1 : 2 },
    );
    // The runs reach the object checks: acceptances and a spread of refusals.
    expect(accepted).toBeGreaterThan(10);
    expect(codes.size).toBeGreaterThan(8);
  }, 120_000);
});
