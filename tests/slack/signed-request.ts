import { createHmac, randomBytes } from 'node:crypto';

/** Slack's request signature: `v0=` + HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignOptions {
  secret: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  /** Sign with this secret instead (a forged request). */
  signWith?: string;
  /** `X-Slack-Retry-Num`, as Slack sends on redeliveries. */
  retryNum?: number;
}

/** POSTs a body to the receiver signed exactly as Slack signs it. */
export async function postSigned(
  url: string,
  body: string,
  contentType: 'application/x-www-form-urlencoded' | 'application/json',
  options: SignOptions,
): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(options.signWith ?? options.secret, timestamp, body),
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return fetch(url, { method: 'POST', headers, body });
}

export function randomId(prefix: string): string {
  return `${prefix}${randomBytes(6).toString('hex').toUpperCase()}`;
}

/** The form body of a slash command, as Slack sends it. */
export function slashCommandBody(p: {
  team: string;
  user: string;
  userName?: string;
  channel: string;
  command: string;
  text: string;
  responseUrl: string;
  triggerId?: string;
}): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: p.team,
    team_domain: 'movierec-test',
    channel_id: p.channel,
    channel_name: 'movies',
    user_id: p.user,
    user_name: p.userName ?? p.user.toLowerCase(),
    command: `/${p.command}`,
    text: p.text,
    api_app_id: 'A0MOVIEREC',
    is_enterprise_install: 'false',
    response_url: p.responseUrl,
    trigger_id: p.triggerId ?? randomId('TRIG'),
  }).toString();
}

/** The `payload=` form body of a block action on a message (or an ephemeral message). */
export function blockActionBody(p: {
  team: string;
  user: string;
  channel: string;
  messageTs: string;
  ephemeral: boolean;
  actionId: string;
  blockId?: string;
  value?: string;
  responseUrl: string;
}): string {
  const action =
    p.value === undefined
      ? { type: 'button', action_id: p.actionId, block_id: p.blockId ?? 'b', action_ts: '1700000001.000001' }
      : {
          type: 'static_select',
          action_id: p.actionId,
          block_id: p.blockId ?? 'b',
          selected_option: { text: { type: 'plain_text', text: p.value }, value: p.value },
          action_ts: '1700000001.000001',
        };
  const payload = {
    type: 'block_actions',
    user: { id: p.user, username: p.user.toLowerCase(), name: p.user.toLowerCase(), team_id: p.team },
    api_app_id: 'A0MOVIEREC',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: p.messageTs,
      channel_id: p.channel,
      is_ephemeral: p.ephemeral,
    },
    trigger_id: randomId('TRIG'),
    team: { id: p.team, domain: 'movierec-test' },
    channel: { id: p.channel, name: 'movies' },
    ...(p.ephemeral ? {} : { message: { type: 'message', user: 'UBOTMOVIE', ts: p.messageTs, text: '' } }),
    response_url: p.responseUrl,
    actions: [action],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The JSON body of an Events API delivery. */
export function eventBody(p: { team: string; eventId: string; event: Record<string, unknown> }): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: p.team,
    api_app_id: 'A0MOVIEREC',
    event: p.event,
    type: 'event_callback',
    event_id: p.eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: p.team, user_id: 'UBOTMOVIE', is_bot: true, is_enterprise_install: false }],
  });
}
