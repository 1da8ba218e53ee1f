import type { HandlerTable } from '../handler.js';
import { Certify } from './Certify.js';
import { CertifyCreation } from './CertifyCreation.js';
import { CertifyX509 } from './CertifyX509.js';
import { GetCommandAuditDigest } from './GetCommandAuditDigest.js';
import { GetSessionAuditDigest } from './GetSessionAuditDigest.js';
import { GetTime } from './GetTime.js';
import { Quote } from './Quote.js';

/** Part 3 "Attestation Commands". */
export const attestationHandlers: HandlerTable = { Certify, CertifyCreation, CertifyX509, Quote, GetSessionAuditDigest, GetCommandAuditDigest, GetTime };
