/**
 * Checks bolt's HTTP receiver leaves out, run before it sees a request:
 * - Slack's "Verifying requests from Slack" says to compare X-Slack-Request-Timestamp with local time and
 *   ignore a request "more than five minutes from local time"; bolt only refuses the past ones, so a
 *   request signed for the future (replayable for longer) got through. Both directions are refused here.
 * - Single-workspace mode: the bot token belongs to one workspace (`auth.test` names its `team_id`);
 *   a correctly signed request for another workspace (another install of the same app) is refused.
 *   OAuth mode: a signed request for a workspace without an installation (never installed, or
 *   uninstalled) is refused, except the lifecycle events `app_uninstalled` / `tokens_revoked`, which
 *   must reach the adapter even when the installation is already gone (a retried delivery purges again).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { HTTPModuleFunctions, verifySlackRequest } from '@slack/bolt';
import type { Logger } from '../../src/logger.ts';

/** "more than five minutes from local time" (api.slack.com/authentication/verifying-requests-from-slack). */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

export interface RequestGuardOptions {
  signingSecret: string;
  /** The path Slack posts to; other paths (health, metrics) pass untouched. */
  path: string;
  /**
   * Whether a signed request for `team` may go on (single-workspace mode: the bot token's team from
   * `auth.test`; OAuth mode: the team has an installation). `lifecycle`: an `app_uninstalled` or
   * `tokens_revoked` event.
   */
  teamAllowed: (team: string, lifecycle: boolean) => Promise<boolean>;
  logger: Logger;
  /** Clock, for tests. */
  nowMs?: () => number;
}

/** Wraps a bolt HTTPReceiver request listener with the timestamp-window and workspace checks. */
export function guardRequests(inner: RequestListener, options: RequestGuardOptions): RequestListener {
  const now = options.nowMs ?? Date.now;
  return (req, res) => {
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://local').pathname !== options.path) {
      inner(req, res);
      return;
    }
    void check(req, options, now()).then(
      (refusal) => {
        if (refusal) {
          options.logger.warn({ reason: refusal }, 'refused a Slack request');
          reject(res);
        } else inner(req, res);
      },
      (error) => {
        options.logger.warn({ err: error }, 'could not check a Slack request');
        reject(res);
      },
    );
  };
}

function reject(res: ServerResponse): void {
  if (res.headersSent) return;
  res.writeHead(401);
  res.end();
}

/** Why the request is refused, or undefined when it may go on to bolt (which checks it again). */
async function check(req: IncomingMessage, options: RequestGuardOptions, nowMs: number) {
  const header = req.headers['x-slack-request-timestamp'];
  const timestamp = Number(Array.isArray(header) ? header[0] : header);
  if (!Number.isFinite(timestamp)) return 'no timestamp';
  if (Math.abs(nowMs / 1000 - timestamp) > SIGNATURE_WINDOW_SECONDS) return 'timestamp outside the window';
  // bolt re-reads the buffered body, so buffering here costs nothing extra.
  const buffered = await HTTPModuleFunctions.bufferIncomingMessage(req);
  const body = buffered.rawBody.toString('utf8');
  try {
    verifySlackRequest({
      signingSecret: options.signingSecret,
      body,
      headers: {
        'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''),
        'x-slack-request-timestamp': timestamp,
      },
      nowMilliseconds: nowMs,
    });
  } catch {
    // Only signed requests may cost an auth.test; bolt answers this one with 401 itself.
    return undefined;
  }
  const { team, lifecycle } = teamOf(body, req.headers['content-type']);
  if (team === undefined) return undefined;
  return (await options.teamAllowed(team, lifecycle)) ? undefined : 'a workspace this app does not serve';
}

/** Events that tell the app it lost a workspace; bolt runs them without authorizing (no token left). */
export const LIFECYCLE_EVENTS: ReadonlySet<string> = new Set(['app_uninstalled', 'tokens_revoked']);

/**
 * The workspace a signed body is for: `team_id` (commands, events) or the payload's `team.id` (actions),
 * and whether it is a lifecycle event.
 */
function teamOf(body: string, contentType: string | undefined): { team?: string; lifecycle: boolean } {
  try {
    if (contentType?.startsWith('application/json')) {
      const json = JSON.parse(body) as { team_id?: string; event?: { type?: string } };
      const lifecycle = LIFECYCLE_EVENTS.has(String(json.event?.type));
      return typeof json.team_id === 'string' ? { team: json.team_id, lifecycle } : { lifecycle };
    }
    const form = parseQuery(body);
    if (typeof form.team_id === 'string') return { team: form.team_id, lifecycle: false };
    if (typeof form.payload === 'string') {
      const payload = JSON.parse(form.payload) as { team?: { id?: string }; user?: { team_id?: string } };
      const team = payload.team?.id ?? payload.user?.team_id;
      return team ? { team, lifecycle: false } : { lifecycle: false };
    }
  } catch {
    return { lifecycle: false };
  }
  return { lifecycle: false };
}
