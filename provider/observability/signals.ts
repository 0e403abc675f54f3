import type { AuditType } from '../../adapters/audit-events.ts';
import { emailCodes, passwordFailures, signIns } from './metrics.ts';

/** Counts what an audit event says happened, so metrics and the audit trail never disagree. */
export function countAuditEvent(
  type: AuditType,
  tenant: string,
  detail?: Record<string, unknown>,
): void {
  switch (type) {
    case 'signin.succeeded': {
      const amr = String(detail?.amr ?? '');
      const method = amr.includes('fed') ? 'fed' : amr.includes('otp') ? 'mfa' : 'pwd';
      signIns.inc({ tenant, method });
      return;
    }
    case 'code.sent':
      return void emailCodes.inc({ tenant, outcome: 'sent' });
    case 'code.failed':
      return void emailCodes.inc({ tenant, outcome: 'failed' });
    case 'code.locked':
      return void emailCodes.inc({ tenant, outcome: 'locked' });
    case 'code.send-limited':
      return void emailCodes.inc({ tenant, outcome: 'send-limited' });
    case 'code.send-failed':
      return void emailCodes.inc({ tenant, outcome: 'send-failed' });
    case 'password.failed':
      return void passwordFailures.inc({ tenant, outcome: 'failed' });
    case 'password.locked':
      return void passwordFailures.inc({ tenant, outcome: 'locked' });
  }
}
