/**
 * Slack installation tokens at rest: AES-256-GCM (node:crypto) under the 32-byte key from
 * `SLACK_INSTALLATION_KEY`. Each value gets a fresh 96-bit IV; the 128-bit tag authenticates it, and the
 * team id is bound in as additional data, so a ciphertext copied onto another workspace's row does not
 * decrypt. The stored form names the key (first 8 hex digits of its SHA-256), so a value written under
 * `SLACK_INSTALLATION_PREVIOUS_KEY` is still read while keys rotate.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
export const INSTALLATION_KEY_BYTES = 32;

/** A short, non-secret name for a key: which key a stored value was sealed with. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export interface InstallationCipher {
  seal(plaintext: string, teamId: string): string;
  /** The plaintext, and whether it was sealed with the previous key (so it should be sealed again). */
  open(sealed: string, teamId: string): { plaintext: string; stale: boolean };
}

/** Seals with `key`; opens values sealed with `key` or `previous`. */
export function installationCipher(key: Buffer, previous?: Buffer): InstallationCipher {
  if (key.length !== INSTALLATION_KEY_BYTES) throw new Error('the installation key must be 32 bytes');
  const keys = new Map<string, Buffer>([[keyId(key), key]]);
  if (previous) keys.set(keyId(previous), previous);
  const current = keyId(key);
  return {
    seal(plaintext, teamId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(teamId, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        VERSION,
        current,
        iv.toString('base64url'),
        tag.toString('base64url'),
        body.toString('base64url'),
      ].join(':');
    },
    open(sealed, teamId) {
      const [version, id, iv, tag, body] = sealed.split(':');
      if (version !== VERSION || !id || !iv || !tag || body === undefined)
        throw new Error('not a sealed installation');
      const k = keys.get(id);
      if (!k)
        throw new Error('sealed with a key that is neither SLACK_INSTALLATION_KEY nor the previous key');
      const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(teamId, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plaintext = Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
      return { plaintext, stale: id !== current };
    },
  };
}
