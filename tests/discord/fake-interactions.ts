import { APP_ID, botUser, CHANNEL_ID, GUILD_ID, snowflake } from './fake-constants.ts';
import { validateMessagePayload } from './validate-payload.ts';

/**
 * Discord's documented interaction semantics, as the fake Discord enforces them. Each rule cites its
 * source; tests/discord/fake-discord-rules.test.ts breaks each one and checks the fake refuses.
 *
 * Sources:
 * - [RR] Discord developer docs, "Receiving and Responding to Interactions"
 *   (https://discord.com/developers/docs/interactions/receiving-and-responding).
 * - [3466] discord-api-docs PR #3466 "Clarify Ephemeral Usage With Followups": "The first followup
 *   response after you defer(ACK) … The flags property of 64 can not be changed. If you ACK with a flag
 *   of 64 then your response will also be ephemeral. If you defer, without a flags property of 64 you
 *   can not then respond with a ephemeral response."
 * - [6465] discord.js issue #6465: "It is not possible to change the ephemeral state of a message and
 *   followUp directly after a deferReply has the same effect as editReply"; "If you want to followUp
 *   with a non ephemeral reply you need to edit the original one first."
 */

type Json = Record<string, unknown>;

/** [RR] "you must send an initial response within 3 seconds of receiving the event". */
export const INITIAL_RESPONSE_MS = 3_000;
/** [RR] "Interaction tokens are valid for 15 minutes". */
export const TOKEN_VALID_MS = 15 * 60_000;
const EPHEMERAL = 64;

/** [RR] Interaction callback types. */
export const CALLBACK = {
  reply: 4,
  deferReply: 5,
  deferUpdate: 6,
  update: 7,
  autocomplete: 8,
} as const;

/** A REST answer: HTTP status and JSON body (undefined → empty body). */
export interface FakeAnswer {
  status: number;
  json?: unknown;
}

/** A message the bot made, as Discord stores it, plus what the fake knows about it. */
export interface StoredMessage {
  json: Json;
  ephemeral: boolean;
  deleted: boolean;
  /** A deferred reply's "thinking…" placeholder not yet filled in. */
  loading: boolean;
  /** The interaction ids through which the bot created or changed this message, in order. */
  touchedBy: string[];
}

interface InteractionState {
  id: string;
  token: string;
  /** 2 command, 3 component, 4 autocomplete. */
  type: number;
  receivedAt: number;
  channelId: string;
  sourceMessageId?: string;
  callback?: number;
  /** The message `@original` names: the reply, the placeholder, or (after 6/7) the component's message. */
  originalId?: string;
  autocompleteChoices?: unknown[];
}

function error(status: number, code: number, message: string): FakeAnswer {
  return { status, json: { code, message } };
}

/** [RR] 10062 Unknown interaction: an interaction answered too late (or never seen). */
const UNKNOWN_INTERACTION = error(404, 10062, 'Unknown interaction');
/** [RR] 40060: "Interaction has already been acknowledged". */
const ALREADY_ACKNOWLEDGED = error(400, 40060, 'Interaction has already been acknowledged.');
/** Webhook routes for a token Discord does not know (or not yet: no initial response). */
const UNKNOWN_WEBHOOK = error(404, 10015, 'Unknown Webhook');
/** [RR] After 15 minutes the token no longer works. */
const INVALID_TOKEN = error(401, 50027, 'Invalid Webhook Token');
const UNKNOWN_MESSAGE = error(404, 10008, 'Unknown Message');

function invalidBody(problems: string[]): FakeAnswer {
  return { status: 400, json: { code: 50035, message: 'Invalid Form Body', errors: problems } };
}

/** The message fields an edit may change; flags are not among them for visibility ([6465]). */
const EDITABLE = ['content', 'embeds', 'components', 'attachments', 'allowed_mentions'] as const;

/**
 * The interaction ledger and the bot's messages: every interaction the fake delivered, how it was
 * answered, and what each message now shows and to whom.
 */
export class InteractionRules {
  readonly messages = new Map<string, StoredMessage>();
  /** Requests the fake refused, with why: a non-empty list in a test means the bot broke a rule. */
  readonly violations: { path: string; rule: string }[] = [];
  private readonly interactions = new Map<string, InteractionState>();
  private readonly byToken = new Map<string, InteractionState>();

  constructor(private readonly now: () => number) {}

  /** Called for every INTERACTION_CREATE the fake dispatches: from now on its clock runs. */
  register(payload: Json): void {
    const message = payload.message as Json | undefined;
    const state: InteractionState = {
      id: String(payload.id),
      token: String(payload.token),
      type: Number(payload.type),
      receivedAt: this.now(),
      channelId: String(payload.channel_id ?? CHANNEL_ID),
      ...(message && { sourceMessageId: String(message.id) }),
    };
    this.interactions.set(state.id, state);
    this.byToken.set(state.token, state);
  }

  /** Stores a message the bot created (channel message, DM, reply or follow-up). */
  create(body: Json, options: { channelId: string; ephemeral: boolean; webhook: boolean; by?: string }) {
    const id = snowflake();
    const json: Json = {
      id,
      channel_id: options.channelId,
      ...(options.channelId === CHANNEL_ID && { guild_id: GUILD_ID }),
      author: botUser(),
      content: body.content ?? '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      pinned: false,
      type: options.webhook ? 20 : 0,
      flags: options.ephemeral ? EPHEMERAL : 0,
      ...(options.webhook && { webhook_id: APP_ID, application_id: APP_ID }),
    };
    const stored: StoredMessage = {
      json,
      ephemeral: options.ephemeral,
      deleted: false,
      loading: false,
      touchedBy: options.by ? [options.by] : [],
    };
    this.messages.set(id, stored);
    return stored;
  }

  /**
   * Applies an edit to a stored message after checking the result against Discord's limits. The
   * visibility never changes: [6465] "It is not possible to change the ephemeral state of a message".
   */
  edit(message: StoredMessage, body: Json, path: string, by?: string): FakeAnswer {
    const next: Json = { ...message.json };
    for (const k of EDITABLE) if (body[k] !== undefined) next[k] = body[k];
    const problems = validateMessagePayload({ allowed_mentions: { parse: [] }, ...next });
    if (problems.length > 0)
      return this.refuse(path, `invalid message: ${problems.join('; ')}`, invalidBody(problems));
    Object.assign(message.json, next, { edited_timestamp: new Date().toISOString() });
    message.loading = false;
    if (by && !message.touchedBy.includes(by)) message.touchedBy.push(by);
    return { status: 200, json: message.json };
  }

  /** Messages the bot made or changed in answer to one interaction, as they are now. */
  messagesFor(interactionId: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.touchedBy.includes(interactionId));
  }

  refuse(path: string, rule: string, answer: FakeAnswer): FakeAnswer {
    this.violations.push({ path, rule });
    return answer;
  }

  // ── POST /interactions/{id}/{token}/callback ─────────────────────────────

  callback(id: string, token: string, body: Json, withResponse: boolean, path: string): FakeAnswer {
    const state = this.interactions.get(id);
    if (!state || state.token !== token) return this.refuse(path, 'unknown interaction', UNKNOWN_INTERACTION);
    // [RR] "you must send an initial response within 3 seconds … If the 3 second deadline is exceeded,
    // the token will be invalidated."
    if (this.now() - state.receivedAt > INITIAL_RESPONSE_MS)
      return this.refuse(path, 'initial response after 3 s', UNKNOWN_INTERACTION);
    // [RR] One initial response per interaction; further messages are follow-ups or edits.
    if (state.callback !== undefined)
      return this.refuse(path, 'second initial response', ALREADY_ACKNOWLEDGED);
    const type = Number(body.type);
    const data = (body.data ?? {}) as Json;
    // [RR] "DEFERRED_UPDATE_MESSAGE* / UPDATE_MESSAGE* … *Only valid for component-based interactions";
    // APPLICATION_COMMAND_AUTOCOMPLETE_RESULT answers autocomplete and nothing else answers it.
    const allowed: Record<number, number[]> = { 2: [4, 5], 3: [4, 5, 6, 7], 4: [8] };
    if (!allowed[state.type]?.includes(type))
      return this.refuse(
        path,
        `callback type ${type} on interaction type ${state.type}`,
        error(400, 50035, 'Invalid interaction response type'),
      );
    const ephemeral = (Number(data.flags ?? 0) & EPHEMERAL) !== 0;
    let message: StoredMessage | undefined;
    if (type === CALLBACK.reply) {
      const problems = validateMessagePayload(data);
      if (problems.length > 0)
        return this.refuse(path, `invalid message: ${problems.join('; ')}`, invalidBody(problems));
      message = this.create(data, { channelId: state.channelId, ephemeral, webhook: true, by: id });
    } else if (type === CALLBACK.deferReply) {
      // [RR] DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: "ACK an interaction and edit a response later, the
      // user sees a loading state". [3466] Its flags fix the visibility of what fills it.
      message = this.create({}, { channelId: state.channelId, ephemeral, webhook: true, by: id });
      message.loading = true;
    } else if (type === CALLBACK.deferUpdate || type === CALLBACK.update) {
      message = state.sourceMessageId ? this.messages.get(state.sourceMessageId) : undefined;
      if (!message || message.deleted) return this.refuse(path, 'component message unknown', UNKNOWN_MESSAGE);
      if (type === CALLBACK.update) {
        // [RR] UPDATE_MESSAGE: "for components, edit the message the component was attached to".
        const answer = this.edit(message, data, path, id);
        if (answer.status !== 200) return answer;
      }
    } else {
      // [RR] Autocomplete: "choices … max 25".
      const choices = (data.choices ?? []) as unknown[];
      if (choices.length > 25)
        return this.refuse(path, 'more than 25 choices', invalidBody(['choices > 25']));
      state.autocompleteChoices = choices;
    }
    state.callback = type;
    state.originalId = message?.json.id as string | undefined;
    if (!withResponse) return { status: 204 };
    return {
      status: 200,
      json: {
        interaction: {
          id,
          type: state.type,
          response_message_id: state.originalId ?? null,
          response_message_loading: message?.loading ?? false,
          response_message_ephemeral: message?.ephemeral ?? false,
        },
        ...(message && type !== CALLBACK.deferUpdate && { resource: { type, message: message.json } }),
      },
    };
  }

  // ── /webhooks/{app}/{token}[/messages/@original] ─────────────────────────

  /** The interaction behind a webhook token, or why Discord would refuse the token. */
  private webhookState(token: string, path: string): InteractionState | FakeAnswer {
    const state = this.byToken.get(token);
    if (!state) return this.refuse(path, 'unknown webhook token', UNKNOWN_WEBHOOK);
    // [RR] "Interaction tokens are valid for 15 minutes and can be used to send followup messages".
    if (this.now() - state.receivedAt > TOKEN_VALID_MS)
      return this.refuse(path, 'interaction token older than 15 minutes', INVALID_TOKEN);
    // [RR] Follow-ups and edits need the initial response first ("Followup messages … after the
    // initial response").
    if (state.callback === undefined || state.callback === CALLBACK.autocomplete)
      return this.refuse(path, 'webhook used before an initial response', UNKNOWN_WEBHOOK);
    return state;
  }

  original(method: string, token: string, body: Json, path: string): FakeAnswer {
    const state = this.webhookState(token, path);
    if (!('token' in state)) return state;
    const message = state.originalId ? this.messages.get(state.originalId) : undefined;
    if (!message || message.deleted) return this.refuse(path, '@original is gone', UNKNOWN_MESSAGE);
    if (method === 'GET') return { status: 200, json: message.json };
    if (method === 'DELETE') {
      message.deleted = true;
      return { status: 204 };
    }
    // [6465] The edit keeps the message's visibility, whatever flags it carries.
    return this.edit(message, body, path, state.id);
  }

  followUp(token: string, body: Json, path: string): FakeAnswer {
    const state = this.webhookState(token, path);
    if (!('token' in state)) return state;
    const original = state.originalId ? this.messages.get(state.originalId) : undefined;
    if (state.callback === CALLBACK.deferReply && original?.loading && !original.deleted) {
      // [3466], [6465]: the first follow-up after a deferred reply fills the placeholder instead of
      // posting a new message, and keeps the placeholder's visibility (its own flags are ignored).
      return this.edit(original, body, path, state.id);
    }
    const problems = validateMessagePayload(body);
    if (problems.length > 0)
      return this.refuse(path, `invalid message: ${problems.join('; ')}`, invalidBody(problems));
    // [RR] Later follow-ups are new messages; "flags … 64 … to send an ephemeral message".
    const ephemeral = (Number(body.flags ?? 0) & EPHEMERAL) !== 0;
    return {
      status: 200,
      json: this.create(body, { channelId: state.channelId, ephemeral, webhook: true, by: state.id }).json,
    };
  }

  /** Choices the bot answered an autocomplete interaction with. */
  choicesOf(interactionId: string): unknown[] | undefined {
    return this.interactions.get(interactionId)?.autocompleteChoices;
  }

  /** The callback type an interaction was answered with, if any. */
  callbackOf(interactionId: string): number | undefined {
    return this.interactions.get(interactionId)?.callback;
  }
}
