import { randomBytes } from 'node:crypto';
import { FakeSlack } from './fake-slack.ts';

/** A workspace that can install the app. */
export interface FakeWorkspace {
  team: string;
  name: string;
  /** The bot user Slack creates in the workspace when the app is installed. */
  botUserId: string;
  botId: string;
}

/** The fake app's credentials (Basic Information → App Credentials). */
export const FAKE_APP = {
  id: 'A0MOVIEREC',
  clientId: '1111.2222',
  clientSecret: 'fake-client-secret-0123456789',
};

/**
 * "Access tokens expire every 12 hours" with token rotation on (docs.slack.dev/authentication/using-token-rotation).
 */
export const ROTATING_TOKEN_SECONDS = 12 * 60 * 60;

/**
 * "The temporary authorization code … expires after ten minutes" (docs.slack.dev/authentication/installing-with-oauth).
 */
export const CODE_LIFETIME_MS = 10 * 60 * 1000;

interface IssuedCode {
  workspace: FakeWorkspace;
  orgWide: boolean;
  redirectUri: string | undefined;
  scopes: string[];
  issuedAt: number;
  used: boolean;
}

interface IssuedToken {
  workspace: FakeWorkspace;
  /** ms on the fake's clock; undefined: never expires (token rotation off). */
  expiresAt: number | undefined;
  revoked: boolean;
}

/**
 * The fake Slack ({@link FakeSlack}) as many workspaces see it: Slack's authorize page ({@link approve}),
 * `oauth.v2.access` for codes and refresh tokens, per-workspace bot tokens that `auth.test` and every
 * other method check, and uninstalling (which revokes the workspace's tokens). Each rule cites its doc.
 */
export class FakeSlackOAuth extends FakeSlack {
  /** Token rotation (an app setting): tokens then expire and come with a refresh token. */
  tokenRotation = false;
  private readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly refreshTokens = new Map<string, { workspace: FakeWorkspace; revoked: boolean }>();

  /**
   * A person approves the install on Slack's authorize page (`https://slack.com/oauth/v2/authorize`,
   * "Installing with OAuth", step 2): the URL must name this app's `client_id` and ask for `scope`;
   * Slack then sends the browser to the redirect URL with a temporary `code` and the `state` it was given
   * unchanged. `orgWide`: an Enterprise Grid org admin installs for the whole organisation.
   */
  approve(
    authorizeUrl: string,
    workspace: FakeWorkspace,
    options: { orgWide?: boolean } = {},
  ): { code: string; state: string | null } {
    const url = new URL(authorizeUrl);
    if (url.pathname !== '/oauth/v2/authorize') throw new Error(`not the v2 authorize page: ${url.pathname}`);
    if (url.searchParams.get('client_id') !== FAKE_APP.clientId) throw new Error('invalid_client_id');
    const scope = url.searchParams.get('scope');
    if (!scope) throw new Error('invalid_scope');
    const code = `${Date.now()}.${randomBytes(8).toString('hex')}`;
    this.codes.set(code, {
      workspace,
      orgWide: options.orgWide === true,
      redirectUri: url.searchParams.get('redirect_uri') ?? undefined,
      scopes: scope.split(','),
      issuedAt: this.now(),
      used: false,
    });
    return { code, state: url.searchParams.get('state') };
  }

  /** The workspace's live bot token (the newest one issued). */
  tokenOf(team: string): string | undefined {
    return [...this.tokens.entries()]
      .filter(([, t]) => t.workspace.team === team && !t.revoked)
      .map(([token]) => token)
      .at(-1);
  }

  /** Every token (access and refresh) ever issued to a workspace. */
  secretsOf(team: string): string[] {
    return [
      ...[...this.tokens.entries()].filter(([, t]) => t.workspace.team === team).map(([token]) => token),
      ...[...this.refreshTokens.entries()]
        .filter(([, t]) => t.workspace.team === team)
        .map(([token]) => token),
    ];
  }

  /** The workspace removes the app: "the app's tokens are revoked" (app_uninstalled event reference). */
  uninstall(team: string): void {
    for (const t of this.tokens.values()) if (t.workspace.team === team) t.revoked = true;
    for (const t of this.refreshTokens.values()) if (t.workspace.team === team) t.revoked = true;
  }

  protected override answer(
    method: string,
    body: Record<string, unknown>,
    authorization?: string,
  ): Record<string, unknown> | undefined {
    if (method === 'oauth.v2.access') return this.access(body, authorization);
    if (method === 'apps.connections.open') return super.answer(method, body, authorization);
    // Every other method needs a valid token: "invalid_auth: Some aspect of authentication cannot be
    // validated", `token_revoked`, and with rotation `token_expired` (Web API errors; using-token-rotation).
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    const issued = token ? this.tokens.get(token) : undefined;
    if (!issued) return { ok: false, error: token ? 'invalid_auth' : 'not_authed' };
    if (issued.revoked) return { ok: false, error: 'token_revoked' };
    if (issued.expiresAt !== undefined && this.now() >= issued.expiresAt)
      return { ok: false, error: 'token_expired' };
    if (method === 'auth.test') {
      // auth.test reference: the token's workspace and bot identity.
      const w = issued.workspace;
      return {
        ok: true,
        url: `https://${w.name}.slack.com/`,
        team: w.name,
        user: 'movierec',
        team_id: w.team,
        user_id: w.botUserId,
        bot_id: w.botId,
        is_enterprise_install: false,
      };
    }
    return super.answer(method, body, authorization);
  }

  /** oauth.v2.access (docs.slack.dev/reference/methods/oauth.v2.access). */
  private access(body: Record<string, unknown>, authorization: string | undefined): Record<string, unknown> {
    // The credentials come as `client_id` / `client_secret` arguments or HTTP Basic auth.
    const basic = /^Basic (.+)$/.exec(authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    const clientId = body.client_id ?? basicId;
    const clientSecret = body.client_secret ?? basicSecret;
    if (clientId !== FAKE_APP.clientId) return { ok: false, error: 'invalid_client_id' };
    if (clientSecret !== FAKE_APP.clientSecret) return { ok: false, error: 'bad_client_secret' };
    if (body.grant_type === 'refresh_token') {
      // "exchanging one expiring access token for a new one, using … the refresh token. The refresh token
      // is then revoked, and a new refresh token is used" (using-token-rotation).
      const old = this.refreshTokens.get(String(body.refresh_token));
      if (!old || old.revoked) return { ok: false, error: 'invalid_refresh_token' };
      old.revoked = true;
      return {
        ok: true,
        app_id: FAKE_APP.id,
        ...this.issueBotToken(old.workspace),
        team: teamOf(old.workspace),
      };
    }
    if (body.grant_type !== undefined && body.grant_type !== 'authorization_code')
      return { ok: false, error: 'invalid_grant_type' };
    // "invalid_code: Value passed for code was invalid": unknown, expired (ten minutes) or already
    // exchanged (a code is single-use, RFC 6749 §4.1.2).
    const grant = this.codes.get(String(body.code));
    if (!grant || grant.used || this.now() - grant.issuedAt > CODE_LIFETIME_MS)
      return { ok: false, error: 'invalid_code' };
    grant.used = true;
    // "redirect_uri: This must match the originally submitted URI (if one was sent)" → bad_redirect_uri.
    if (grant.redirectUri !== undefined && body.redirect_uri !== grant.redirectUri)
      return { ok: false, error: 'bad_redirect_uri' };
    const w = grant.workspace;
    const enterprise = grant.orgWide ? { id: `E${w.team.slice(1)}`, name: `${w.name} org` } : null;
    return {
      ok: true,
      app_id: FAKE_APP.id,
      authed_user: { id: 'UINSTALLER' },
      scope: grant.scopes.join(','),
      token_type: 'bot',
      ...this.issueBotToken(w),
      bot_user_id: w.botUserId,
      // An org-wide install has no team, only the enterprise ("team": null, "is_enterprise_install": true).
      team: grant.orgWide ? null : teamOf(w),
      enterprise,
      is_enterprise_install: grant.orgWide,
    };
  }

  /** A new bot token, with `expires_in` and a `refresh_token` when token rotation is on. */
  private issueBotToken(workspace: FakeWorkspace): Record<string, unknown> {
    const token = `xoxb-${workspace.team}-${randomBytes(8).toString('hex')}`;
    if (!this.tokenRotation) {
      this.tokens.set(token, { workspace, expiresAt: undefined, revoked: false });
      return { access_token: token };
    }
    const refresh = `xoxe-1-${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, {
      workspace,
      expiresAt: this.now() + ROTATING_TOKEN_SECONDS * 1000,
      revoked: false,
    });
    this.refreshTokens.set(refresh, { workspace, revoked: false });
    return {
      access_token: token,
      token_type: 'bot',
      expires_in: ROTATING_TOKEN_SECONDS,
      refresh_token: refresh,
    };
  }
}

function teamOf(w: FakeWorkspace): { id: string; name: string } {
  return { id: w.team, name: w.name };
}
