/**
 * TPM 2.0 Library Part 2 (Structures), revision 1.59: base types, types for documentation clarity, handle type and logic values.
 * Transcribed from the specification tables; see spec/README.md for the notation mapping.
 */
import { defineTypes } from '../schema.js';

export const baseTypes = defineTypes([
  { kind: 'base', name: 'UINT8', size: 1, signed: false, source: { part: 2, title: 'Definition of Base Types' } },
  { kind: 'base', name: 'BYTE', size: 1, signed: false, source: { part: 2, title: 'Definition of Base Types' } },
  { kind: 'base', name: 'INT8', size: 1, signed: true, source: { part: 2, title: 'Definition of Base Types' } },
  { kind: 'base', name: 'BOOL', size: 1, signed: false, source: { part: 2, title: 'Definition of Base Types' } },
  { kind: 'base', name: 'UINT16', size: 2, signed: false, source: { part: 2, title: 'Definition of Base Types' } },
  { kind: 'base', name: 'INT16', size: 2, signed: true, source: { part: 2, title: 'Definition of Base Types' } },
  { kind: 'base', name: 'UINT32', size: 4, signed: false, source: { part: 2, title: 'Definition of Base Types' } },
  { kind: 'base', name: 'INT32', size: 4, signed: true, source: { part: 2, title: 'Definition of Base Types' } },
  { kind: 'base', name: 'UINT64', size: 8, signed: false, source: { part: 2, title: 'Definition of Base Types' } },
  { kind: 'base', name: 'INT64', size: 8, signed: true, source: { part: 2, title: 'Definition of Base Types' } },
  {
    kind: 'constants',
    name: 'LOGIC_VALUES',
    base: 'UINT8',
    source: { part: 2, title: 'Defines for Logic Values' },
    values: [
      { name: 'TRUE', value: 1 },
      { name: 'FALSE', value: 0 },
      { name: 'YES', value: 1 },
      { name: 'NO', value: 0 },
      { name: 'SET', value: 1 },
      { name: 'CLEAR', value: 0 },
    ],
  },
  { kind: 'alias', name: 'TPM_ALGORITHM_ID', type: 'UINT32', source: { part: 2, title: 'Definition of Types for Documentation Clarity' } },
  { kind: 'alias', name: 'TPM_MODIFIER_INDICATOR', type: 'UINT32', source: { part: 2, title: 'Definition of Types for Documentation Clarity' } },
  { kind: 'alias', name: 'TPM_AUTHORIZATION_SIZE', type: 'UINT32', source: { part: 2, title: 'Definition of Types for Documentation Clarity' } },
  { kind: 'alias', name: 'TPM_PARAMETER_SIZE', type: 'UINT32', source: { part: 2, title: 'Definition of Types for Documentation Clarity' } },
  { kind: 'alias', name: 'TPM_KEY_SIZE', type: 'UINT16', source: { part: 2, title: 'Definition of Types for Documentation Clarity' } },
  { kind: 'alias', name: 'TPM_KEY_BITS', type: 'UINT16', source: { part: 2, title: 'Definition of Types for Documentation Clarity' } },
  { kind: 'alias', name: 'TPM_HANDLE', type: 'UINT32', source: { part: 2, title: 'Definition of Types for Handles' } },
]);
