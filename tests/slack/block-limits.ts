import {
  ACTION_ID_MAX_SLACK,
  ACTIONS_ELEMENTS_MAX,
  BLOCK_ID_MAX,
  BUTTON_TEXT_MAX,
  CONTEXT_ELEMENTS_MAX,
  HEADER_TEXT_MAX,
  IMAGE_ALT_MAX,
  IMAGE_URL_MAX,
  OPTION_TEXT_MAX,
  OPTION_VALUE_MAX,
  PLACEHOLDER_TEXT_MAX,
  SECTION_FIELD_MAX,
  SECTION_FIELDS_MAX,
  SECTION_TEXT_MAX,
  SELECT_OPTIONS_MAX,
} from '../../adapters/slack/limits.ts';

type Json = Record<string, unknown>;

/**
 * Every way a list of blocks breaks Slack's published Block Kit limits or lets user text through as a
 * mention or link (empty list = valid). Written from Slack's reference, independently of the renderer.
 */
export function blockKitViolations(blocks: unknown[], maxBlocks: number): string[] {
  const problems: string[] = [];
  const bad = (where: string, what: string) => problems.push(`${where}: ${what}`);
  if (blocks.length > maxBlocks) bad('message', `${blocks.length} blocks > ${maxBlocks}`);
  const blockIds = new Set<string>();
  blocks.forEach((raw, i) => {
    const block = raw as Json;
    const where = `block ${i} (${String(block.type)})`;
    if (typeof block.block_id === 'string') {
      if (block.block_id.length > BLOCK_ID_MAX) bad(where, 'block_id too long');
      if (blockIds.has(block.block_id)) bad(where, `duplicate block_id ${block.block_id}`);
      blockIds.add(block.block_id);
    }
    switch (block.type) {
      case 'section': {
        if (block.text) checkText(block.text as Json, SECTION_TEXT_MAX, where, bad);
        const fields = (block.fields as Json[] | undefined) ?? [];
        if (fields.length > SECTION_FIELDS_MAX) bad(where, 'too many fields');
        for (const f of fields) checkText(f, SECTION_FIELD_MAX, `${where} field`, bad);
        if (!block.text && fields.length === 0) bad(where, 'section without text');
        const acc = block.accessory as Json | undefined;
        if (acc?.type === 'image') {
          const url = String(acc.image_url);
          if (url.length > IMAGE_URL_MAX || !/^https?:\/\//.test(url)) bad(where, 'bad image url');
          if (String(acc.alt_text).length > IMAGE_ALT_MAX || !String(acc.alt_text).trim()) bad(where, 'alt');
        }
        break;
      }
      case 'header':
        checkText(block.text as Json, HEADER_TEXT_MAX, where, bad);
        if ((block.text as Json).type !== 'plain_text') bad(where, 'header must be plain_text');
        break;
      case 'context': {
        const elements = block.elements as Json[];
        if (elements.length === 0 || elements.length > CONTEXT_ELEMENTS_MAX) bad(where, 'context elements');
        for (const e of elements) checkText(e, SECTION_TEXT_MAX, where, bad);
        break;
      }
      case 'actions':
        checkActions(block.elements as Json[], where, bad);
        break;
      case 'divider':
        break;
      default:
        bad(where, 'unexpected block type');
    }
  });
  return problems;
}

function checkActions(elements: Json[], where: string, bad: (w: string, m: string) => void): void {
  if (elements.length === 0 || elements.length > ACTIONS_ELEMENTS_MAX)
    bad(where, `${elements.length} elements`);
  const ids = new Set<string>();
  for (const e of elements) {
    const id = String(e.action_id);
    if (!id || id.length > ACTION_ID_MAX_SLACK) bad(where, 'action_id length');
    if (ids.has(id)) bad(where, `duplicate action_id ${id}`);
    ids.add(id);
    if (e.type === 'button') {
      checkText(e.text as Json, BUTTON_TEXT_MAX, `${where} button`, bad);
    } else if (e.type === 'static_select') {
      checkText(e.placeholder as Json, PLACEHOLDER_TEXT_MAX, `${where} placeholder`, bad);
      const options = e.options as Json[];
      if (options.length === 0 || options.length > SELECT_OPTIONS_MAX)
        bad(where, `${options.length} options`);
      const values = new Set<string>();
      for (const o of options) {
        checkText(o.text as Json, OPTION_TEXT_MAX, `${where} option`, bad);
        const v = String(o.value);
        if (!v || v.length > OPTION_VALUE_MAX) bad(where, 'option value length');
        if (values.has(v)) bad(where, 'duplicate option value');
        values.add(v);
      }
    } else bad(where, `unexpected element ${String(e.type)}`);
  }
}

function checkText(obj: Json, max: number, where: string, bad: (w: string, m: string) => void): void {
  const text = obj?.text;
  if (typeof text !== 'string' || text.length === 0) {
    bad(where, 'empty text');
    return;
  }
  if (text.length > max) bad(where, `text ${text.length} > ${max}`);
  if (/@(channel|here|everyone)\b/i.test(text)) bad(where, 'bare broadcast mention');
  if (obj.type === 'mrkdwn') {
    if (obj.verbatim !== true) bad(where, 'mrkdwn without verbatim');
    // Every `<` must open a web link we made or the core's plain user mention; `<!…>` (broadcasts,
    // user groups) and `<#…>` never get through.
    for (const m of text.matchAll(/</g)) {
      const rest = text.slice(m.index);
      if (!/^(<https?:\/\/[^<>|\s]+\|[^<>]*>|<@[UW][A-Z0-9]{2,30}>)/.test(rest)) {
        bad(where, `unsafe "<" in ${rest.slice(0, 30)}`);
      }
    }
    if (/&(?!amp;|lt;|gt;)/.test(text)) bad(where, 'unescaped &');
  }
}
