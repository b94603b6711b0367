/**
 * `/import` on Slack: slash commands cannot carry files, so the user uploads the CSV export to Slack
 * (e.g. in the app's DM) and passes its link; we fetch it with the bot token, bounded in size.
 */
import type { webApi } from '@slack/bolt';
import type { Attachment } from '../../src/bot/types.ts';

/** Slack file ids as they appear in file links (`https://team.slack.com/files/U…/F0123ABCD/ratings.csv`). */
const FILE_ID_RE = /\b(F[A-Z0-9]{8,})\b/;

export type FileFetch =
  | { kind: 'none' }
  | { kind: 'ok'; attachment: Attachment }
  | { kind: 'too-big'; name: string }
  | { kind: 'unavailable'; name?: string };

/**
 * The file a command's text links to, downloaded when it is at most `maxBytes`. Only URLs Slack's
 * `files.info` returned, on Slack's own hosts (or the configured API host), are fetched.
 */
export async function fetchLinkedFile(
  client: webApi.WebClient,
  botToken: string,
  text: string,
  maxBytes: number,
  extraHost?: string,
): Promise<FileFetch> {
  const id = FILE_ID_RE.exec(text)?.[1];
  if (!id) return { kind: 'none' };
  let file: { name?: string; size?: number; url_private_download?: string; url_private?: string } | undefined;
  try {
    file = (await client.files.info({ file: id })).file;
  } catch {
    return { kind: 'unavailable' };
  }
  const name = file?.name ?? 'ratings.csv';
  const url = file?.url_private_download ?? file?.url_private;
  if (!url || !isSlackFileHost(url, extraHost)) return { kind: 'unavailable', name };
  if ((file?.size ?? 0) > maxBytes) return { kind: 'too-big', name };
  const res = await fetch(url, { headers: { authorization: `Bearer ${botToken}` } });
  if (!res.ok) return { kind: 'unavailable', name };
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > maxBytes) return { kind: 'too-big', name };
  return { kind: 'ok', attachment: { name, content: body.toString('utf8'), size: body.length } };
}

function isSlackFileHost(url: string, extraHost: string | undefined): boolean {
  try {
    const u = new URL(url);
    if (extraHost && u.host === extraHost) return true;
    return u.protocol === 'https:' && (u.hostname === 'slack.com' || u.hostname.endsWith('.slack.com'));
  } catch {
    return false;
  }
}

/**
 * Uploads an image into the app's DM with `user` through Slack's external upload flow
 * (files.getUploadURLExternal → POST the bytes to the upload URL → files.completeUploadExternal with the
 * DM's channel id), which web-api's `files.uploadV2` performs. The DM comes from `conversations.open`.
 */
export async function uploadToDirectMessage(
  client: webApi.WebClient,
  user: string,
  image: { name: string; png: Uint8Array; alt: string },
): Promise<void> {
  const dm = await client.conversations.open({ users: user });
  const channel = dm.channel?.id;
  if (!channel) throw new Error('conversations.open gave no channel');
  await client.files.uploadV2({
    channel_id: channel,
    file: Buffer.from(image.png),
    filename: image.name,
    title: image.name,
    alt_text: image.alt,
  });
}
