import type { HandlerTable } from '../handler.js';
import { ActivateCredential } from './ActivateCredential.js';
import { Create } from './Create.js';
import { CreateLoaded } from './CreateLoaded.js';
import { Load } from './Load.js';
import { LoadExternal } from './LoadExternal.js';
import { MakeCredential } from './MakeCredential.js';
import { ObjectChangeAuth } from './ObjectChangeAuth.js';
import { ReadPublic } from './ReadPublic.js';
import { Unseal } from './Unseal.js';

/** Part 3 "Object Commands". */
export const objectHandlers: HandlerTable = { Create, Load, LoadExternal, ReadPublic, Unseal, ObjectChangeAuth, CreateLoaded, MakeCredential, ActivateCredential };
