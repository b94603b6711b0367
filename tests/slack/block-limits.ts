/*
 * Slack's published Block Kit limits, copied here from the reference (docs.slack.dev/reference/block-kit:
 * "Blocks", "Block elements", "Composition objects") rather than imported from the renderer's
 * limits.ts, so a wrong limit in the renderer cannot make this check agree with it.
 */
/** "You can include up to 50 blocks in each message, and 100 blocks in modals or Home tabs." */
export const DOC_MESSAGE_BLOCKS = 50;
export const DOC_HOME_BLOCKS = 100;
/** Section block `text`: "Maximum length for the text in this field is 3000 characters." */
export const DOC_SECTION_TEXT = 3000;
/** Section block `fields`: "Maximum number of items is 10. Maximum length for the text in each item is 2000 characters." */
const DOC_SECTION_FIELDS = 10;
const DOC_SECTION_FIELD_TEXT = 2000;
/** Header block: "Maximum length for the text in this field is 150 characters." */
const DOC_HEADER_TEXT = 150;
/** Actions block `elements`: "There is a maximum of 25 elements in each action block." */
export const DOC_ACTIONS_ELEMENTS = 25;
/** Context block `elements`: "Maximum number of items is 10." */
const DOC_CONTEXT_ELEMENTS = 10;
/** Button `text`: "Maximum length for the text in this field is 75 characters." */
export const DOC_BUTTON_TEXT = 75;
/** `action_id`: "Maximum length is 255 characters." (also `block_id`). */
export const DOC_ACTION_ID = 255;
const DOC_BLOCK_ID = 255;
/** Option object: `text` max 75 characters, `value` max 150 characters. */
const DOC_OPTION_TEXT = 75;
const DOC_OPTION_VALUE = 150;
/** Static select `options`: "Maximum number of options is 100." */
export const DOC_SELECT_OPTIONS = 100;
/** Select `placeholder`: "Maximum length for the text in this field is 150 characters." */
const DOC_PLACEHOLDER_TEXT = 150;
/** Image element `image_url` max 3000 characters, `alt_text` max 2000 characters. */
const DOC_IMAGE_URL = 3000;
const DOC_IMAGE_ALT = 2000;

type Json = Record<string, unknown>;

/**
 * Every way a list of blocks breaks Slack's published Block Kit limits or, unless `safety` is false, our
 * own safety rules (user text must not get through as a mention or link; mrkdwn is verbatim). Empty list
 * = valid. Written from Slack's reference, independently of the renderer. The fake Slack checks only the
 * limits (`safety: false`): it refuses what Slack refuses, nothing more.
 */
export function blockKitViolations(blocks: unknown[], maxBlocks: number, safety = true): string[] {
  const problems: string[] = [];
  const bad = (where: string, what: string) => {
    if (safety || !SAFETY_ONLY.some((marker) => what.includes(marker))) problems.push(`${where}: ${what}`);
  };
  if (blocks.length > maxBlocks) bad('message', `${blocks.length} blocks > ${maxBlocks}`);
  const blockIds = new Set<string>();
  blocks.forEach((raw, i) => {
    const block = raw as Json;
    const where = `block ${i} (${String(block.type)})`;
    if (typeof block.block_id === 'string') {
      if (block.block_id.length > DOC_BLOCK_ID) bad(where, 'block_id too long');
      if (blockIds.has(block.block_id)) bad(where, `duplicate block_id ${block.block_id}`);
      blockIds.add(block.block_id);
    }
    switch (block.type) {
      case 'section': {
        if (block.text) checkText(block.text as Json, DOC_SECTION_TEXT, where, bad);
        const fields = (block.fields as Json[] | undefined) ?? [];
        if (fields.length > DOC_SECTION_FIELDS) bad(where, 'too many fields');
        for (const f of fields) checkText(f, DOC_SECTION_FIELD_TEXT, `${where} field`, bad);
        if (!block.text && fields.length === 0) bad(where, 'section without text');
        const acc = block.accessory as Json | undefined;
        if (acc?.type === 'image') {
          const url = String(acc.image_url);
          if (url.length > DOC_IMAGE_URL || !/^https?:\/\//.test(url)) bad(where, 'bad image url');
          if (String(acc.alt_text).length > DOC_IMAGE_ALT || !String(acc.alt_text).trim()) bad(where, 'alt');
        }
        break;
      }
      case 'header':
        checkText(block.text as Json, DOC_HEADER_TEXT, where, bad);
        if ((block.text as Json).type !== 'plain_text') bad(where, 'header must be plain_text');
        break;
      case 'context': {
        const elements = block.elements as Json[];
        if (elements.length === 0 || elements.length > DOC_CONTEXT_ELEMENTS) bad(where, 'context elements');
        for (const e of elements) checkText(e, DOC_SECTION_TEXT, where, bad);
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

/** Problems that break our safety rules, not Slack's limits. */
const SAFETY_ONLY = [
  'bare broadcast mention',
  'mrkdwn without verbatim',
  'unsafe "<"',
  'unescaped &',
  'unexpected',
];

function checkActions(elements: Json[], where: string, bad: (w: string, m: string) => void): void {
  if (elements.length === 0 || elements.length > DOC_ACTIONS_ELEMENTS)
    bad(where, `${elements.length} elements`);
  const ids = new Set<string>();
  for (const e of elements) {
    const id = String(e.action_id);
    if (!id || id.length > DOC_ACTION_ID) bad(where, 'action_id length');
    if (ids.has(id)) bad(where, `duplicate action_id ${id}`);
    ids.add(id);
    if (e.type === 'button') {
      checkText(e.text as Json, DOC_BUTTON_TEXT, `${where} button`, bad);
    } else if (e.type === 'static_select') {
      checkText(e.placeholder as Json, DOC_PLACEHOLDER_TEXT, `${where} placeholder`, bad);
      const options = e.options as Json[];
      if (options.length === 0 || options.length > DOC_SELECT_OPTIONS)
        bad(where, `${options.length} options`);
      const values = new Set<string>();
      for (const o of options) {
        checkText(o.text as Json, DOC_OPTION_TEXT, `${where} option`, bad);
        const v = String(o.value);
        if (!v || v.length > DOC_OPTION_VALUE) bad(where, 'option value length');
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
    // Every `<` must open a web link we made, the core's plain user mention or a date token
    // (`<!date^unix^{tokens}|fallback>`); other `<!…>` (broadcasts, user groups) and `<#…>` never get through.
    for (const m of text.matchAll(/</g)) {
      const rest = text.slice(m.index);
      if (
        !/^(<https?:\/\/[^<>|\s]+\|[^<>]*>|<@[UW][A-Z0-9]{2,30}>|<!date\^\d+\^[^<>|]+\|[^<>|]*>)/.test(rest)
      ) {
        bad(where, `unsafe "<" in ${rest.slice(0, 30)}`);
      }
    }
    if (/&(?!amp;|lt;|gt;)/.test(text)) bad(where, 'unescaped &');
  }
}
