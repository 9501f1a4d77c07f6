import { createHash } from 'node:crypto';

/**
 * The page's only style sheet, inline so the page is one request. The CSP
 * allows exactly this text by its hash, so no other style (and no script at
 * all) can run on the page.
 */
export const PAGE_STYLE = `
:root{color-scheme:light dark;--bg:#fbfaf7;--fg:#1d1d1f;--muted:#5f6368;--line:#e3e0d8;--accent:#0b5cad;--chip:#eef2f7;--chipfg:#23446b}
@media (prefers-color-scheme:dark){:root{--bg:#17181a;--fg:#e8e6e3;--muted:#a0a4a8;--line:#2f3134;--accent:#7db4ff;--chip:#23303f;--chipfg:#cfe1ff}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
a{color:var(--accent);text-underline-offset:.15em}
.wrap{max-width:46rem;margin:0 auto;padding:0 1rem}
header.top{border-bottom:1px solid var(--line);padding:1.6rem 0 1.1rem}
header.top h1{margin:0;font-size:1.6rem;line-height:1.25}
header.top p{margin:.35rem 0 0;color:var(--muted)}
.subscribe{margin:1rem 0 .5rem;padding:.8rem 1rem;border:1px solid var(--line);border-radius:.6rem;font-size:.95rem}
.subscribe h2{font-size:1rem;margin:0 0 .4rem}
.subscribe ul{list-style:none;margin:0;padding:0;display:grid;gap:.3rem}
.subscribe li{display:flex;flex-wrap:wrap;gap:.25rem .7rem;align-items:baseline}
.subscribe .label{min-width:7.5rem;font-weight:600}
h2.day{font-size:.95rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:2rem 0 .4rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
article{padding:.8rem 0;border-bottom:1px solid var(--line)}
article:last-child{border-bottom:0}
article h3{margin:0;font-size:1.12rem;line-height:1.35}
article h3 a{color:var(--fg);text-decoration:none}
article h3 a:hover,article h3 a:focus{color:var(--accent);text-decoration:underline}
.meta{margin:.25rem 0 0;color:var(--muted);font-size:.88rem;display:flex;flex-wrap:wrap;gap:.2rem .6rem;align-items:center}
.topics{display:inline-flex;gap:.3rem;list-style:none;margin:0;padding:0}
.topics li{background:var(--chip);color:var(--chipfg);border-radius:1rem;padding:0 .55rem;font-size:.8rem}
.teaser{margin:.4rem 0 0}
.also{margin:.35rem 0 0;font-size:.9rem;color:var(--muted)}
.why{margin:.25rem 0 0;font-size:.85rem;color:var(--muted)}
.why summary{cursor:pointer;width:max-content}
.why ul{margin:.2rem 0 0;padding-left:1.2rem}
.why code{font-size:.95em;background:var(--chip);color:var(--chipfg);border-radius:.25rem;padding:0 .25rem;overflow-wrap:anywhere}
.empty{margin:2.5rem 0;padding:1.2rem;border:1px dashed var(--line);border-radius:.6rem}
.empty h2{margin-top:0}
footer{margin:2.5rem 0 2rem;color:var(--muted);font-size:.85rem}
@media (max-width:30rem){body{font-size:16px}header.top h1{font-size:1.35rem}.subscribe .label{min-width:100%}}
`;

export const PAGE_STYLE_HASH = `sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}`;

/** No scripts, no frames, no forms, no plugins; styles only our own; images only from here. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src '${PAGE_STYLE_HASH}'`,
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
