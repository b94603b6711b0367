/**
 * Slack OAuth mode: the options that turn Bolt's HTTPReceiver into an installable app. Bolt's
 * InstallProvider (@slack/oauth) does the work: `GET /slack/install` sets a state cookie and redirects to
 * Slack's authorize page; `GET /slack/oauth_redirect` checks the state (signed with SLACK_STATE_SECRET,
 * 10 minutes, bound to the browser's cookie), exchanges the code with `oauth.v2.access`, and stores the
 * installation; every event is then authorized with its workspace's bot token, refreshed first when
 * Slack issued it with an expiry (token rotation) less than 2 hours away. This module adds what is
 * movierec's own: the store, refusing org-wide installs, and plain result pages.
 */
import type { ServerResponse } from 'node:http';
import type { HTTPReceiverOptions, Installation, webApi } from '@slack/bolt';
import type { SlackOAuthSettings } from '../../src/config.ts';
import type { Database } from '../../src/db/client.ts';
import type { Logger } from '../../src/logger.ts';
import { installationCipher } from './installation-crypto.ts';
import {
  createInstallationStore,
  ORG_INSTALL_REFUSED,
  type SlackInstallationStore,
} from './installation-store.ts';

/** Where people start an install ("Add to Slack", and the Direct Install URL in the app settings). */
export const INSTALL_PATH = '/slack/install';
/** Where Slack sends the browser back with the code (the app's Redirect URL). */
export const REDIRECT_PATH = '/slack/oauth_redirect';

/** The bot scopes an install asks for: the same list as manifest.json (tests/slack/oauth-*.test.ts checks). */
export const SLACK_BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'reactions:read',
  'reactions:write',
  'users:read',
  'files:read',
  'files:write',
  'channels:read',
  'groups:read',
  'im:write',
] as const;

/** Per Web API call the install flow makes (oauth.v2.access, auth.test, token refreshes). */
const INSTALL_CALL_TIMEOUT_MS = 10_000;

export interface OAuthSetup {
  store: SlackInstallationStore;
  receiverOptions: Pick<
    HTTPReceiverOptions,
    | 'clientId'
    | 'clientSecret'
    | 'stateSecret'
    | 'scopes'
    | 'installationStore'
    | 'redirectUri'
    | 'installerOptions'
  >;
}

export function oauthSetup(
  settings: SlackOAuthSettings,
  db: Database,
  clientOptions: webApi.WebClientOptions,
  logger: Logger,
): OAuthSetup {
  const store = createInstallationStore(
    db,
    installationCipher(settings.installationKey, settings.previousInstallationKey),
  );
  return {
    store,
    receiverOptions: {
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      stateSecret: settings.stateSecret,
      scopes: [...SLACK_BOT_SCOPES],
      installationStore: store,
      ...(settings.redirectUri ? { redirectUri: settings.redirectUri } : {}),
      installerOptions: {
        installPath: INSTALL_PATH,
        redirectUriPath: REDIRECT_PATH,
        // Straight to Slack's authorize page: the install path works as the Direct Install URL.
        directInstall: true,
        // oauth.v2.access and auth.test go where every other Web API call goes (SLACK_API_URL), and
        // give up in time: the person waiting on the callback page gets an answer.
        clientOptions: { ...clientOptions, timeout: INSTALL_CALL_TIMEOUT_MS },
        callbackOptions: {
          afterInstallation: async (installation, _options, _req, res) => {
            if (!isOrgInstall(installation)) return true;
            logger.warn({ event: 'slack-install-refused' }, 'refused an org-wide Slack install');
            page(res, 400, 'Not installed', ORG_INSTALL_REFUSED);
            return false;
          },
          success: (installation, _options, _req, res) => {
            logger.info({ team: installation.team?.id }, 'Slack workspace installed');
            page(
              res,
              200,
              'movierec is installed',
              'Open Slack and try /recommend, or /movierec help for everything it can do.',
            );
          },
          failure: (error, _options, _req, res) => {
            const refused = refusal(error);
            logger.warn({ reason: refused.reason }, 'Slack install callback refused');
            page(res, refused.status, 'Not installed', refused.text);
          },
        },
      },
    },
  };
}

function isOrgInstall(installation: Installation): boolean {
  return installation.isEnterpriseInstall === true || !installation.team?.id;
}

const START_AGAIN = `Please start again from ${INSTALL_PATH} in the same browser.`;

/** What to tell the installer, by the InstallProvider's error code or Slack's oauth.v2.access error. */
function refusal(error: unknown): { status: number; reason: string; text: string } {
  const e = error as { code?: string; data?: { error?: string } };
  switch (e.code) {
    case 'slack_oauth_missing_state':
    case 'slack_oauth_invalid_state':
      return {
        status: 400,
        reason: e.code,
        text: `This install link is not valid here (it expired, or was started in another browser). ${START_AGAIN}`,
      };
    case 'slack_oauth_missing_code':
      return {
        status: 400,
        reason: e.code,
        text: `Slack did not send an authorization code. ${START_AGAIN}`,
      };
    case 'slack_oauth_installer_authorization_error':
      return {
        status: 400,
        reason: e.code,
        text: 'The install was cancelled in Slack; nothing was installed.',
      };
    case 'slack_webapi_platform_error':
      // invalid_code: used once already or expired; bad_redirect_uri, invalid_client_id, bad_client_secret:
      // the app's settings and ours disagree.
      return {
        status: e.data?.error === 'invalid_code' ? 400 : 502,
        reason: `oauth.v2.access: ${e.data?.error ?? 'error'}`,
        text:
          e.data?.error === 'invalid_code'
            ? `This install link was already used or has expired. ${START_AGAIN}`
            : 'Slack refused the install; the app owner has been told. Please try again later.',
      };
    default:
      return {
        status: 500,
        reason: e.code ?? 'unknown',
        text: 'Something went wrong; please try again later.',
      };
  }
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
      `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
