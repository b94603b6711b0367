import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogSource } from '../../src/bot/catalog-view.ts';
import { createBotCore } from '../../src/bot/core.ts';
import type { Actor, BotEvent, ChannelRef, Reply } from '../../src/bot/types.ts';
import { cards, ratings, sessions, users } from '../../src/db/schema.ts';
import { createTestCore, type TestCore } from '../contract/fixture.ts';
import { DB_KINDS } from '../helpers/db.ts';

/** Creating a test database takes a while on a loaded 2-core machine. */
const SETUP_TIMEOUT_MS = 300_000;

const channel: ChannelRef = { key: 'slack:T1:C1', platform: 'slack', tenant: 'T1' };
const actor = (name: string, displayName?: string): Actor => ({
  userKey: `slack:T1:${name}`,
  platform: 'slack',
  tenant: 'T1',
  displayName,
});
let seq = 0;
const command = (user: string, name: string, text = '', extra: Partial<BotEvent> = {}): BotEvent =>
  ({
    type: 'command',
    id: `h${++seq}`,
    actor: actor(user),
    channel,
    command: name,
    text,
    ...extra,
  }) as BotEvent;
const press = (user: string, actionId: string, value?: string): BotEvent => ({
  type: 'action',
  id: `h${++seq}`,
  actor: actor(user),
  channel,
  actionId,
  value,
});
const text = (replies: Reply[]) => replies.map((r) => r.text).join('\n');
const outcome = (replies: Reply[]) => replies[0]?.data?.outcome;

describe.each(DB_KINDS)('input cleaning and session ownership on %s', (kind) => {
  let t: TestCore;
  beforeAll(async () => {
    t = await createTestCore(kind);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const userRow = async (name: string) =>
    (
      await t.db.db
        .select()
        .from(users)
        .where(eq(users.externalId, `slack:T1:${name}`))
    )[0];

  // Postgres refuses NUL in text (22021 "invalid byte sequence for encoding UTF8: 0x00"); before the
  // core cleaned its input each of these ended in "Sorry, something went wrong".
  it('a NUL in free text, an option or a select value gets a normal answer', async () => {
    const rated = await t.core.handle(command('nul1', 'rate', 'Heat\u0000 4'));
    expect(outcome(rated)).not.toBe('error');
    expect(text(rated)).toMatch(/Rated \*\*Heat \(1981\)\*\* ★★★★ 4/);

    const prefs = await t.core.handle(command('nul1', 'prefs', 'love comedies\u0000, no sci-fi'));
    expect(outcome(prefs)).not.toBe('error');
    expect(text(prefs)).toMatch(/Got it/);

    const typed = await t.core.handle(
      command('nul1', 'rate', '', { options: { title: 'Ronin\u0000', stars: 3 } } as Partial<BotEvent>),
    );
    expect(text(typed)).toMatch(/Rated \*\*Ronin/);

    const select = await t.core.handle(press('nul1', `mr:rate:${t.movieIds[28]}`, '5\u0000'));
    expect(text(select)).toMatch(/Rated \*\*Thief/);

    // An action id carrying a NUL (a hand-made request) names no session: expired, not an error.
    const forged = await t.core.handle(press('nul1', 'mr:pick:abc\u0000def:1'));
    expect(text(forged)).toMatch(/expired/);
  });

  it('a NUL in a display name is dropped, and the user is stored with the clean name', async () => {
    const event = {
      ...command('nul2', 'rate', 'Fargo 4'),
      actor: actor('nul2', 'Ana\u0000 Lee\u0007'),
    } as BotEvent;
    const replies = await t.core.handle(event);
    expect(outcome(replies)).not.toBe('error');
    expect(text(replies)).toMatch(/Rated \*\*Fargo/);
    expect((await userRow('nul2'))?.displayName).toBe('Ana Lee');
  });

  it("refuses another user's cancel, confirm and pick on someone's session, and changes nothing", async () => {
    // The owner asks for /forget-me: a confirm-forget session with "forget" and "cancel" buttons.
    await t.core.handle(command('owner', 'rate', 'Heat 4'));
    const [confirm] = await t.core.handle(command('owner', 'forget-me'));
    const [forgetId, cancelId] = confirm!.actions!.map((a) => a.id);
    expect(forgetId).toMatch(/^mr:forget:/);
    expect(cancelId).toMatch(/^mr:cancel:/);
    const sessionId = forgetId!.split(':')[2]!;
    const owner = (await userRow('owner'))!;
    const ownerSessions = () => t.db.db.select().from(sessions).where(eq(sessions.id, sessionId));

    for (const id of [cancelId!, forgetId!]) {
      const [reply] = await t.core.handle(press('intruder', id));
      expect(reply).toMatchObject({ ephemeral: true, data: { error: 'not-your-session' } });
      expect(reply!.text).toMatch(/someone else/);
    }
    expect(await ownerSessions()).toHaveLength(1);
    expect(await userRow('owner')).toMatchObject({ id: owner.id });

    // A pick on the owner's "which one?" question.
    const [ask] = await t.core.handle(command('owner', 'rate', 'Solaris 4'));
    const choice = ask!.actions!.find((a) => a.label.includes('2002'))!;
    const [refused] = await t.core.handle(press('intruder', choice.id));
    expect(refused!.data).toMatchObject({ error: 'not-your-session' });
    const intruder = (await userRow('intruder'))!;
    expect(await t.db.db.select().from(ratings).where(eq(ratings.userId, intruder.id))).toEqual([]);
    // The owner's choice still works afterwards.
    expect(text(await t.core.handle(press('owner', choice.id)))).toMatch(/Rated \*\*Solaris \(2002\)/);

    // The owner's own cancel still works.
    expect(text(await t.core.handle(press('owner', cancelId!)))).toMatch(/Cancelled/);
    expect(await ownerSessions()).toEqual([]);
  });

  it('cancel deletes only the presser’s own sessions, whatever id the button carries', async () => {
    // Before the owner check, `mr:cancel:<any id>` deleted any session row, rate-limit counters included.
    await t.core.handle(command('victim', 'forget-me'));
    const victim = (await userRow('victim'))!;
    const before = await t.db.db.select().from(sessions).where(eq(sessions.userId, victim.id));
    expect(before.length).toBeGreaterThan(0);
    for (const row of before) await t.core.handle(press('intruder2', `mr:cancel:${row.id}`));
    expect(await t.db.db.select().from(sessions).where(eq(sessions.userId, victim.id))).toHaveLength(
      before.length,
    );
  });

  it('a card whose save fails once after its message was posted is saved on retry, so reactions rate', async () => {
    let failures = 1;
    const db = t.db.db;
    // The database refuses the first card insert (a connection blip); everything else goes through.
    const flaky = new Proxy(db, {
      get(target, prop) {
        if (prop === 'insert') {
          return (table: typeof cards) => {
            if (table === cards && failures-- > 0) throw new Error('connection reset while saving the card');
            return target.insert(table);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const core = createBotCore({
      db: flaky,
      logger: pino({ level: 'silent' }),
      catalog: createCatalogSource(db),
      recommender: { current: () => t.recommender.current(), catalogChanged: () => {} },
      rateLimitPerMinute: 1000,
    });
    const [card] = await core.handle(command('cardu', 'movie', 'Thief'));
    expect(card!.rateByReaction).toBe(true);
    await core.messagePosted(card!, 'slack:C1:m-flaky', channel);
    expect(failures).toBe(-1); // failed once, saved on the second attempt
    const reacted = await core.handle({
      type: 'reaction',
      id: `h${++seq}`,
      actor: actor('cardu'),
      channel,
      messageKey: 'slack:C1:m-flaky',
      emoji: '4️⃣',
      added: true,
    });
    expect(text(reacted)).toMatch(/Rated \*\*Thief \(1993\)\*\* ★★★★ 4/);
  });
});
