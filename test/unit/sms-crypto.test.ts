import { expect } from 'chai';
import { openSmsPayload, sealSmsPayload } from '../../lib/sms/sms-crypto.js';

describe('SMS sealing', () => {
  const secret = 'unit-secret-0123456789-0123456789';
  const payload = { phone: '+77011234567', text: 'Invo: код для входа 123456.' };

  it('when a message is sealed, then it opens to the same message and hides it', () => {
    const sealed = sealSmsPayload(secret, payload);
    expect(sealed).to.match(/^v1\./);
    expect(sealed).not.to.include('7011234567');
    expect(sealed).not.to.include('123456');
    expect(openSmsPayload(secret, sealed)).to.deep.equal(payload);
  });

  it('when the same message is sealed twice, then the ciphertexts differ', () => {
    expect(sealSmsPayload(secret, payload)).not.to.equal(sealSmsPayload(secret, payload));
  });

  it('when the sealed text is altered, then it does not open', () => {
    const sealed = sealSmsPayload(secret, payload);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => openSmsPayload(secret, parts.join('.'))).to.throw();
  });

  it('when another secret is used, then it does not open', () => {
    const sealed = sealSmsPayload(secret, payload);
    expect(() => openSmsPayload('other-secret-0123456789-0123456789', sealed)).to.throw();
  });
});
