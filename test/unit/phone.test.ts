import { expect } from 'chai';
import { AppError } from '../../lib/errors/app-error.js';
import { normalizePhone, normalizeTestNumbers, parsePhone } from '../../lib/auth/phone.js';

describe('phone normalisation', () => {
  const samePerson = [
    '+7 (777) 777-77-77',
    '87777777777',
    '8 777 777 77 77',
    '7777 777 7777',
    '77777777777',
    '+77777777777',
    '  +7-777-777-7777  ',
    '8(777)777.77.77',
  ];
  for (const raw of samePerson) {
    it(`when "${raw}" is given in KZ, then it is +77777777777`, () => {
      expect(normalizePhone(raw, 'KZ')).to.equal('+77777777777');
    });
  }

  const table: [string, string, string][] = [
    ['8 (701) 123-45-67', 'KZ', '+77011234567'],
    ['+7 916 123-45-67', 'KZ', '+79161234567'],
    ['+44 7911 123456', 'KZ', '+447911123456'],
    ['7011234567', 'KZ', '+77011234567'],
    ['+7 7122 12 34 56', 'KZ', 'not_mobile'],
    ['12345', 'KZ', 'invalid'],
    ['', 'KZ', 'invalid'],
    ['abc', 'KZ', 'invalid'],
    ['+7 (777) 777-77-77foo', 'KZ', 'invalid'],
    ['+7 (777) 777-77-77 ext 5', 'KZ', 'invalid'],
    ['+7 000 000 0000', 'KZ', 'invalid'],
    ['+7777777777777777777777777777777777', 'KZ', 'invalid'],
  ];
  for (const [raw, country, expected] of table) {
    it(`when "${raw}" is given in ${country}, then ${expected}`, () => {
      const result = parsePhone(raw, country);
      if (expected === 'invalid' || expected === 'not_mobile') {
        expect(result).to.deep.equal({ problem: expected });
      } else {
        expect(result).to.deep.equal({ phone: expected });
      }
    });
  }

  it('when the phone is bad, then a validation error names the field', () => {
    try {
      normalizePhone('12345', 'KZ', 'phone');
      expect.fail('should have thrown');
    } catch (e: unknown) {
      expect(e).to.be.instanceOf(AppError);
      expect((e as AppError).code).to.equal('validation_failed');
      expect((e as AppError).fields).to.have.property('phone');
    }
  });

  it('when test numbers are configured in any spelling, then they are keyed by E.164', () => {
    const map = normalizeTestNumbers(
      [
        { phone: '8 777 777 77 77', code: '111111' },
        { phone: '+7 701 000 00 01', code: '222222' },
      ],
      'KZ',
    );
    expect([...map.entries()]).to.deep.equal([
      ['+77777777777', '111111'],
      ['+77010000001', '222222'],
    ]);
  });

  it('when a test number does not parse, then start-up fails', () => {
    expect(() => normalizeTestNumbers([{ phone: '123', code: '111111' }], 'KZ')).to.throw(
      /OTP_TEST_NUMBERS/,
    );
  });
});
