import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signPageToken, verifyPageToken } from '../../shared/docs/page-token.js';
import { s3Event } from '../../shared/docs/s3-event.js';
import { messagePage, uploadFormPage } from '../../shared/docs/upload-page.js';
import { apiBaseUrl } from '../../shared/docs/uploads.js';

// Unit tier: the upload page's signed link, its HTML, and the S3 event schema (pure, no I/O).

const secret = 'test-secret-of-enough-length-0123456789';
const now = new Date('2026-05-01T08:00:00Z');
const in15 = new Date(now.getTime() + 15 * 60_000);

describe('upload page tokens', () => {
  it('verify: the document id and expiry they were signed with', () => {
    const token = signPageToken(secret, 'DOC-ABC123', in15);

    expect(verifyPageToken(secret, token, now)).toEqual({
      ok: true,
      documentId: 'DOC-ABC123',
      expiresAt: in15,
    });
  });

  it('expire at their expiry, to the second', () => {
    const token = signPageToken(secret, 'DOC-ABC123', in15);

    expect(verifyPageToken(secret, token, new Date(in15.getTime() - 1000)).ok).toBe(true);
    expect(verifyPageToken(secret, token, in15)).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('refuse another document id, another expiry, another secret or a changed signature', () => {
    const token = signPageToken(secret, 'DOC-ABC123', in15);
    const [id, exp, sig] = token.split('.') as [string, string, string];
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;

    expect(verifyPageToken(secret, `DOC-ABC124.${exp}.${sig}`, now)).toMatchObject({
      reason: 'bad-signature',
    });
    expect(verifyPageToken(secret, `${id}.${Number(exp) + 3600}.${sig}`, now)).toMatchObject({
      reason: 'bad-signature',
    });
    expect(verifyPageToken(`${secret}x`, token, now)).toMatchObject({ reason: 'bad-signature' });
    expect(verifyPageToken(secret, `${id}.${exp}.${flipped}`, now)).toMatchObject({
      reason: 'bad-signature',
    });
    for (const spare of 'ABCDEFGHIJKLMNOP') {
      const variant = `${id}.${exp}.${sig.slice(0, -1)}${spare}`;
      if (variant !== token) expect(verifyPageToken(secret, variant, now).ok).toBe(false);
    }
  });

  it('refuse what is not a token at all', () => {
    for (const bad of [
      '',
      'abc',
      'DOC-1.123.sig',
      'DOC 1.1777622400.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      expect(verifyPageToken(secret, bad, now)).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });

  it('cannot be made without a secret', () => {
    expect(() => signPageToken('', 'DOC-1', in15)).toThrow(/UPLOAD_PAGE_SECRET/);
  });
});

describe('the upload page', () => {
  const link = {
    fileName: '报告<script>.pdf',
    contentType: 'application/pdf',
    size: 2048,
    expiresAt: in15.toISOString(),
    url: 'http://127.0.0.1:4569/bucket',
    fields: { key: 'uploads/DOC-1/x.pdf', 'Content-Type': 'application/pdf', Policy: 'eyJ"x' },
  };

  it('without the script’s fields: a plain form posting the fields, then the file, to the bucket, nothing to run', () => {
    const page = uploadFormPage(link);

    expect(page.status).toBe(200);
    expect(page.html).toContain(
      '<form id="upload" method="post" action="http://127.0.0.1:4569/bucket" enctype="multipart/form-data">',
    );
    expect(page.html).toContain('<input type="hidden" name="Policy" value="eyJ&quot;x">');
    expect(page.html.indexOf('name="Policy"')).toBeLessThan(
      page.html.indexOf('type="file" id="file" name="file"'),
    );
    expect(page.html).not.toMatch(/<script/i);
    expect(page.html).toContain('报告&lt;script&gt;.pdf');
    expect(page.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    expect(page.headers['content-security-policy']).toContain("form-action 'self' http://127.0.0.1:4569");
  });

  it('shows the expiry in Beijing time', () => {
    const page = uploadFormPage(link);

    // 08:15 UTC is 16:15 in Beijing
    expect(page.html).toContain('2026-05-01 16:15:00</time> 北京时间');
  });

  it('with the script’s own presigned fields: one inline script, admitted by its hash, talking only to the bucket', () => {
    const page = uploadFormPage({
      ...link,
      xhrFields: { key: 'uploads/DOC-1/x.pdf', success_action_status: '201', Policy: 'p2' },
      doneUrl: 'http://127.0.0.1:3000/v1/upload-pages/t?key=uploads%2FDOC-1%2Fx.pdf',
    });
    const scripts = [...page.html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const csp = page.headers['content-security-policy']!;

    expect(scripts).toHaveLength(1);
    expect(page.html).not.toMatch(/<script[^>]+src=/i);
    const hash = createHash('sha256').update(scripts[0]!, 'utf8').digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toContain('connect-src http://127.0.0.1:4569;');
    expect(csp).not.toContain('unsafe-eval');
    expect(page.html).toContain('data-xhr-fields="{&quot;key&quot;:&quot;uploads/DOC-1/x.pdf&quot;');
    expect(page.html).toContain('<progress id="bar"');
    // still a working form without the script
    expect(page.html).toContain('<input type="hidden" name="Policy" value="eyJ&quot;x">');
  });

  it('says what went wrong in both languages, with its status', () => {
    const page = messagePage(
      410,
      { title: '链接已过期', detail: '请重新申请' },
      { title: 'Link expired', detail: 'Ask again' },
    );

    expect(page.status).toBe(410);
    expect(page.html).toContain('链接已过期');
    expect(page.html).toContain('Link expired');
  });

  it('links back to where the API was reached', () => {
    expect(apiBaseUrl({ host: '127.0.0.1:3000' })).toBe('http://127.0.0.1:3000');
    expect(
      apiBaseUrl({ host: 'abc.execute-api.cn-north-1.amazonaws.com.cn', 'x-forwarded-proto': 'https' }),
    ).toBe('https://abc.execute-api.cn-north-1.amazonaws.com.cn');
    expect(apiBaseUrl({ host: 'api.example.gov.cn' })).toBe('https://api.example.gov.cn');
  });
});

/** An event as s3rver emits it (and S3 sends it: the same shape, the key URL-encoded). */
const s3rverEvent = {
  Records: [
    {
      eventVersion: '2.0',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-05-01T08:00:00.000Z',
      eventName: 'ObjectCreated:Post',
      userIdentity: { principalId: 'AWS:X' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'REQ1', 'x-amz-id-2': 'x' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'testConfigId',
        bucket: { name: 'docs', ownerIdentity: { principalId: 'P' }, arn: 'arn:aws:s3: : :docs' },
        object: {
          key: 'uploads/DOC-1/a.pdf',
          sequencer: '1A2B',
          size: 5,
          eTag: '561318f0d57972e7c62fe701849032af',
        },
      },
    },
  ],
};

describe('the S3 event schema', () => {
  it('accepts an s3rver / S3 object-created event and keeps what the handler reads', () => {
    const event = s3Event.parse(s3rverEvent);

    expect(event.Records[0]).toMatchObject({
      eventName: 'ObjectCreated:Post',
      s3: {
        bucket: { name: 'docs' },
        object: { key: 'uploads/DOC-1/a.pdf', eTag: '561318f0d57972e7c62fe701849032af' },
      },
    });
  });

  it('accepts an event without records (S3’s test event) as nothing to do', () => {
    expect(s3Event.parse({ Service: 'Amazon S3', Event: 's3:TestEvent' }).Records).toEqual([]);
  });

  it('refuses a record that is not from S3 or has no key', () => {
    const notS3 = structuredClone(s3rverEvent);
    notS3.Records[0]!.eventSource = 'aws:sqs';
    const noKey = structuredClone(s3rverEvent) as { Records: { s3: { object: Record<string, unknown> } }[] };
    delete noKey.Records[0]!.s3.object.key;

    expect(s3Event.safeParse(notS3).success).toBe(false);
    expect(s3Event.safeParse(noKey).success).toBe(false);
    expect(s3Event.safeParse({ Records: 'x' }).success).toBe(false);
  });
});
