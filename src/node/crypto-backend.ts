/**
 * One-shot digests through node:crypto (OpenSSL with SHA extensions): the same values as the
 * pure implementation, several times faster on large inputs. `serve()` and the CLI use it.
 */
import { createHash, getHashes } from 'node:crypto';
import type { CryptoBackend } from '../crypto/registry.js';
import { TPM_ALG } from '../gen/constants.js';

const NAMES: { readonly [alg: number]: string } = {
  [TPM_ALG.SHA1]: 'sha1',
  [TPM_ALG.SHA256]: 'sha256',
  [TPM_ALG.SHA384]: 'sha384',
  [TPM_ALG.SHA512]: 'sha512',
  [TPM_ALG.SM3_256]: 'sm3',
};

export function nodeCryptoBackend(): CryptoBackend {
  const available = new Set(getHashes());
  const names = new Map(Object.entries(NAMES).filter(([, n]) => available.has(n)).map(([a, n]) => [Number(a), n]));
  return {
    digest(alg, parts) {
      const name = names.get(alg);
      if (!name) return undefined;
      const h = createHash(name);
      for (const p of parts) h.update(p);
      const d = h.digest();
      return new Uint8Array(d);
    },
  };
}
