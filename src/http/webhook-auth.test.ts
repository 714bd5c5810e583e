import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { verifyWebhookRequest } from './webhook-auth.ts';

// Which headers open the webhook in each mode, and that every refusal says why.
const secret = 'whsec_unit-test-secret-value';
const body = Buffer.from('{"eventName":"customerAdded"}');
const digest = createHmac('sha256', secret).update(body).digest();
const signed = { 'x-signature': `sha256=${digest.toString('hex')}` };
const token = { authorization: `Bearer ${secret}` };
const check = (mode: 'signature' | 'token' | 'both' | 'either', headers: Record<string, string>) => verifyWebhookRequest({ secret, mode }, body, headers);

test('each mode accepts exactly what it names', () => {
  const table: Array<[Parameters<typeof check>[0], Record<string, string>, boolean]> = [
    ['signature', signed, true],
    ['signature', token, false],
    ['token', token, true],
    ['token', signed, false],
    ['both', { ...signed, ...token }, true],
    ['both', signed, false],
    ['both', token, false],
    ['either', signed, true],
    ['either', token, true],
    ['either', {}, false],
    // a proof that was sent must check out, even when the other one does
    ['either', { ...token, 'x-signature': `sha256=${'0'.repeat(64)}` }, false],
    ['either', { ...signed, authorization: 'Bearer not-the-secret' }, false],
    ['either', { ...signed, ...token }, true],
    // a proxy's own Basic credentials are no token: the signature decides
    ['either', { ...signed, authorization: 'Basic cHJveHk6cHc=' }, true],
  ];
  for (const [mode, headers, accepted] of table) assert.equal(check(mode, headers).ok, accepted, `${mode} with ${Object.keys(headers).join('+') || 'nothing'}`);
});

test('signatures in hex, base64, base64url, with or without sha256=, under any of the three headers', () => {
  for (const value of [digest.toString('hex'), digest.toString('hex').toUpperCase(), digest.toString('base64'), digest.toString('base64url'), `sha256=${digest.toString('base64')}`]) {
    for (const header of ['x-signature', 'x-hub-signature-256', 'x-capillary-signature']) assert.ok(check('signature', { [header]: value }).ok, `${header}: ${value}`);
  }
});

test('refusals say what is wrong without revealing the secret', () => {
  const missing = check('signature', {});
  assert.ok(!missing.ok && /missing signature/.test(missing.error));
  const wrong = check('signature', { 'x-signature': 'sha256=' + '0'.repeat(64) });
  assert.ok(!wrong.ok && /does not match/.test(wrong.error) && !wrong.error.includes(secret));
  const none = verifyWebhookRequest(null, body, signed);
  assert.ok(!none.ok && /no webhook secret/.test(none.error));
});
