/** Every implemented command handler, by command name (one table per Part 3 chapter). */
import type { HandlerTable } from './handler.js';
import { startupHandlers } from './09-startup/index.js';
import { testingHandlers } from './10-testing/index.js';
import { sessionHandlers } from './11-session/index.js';
import { objectHandlers } from './12-object/index.js';
import { duplicationHandlers } from './13-duplication/index.js';
import { asymmetricHandlers } from './14-asymmetric/index.js';
import { miscManagementHandlers } from './26-misc-management/index.js';
import { symmetricHandlers } from './15-symmetric/index.js';
import { randomHandlers } from './16-random/index.js';
import { sequenceHandlers } from './17-hash-hmac-sequences/index.js';
import { attestationHandlers } from './18-attestation/index.js';
import { ephemeralEcHandlers } from './19-ephemeral-ec/index.js';
import { signingHandlers } from './20-signing/index.js';
import { commandAuditHandlers } from './21-command-audit/index.js';
import { pcrHandlers } from './22-pcr/index.js';
import { policyHandlers } from './23-enhanced-authorization/index.js';
import { hierarchyHandlers } from './24-hierarchy/index.js';
import { dictionaryAttackHandlers } from './25-dictionary-attack/index.js';
import { contextHandlers } from './28-context/index.js';
import { clockHandlers } from './29-clocks-timers/index.js';
import { capabilityHandlers } from './30-capability/index.js';
import { nvHandlers } from './31-nv/index.js';

export const HANDLERS: HandlerTable = {
  ...startupHandlers,
  ...testingHandlers,
  ...sessionHandlers,
  ...objectHandlers,
  ...duplicationHandlers,
  ...asymmetricHandlers,
  ...symmetricHandlers,
  ...randomHandlers,
  ...sequenceHandlers,
  ...attestationHandlers,
  ...ephemeralEcHandlers,
  ...signingHandlers,
  ...commandAuditHandlers,
  ...pcrHandlers,
  ...policyHandlers,
  ...hierarchyHandlers,
  ...dictionaryAttackHandlers,
  ...miscManagementHandlers,
  ...contextHandlers,
  ...clockHandlers,
  ...capabilityHandlers,
  ...nvHandlers,
};
