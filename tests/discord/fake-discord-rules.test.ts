import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, CHANNEL_ID, FakeDiscord, TOKEN } from './fake-discord.ts';
import { commandInteraction, componentInteraction } from './gateway-payloads.ts';

type Json = Record<string, unknown>;

/**
 * The fake Discord refuses what Discord refuses. Each test breaks one documented rule with raw REST
 * calls (no adapter) and checks the fake answers as Discord does; the rules and their sources are in
 * fake-interactions.ts and validate-payload.ts.
 */
describe('fake Discord enforces the documented interaction rules', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });
  afterAll(async () => {
    await fake?.close();
  });

  async function call(method: string, path: string, body?: Json, query = '') {
    const res = await fetch(`${fake.apiUrl}/v10${path}${query}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bot ${TOKEN}` },
      ...(body && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as Json | undefined };
  }

  const message = (extra: Json = {}): Json => ({ content: 'hi', allowed_mentions: { parse: [] }, ...extra });
  /** A fresh slash-command interaction the fake has "sent" (its clocks start now). */
  const command = () => {
    const i = commandInteraction('ana', 'help');
    fake.dispatch('INTERACTION_CREATE', i);
    return {
      ...i,
      callback: (body: Json, query = '') =>
        call('POST', `/interactions/${i.id}/${i.token}/callback`, body, query),
      original: (method: string, body?: Json) =>
        call(method, `/webhooks/${APP_ID}/${i.token}/messages/@original`, body),
      followUp: (body: Json) => call('POST', `/webhooks/${APP_ID}/${i.token}`, body),
    };
  };

  it('accepts one initial response and refuses a second (40060)', async () => {
    const i = command();
    expect((await i.callback({ type: 4, data: message() })).status).toBe(204);
    const again = await i.callback({ type: 5 });
    expect(again).toMatchObject({ status: 400, json: { code: 40060 } });
  });

  it('refuses an initial response after 3 seconds (10062 Unknown interaction)', async () => {
    const i = command();
    fake.advanceClock(3_001);
    expect(await i.callback({ type: 5 })).toMatchObject({ status: 404, json: { code: 10062 } });
  });

  it('refuses follow-ups before the initial response, and any use of the token after 15 minutes', async () => {
    const i = command();
    expect(await i.followUp(message())).toMatchObject({ status: 404, json: { code: 10015 } });
    expect((await i.callback({ type: 5 })).status).toBe(204);
    fake.advanceClock(15 * 60_000 + 1);
    expect(await i.original('PATCH', message())).toMatchObject({ status: 401, json: { code: 50027 } });
    expect(await i.followUp(message())).toMatchObject({ status: 401, json: { code: 50027 } });
  });

  it('fixes visibility at the defer: an edit carrying other flags does not change it', async () => {
    const i = command();
    await i.callback({ type: 5, data: { flags: 64 } });
    expect((await i.original('PATCH', message({ content: 'answer', flags: 0 }))).status).toBe(200);
    expect(fake.visibleAnswer(i.id).map((m) => [m.json.content, m.ephemeral])).toEqual([['answer', true]]);
  });

  it('makes the first follow-up after a public defer fill the placeholder, public, whatever its flags', async () => {
    const i = command();
    await i.callback({ type: 5 });
    const first = await i.followUp(message({ content: 'meant to be private', flags: 64 }));
    const original = await i.original('GET');
    expect(first.json!.id).toBe(original.json!.id);
    const second = await i.followUp(message({ content: 'really private', flags: 64 }));
    expect(second.json!.id).not.toBe(original.json!.id);
    expect(fake.visibleAnswer(i.id).map((m) => [m.json.content, m.ephemeral])).toEqual([
      ['meant to be private', false],
      ['really private', true],
    ]);
    // Deleting @original now deletes that first answer: what the old adapter did, losing the reply.
    await i.original('DELETE');
    expect(fake.visibleAnswer(i.id).map((m) => m.json.content)).toEqual(['really private']);
  });

  it('counts a deferred placeholder nobody filled as no answer', async () => {
    const i = command();
    await i.callback({ type: 5, data: { flags: 64 } });
    expect(fake.visibleAnswer(i.id)).toEqual([]);
  });

  it('allows UPDATE_MESSAGE only on component interactions, and it keeps the message visibility', async () => {
    const i = command();
    expect(await i.callback({ type: 7, data: message() })).toMatchObject({ status: 400 });
    // A component on an ephemeral message: the update edits that message and it stays ephemeral.
    const c = command();
    await c.callback({ type: 4, data: message({ content: 'pick one', flags: 64 }) });
    const source = fake.visibleAnswer(c.id)[0]!.json;
    const press = componentInteraction('ana', source, 'b:x');
    fake.dispatch('INTERACTION_CREATE', press);
    const update = await call('POST', `/interactions/${press.id}/${press.token}/callback`, {
      type: 7,
      data: message({ content: 'picked' }),
    });
    expect(update.status).toBe(204);
    expect(fake.visibleAnswer(press.id).map((m) => [m.json.id, m.json.content, m.ephemeral])).toEqual([
      [source.id, 'picked', true],
    ]);
  });

  it('never lets channel routes see or edit an ephemeral message', async () => {
    const i = command();
    await i.callback({ type: 4, data: message({ flags: 64 }) });
    const id = String(fake.visibleAnswer(i.id)[0]!.json.id);
    const edit = await call('PATCH', `/channels/${CHANNEL_ID}/messages/${id}`, message());
    expect(edit).toMatchObject({ status: 404, json: { code: 10008 } });
  });

  const button = (n: number, id = `b:${n}`) => ({ type: 2, style: 2, label: `B${n}`, custom_id: id });
  const select = (id: string, options = 1) => ({
    type: 3,
    custom_id: id,
    options: Array.from({ length: options }, (_, k) => ({ label: `o${k}`, value: `v${k}` })),
  });
  const row = (...components: Json[]) => ({ type: 1, components });
  const embed = (extra: Json) => ({ title: 't', ...extra });
  const broken: [string, Json][] = [
    ['6 action rows', { components: Array.from({ length: 6 }, (_, r) => row(button(r))) }],
    ['6 buttons in a row', { components: [row(...Array.from({ length: 6 }, (_, b) => button(b)))] }],
    ['2 selects in a row', { components: [row(select('s:a'), select('s:b'))] }],
    ['26 select options', { components: [row(select('s:a', 26))] }],
    ['a 101-character custom_id', { components: [row(button(1, 'x'.repeat(101)))] }],
    ['11 embeds', { embeds: Array.from({ length: 11 }, () => embed({})) }],
    [
      '6,001 embed characters in total',
      {
        embeds: [
          embed({ title: 'x', description: 'd'.repeat(4096) }),
          embed({ description: 'd'.repeat(1903) }),
        ],
      },
    ],
    ['a 257-character title', { embeds: [embed({ title: 'x'.repeat(257) })] }],
    ['a 4,097-character description', { embeds: [embed({ description: 'x'.repeat(4097) })] }],
    [
      'a 1,025-character field value',
      { embeds: [embed({ fields: [{ name: 'n', value: 'v'.repeat(1025) }] })] },
    ],
    [
      '26 fields',
      { embeds: [embed({ fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) })] },
    ],
  ];

  it.each(broken)(
    'refuses a message with %s (400 Invalid Form Body), on every message route',
    async (_, body) => {
      const direct = command();
      expect(await direct.callback({ type: 4, data: message(body) })).toMatchObject({
        status: 400,
        json: { code: 50035 },
      });
      const deferred = command();
      await deferred.callback({ type: 5 });
      expect((await deferred.followUp(message(body))).status).toBe(400);
      expect((await deferred.original('PATCH', message(body))).status).toBe(400);
      expect((await call('POST', `/channels/${CHANNEL_ID}/messages`, message(body))).status).toBe(400);
    },
  );

  it('accepts a message exactly at the limits', async () => {
    const i = command();
    const atLimits = message({
      components: [
        ...Array.from({ length: 4 }, (_, r) =>
          row(...Array.from({ length: 5 }, (_, b) => button(r * 5 + b))),
        ),
        row(select('s:'.padEnd(100, 'x'), 25)),
      ],
      embeds: [
        embed({ title: 'x'.repeat(256), description: 'd'.repeat(4096) }),
        embed({ description: 'd'.repeat(1647) }),
      ],
    });
    expect(await i.callback({ type: 4, data: atLimits })).toEqual({ status: 204, json: undefined });
  });
});
