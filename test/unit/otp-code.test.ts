import { expect } from 'chai';
import {
  checkOtpCode,
  generateOtpCode,
  hashOtpCode,
  isSameCode,
  type StoredOtp,
} from '../../lib/auth/otp-code.js';

describe('OTP codes', () => {
  const secret = 'unit-secret-0123456789-0123456789';
  const phone = '+77011234567';
  const settings = { secret, maxAttempts: 5 };
  const issuedAt = new Date('2026-11-26T10:00:00Z');
  const plusSeconds = (s: number) => new Date(issuedAt.getTime() + s * 1000);
  const stored = (code: string, failed = 0): StoredOtp => ({
    code_hash: hashOtpCode(secret, phone, code),
    expires_at: plusSeconds(300),
    failed_attempts: failed,
  });

  it('when codes are generated, then each is 6 digits and they vary', () => {
    const codes = Array.from({ length: 200 }, generateOtpCode);
    for (const code of codes) expect(code).to.match(/^\d{6}$/);
    expect(new Set(codes).size).to.be.greaterThan(190);
  });

  it('when a code is hashed, then the hash hides it and depends on phone and secret', () => {
    const hash = hashOtpCode(secret, phone, '123456');
    expect(hash).to.match(/^[0-9a-f]{64}$/);
    expect(hash).not.to.include('123456');
    expect(hashOtpCode(secret, phone, '123456')).to.equal(hash);
    expect(hashOtpCode(secret, '+77011234568', '123456')).not.to.equal(hash);
    expect(hashOtpCode('another-secret-0123456789-01234', phone, '123456')).not.to.equal(hash);
  });

  it('when compared, then equal strings match and others do not', () => {
    expect(isSameCode('123456', '123456')).to.equal(true);
    expect(isSameCode('123456', '123457')).to.equal(false);
    expect(isSameCode('123456', '1234567')).to.equal(false);
  });

  it('when the right code comes in time, then it is accepted', () => {
    const check = checkOtpCode(
      stored('123456'),
      { phone, code: '123456' },
      settings,
      plusSeconds(299),
    );
    expect(check).to.deep.equal({ outcome: 'accepted' });
  });

  it('when the right code comes at or after expiry, then the code is dead', () => {
    expect(
      checkOtpCode(stored('123456'), { phone, code: '123456' }, settings, plusSeconds(300)),
    ).to.deep.equal({ outcome: 'dead' });
    expect(
      checkOtpCode(stored('123456'), { phone, code: '123456' }, settings, plusSeconds(3600)),
    ).to.deep.equal({ outcome: 'dead' });
  });

  it('when a wrong code comes, then the tries left are counted down to zero', () => {
    const left = [0, 1, 2, 3, 4].map((failed) => {
      const check = checkOtpCode(
        stored('123456', failed),
        { phone, code: '000000' },
        settings,
        issuedAt,
      );
      return check.outcome === 'wrong' ? check.attemptsLeft : null;
    });
    expect(left).to.deep.equal([4, 3, 2, 1, 0]);
  });

  it('when the tries are used up, then even the right code is refused', () => {
    const check = checkOtpCode(stored('123456', 5), { phone, code: '123456' }, settings, issuedAt);
    expect(check).to.deep.equal({ outcome: 'dead' });
  });

  it('when no code was stored, then the try is dead', () => {
    expect(checkOtpCode(undefined, { phone, code: '123456' }, settings, issuedAt)).to.deep.equal({
      outcome: 'dead',
    });
  });

  it('when the code was issued for another phone, then it does not match', () => {
    const check = checkOtpCode(
      stored('123456'),
      { phone: '+77011234568', code: '123456' },
      settings,
      issuedAt,
    );
    expect(check.outcome).to.equal('wrong');
  });
});
