import { createHash } from 'node:crypto';

/**
 * The upload page a browser opens from `pageUrl`: plain HTML with one small inline script and nothing from a
 * CDN, usable on a phone, zh-CN first with English. Without the script it is a form that POSTs the chosen
 * file with the presigned fields straight to the bucket (S3 then sends the browser back here). With it, the
 * chosen file is checked against the declaration first (size, type, the link's expiry — each a clear error),
 * then sent with XMLHttpRequest and a progress bar; on success the page shows the check's result. Where the
 * bucket allows no cross-origin request from this page (no CORS rule for the API's origin) the script falls
 * back to the plain form, which needs none. The expiry is shown in Beijing time. Pure: renders strings.
 */
export interface PageReply {
  status: number;
  html: string;
  headers: Record<string, string>;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const style = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;max-width:40rem;margin:0 auto;padding:1.2rem 1rem 2rem;color:#1f2328;line-height:1.6;font-size:16px}
h1{font-size:1.35rem;margin:.4rem 0 .2rem}p,dd,.status{overflow-wrap:anywhere}.en{color:#59636e;font-size:.92em}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:1rem 0}dt{color:#59636e}dd{margin:0;word-break:break-all}
form{margin-top:1.2rem;padding:1rem;border:1px solid #d1d9e0;border-radius:8px}
input[type=file]{display:block;width:100%;padding:.6rem 0;font-size:1rem}
button{display:block;width:100%;margin-top:.8rem;padding:.8rem 1rem;font-size:1.05rem;border:0;border-radius:6px;background:#9e1b1b;color:#fff}
button:disabled{background:#8c959f}
progress{display:block;width:100%;height:1.1rem;margin-top:1rem}
.status{margin-top:.6rem;min-height:1.6em}.note{color:#59636e;font-size:.9em}
.error{color:#b42318;background:#fef3f2;border:1px solid #fecdca;border-radius:6px;padding:.6rem .8rem}
.ok{color:#067647;background:#ecfdf3;border:1px solid #abefc6;border-radius:6px;padding:.6rem .8rem}
[hidden]{display:none!important}
@media (max-width:30rem){dl{grid-template-columns:1fr}dt{margin-top:.4rem}}`;

/**
 * The page's script (the CSP admits exactly this text by its hash). It reads what it needs from the form's
 * data attributes; every message it shows is in both languages.
 */
const script = `(function(){
var f=document.getElementById('upload');if(!f||!window.XMLHttpRequest||!window.FormData)return;
var input=f.querySelector('input[type=file]'),btn=f.querySelector('button'),bar=document.getElementById('bar'),
st=document.getElementById('status'),d=f.dataset,size=Number(d.size),expires=Date.parse(d.expiresAt);
function show(cls,zh,en){st.className='status '+cls;st.textContent='';var a=document.createElement('div');a.textContent=zh;
var b=document.createElement('div');b.className='en';b.textContent=en;st.appendChild(a);st.appendChild(b);}
function fallback(){f.dataset.fallback='1';input.disabled=false;HTMLFormElement.prototype.submit.call(f);}
f.addEventListener('submit',function(ev){ev.preventDefault();var file=input.files&&input.files[0];
if(!file){show('error','请先选择文件。','Choose a file first.');return;}
if(Date.now()>=expires){show('error','此上传链接已过期，请重新申请上传链接。','This upload link has expired; ask for a new one.');return;}
if(file.size!==size){show('error','所选文件为 '+file.size+' 字节，与申请时声明的 '+size+' 字节不一致。请选择正确的文件，或按实际大小重新申请链接。',
'The chosen file has '+file.size+' bytes, not the '+size+' declared for this link. Choose the right file, or ask for a link with its real size.');return;}
if(file.type&&file.type!==d.contentType){show('error','所选文件类型为 '+file.type+'，与声明的 '+d.contentType+' 不一致。',
'The chosen file is '+file.type+', not the '+d.contentType+' declared for this link.');return;}
var fields=JSON.parse(d.xhrFields),fd=new FormData();Object.keys(fields).forEach(function(k){fd.append(k,fields[k]);});
fd.append('file',file);var x=new XMLHttpRequest();x.open('POST',f.action);btn.disabled=true;input.disabled=true;bar.hidden=false;bar.value=0;
show('','正在上传……','Uploading…');
x.upload.onprogress=function(e){if(e.lengthComputable){bar.max=e.total;bar.value=e.loaded;
var p=Math.floor(e.loaded*100/e.total);bar.dataset.percent=String(p);show('','正在上传 '+p+'%','Uploading '+p+'%');}};
x.onload=function(){if(x.status>=200&&x.status<300){bar.value=bar.max;bar.dataset.percent='100';
show('ok','上传成功，正在检查文件……','Uploaded; the file is being checked…');
location.replace(d.doneUrl);}else{btn.disabled=false;input.disabled=false;
show('error','上传被存储服务拒绝（HTTP '+x.status+'）：链接可能已过期，或文件与声明不符。请重新申请上传链接。',
'The storage refused the upload (HTTP '+x.status+'): the link may have expired, or the file is not what was declared. Ask for a new upload link.');}};
x.onerror=function(){if(!f.dataset.fallback){show('','正在以普通表单上传……','Uploading with the plain form…');fallback();return;}
btn.disabled=false;input.disabled=false;show('error','网络错误，上传未完成，请重试。','Network error: the upload did not complete; try again.');};
x.send(fd);});
var left=document.getElementById('left');function tick(){var s=Math.max(0,Math.floor((expires-Date.now())/1000));
left.textContent=s>0?('剩余 '+Math.floor(s/60)+' 分 '+(s%60)+' 秒 · '+Math.floor(s/60)+' min '+(s%60)+' s left'):'已过期 · expired';
if(s>0)setTimeout(tick,1000);}if(left)tick();
})();`;
const scriptHash = `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;

function page(opts: { title: string; body: string; s3Url?: string; withScript?: boolean; refresh?: number }) {
  const s3Origin = opts.s3Url ? ` ${new URL(opts.s3Url).origin}` : '';
  const refresh = opts.refresh ? `\n<meta http-equiv="refresh" content="${opts.refresh}">` : '';
  return {
    html: `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">${refresh}
<title>${escapeHtml(opts.title)}</title>
<style>${style}</style>
</head>
<body>
${opts.body}${opts.withScript ? `\n<script>${script}</script>` : ''}
</body>
</html>`,
    csp:
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'" +
      (opts.withScript ? `; script-src ${scriptHash}; connect-src${s3Origin || " 'none'"}` : '') +
      `; form-action 'self'${s3Origin}; base-uri 'none'; frame-ancestors 'none'`,
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
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;

/** "2026-11-28 17:39:05" in Beijing time (UTC+8 all year). */
export function beijingTime(iso: string): string {
  const s = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 19)}`;
}

export interface FormPage {
  fileName: string;
  contentType: string;
  size: number;
  expiresAt: string;
  url: string;
  /** The presigned POST of the plain form (S3 redirects the browser back to the page). */
  fields: Record<string, string>;
  /** The presigned POST the script sends (S3 answers with a status, no redirect); no script without it. */
  xhrFields?: Record<string, string>;
  /** Where the script goes once the upload is done: the page, which then shows the check's result. */
  doneUrl?: string;
}

export function uploadFormPage(p: FormPage): PageReply {
  const hidden = Object.entries(p.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const withScript = Boolean(p.xhrFields && p.doneUrl);
  const data = withScript
    ? ` data-size="${p.size}" data-content-type="${escapeHtml(p.contentType)}" data-expires-at="${escapeHtml(p.expiresAt)}"` +
      ` data-xhr-fields="${escapeHtml(JSON.stringify(p.xhrFields))}" data-done-url="${escapeHtml(p.doneUrl!)}"`
    : '';
  const body = `<h1>上传文件 <span class="en">Upload a file</span></h1>
<p>请选择下列文件并上传。文件的大小和类型必须与申请上传时声明的一致，否则将被拒收。<br>
<span class="en">Choose the file below and upload it. Its size and type must be exactly what was declared when the link was requested, or it is rejected.</span></p>
<dl>
<dt>文件名 <span class="en">File</span></dt><dd>${escapeHtml(p.fileName)}</dd>
<dt>类型 <span class="en">Type</span></dt><dd>${escapeHtml(p.contentType)}</dd>
<dt>大小 <span class="en">Size</span></dt><dd>${p.size} 字节 bytes (${mib(p.size)})</dd>
<dt>有效期至 <span class="en">Valid until</span></dt><dd><time datetime="${escapeHtml(p.expiresAt)}">${beijingTime(p.expiresAt)}</time> 北京时间 <span class="en">Beijing time (UTC+8)</span>${withScript ? '<br><span id="left" class="note"></span>' : ''}</dd>
</dl>
<form id="upload" method="post" action="${escapeHtml(p.url)}" enctype="multipart/form-data"${data}>
${hidden}
<label for="file">选择文件 <span class="en">Choose the file</span></label>
<input type="file" id="file" name="file" accept="${escapeHtml(p.contentType)}" required>
<button type="submit">上传 Upload</button>
<progress id="bar" value="0" max="100" hidden></progress>
<div id="status" class="status" role="status" aria-live="polite"></div>
</form>
<p class="note">此链接仅用于这一个文件。<span class="en">This link serves this one file only.</span></p>`;
  return reply(200, page({ title: '上传文件 · Upload a file', body, s3Url: p.url, withScript }));
}

export function messagePage(
  status: number,
  zh: { title: string; detail: string },
  en: { title: string; detail: string },
  opts: { tone?: 'ok' | 'error'; refreshSeconds?: number } = {},
): PageReply {
  const cls = opts.tone ? ` class="${opts.tone}"` : '';
  const body = `<h1>${escapeHtml(zh.title)} <span class="en">${escapeHtml(en.title)}</span></h1>
<p${cls}>${escapeHtml(zh.detail)}<br><span class="en">${escapeHtml(en.detail)}</span></p>`;
  return reply(status, page({ title: `${zh.title} · ${en.title}`, body, refresh: opts.refreshSeconds }));
}
