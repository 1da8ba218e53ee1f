import type { HandlerTable } from '../handler.js';
import { PolicyAuthorize } from './PolicyAuthorize.js';
import { PolicyAuthorizeNV } from './PolicyAuthorizeNV.js';
import { PolicyAuthValue } from './PolicyAuthValue.js';
import { PolicyCommandCode } from './PolicyCommandCode.js';
import { PolicyCounterTimer } from './PolicyCounterTimer.js';
import { PolicyCpHash } from './PolicyCpHash.js';
import { PolicyDuplicationSelect } from './PolicyDuplicationSelect.js';
import { PolicyGetDigest } from './PolicyGetDigest.js';
import { PolicyLocality } from './PolicyLocality.js';
import { PolicyNameHash } from './PolicyNameHash.js';
import { PolicyNV } from './PolicyNV.js';
import { PolicyNvWritten } from './PolicyNvWritten.js';
import { PolicyOR } from './PolicyOR.js';
import { PolicyParameters } from './PolicyParameters.js';
import { PolicyPassword } from './PolicyPassword.js';
import { PolicyPCR } from './PolicyPCR.js';
import { PolicyPhysicalPresence } from './PolicyPhysicalPresence.js';
import { PolicySecret } from './PolicySecret.js';
import { PolicySigned } from './PolicySigned.js';
import { PolicyTemplate } from './PolicyTemplate.js';
import { PolicyTicket } from './PolicyTicket.js';

export const policyHandlers: HandlerTable = {
  PolicySigned,
  PolicySecret,
  PolicyTicket,
  PolicyOR,
  PolicyPCR,
  PolicyLocality,
  PolicyNV,
  PolicyCounterTimer,
  PolicyCommandCode,
  PolicyPhysicalPresence,
  PolicyCpHash,
  PolicyNameHash,
  PolicyDuplicationSelect,
  PolicyAuthorize,
  PolicyAuthValue,
  PolicyPassword,
  PolicyGetDigest,
  PolicyNvWritten,
  PolicyTemplate,
  PolicyAuthorizeNV,
  PolicyParameters,
};
