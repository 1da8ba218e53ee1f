/** All of TPM 2.0 Library Part 2 as declared in this directory, file by file in clause order. */
import { defineTypes } from '../schema.js';
import { baseTypes } from './base-types.js';
import { constantTypes } from './constants.js';
import { attributeTypes } from './attributes.js';
import { interfaceTypes } from './interfaces.js';
import { structureTypes } from './structures.js';
import { algorithmTypes } from './algorithms.js';
import { objectTypes } from './objects.js';
import { nvTypes } from './nv.js';
import { contextTypes } from './context.js';
import { attachedComponentTypes } from './attached-components.js';

export const part2Types = defineTypes([
  ...baseTypes,
  ...constantTypes,
  ...attributeTypes,
  ...interfaceTypes,
  ...structureTypes,
  ...algorithmTypes,
  ...objectTypes,
  ...nvTypes,
  ...contextTypes,
  ...attachedComponentTypes,
]);
