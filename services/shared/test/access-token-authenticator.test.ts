import { JwtExpiredError } from 'aws-jwt-verify/error';
import { AccessTokenAuthenticator, requireScope } from '../src/auth/access-token-authenticator';
import { AccessTokenClaims } from '../src/auth/cognito-verifier';
import { VerifiedTokenCache } from '../src/auth/verified-token-cache';

const TOKEN = 'aaa.bbb.ccc';

function authenticatorWith(verify: (token: string) => Promise<AccessTokenClaims>) {
  const verifier = { verify: jest.fn(verify) };
  return { verifier, authenticator: new AccessTokenAuthenticator(verifier, new VerifiedTokenCache(100)) };
}

const claims = (scope: string): AccessTokenClaims => ({ sub: 'u', client_id: 'c', scope, exp: Date.now() / 1000 + 60 });

test('each distinct token is verified once, then served from the cache (scopes still checked per route)', async () => {
  const { verifier, authenticator } = authenticatorWith(async () => claims('inventory/read'));
  for (let i = 0; i < 5; i++) requireScope(await authenticator.authenticate(`Bearer ${TOKEN}`), 'inventory/read');
  const cached = await authenticator.authenticate(`Bearer ${TOKEN}`);
  expect(() => requireScope(cached, 'inventory/write')).toThrow(expect.objectContaining({ status: 403 }));
  expect(verifier.verify).toHaveBeenCalledTimes(1);
});

test('a rejected token is 401 and not cached', async () => {
  const { verifier, authenticator } = authenticatorWith(async () => {
    throw new JwtExpiredError('expired', 0);
  });
  await expect(authenticator.authenticate(`Bearer ${TOKEN}`)).rejects.toMatchObject({ status: 401 });
  await expect(authenticator.authenticate(`Bearer ${TOKEN}`)).rejects.toMatchObject({ status: 401 });
  expect(verifier.verify).toHaveBeenCalledTimes(2);
});

test.each(['', 'Basic abc', `bearer ${TOKEN}`, `Bearer ${TOKEN} extra`, 'Bearer a.b'])('header %j is 401 without verification', async (header) => {
  const { verifier, authenticator } = authenticatorWith(async () => claims('s'));
  await expect(authenticator.authenticate(header)).rejects.toMatchObject({ status: 401 });
  expect(verifier.verify).not.toHaveBeenCalled();
});
