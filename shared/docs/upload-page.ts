/**
 * The upload page a browser opens from `pageUrl`: a plain HTML form (no scripts at all, nothing from a
 * CDN) that POSTs the chosen file with the presigned fields straight to the bucket; S3 then sends the
 * browser back to this page. Bilingual, zh-CN first. Pure: renders strings.
 */
export interface PageReply {
  status: number;
  html: string;
  headers: Record<string, string>;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const style = `
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2328;line-height:1.6}
h1{font-size:1.4rem;margin-bottom:.2rem}.en{color:#59636e;font-size:.92em}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#59636e}dd{margin:0;word-break:break-all}
form{margin-top:1.5rem;padding:1rem;border:1px solid #d1d9e0;border-radius:6px}
button{margin-top:1rem;padding:.4rem 1.2rem;font-size:1rem}.note{color:#59636e;font-size:.9em}`;

function page(opts: { title: string; body: string; formAction?: string }): { html: string; csp: string } {
  const formAction = opts.formAction ? ` ${new URL(opts.formAction).origin}` : '';
  return {
    html: `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(opts.title)}</title>
<style>${style}</style>
</head>
<body>
${opts.body}
</body>
</html>`,
    csp: `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${formAction}; base-uri 'none'; frame-ancestors 'none'`,
  };
}

function reply(status: number, rendered: { html: string; csp: string }): PageReply {
  return {
    status,
    html: rendered.html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The link is a credential: it must not leak to the bucket (or anywhere) in a Referer header.
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'content-security-policy': rendered.csp,
    },
  };
}

const mib = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} B`;

export interface FormPage {
  fileName: string;
  contentType: string;
  size: number;
  expiresAt: string;
  url: string;
  fields: Record<string, string>;
}

export function uploadFormPage(p: FormPage): PageReply {
  const hidden = Object.entries(p.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const body = `<h1>上传文件 <span class="en">Upload a file</span></h1>
<p>请选择下列文件并上传。文件的大小和类型必须与申请上传时声明的一致，否则将被拒收。<br>
<span class="en">Choose the file below and upload it. Its size and type must be exactly what was declared when the link was requested, or it is rejected.</span></p>
<dl>
<dt>文件名 <span class="en">File</span></dt><dd>${escapeHtml(p.fileName)}</dd>
<dt>类型 <span class="en">Type</span></dt><dd>${escapeHtml(p.contentType)}</dd>
<dt>大小 <span class="en">Size</span></dt><dd>${p.size} 字节 bytes (${mib(p.size)})</dd>
<dt>有效期至 <span class="en">Valid until</span></dt><dd>${escapeHtml(p.expiresAt)}</dd>
</dl>
<form method="post" action="${escapeHtml(p.url)}" enctype="multipart/form-data">
${hidden}
<input type="file" name="file" accept="${escapeHtml(p.contentType)}" required>
<br><button type="submit">上传 Upload</button>
</form>
<p class="note">此链接仅用于这一个文件。<span class="en">This link serves this one file only.</span></p>`;
  return reply(200, page({ title: '上传文件 · Upload a file', body, formAction: p.url }));
}

export function messagePage(
  status: number,
  zh: { title: string; detail: string },
  en: { title: string; detail: string },
): PageReply {
  const body = `<h1>${escapeHtml(zh.title)} <span class="en">${escapeHtml(en.title)}</span></h1>
<p>${escapeHtml(zh.detail)}<br><span class="en">${escapeHtml(en.detail)}</span></p>`;
  return reply(status, page({ title: `${zh.title} · ${en.title}`, body }));
}
