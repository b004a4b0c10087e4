// What .ci/preset-interop.sh emulates of Keycloak and Auth0, for their presets (KeycloakProvider, Auth0Provider):
// where each serves its endpoints, its issuer, how its clients authenticate at the token endpoint, how it treats
// refresh tokens, one signed-in user and the claims of that user's tokens, and what the examples `keycloak` and
// `auth0` then show of the user. Shared by the emulator (preset-upstream.mjs) and the client's test
// (preset-flow.mjs), so that both read the same facts. Node built-ins only.
//
// Keycloak (Securing Applications guide; Server Administration guide): a realm's OpenID Connect endpoints are under
// <realm URL>/protocol/openid-connect/ (auth, token, certs, userinfo, revoke, logout), the realm URL is the issuer;
// the roles mappers write realm_access.roles and resource_access.<client>.roles into the access token only, with
// the realm's default roles; tokens carry typ, azp, sid and preferred_username. Clients with a secret authenticate
// by HTTP Basic or in the form; each refresh answers with a new refresh token (the old one is refused here, as with
// the realm's "Revoke Refresh Token" on).
// Auth0 (Authentication API; ID Token Structure; RBAC for APIs): /authorize, /oauth/token, /userinfo,
// /oauth/revoke and /.well-known/jwks.json at the domain's root, issuer "https://<domain>/" with its trailing slash
// (here the loopback origin and a slash); a Regular Web Application authenticates in the form (its default,
// client_secret_post, and the only method this emulator's application accepts); subjects like "auth0|<id>"; a
// refresh token only with offline_access, and not rotated: a refresh answers without one, the first stays good.
// Without an audience the access token is opaque; with the identifier of an API it is a JWT for that API and for
// /userinfo, carrying the granted scope (the requested permissions the user holds, under RBAC) and the user's
// permissions.

/** The scopes of OpenID Connect itself, which an API's RBAC never filters out. */
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

/** The kinds of identity provider emulated, as the example and the preset name them. */
export const KINDS = ['keycloak', 'auth0'];

/**
 * The facts of one emulated identity provider.
 *
 * @param kind      'keycloak' or 'auth0'
 * @param origin    where the emulator listens, http://127.0.0.1:PORT
 * @param clientId  the id of the application (the server's client) registered there
 * @param realm     Keycloak: the realm's name
 * @param audience  Auth0: the identifier of the API the application may ask tokens for, or empty for none
 */
export function presetOf(kind, { origin, clientId, realm = 'fastmcp', audience = '' }) {
  if (kind === 'keycloak') return keycloak(origin, clientId, realm);
  if (kind === 'auth0') return auth0(origin, clientId, audience);
  throw new Error(`unknown kind '${kind}': give one of ${KINDS.join(', ')}`);
}

function keycloak(origin, clientId, realm) {
  const realmPath = `/realms/${realm}`;
  const oidc = `${realmPath}/protocol/openid-connect`;
  const user = {
    sub: '8d3c1f52-6a0e-4b7b-9f0d-3e5a2c7b91d4',
    preferred_username: 'ada',
    email: 'ada@example.com',
    email_verified: true,
    name: 'Ada Lovelace',
    given_name: 'Ada',
    family_name: 'Lovelace',
  };
  const realmRoles = [`default-roles-${realm}`, 'offline_access', 'uma_authorization', 'admin'];
  const clientRoles = ['editor'];
  const session = { sid: '0b8e6a51-4d2c-4f1e-9a37-c5d2e8f4a610', acr: '1' };
  return {
    kind: 'keycloak',
    name: 'Keycloak',
    // What the example is given (KEYCLOAK_REALM_URL), and the issuer of the tokens.
    baseUrl: `${origin}${realmPath}`,
    issuer: `${origin}${realmPath}`,
    paths: {
      discovery: `${realmPath}/.well-known/openid-configuration`,
      authorize: `${oidc}/auth`,
      token: `${oidc}/token`,
      jwks: `${oidc}/certs`,
      userinfo: `${oidc}/userinfo`,
      revoke: `${oidc}/revoke`,
    },
    clientAuthMethods: ['basic', 'post'],
    rotatesRefreshTokens: true,
    refreshNeedsOfflineAccess: false,
    accessTokenTtl: 300,
    subject: user.sub,
    /** An error page's text when the authorization request names an unknown client or redirect URI. */
    unknownClient: 'Client not found.',
    invalidRedirect: 'Invalid parameter: redirect_uri',
    /** The error of an authorization request for an audience; Keycloak has no such parameter. */
    audienceError: () => undefined,
    /** Keycloak grants the client scopes asked for (the client has them all here). */
    grantedScope: (requested) => requested,
    idClaims: () => ({ ...user, typ: 'ID', azp: clientId, ...session }),
    accessClaims: (grant) => ({
      ...user,
      typ: 'Bearer',
      azp: clientId,
      aud: 'account',
      ...session,
      scope: grant.scope,
      realm_access: { roles: realmRoles },
      resource_access: {
        [clientId]: { roles: clientRoles },
        account: { roles: ['manage-account', 'manage-account-links', 'view-profile'] },
      },
    }),
    userinfo: () => ({ ...user }),
    // What the example `keycloak` lists and answers (KeycloakServer).
    tools: ['admin-report', 'whoami'],
    whoami: `${user.preferred_username} <${user.email}>, realm roles [${realmRoles.join(', ')}], `
      + `client roles [${clientRoles.join(', ')}]`,
    roleTool: { name: 'admin-report', text: 'All systems nominal' },
  };
}

function auth0(origin, clientId, audience) {
  const user = {
    sub: 'auth0|64b0c1d2e3f4a5b6c7d8e9f0',
    nickname: 'ada',
    name: 'Ada Lovelace',
    picture: 'https://s.gravatar.com/avatar/ada.png',
    email: 'ada@example.com',
    email_verified: true,
  };
  const permissions = ['read:notes', 'write:notes'];
  return {
    kind: 'auth0',
    name: 'Auth0',
    // What the example is given (AUTH0_DOMAIN), and Auth0's issuer: the origin with a trailing slash.
    baseUrl: origin,
    issuer: `${origin}/`,
    paths: {
      discovery: '/.well-known/openid-configuration',
      authorize: '/authorize',
      token: '/oauth/token',
      jwks: '/.well-known/jwks.json',
      userinfo: '/userinfo',
      revoke: '/oauth/revoke',
    },
    clientAuthMethods: ['post'],
    rotatesRefreshTokens: false,
    refreshNeedsOfflineAccess: true,
    accessTokenTtl: 86400,
    subject: user.sub,
    unknownClient: 'Unknown client',
    invalidRedirect: 'Callback URL mismatch',
    audienceError: (asked) => (asked !== undefined && asked !== audience ? `Service not found: ${asked}` : undefined),
    /** OpenID Connect's scopes, and of the others those of the API the user holds as permissions (RBAC). */
    grantedScope: (requested, asked) => requested.split(' ')
      .filter((s) => OIDC_SCOPES.includes(s) || (asked && permissions.includes(s))).join(' '),
    idClaims: () => ({ ...user }),
    // Without an audience: an opaque token (no claims to read).
    accessClaims: (grant) => (grant.audience
      ? { sub: user.sub, aud: [grant.audience, `${origin}/userinfo`], azp: clientId, scope: grant.scope, permissions }
      : undefined),
    userinfo: () => ({ ...user }),
    // What the example `auth0` lists and answers (Auth0Server).
    tools: ['whoami'],
    whoami: `${user.name} <${user.email}>, permissions [${audience ? permissions.join(', ') : ''}]`,
    roleTool: undefined,
  };
}
