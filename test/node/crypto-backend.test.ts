/** nodeCryptoBackend(): the same TPM answers with OpenSSL digests as with the pure ones. */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/client.js';
import { inProcess } from '../../src/client/transport.js';
import { TPM_ALG, TPM_RH } from '../../src/gen/constants.js';
import { nodeCryptoBackend } from '../../src/node/crypto-backend.js';
import { createTpm } from '../../src/tpm/engine.js';

describe.each([
  ['tpm2', [TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512, TPM_ALG.SM3_256]],
  ['tcm2', [TPM_ALG.SM3_256]],
])('nodeCryptoBackend, profile %s', (profile, hashes) => {
  it('gives byte-identical responses to the pure TPM for hashing and PCR work', async () => {
    const pure = createTpm({ profile, seed: 'same' });
    const fast = createTpm({ profile, seed: 'same', cryptoBackend: nodeCryptoBackend() });
    const cp = createClient(inProcess(pure));
    const cf = createClient(inProcess(fast));
    for (const c of [cp, cf]) await c.startup();
    for (const hashAlg of hashes) {
      for (const size of [0, 3, 64, 1000, 1024]) {
        const data = Uint8Array.from({ length: size }, (_, i) => (i * 7 + hashAlg) & 0xff);
        const cmd = cp.encode('Hash', { data, hashAlg, hierarchy: TPM_RH.OWNER } as never);
        expect(fast.execute(cmd)).toEqual(pure.execute(cmd));
      }
      const ev = cp.encode('PCR_Event', { pcrHandle: 16, eventData: Uint8Array.of(1, 2, 3) } as never);
      expect(fast.execute(ev)).toEqual(pure.execute(ev));
    }
    const read = cp.encode('PCR_Read', { pcrSelectionIn: { pcrSelections: hashes.map((hash) => ({ hash, pcrSelect: Uint8Array.of(0, 0, 1) })) } } as never);
    expect(fast.execute(read)).toEqual(pure.execute(read));
  });
});
