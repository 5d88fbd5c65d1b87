import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { createLogSmsProvider } from '../../lib/sms/log-sms-provider.js';

describe('log SMS provider', () => {
  it('when a message is "sent", then the log shows the masked phone and never the text', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const provider = createLogSmsProvider(pino({ level: 'info' }, sink));
    await provider.send(
      '+77011234567',
      'Invo: код для входа 493817.',
      new AbortController().signal,
    );
    const logged = lines.join('');
    expect(logged).to.include('+7701*****67');
    expect(logged).not.to.include('7011234567');
    expect(logged).not.to.include('493817');
  });
});
