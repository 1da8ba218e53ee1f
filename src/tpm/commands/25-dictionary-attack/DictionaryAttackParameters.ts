import type { Handler } from '../handler.js';

/**
 * TPM2_DictionaryAttackParameters (Part 3 "TPM2_DictionaryAttackParameters"): maxTries,
 * recoveryTime and lockoutRecovery. failedTries is left as it is (the errata the reference
 * follows): a smaller maxTries may put the TPM into lockout at once.
 */
export const DictionaryAttackParameters: Handler<'DictionaryAttackParameters'> = (ctx, { newMaxTries, newRecoveryTime, lockoutRecovery }) => {
  const p = ctx.write('persistent');
  p.da = { ...p.da, maxTries: newMaxTries, recoveryTime: newRecoveryTime, lockoutRecovery };
  return {};
};
