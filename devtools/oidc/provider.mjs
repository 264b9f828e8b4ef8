// A real OpenID provider (the certified `oidc-provider` package) on loopback, for the
// sign-in tests only (tests/accounts/oidc_provider.py starts and stops it).
//
// Environment:
//   OIDC_PORT            the 127.0.0.1 port to listen on
//   OIDC_CLIENT_ID       the one client, with OIDC_CLIENT_SECRET and
//   OIDC_REDIRECT_URIS   its redirect URIs, separated by spaces
//   OIDC_STATE_DIR       a folder the test writes:
//                        accounts.json  {"<login>": {claims...}}, read at each sign-in
//                        mode.json      {"mode": "honest" | "tampered" | "wrong_audience"
//                                        | "expired"}: what the token endpoint does to the
//                                        ID token it issues, read at each token request
//
// The dev interactions of oidc-provider sign anyone in with any password: the account's
// claims come from accounts.json, so a login name not in it is refused.
import fs from 'node:fs';
import path from 'node:path';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const stateDir = process.env.OIDC_STATE_DIR;

function readState(name, fallback) {
  try {
    return JSON.parse(fs.readFileSync(path.join(stateDir, name), 'utf8'));
  } catch {
    return fallback;
  }
}

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await jose.exportJWK(privateKey)), kid: 'loopback', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: process.env.OIDC_REDIRECT_URIS.split(' '),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['loopback-tests-only'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'name', 'job_title', 'department'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  // Every claim of the granted scopes goes in the ID token (as Entra ID does).
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const claims = readState('accounts.json', {})[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});

// What a broken or hostile provider (or someone between it and the app) would send.
const now = () => Math.floor(Date.now() / 1000);
const resign = (claims) =>
  new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'loopback' }).sign(privateKey);

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || ctx.status !== 200 || !ctx.body?.id_token) return;
  const { mode = 'honest' } = readState('mode.json', {});
  const token = ctx.body.id_token;
  const claims = jose.decodeJwt(token);
  if (mode === 'tampered') {
    // The claims changed after signing: the signature no longer matches.
    const [header, , signature] = token.split('.');
    const body = Buffer.from(JSON.stringify({ ...claims, groups: ['conduct-hr-managers'] }))
      .toString('base64url');
    ctx.body = { ...ctx.body, id_token: `${header}.${body}.${signature}` };
  } else if (mode === 'wrong_audience') {
    ctx.body = { ...ctx.body, id_token: await resign({ ...claims, aud: 'another-application' }) };
  } else if (mode === 'expired') {
    const past = now() - 3600;
    ctx.body = { ...ctx.body, id_token: await resign({ ...claims, iat: past - 600, exp: past }) };
  }
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening at ${issuer}`);
});
