import { hierarchyCheck } from '../../dispatch/entities.js';
import type { CommandContext } from '../../context.js';
import { tpmError } from '../../errors.js';

/**
 * TPM_RC_HIERARCHY on the named handle when it names a disabled hierarchy (Part 1 "Hierarchy
 * Control"). The dispatcher makes this check for every handle before authorization; the
 * hierarchy commands repeat it for their own authorization handle.
 */
export function requireEnabled(ctx: CommandContext, field: string, handle: number): void {
  const rc = hierarchyCheck(ctx, handle);
  if (rc) throw tpmError(rc, `hierarchy 0x${handle.toString(16)} is disabled`).at(field);
}
