import { createDiscordAdapter } from '../../adapters/discord/index.ts';
import type { PlatformAdapter } from '../../src/bot/types.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeCore } from './fake-core.ts';
import { APP_ID, FakeDiscord, TOKEN } from './fake-discord.ts';
import type { StoredMessage } from './fake-interactions.ts';

const WAIT_MS = 10_000;

/** A fake Discord, a FakeCore and a real discord.js adapter between them, with helpers to drive them. */
export interface AdapterFixture {
  fake: FakeDiscord;
  core: FakeCore;
  adapter: PlatformAdapter;
  /** Dispatches an INTERACTION_CREATE, waits until the adapter is done, returns what the asker sees. */
  send(payload: { id: string; token: string }): Promise<StoredMessage[]>;
  /** Dispatches a gateway event and waits until the adapter has handled the reaction it carries. */
  react(t: 'MESSAGE_REACTION_ADD' | 'MESSAGE_REACTION_REMOVE', body: Record<string, unknown>): Promise<void>;
  /** Requests for one interaction token (callback and webhooks), in order. */
  forToken(token: string): FakeDiscord['requests'];
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the trio. `answerBudgetMs` is how long the adapter waits for the core before deferring: tests
 * of the slow path use 1 ms with a core held on {@link FakeCore.release}, so no test waits on a clock.
 */
export async function startAdapterFixture(
  options: { answerBudgetMs?: number } = {},
): Promise<AdapterFixture> {
  const fake = await FakeDiscord.start();
  const core = new FakeCore();
  const handled = new Set<string>();
  const make = async () => {
    const a = createDiscordAdapter(
      { token: TOKEN, appId: APP_ID, apiUrl: fake.apiUrl },
      {
        logger: createLogger('silent'),
        clientOptions: { rest: { timeout: 5_000 } },
        readyTimeoutMs: WAIT_MS,
        ...(options.answerBudgetMs !== undefined && { answerBudgetMs: options.answerBudgetMs }),
        onHandled: ({ id }) => {
          handled.add(id);
          fake.poke();
        },
      },
    );
    await a.start(core);
    return a;
  };
  const fixture: AdapterFixture = {
    fake,
    core,
    adapter: await make(),
    async send(payload) {
      fake.dispatch('INTERACTION_CREATE', payload);
      await fake.waitFor(
        () => (handled.has(payload.id) ? true : undefined),
        WAIT_MS,
        `interaction ${payload.id}`,
      );
      return fake.visibleAnswer(payload.id);
    },
    async react(t, body) {
      const before = handled.size;
      const s = fake.dispatch(t, body);
      await fake.waitFor(
        () => ([...handled].some((h) => h.endsWith(`:${s}`)) || handled.size > before ? true : undefined),
        WAIT_MS,
        `reaction ${s}`,
      );
    },
    forToken: (token) => fake.requests.filter((r) => r.path.includes(token)),
    async restart() {
      await fixture.adapter.stop();
      fixture.adapter = await make();
    },
    async close() {
      await fixture.adapter.stop();
      await fake.close();
    },
  };
  return fixture;
}
