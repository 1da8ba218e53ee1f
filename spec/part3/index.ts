/** All of TPM 2.0 Library Part 3 as declared in this directory, clause by clause. */
import { defineCommands } from '../schema.js';
import { startupCommands } from './09-startup.js';
import { testingCommands } from './10-testing.js';
import { sessionCommands } from './11-session.js';
import { objectCommands } from './12-object.js';
import { duplicationCommands } from './13-duplication.js';
import { asymmetricCommands } from './14-asymmetric.js';
import { symmetricCommands } from './15-symmetric.js';
import { randomCommands } from './16-random.js';
import { hashHmacSequencesCommands } from './17-hash-hmac-sequences.js';
import { attestationCommands } from './18-attestation.js';
import { ephemeralEcCommands } from './19-ephemeral-ec.js';
import { signingCommands } from './20-signing.js';
import { commandAuditCommands } from './21-command-audit.js';
import { pcrCommands } from './22-pcr.js';
import { enhancedAuthorizationCommands } from './23-enhanced-authorization.js';
import { hierarchyCommands } from './24-hierarchy.js';
import { dictionaryAttackCommands } from './25-dictionary-attack.js';
import { miscManagementCommands } from './26-misc-management.js';
import { fieldUpgradeCommands } from './27-field-upgrade.js';
import { contextCommands } from './28-context.js';
import { clocksTimersCommands } from './29-clocks-timers.js';
import { capabilityCommands } from './30-capability.js';
import { nvCommands } from './31-nv.js';
import { attachedComponentsCommands } from './32-attached-components.js';
import { actCommands } from './33-act.js';
import { vendorCommands } from './34-vendor.js';

export const part3Commands = defineCommands([
  ...startupCommands,
  ...testingCommands,
  ...sessionCommands,
  ...objectCommands,
  ...duplicationCommands,
  ...asymmetricCommands,
  ...symmetricCommands,
  ...randomCommands,
  ...hashHmacSequencesCommands,
  ...attestationCommands,
  ...ephemeralEcCommands,
  ...signingCommands,
  ...commandAuditCommands,
  ...pcrCommands,
  ...enhancedAuthorizationCommands,
  ...hierarchyCommands,
  ...dictionaryAttackCommands,
  ...miscManagementCommands,
  ...fieldUpgradeCommands,
  ...contextCommands,
  ...clocksTimersCommands,
  ...capabilityCommands,
  ...nvCommands,
  ...attachedComponentsCommands,
  ...actCommands,
  ...vendorCommands,
]);
