const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element and attribute content. Everything a person typed goes through this. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

export function htmlDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:"Malgun Gothic","Apple SD Gothic Neo",sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1f2933;line-height:1.6}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #cbd2d9;padding:.4rem .6rem;text-align:left}
th{background:#f5f7fa;width:30%}.notice{padding:.8rem 1rem;background:#f0f4f8;border-left:4px solid #486581}
textarea{width:100%;min-height:6rem}button{padding:.5rem 1.2rem;margin-right:.5rem;font-size:1rem}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function table(rows: [string, string][]): string {
  return `<table>${rows.map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>`;
}
