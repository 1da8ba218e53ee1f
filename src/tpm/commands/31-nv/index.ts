import type { HandlerTable } from '../handler.js';
import { NV_Certify } from './NV_Certify.js';
import { NV_ChangeAuth } from './NV_ChangeAuth.js';
import { NV_DefineSpace } from './NV_DefineSpace.js';
import { NV_Extend } from './NV_Extend.js';
import { NV_GlobalWriteLock } from './NV_GlobalWriteLock.js';
import { NV_Increment } from './NV_Increment.js';
import { NV_Read } from './NV_Read.js';
import { NV_ReadLock } from './NV_ReadLock.js';
import { NV_ReadPublic } from './NV_ReadPublic.js';
import { NV_SetBits } from './NV_SetBits.js';
import { NV_UndefineSpace } from './NV_UndefineSpace.js';
import { NV_UndefineSpaceSpecial } from './NV_UndefineSpaceSpecial.js';
import { NV_Write } from './NV_Write.js';
import { NV_WriteLock } from './NV_WriteLock.js';

/** Part 3 "Non-volatile Storage". */
export const nvHandlers: HandlerTable = {
  NV_DefineSpace,
  NV_UndefineSpace,
  NV_UndefineSpaceSpecial,
  NV_ReadPublic,
  NV_Write,
  NV_Increment,
  NV_Extend,
  NV_SetBits,
  NV_WriteLock,
  NV_GlobalWriteLock,
  NV_Read,
  NV_ReadLock,
  NV_ChangeAuth,
  NV_Certify,
};
