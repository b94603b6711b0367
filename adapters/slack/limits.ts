/**
 * Slack Block Kit limits (https://docs.slack.dev/reference/block-kit). The renderer keeps every payload
 * inside them whatever the data, and the property tests check each one.
 */

/** Blocks in one message. */
export const MESSAGE_BLOCKS_MAX = 50;
/** Blocks in a Home tab view. */
export const HOME_BLOCKS_MAX = 100;
/** Characters in a section's text (any text object, in fact). */
export const SECTION_TEXT_MAX = 3000;
/** Characters in one section field. */
export const SECTION_FIELD_MAX = 2000;
/** Fields in one section. */
export const SECTION_FIELDS_MAX = 10;
/** Characters in a header block's plain text. */
export const HEADER_TEXT_MAX = 150;
/** Elements in one actions block. */
export const ACTIONS_ELEMENTS_MAX = 25;
/** Elements in one context block. */
export const CONTEXT_ELEMENTS_MAX = 10;
/** Characters in a button's text. */
export const BUTTON_TEXT_MAX = 75;
/** Characters in an action_id. */
export const ACTION_ID_MAX_SLACK = 255;
/** Characters in a block_id. */
export const BLOCK_ID_MAX = 255;
/** Characters in a select option's text. */
export const OPTION_TEXT_MAX = 75;
/** Characters in a select option's value. */
export const OPTION_VALUE_MAX = 150;
/** Options in one static select. */
export const SELECT_OPTIONS_MAX = 100;
/** Characters in a select's placeholder. */
export const PLACEHOLDER_TEXT_MAX = 150;
/** Characters in an image URL. */
export const IMAGE_URL_MAX = 3000;
/** Characters in an image's alt text. */
export const IMAGE_ALT_MAX = 2000;
/**
 * Characters of the top-level fallback `text` we send. Slack accepts up to 40,000 but truncates long
 * notifications; the blocks carry the full content, so keep the fallback short.
 */
export const FALLBACK_TEXT_MAX = 3000;
