import { expect } from 'chai';
import { signAccessToken } from '../../lib/auth/access-token.js';
import {
  decideRefresh,
  signRefreshToken,
  verifyRefreshClaims,
  type StoredRefreshToken,
} from '../../lib/auth/refresh-token.js';

describe('refresh token rotation rules', () => {
  const settings = { secret: 'unit-secret-0123456789-0123456789', refreshTtlSeconds: 3600 };
  const sessionId = '0b9f3c1e-1111-4222-8333-944455556666';
  const now = new Date('2026-11-26T10:00:00Z');
  const claims = { sub: '7', sid: sessionId };
  const row = (overrides: Partial<StoredRefreshToken> = {}): StoredRefreshToken => ({
    session_id: sessionId,
    user_id: 7,
    expires_at: new Date(now.getTime() + 60_000),
    used_at: null,
    session_revoked_at: null,
    ...overrides,
  });

  const table: [string, StoredRefreshToken | undefined, string][] = [
    ['fresh and unused', row(), 'rotate'],
    ['already used', row({ used_at: now }), 'reuse'],
    ['of a revoked session', row({ session_revoked_at: now }), 'revoked'],
    ['used and revoked', row({ used_at: now, session_revoked_at: now }), 'revoked'],
    ['expired', row({ expires_at: now }), 'expired'],
    ['unknown', undefined, 'unknown'],
    ['of another session', row({ session_id: '0b9f3c1e-1111-4222-8333-000000000000' }), 'unknown'],
    ['of another user', row({ user_id: 8 }), 'unknown'],
  ];
  for (const [name, stored, expected] of table) {
    it(`when the token is ${name}, then the decision is ${expected}`, () => {
      expect(decideRefresh(claims, stored, now)).to.equal(expected);
    });
  }

  describe("with the reuse grace of the original apps' refresh alias (1 hour)", () => {
    const graceMs = 3600_000;
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const graced: [string, StoredRefreshToken, string][] = [
      [
        'spent a minute ago, nothing later used',
        row({ used_at: ago(60_000), later_token_used: false }),
        'rotate',
      ],
      [
        'spent exactly an hour ago',
        row({ used_at: ago(graceMs), later_token_used: false }),
        'rotate',
      ],
      [
        'spent an hour and a second ago',
        row({ used_at: ago(graceMs + 1000), later_token_used: false }),
        'reuse',
      ],
      [
        'spent, and a later token of its session used',
        row({ used_at: ago(60_000), later_token_used: true }),
        'reuse',
      ],
      ['spent, later use unknown', row({ used_at: ago(60_000) }), 'reuse'],
      [
        'spent and past its own expiry',
        row({ used_at: ago(60_000), later_token_used: false, expires_at: now }),
        'expired',
      ],
      [
        'spent, of a revoked session',
        row({ used_at: ago(60_000), later_token_used: false, session_revoked_at: now }),
        'revoked',
      ],
    ];
    for (const [name, stored, expected] of graced) {
      it(`when the token was ${name}, then the decision is ${expected}`, () => {
        expect(decideRefresh(claims, stored, now, graceMs)).to.equal(expected);
      });
    }
  });

  it('when a refresh token is signed, then it verifies with its ids', () => {
    const token = signRefreshToken(settings, { userId: 7, sessionId, tokenId: 'tid-1' });
    expect(verifyRefreshClaims(settings, token)).to.include({
      sub: '7',
      sid: sessionId,
      jti: 'tid-1',
      typ: 'refresh',
    });
  });

  it('when an access token is presented as a refresh token, then it is invalid', () => {
    const access = signAccessToken(
      { secret: settings.secret, accessTtlSeconds: 60 },
      { userId: 7, role: 'passenger', sessionId },
    );
    expect(() => verifyRefreshClaims(settings, access))
      .to.throw()
      .with.property('code', 'invalid_token');
  });

  it('when the token is signed with another secret, then it is invalid', () => {
    const token = signRefreshToken(
      { ...settings, secret: 'another-secret-0123456789-012345' },
      { userId: 7, sessionId, tokenId: 'tid-1' },
    );
    expect(() => verifyRefreshClaims(settings, token))
      .to.throw()
      .with.property('code', 'invalid_token');
  });
});
