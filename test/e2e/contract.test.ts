// The check every e2e call goes through (support.ts's api()): a reply must be what /openapi.json documents.
import { describe, expect, it } from 'vitest';
import { type ApiResponse, api, checkReply, runtime } from './support.js';

const reply = (status: number, contentType: string, json: unknown): ApiResponse => ({
  status,
  headers: new Headers({ 'content-type': contentType }),
  json,
  text: JSON.stringify(json),
});

describe('the contract check of every e2e reply', () => {
  it('passes a reply as documented', async () => {
    const health = await api('/health');

    await expect(checkReply('GET', '/health', health)).resolves.toBeUndefined();
  });

  it('refuses a field the schema does not name, with its path', async () => {
    const extra = reply(200, 'application/json', { status: 'ok', uptime: 3 });

    await expect(checkReply('GET', '/health', extra)).rejects.toThrow(
      /must NOT have additional properties \(uptime\)/,
    );
  });

  it('refuses a missing or mistyped field, with its path', async () => {
    const page = reply(200, 'application/json', { items: [{ id: 'D-1' }] });

    await expect(checkReply('GET', '/v1/departments', page)).rejects.toThrow(
      /\/items\/0 must have required property/,
    );
  });

  it('refuses a status the operation does not document', async () => {
    const teapot = reply(418, 'application/problem+json', {
      type: '/problems/x',
      title: 't',
      status: 418,
      detail: 'd',
    });

    await expect(checkReply('GET', '/v1/departments', teapot)).rejects.toThrow(
      /status 418 is not documented/,
    );
  });

  it('refuses a content type the operation does not document', async () => {
    const text = { ...reply(200, 'text/plain', undefined), text: 'ok' };

    await expect(checkReply('GET', '/health', text)).rejects.toThrow(
      /content type "text\/plain" is not documented/,
    );
  });

  it('refuses a problem that is not a Problem', async () => {
    const bare = reply(404, 'application/problem+json', { message: 'Not Found' });

    await expect(checkReply('GET', '/v1/departments/D-1', bare)).rejects.toThrow(
      /must have required property 'type'/,
    );
  });

  it('holds a path no route names to a problem of its kind', async () => {
    const unknown = await api('/v1/no-such-thing');

    expect(unknown.status).toBe(404);
    await expect(checkReply('GET', '/v1/no-such-thing', reply(200, 'application/json', {}))).rejects.toThrow(
      /a success from a route the document does not name/,
    );
  });

  it('serves the document with this server’s URL, so a generated client knows where to call', async () => {
    const doc = await api('/openapi.json');

    expect(doc.json.servers).toEqual([expect.objectContaining({ url: runtime().api })]);
  });
});
