// Extension ids and the extra copies of the test extension the forbidden cases need.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Chromium's id for a "key": the first 32 hex digits of sha256(DER key), each digit 0-f as a letter a-p. */
export function extensionId(keyBase64) {
  const hex = createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');
}

export function manifestKey(extensionDir) {
  return JSON.parse(readFileSync(join(extensionDir, 'manifest.json'), 'utf8')).key;
}

/** Copies an extension to dest with a fresh RSA-2048 key (so a new id); returns that id. */
export function copyWithNewKey(extensionDir, dest, name) {
  cpSync(extensionDir, dest, { recursive: true });
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const manifestFile = join(dest, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  writeFileSync(manifestFile, JSON.stringify({ ...manifest, name, key }, null, 2));
  return extensionId(key);
}

export const origin = (id) => `chrome-extension://${id}/`;
