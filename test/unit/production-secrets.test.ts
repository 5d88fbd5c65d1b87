/**
 * Issue 9, item 2: production refuses every JWT secret published in this repository (the
 * .env.example, README and compose examples, the tests' own) and short ones, and tokens
 * must carry `exp`, `typ` and HS256.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { signAccessToken, verifyAccessClaims } from '../../lib/auth/access-token.js';
import { signRefreshToken, verifyRefreshClaims } from '../../lib/auth/refresh-token.js';
import { ConfigError, loadConfig } from '../../lib/config/config.js';
import { AppError } from '../../lib/errors/app-error.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const productionProblems = (secret: string): string[] => {
  try {
    loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: secret,
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL_TEMPLATE: 'https://sms.example/{phone}',
    });
  } catch (e: unknown) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

/** Every literal value given to JWT_SECRET in a tracked file (placeholders excluded). */
function secretsInRepository(): string[] {
  const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !f.endsWith('package-lock.json'));
  const found = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(path.join(root, file), 'utf8');
    } catch {
      continue; // deleted in the work tree
    }
    for (const match of text.matchAll(/JWT_SECRET['"]?\s*[:=]\s*['"]?([A-Za-z0-9_\-+/.]{8,})/g)) {
      found.add(match[1]!);
    }
  }
  return [...found];
}

describe('production secrets and token claims (issue 9)', () => {
  it('when production is given a secret that appears in the repository, then start-up is refused', () => {
    const secrets = secretsInRepository();
    // The .env.example, README/compose demo and test secrets at least.
    expect(secrets.length).to.be.at.least(3);
    for (const secret of secrets) {
      expect(productionProblems(secret).join('\n'), secret).to.match(/JWT_SECRET/);
    }
  });

  it('when production is given a short or repetitive secret, then start-up is refused', () => {
    expect(productionProblems('a1b2c3d4e5f6g7h8').join('\n')).to.match(/JWT_SECRET/);
    expect(productionProblems('x'.repeat(64)).join('\n')).to.match(/JWT_SECRET/);
  });

  it('when production is given a long random secret, then it starts', () => {
    expect(productionProblems('q8VJ2m+T0aZr9Lk4xN7cW1pE6sYhGd3uBfRo5i')).to.deep.equal([]);
  });

  const settings = { secret: 'unit-secret-0123456789-0123456789', accessTtlSeconds: 600 };
  const claims = { sub: '7', role: 'passenger', sid: '0b9f3c1e-1111-4222-8333-944455556666' };
  const refused = (check: () => unknown) => {
    expect(check).to.throw(AppError).with.property('code', 'invalid_token');
  };

  it('when an access token has no exp, a wrong typ or another algorithm, then it is refused', () => {
    expect(
      verifyAccessClaims(
        settings,
        signAccessToken(settings, { userId: 7, role: 'passenger', sessionId: claims.sid }),
      ).sub,
    ).to.equal('7');
    refused(() =>
      verifyAccessClaims(
        settings,
        jwt.sign({ ...claims, typ: 'access' }, settings.secret, { algorithm: 'HS256' }),
      ),
    );
    refused(() =>
      verifyAccessClaims(
        settings,
        jwt.sign({ ...claims, typ: 'refresh' }, settings.secret, {
          algorithm: 'HS256',
          expiresIn: 60,
        }),
      ),
    );
    refused(() =>
      verifyAccessClaims(
        settings,
        jwt.sign({ ...claims, typ: 'access' }, settings.secret, {
          algorithm: 'HS512',
          expiresIn: 60,
        }),
      ),
    );
  });

  it('when a refresh token has no exp, then it is refused', () => {
    const refresh = { secret: settings.secret, refreshTtlSeconds: 600 };
    const good = signRefreshToken(refresh, { userId: 7, sessionId: claims.sid, tokenId: 'j1' });
    expect(verifyRefreshClaims(refresh, good).jti).to.equal('j1');
    const noExp = jwt.sign({ sid: claims.sid, typ: 'refresh' }, settings.secret, {
      algorithm: 'HS256',
      subject: '7',
      jwtid: 'j2',
    });
    refused(() => verifyRefreshClaims(refresh, noExp));
    refused(() => verifyRefreshClaims(refresh, noExp, { ignoreExpiration: true }));
  });
});
