/**
 * Discord's documented message limits (https://discord.com/developers/docs/resources/message and
 * .../interactions/message-components). Exceeding any of them makes Discord reject the whole message
 * with a 400, so the renderer checks every one.
 */

export const MESSAGE_CONTENT_MAX = 2000;
export const EMBEDS_PER_MESSAGE_MAX = 10;
/** Sum of every embed's title, description, field names/values, footer text and author name. */
export const EMBED_TOTAL_CHARS_MAX = 6000;
export const EMBED_TITLE_MAX = 256;
export const EMBED_DESCRIPTION_MAX = 4096;
export const EMBED_FIELDS_MAX = 25;
export const EMBED_FIELD_NAME_MAX = 256;
export const EMBED_FIELD_VALUE_MAX = 1024;
export const EMBED_FOOTER_MAX = 2048;
export const EMBED_AUTHOR_MAX = 256;
/** Not a documented number, but Discord rejects longer URLs in embeds in practice. */
export const EMBED_URL_MAX = 2048;

export const ACTION_ROWS_MAX = 5;
export const BUTTONS_PER_ROW_MAX = 5;
export const CUSTOM_ID_MAX = 100;
export const BUTTON_LABEL_MAX = 80;
export const SELECT_OPTIONS_MAX = 25;
export const SELECT_OPTION_LABEL_MAX = 100;
export const SELECT_OPTION_VALUE_MAX = 100;
export const SELECT_OPTION_DESCRIPTION_MAX = 100;
export const SELECT_PLACEHOLDER_MAX = 150;

export const AUTOCOMPLETE_CHOICES_MAX = 25;
export const AUTOCOMPLETE_NAME_MAX = 100;
export const AUTOCOMPLETE_VALUE_MAX = 100;

export const COMMAND_NAME_MAX = 32;
export const COMMAND_DESCRIPTION_MAX = 100;
export const COMMAND_OPTIONS_MAX = 25;
export const COMMAND_CHOICES_MAX = 25;
export const COMMAND_CHOICE_NAME_MAX = 100;
export const COMMAND_CHOICE_VALUE_MAX = 100;

/** Discord's cap on an ephemeral flag: `MessageFlags.Ephemeral`. */
export const EPHEMERAL_FLAG = 1 << 6;
