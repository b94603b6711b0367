/**
 * Checks bolt's HTTP receiver leaves out, run before it sees a request:
 * - Slack's "Verifying requests from Slack" says to compare X-Slack-Request-Timestamp with local time and
 *   ignore a request "more than five minutes from local time"; bolt only refuses the past ones, so a
 *   request signed for the future (replayable for longer) got through. Both directions are refused here.
 * - Single-workspace mode: the bot token belongs to one workspace (`auth.test` names its `team_id`);
 *   a correctly signed request for another workspace (another install of the same app) is refused.
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
  /** The installed workspace's team id (cached `auth.test`). */
  installedTeam: () => Promise<string | undefined>;
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
  const team = teamOf(body, req.headers['content-type']);
  if (team === undefined) return undefined;
  const installed = await options.installedTeam();
  if (!installed) throw new Error('the installed workspace is unknown (auth.test failed)');
  return team === installed ? undefined : 'another workspace';
}

/** The workspace a signed body is for: `team_id` (commands, events) or the payload's `team.id` (actions). */
function teamOf(body: string, contentType: string | undefined): string | undefined {
  try {
    if (contentType?.startsWith('application/json')) {
      const json = JSON.parse(body) as { team_id?: string; type?: string };
      return typeof json.team_id === 'string' ? json.team_id : undefined;
    }
    const form = parseQuery(body);
    if (typeof form.team_id === 'string') return form.team_id;
    if (typeof form.payload === 'string') {
      const payload = JSON.parse(form.payload) as { team?: { id?: string }; user?: { team_id?: string } };
      return payload.team?.id ?? payload.user?.team_id;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
