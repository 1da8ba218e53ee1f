import type { Handler } from '../handler.js';

/**
 * TPM2_DictionaryAttackLockReset (Part 3 "TPM2_DictionaryAttackLockReset"): failedTries to
 * zero, which ends a lockout. Authorized by lockoutAuth (or lockoutPolicy).
 */
export const DictionaryAttackLockReset: Handler<'DictionaryAttackLockReset'> = (ctx) => {
  const p = ctx.write('persistent');
  p.da = { ...p.da, failedTries: 0 };
  return {};
};
