/** Where a queued SMS stands (the `sms_messages.status` column's values). */
export type SmsStatus = 'pending' | 'sent' | 'failed' | 'expired';

/** After these a message is never touched again, so housekeeping may delete it. */
export const finishedSmsStatuses: readonly SmsStatus[] = ['sent', 'failed', 'expired'];
