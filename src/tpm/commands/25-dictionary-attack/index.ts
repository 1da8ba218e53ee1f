import type { HandlerTable } from '../handler.js';
import { DictionaryAttackLockReset } from './DictionaryAttackLockReset.js';
import { DictionaryAttackParameters } from './DictionaryAttackParameters.js';

/** Part 3 "Dictionary Attack Functions". */
export const dictionaryAttackHandlers: HandlerTable = { DictionaryAttackLockReset, DictionaryAttackParameters };
