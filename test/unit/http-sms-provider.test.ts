import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createHttpSmsProvider, fillSmsUrlTemplate } from '../../lib/sms/http-sms-provider.js';
import { SmsDeliveryError } from '../../lib/sms/sms-provider.js';

interface Received {
  method: string;
  url: string;
  body: string;
  contentType: string | undefined;
}

describe('HTTP SMS provider against a fake gateway', () => {
  let server: Server;
  let baseUrl: string;
  let received: Received[];
  let answer: (req: IncomingMessage, res: ServerResponse) => void;

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          body,
          contentType: req.headers['content-type'],
        });
        answer(req, res);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    received = [];
    answer = (_req, res) => res.end('OK');
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const phone = '+77011234567';
  const text = 'Invo: код 123456 & co';
  const provider = (overrides: Partial<Parameters<typeof createHttpSmsProvider>[0]> = {}) =>
    createHttpSmsProvider({
      urlTemplate: `${baseUrl}/sys/send.php?login=l&psw=p&phones={phone}&mes={text}`,
      method: 'GET',
      // Roomy: a loaded CI machine must not turn a local answer into a timeout.
      timeoutMs: 3000,
      failurePattern: '',
      ...overrides,
    });
  const sendExpectingError = async (p = provider()): Promise<SmsDeliveryError> => {
    try {
      await p.send(phone, text, new AbortController().signal);
    } catch (e: unknown) {
      expect(e).to.be.instanceOf(SmsDeliveryError);
      return e as SmsDeliveryError;
    }
    return expect.fail('the send should have failed');
  };

  it('when the template is filled, then every placeholder is URL-encoded', () => {
    expect(
      fillSmsUrlTemplate('https://g/?to={phone}&d={phone_digits}&m={text}', phone, 'a b&c'),
    ).to.equal('https://g/?to=%2B77011234567&d=77011234567&m=a%20b%26c');
  });

  it('when the gateway answers 200 to a GET, then the send succeeds with phone and text intact', async () => {
    await provider().send(phone, text, new AbortController().signal);
    expect(received).to.have.length(1);
    const url = new URL(received[0]!.url, baseUrl);
    expect(received[0]!.method).to.equal('GET');
    expect(url.pathname).to.equal('/sys/send.php');
    expect(url.searchParams.get('phones')).to.equal(phone);
    expect(url.searchParams.get('mes')).to.equal(text);
  });

  it('when the method is POST, then the query goes as a form body, not in the URL', async () => {
    await provider({ method: 'POST' }).send(phone, text, new AbortController().signal);
    expect(received[0]!.method).to.equal('POST');
    expect(received[0]!.url).to.equal('/sys/send.php');
    expect(received[0]!.contentType).to.equal('application/x-www-form-urlencoded');
    const form = new URLSearchParams(received[0]!.body);
    expect(form.get('phones')).to.equal(phone);
    expect(form.get('mes')).to.equal(text);
    expect(form.get('psw')).to.equal('p');
  });

  it('when the gateway answers 503, then the error is retryable and quotes no secret', async () => {
    answer = (_req, res) => {
      res.statusCode = 503;
      res.end('busy');
    };
    const error = await sendExpectingError();
    expect(error.retryable).to.equal(true);
    expect(error.message).to.equal('SMS gateway answered 503');
  });

  it('when the gateway does not answer in time, then the error is a retryable timeout', async () => {
    answer = (_req, res) => setTimeout(() => res.end('late'), 5000).unref();
    const started = Date.now();
    const error = await sendExpectingError(provider({ timeoutMs: 300 }));
    expect(Date.now() - started).to.be.lessThan(4000);
    expect(error.retryable).to.equal(true);
    expect(error.message).to.match(/timed out/);
    expect(error.message).not.to.include('127.0.0.1');
  });

  it('when the gateway answers 400 or 401, then the error is not retryable', async () => {
    for (const status of [400, 401, 403, 404]) {
      answer = (_req, res) => {
        res.statusCode = status;
        res.end('bad');
      };
      const error = await sendExpectingError();
      expect(error.retryable, String(status)).to.equal(false);
    }
  });

  it('when the gateway answers 429, then the error is retryable', async () => {
    answer = (_req, res) => {
      res.statusCode = 429;
      res.end('slow down');
    };
    expect((await sendExpectingError()).retryable).to.equal(true);
  });

  it('when a 200 body matches the failure pattern, then the send fails and may be retried', async () => {
    answer = (_req, res) => res.end('{"error":"no money","error_code":3}');
    const error = await sendExpectingError(provider({ failurePattern: '"error"' }));
    expect(error.retryable).to.equal(true);
    answer = (_req, res) => res.end('{"id":15,"cnt":1}');
    await provider({ failurePattern: '"error"' }).send(phone, text, new AbortController().signal);
  });

  it('when nobody listens, then the error is retryable and hides the URL', async () => {
    const closed = createHttpSmsProvider({
      urlTemplate: 'http://127.0.0.1:1/send?to={phone}&text={text}',
      method: 'GET',
      timeoutMs: 3000,
      failurePattern: '',
    });
    const error = await sendExpectingError(closed);
    expect(error.retryable).to.equal(true);
    expect(error.message).not.to.include('7011234567');
  });

  it('when the job is aborted, then the send stops', async () => {
    answer = (_req, res) => setTimeout(() => res.end('late'), 5000).unref();
    const controller = new AbortController();
    const sending = provider({ timeoutMs: 10_000 }).send(phone, text, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const error = await sending.then(
      () => expect.fail('should have been aborted'),
      (e: unknown) => e as SmsDeliveryError,
    );
    expect(error.message).to.match(/aborted/);
  });
});
