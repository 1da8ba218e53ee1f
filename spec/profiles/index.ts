import type { ProfileSpec } from '../../src/tpm/profile-spec.js';
import { tcm2 } from './tcm2.js';
import { pcClient, tpm2 } from './tpm2.js';

/** The profiles vtpm ships, by name. */
export const profileSpecs: { readonly [name: string]: ProfileSpec } = { tpm2, tcm2, 'pc-client': pcClient };
