import type { HandlerTable } from '../handler.js';
import { GetTestResult } from './GetTestResult.js';
import { IncrementalSelfTest } from './IncrementalSelfTest.js';
import { SelfTest } from './SelfTest.js';

export const testingHandlers: HandlerTable = { SelfTest, IncrementalSelfTest, GetTestResult };
