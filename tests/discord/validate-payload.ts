/**
 * An independent check of a Discord message body against Discord's documented limits, used by the
 * renderer's property tests and by the fake Discord REST server, which refuses such a message with
 * 400 / 50035 Invalid Form Body on every route (interaction callback, follow-up, @original edit, channel
 * message) like Discord would. Numbers are written out here, not imported from the adapter, so a wrong
 * constant there is caught. Sources:
 * - [MSG] https://discord.com/developers/docs/resources/message (content 2000; "up to 10 embeds")
 * - [EMB] https://discord.com/developers/docs/resources/message#embed-object-embed-limits (title 256,
 *   description 4096, 25 fields, field name 256 / value 1024, footer 2048, author 256, and "the
 *   combined sum of characters in all title, description, field.name, field.value, footer.text, and
 *   author.name fields across all embeds attached to a message must not exceed 6000 characters")
 * - [CMP] https://discord.com/developers/docs/components/reference (a message has up to 5 action rows;
 *   a row holds up to 5 buttons or exactly one select; custom_id max 100 and unique per message; button
 *   label 80; select placeholder 150, 1–25 options, option label/value 100)
 * `allowed_mentions.parse = []` is movierec's own rule (never ping anyone), not Discord's.
 */

type Json = Record<string, unknown>;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Returns every problem found; an empty list means Discord would accept the message. */
export function validateMessagePayload(body: Json): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const text = (v: unknown, max: number, what: string, required = true) => {
    const s = str(v);
    if (s === undefined) {
      check(!required, `${what} missing`);
      return 0;
    }
    check(s.length <= max, `${what} longer than ${max} (${s.length})`);
    check(s.trim().length > 0, `${what} blank`);
    check(!LONE_SURROGATE.test(s), `${what} has a lone surrogate`);
    return s.length;
  };
  const url = (v: unknown, what: string) => {
    const s = str(v);
    if (s === undefined) return;
    check(/^https?:\/\//.test(s) || s.startsWith('attachment://'), `${what} not an http(s) url`);
  };

  const content = str(body.content);
  // [MSG] content up to 2000 characters.
  if (content !== undefined && content !== '') text(content, 2000, 'content');
  const allowed = body.allowed_mentions as Json | undefined;
  check(
    Array.isArray(allowed?.parse) && (allowed.parse as unknown[]).length === 0,
    'allowed_mentions.parse must be []',
  );

  const embeds = (body.embeds ?? []) as Json[];
  // [MSG] up to 10 embeds; [EMB] per-field limits and 6000 characters over all embeds.
  check(embeds.length <= 10, `more than 10 embeds (${embeds.length})`);
  let total = 0;
  embeds.forEach((e, i) => {
    const at = `embeds[${i}]`;
    total += text(e.title, 256, `${at}.title`, false);
    total += text(e.description, 4096, `${at}.description`, false);
    url(e.url, `${at}.url`);
    url((e.thumbnail as Json | undefined)?.url, `${at}.thumbnail.url`);
    const fields = (e.fields ?? []) as Json[];
    check(fields.length <= 25, `${at} has more than 25 fields`);
    fields.forEach((f, j) => {
      total += text(f.name, 256, `${at}.fields[${j}].name`);
      total += text(f.value, 1024, `${at}.fields[${j}].value`);
    });
    if (e.footer) total += text((e.footer as Json).text, 2048, `${at}.footer.text`);
    if (e.author) total += text((e.author as Json).name, 256, `${at}.author.name`);
    check(
      e.title !== undefined || e.description !== undefined || fields.length > 0 || e.thumbnail !== undefined,
      `${at} is empty`,
    );
  });
  check(total <= 6000, `embeds total ${total} > 6000`);

  const rows = (body.components ?? []) as Json[];
  // [CMP] 5 action rows; 5 buttons or one select per row; custom_id 1–100 and unique; 25 options.
  check(rows.length <= 5, `more than 5 action rows (${rows.length})`);
  const ids = new Set<string>();
  rows.forEach((r, i) => {
    const at = `components[${i}]`;
    check(r.type === 1, `${at} is not an action row`);
    const children = (r.components ?? []) as Json[];
    const buttons = children.filter((c) => c.type === 2);
    const selects = children.filter((c) => c.type === 3);
    check(
      (buttons.length >= 1 && buttons.length <= 5 && selects.length === 0) ||
        (selects.length === 1 && buttons.length === 0),
      `${at} must hold 1–5 buttons or one select`,
    );
    for (const c of children) {
      const id = str(c.custom_id) ?? '';
      check(id.length >= 1 && id.length <= 100, `${at} custom_id length ${id.length}`);
      check(!ids.has(id), `${at} duplicate custom_id ${id}`);
      ids.add(id);
      if (c.type === 2) text(c.label, 80, `${at} button label`);
      if (c.type === 3) {
        text(c.placeholder, 150, `${at} placeholder`, false);
        const options = (c.options ?? []) as Json[];
        check(options.length >= 1 && options.length <= 25, `${at} select has ${options.length} options`);
        const values = new Set<string>();
        for (const o of options) {
          text(o.label, 100, `${at} option label`);
          text(o.value, 100, `${at} option value`);
          check(!values.has(String(o.value)), `${at} duplicate option value`);
          values.add(String(o.value));
        }
      }
    }
  });
  const hasFiles = Array.isArray(body.attachments) && body.attachments.length > 0;
  check(
    (content !== undefined && content !== '') || embeds.length > 0 || rows.length > 0 || hasFiles,
    'message is empty',
  );
  return problems;
}
