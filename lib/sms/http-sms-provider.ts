/**
 * A generic HTTP SMS gateway (SMSC.kz, Mobizon and most others speak this shape). The URL
 * template holds the credentials and the placeholders `{phone}` (E.164, `+7…`),
 * `{phone_digits}` (E.164 without `+`) and `{text}`, each URL-encoded when filled in.
 * GET calls the filled URL; POST sends the template's query string as a form body to the
 * URL without it, which keeps the credentials and the code out of proxy logs.
 *
 * Outcome: 2xx is sent (unless the body matches the failure pattern, for gateways that answer
 * errors with 200); 408, 425, 429, 5xx, timeouts and network errors may pass on a retry;
 * any other 4xx cannot succeed by retrying.
 */
import { SmsDeliveryError, type SmsProvider } from './sms-provider.js';

export interface HttpSmsSettings {
  urlTemplate: string;
  method: 'GET' | 'POST';
  timeoutMs: number;
  /** A regular expression; empty for none. */
  failurePattern: string;
}

const retryableClientStatuses = new Set([408, 425, 429]);

export function fillSmsUrlTemplate(template: string, phone: string, text: string): string {
  const values: Record<string, string> = {
    phone,
    phone_digits: phone.replace(/^\+/, ''),
    text,
  };
  return template.replace(/\{(phone_digits|phone|text)\}/g, (_match, name: string) =>
    encodeURIComponent(values[name] ?? ''),
  );
}

function buildRequest(settings: HttpSmsSettings, phone: string, text: string) {
  const url = fillSmsUrlTemplate(settings.urlTemplate, phone, text);
  if (settings.method === 'GET') return { url, init: { method: 'GET' } };
  const queryAt = url.indexOf('?');
  return {
    url: queryAt >= 0 ? url.slice(0, queryAt) : url,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: queryAt >= 0 ? url.slice(queryAt + 1) : '',
    },
  };
}

function classifyStatus(status: number): SmsDeliveryError | null {
  if (status >= 200 && status < 300) return null;
  const permanent = status >= 400 && status < 500 && !retryableClientStatuses.has(status);
  return new SmsDeliveryError(`SMS gateway answered ${status}`, !permanent);
}

export function createHttpSmsProvider(settings: HttpSmsSettings): SmsProvider {
  const failure = settings.failurePattern ? new RegExp(settings.failurePattern) : null;
  return {
    async send(phone, text, signal) {
      const { url, init } = buildRequest(settings, phone, text);
      const timeout = AbortSignal.timeout(settings.timeoutMs);
      let response: Response;
      let body: string;
      try {
        response = await fetch(url, { ...init, signal: AbortSignal.any([signal, timeout]) });
        body = await response.text();
      } catch {
        // The error of fetch may quote the URL, which holds the phone and the code: drop it.
        const reason = timeout.aborted ? 'timed out' : signal.aborted ? 'was aborted' : 'failed';
        throw new SmsDeliveryError(`SMS gateway request ${reason}`, true);
      }
      const statusError = classifyStatus(response.status);
      if (statusError) throw statusError;
      if (failure?.test(body)) {
        throw new SmsDeliveryError('SMS gateway reported a failure in its answer', true);
      }
    },
  };
}
