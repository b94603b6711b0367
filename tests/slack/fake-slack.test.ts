import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FAKE_BOT,
  FakeSlack,
  RESPONSE_URL_LIFETIME_MS,
  RESPONSE_URL_USES,
  SLASH_COMMAND_ACK_MS,
} from './fake-slack.ts';
import { slashCommandBody } from './signed-request.ts';

/**
 * The fake Slack refuses what Slack's docs say Slack refuses (each rule is cited in fake-slack.ts); each
 * test breaks one rule on purpose and shows the refusal, so a lenient fake cannot keep the suite green.
 */
describe('fake Slack enforces the documented rules', () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;
  let clock: number;

  beforeEach(async () => {
    fake = await new FakeSlack().start();
    clock = 1_800_000_000_000;
    fake.now = () => clock;
    client = new webApi.WebClient('xoxb-test', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  /** The error code Slack answers a Web API call with, or 'ok'. */
  const outcome = async (call: Promise<unknown>) =>
    call.then(
      () => 'ok',
      (error: { data?: { error?: string } }) => error.data?.error ?? String(error),
    );
  const respond = (url: string, body: Record<string, unknown>) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
  const button = (id: string, label = 'Go') => ({
    type: 'button',
    action_id: id,
    text: { type: 'plain_text', text: label },
  });

  it('a response_url takes at most 5 posts, within 30 minutes', async () => {
    const url = fake.responseUrl('r-uses', { user: 'UANA', channel: 'C1' });
    for (let i = 0; i < RESPONSE_URL_USES; i++)
      expect((await respond(url, { text: `reply ${i}` })).status).toBe(200);
    const sixth = await respond(url, { text: 'one too many' });
    expect([sixth.status, await sixth.text()]).toEqual([404, 'used_url']);

    const later = fake.responseUrl('r-late', { user: 'UANA', channel: 'C1' });
    clock += RESPONSE_URL_LIFETIME_MS + 1;
    const expired = await respond(later, { text: 'too late' });
    expect([expired.status, await expired.text()]).toEqual([404, 'expired_url']);
    // A URL Slack never issued does not exist.
    expect((await respond(`${fake.url}/respond/made-up`, { text: 'x' })).status).toBe(404);
  });

  it('response_type is ephemeral (the default: only the asker sees it) or in_channel (everyone)', async () => {
    const url = fake.responseUrl('r-type', { user: 'UANA', channel: 'C1' });
    expect((await respond(url, { text: 'private by default' })).status).toBe(200);
    expect((await respond(url, { text: 'for all', response_type: 'in_channel' })).status).toBe(200);
    expect((await respond(url, { text: '?', response_type: 'public' })).status).toBe(400);
    expect(fake.visibleTo('UANA').map((m) => m.text)).toEqual(['private by default', 'for all']);
    expect(fake.visibleTo('UBEN').map((m) => m.text)).toEqual(['for all']);
  });

  it('replace_original replaces the pressed message in place; delete_original removes it', async () => {
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'poll', blocks: [section('Vote!')] });
    const source = fake.message('C1', posted.ts!)!;
    const url = fake.responseUrl('r-replace', { user: 'UANA', channel: 'C1', source });
    expect((await respond(url, { replace_original: true, text: 'tally: 1 vote' })).status).toBe(200);
    expect(fake.visibleTo('UBEN').map((m) => m.text)).toEqual(['tally: 1 vote']);
    expect(fake.shown).toHaveLength(1);
    expect((await respond(url, { delete_original: true })).status).toBe(200);
    expect(fake.visibleTo('UBEN')).toEqual([]);
    // A slash command's response_url has no original until something was posted through it.
    const fresh = fake.responseUrl('r-none', { user: 'UANA', channel: 'C1' });
    expect((await respond(fresh, { replace_original: true, text: 'x' })).status).toBe(404);
  });

  it('Block Kit limits: 50 blocks, 3,000-char section text, 25 elements, 75-char button text, 255-char action_id, 100 options', async () => {
    const post = (blocks: unknown[]) =>
      outcome(client.chat.postMessage({ channel: 'C1', text: 't', blocks: blocks as never }));
    expect(await post([section('fine')])).toBe('ok');
    expect(await post(Array.from({ length: 51 }, (_, i) => section(`b${i}`)))).toBe('invalid_blocks');
    expect(await post([section('x'.repeat(3001))])).toBe('invalid_blocks');
    const elements = (n: number) => Array.from({ length: n }, (_, i) => button(`a${i}`));
    expect(await post([{ type: 'actions', elements: elements(25) }])).toBe('ok');
    expect(await post([{ type: 'actions', elements: elements(26) }])).toBe('invalid_blocks');
    expect(await post([{ type: 'actions', elements: [button('a', 'x'.repeat(76))] }])).toBe('invalid_blocks');
    expect(await post([{ type: 'actions', elements: [button('a'.repeat(256))] }])).toBe('invalid_blocks');
    const select = (n: number) => ({
      type: 'static_select',
      action_id: 's',
      placeholder: { type: 'plain_text', text: 'Pick' },
      options: Array.from({ length: n }, (_, i) => ({
        text: { type: 'plain_text', text: `o${i}` },
        value: `v${i}`,
      })),
    });
    expect(await post([{ type: 'actions', elements: [select(100)] }])).toBe('ok');
    expect(await post([{ type: 'actions', elements: [select(101)] }])).toBe('invalid_blocks');
    // The same limits on a response_url.
    const url = fake.responseUrl('r-blocks', { user: 'UANA', channel: 'C1' });
    expect((await respond(url, { text: 't', blocks: [section('x'.repeat(3001))] })).status).toBe(400);
  });

  it("chat.update needs the channel and ts of the bot's own message", async () => {
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'mine' });
    expect(await outcome(client.chat.update({ channel: 'C1', ts: posted.ts!, text: 'edited' }))).toBe('ok');
    expect(fake.message('C1', posted.ts!)!.text).toBe('edited');
    expect(await outcome(client.chat.update({ channel: 'C1', ts: '1.000001', text: 'x' }))).toBe(
      'message_not_found',
    );
    expect(await outcome(client.chat.update({ channel: 'C2', ts: posted.ts!, text: 'x' }))).toBe(
      'message_not_found',
    );
    const theirs = fake.addUserMessage('C1', 'UANA', 'hello');
    expect(await outcome(client.chat.update({ channel: 'C1', ts: theirs.ts!, text: 'x' }))).toBe(
      'cant_update_message',
    );
  });

  it('a message needs text or blocks (no_text), on the Web API and on a response_url', async () => {
    expect(await outcome(client.chat.postMessage({ channel: 'C1' } as never))).toBe('no_text');
    expect(await outcome(client.chat.postMessage({ channel: 'C1', text: 'hi' }))).toBe('ok');
    const url = fake.responseUrl('r-empty', { user: 'UANA', channel: 'C1' });
    const empty = await respond(url, { response_type: 'ephemeral' });
    expect([empty.status, await empty.text()]).toEqual([400, 'no_text']);
    expect(fake.visibleTo('UANA').map((m) => m.text)).toEqual(['hi']);
  });

  it("a DM (a user id as channel, or conversations.open's D… id) is seen by that user only", async () => {
    await client.chat.postMessage({ channel: 'UANA', text: 'just for Ana' });
    const opened = await client.conversations.open({ users: 'UBEN' });
    await client.chat.postMessage({ channel: opened.channel!.id!, text: 'just for Ben' });
    expect(fake.visibleTo('UANA').map((m) => m.text)).toEqual(['just for Ana']);
    expect(fake.visibleTo('UBEN').map((m) => m.text)).toEqual(['just for Ben']);
    expect(fake.visibleTo('UCY')).toEqual([]);
    expect(await outcome(client.conversations.open({ users: 'not-a-user' }))).toBe('user_not_found');
  });

  it('chat.postEphemeral needs a user who is in the channel', async () => {
    expect(await outcome(client.chat.postEphemeral({ channel: 'C1', user: 'UANA', text: 'psst' }))).toBe(
      'user_not_in_channel',
    );
    fake.join('C1', 'UANA');
    expect(await outcome(client.chat.postEphemeral({ channel: 'C1', user: 'UANA', text: 'psst' }))).toBe(
      'ok',
    );
    expect(fake.visibleTo('UANA').map((m) => m.text)).toEqual(['psst']);
    expect(fake.visibleTo('UBEN')).toEqual([]);
  });

  it('the external file upload: getUploadURLExternal needs filename and length; only uploaded bytes complete', async () => {
    expect(await outcome(client.files.getUploadURLExternal({ filename: 'a.png' } as never))).toBe(
      'invalid_arguments',
    );
    const { upload_url, file_id } = await client.files.getUploadURLExternal({ filename: 'a.png', length: 3 });
    const early = client.files.completeUploadExternal({
      files: [{ id: file_id!, title: 'a' }],
      channel_id: 'D1',
    });
    expect(await outcome(early)).toBe('file_not_found');
    expect((await fetch(upload_url!, { method: 'POST', body: new Uint8Array([1, 2, 3]) })).status).toBe(200);
    const done = client.files.completeUploadExternal({
      files: [{ id: file_id!, title: 'a' }],
      channel_id: 'D1',
    });
    expect(await outcome(done)).toBe('ok');
    expect(fake.sharedFiles).toEqual([{ id: file_id, name: 'a.png', channel: 'D1', bytes: 3 }]);
  });

  describe('slash commands must be acknowledged within 3 s', () => {
    let app: Server;
    let delayMs = 0;
    beforeEach(async () => {
      // A stand-in app that "takes" delayMs on the fake's clock before answering (no real waiting).
      app = createServer((_req, res) => {
        clock += delayMs;
        res.writeHead(200).end();
      });
      await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    });
    afterEach(async () => {
      await new Promise((resolve) => app.close(resolve));
    });

    it('records a late acknowledgement, not a timely one', async () => {
      const url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`;
      const body = slashCommandBody({
        team: FAKE_BOT.team,
        user: 'UANA',
        channel: 'C1',
        command: 'movierec',
        text: 'help',
        responseUrl: fake.responseUrl('r-ack', { user: 'UANA', channel: 'C1' }),
      });
      delayMs = SLASH_COMMAND_ACK_MS;
      await fake.deliver(url, body, 'application/x-www-form-urlencoded', { secret: 's' });
      expect(fake.lateAcks).toEqual([]);
      delayMs = SLASH_COMMAND_ACK_MS + 1;
      await fake.deliver(url, body, 'application/x-www-form-urlencoded', { secret: 's' });
      expect(fake.lateAcks).toEqual([{ url, ms: SLASH_COMMAND_ACK_MS + 1 }]);
    });
  });
});
