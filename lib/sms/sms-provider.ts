/**
 * Where text messages go. A provider sends one message or throws SmsDeliveryError saying
 * whether trying again could help; the queue does the retrying.
 */
export interface SmsProvider {
  send(phone: string, text: string, signal: AbortSignal): Promise<void>;
}

/** A failed send. Its message never holds the phone, the text or the gateway URL. */
export class SmsDeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'SmsDeliveryError';
  }
}
