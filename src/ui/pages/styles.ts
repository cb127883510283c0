// The UI's stylesheet, served as /assets/ui.css.
export const UI_CSS = `
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0;color:#1d2430;background:#f7f8fa;font-size:14px}
nav{display:flex;gap:1.2em;align-items:center;padding:.7em 1.5em;background:#1d2430}
nav a{color:#dfe6ee;text-decoration:none}nav a.brand{font-weight:700;color:#fff}
nav .live{margin-left:auto;color:#9fb3c8;font-size:.85em}nav .live.lost{color:#ffb4a8}
main{max-width:1400px;margin:0 auto;padding:1em 1.5em}
footer{max-width:1400px;margin:2em auto;padding:0 1.5em;color:#777;font-size:.85em}
h1{font-size:1.5em;margin:.4em 0}h2{font-size:1.15em;margin:1.4em 0 .5em}
a{color:#2458a6}
table{border-collapse:collapse;background:#fff;margin:.5em 0}
td,th{border:1px solid #dde1e6;padding:4px 8px;text-align:right;vertical-align:top}
th{background:#eef1f4;font-weight:600}td:first-child,th:first-child{text-align:left}
td.text,th.text{text-align:left;max-width:38em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
table.wide{width:100%}
.badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:.85em;background:#e3e7ec}
.badge-running{background:#d9ecff;color:#124a8a}.badge-finished{background:#dcf3e1;color:#1c6a31}
.badge-failed{background:#fde0dc;color:#8a1c12}.badge-kept{background:#dcf3e1}.badge-dropped{background:#f3e6dc}
progress{width:9em;vertical-align:middle}
.plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:1em}
.chart{margin:0;background:#fff;border:1px solid #dde1e6;padding:.5em}.chart-box{position:relative;height:280px}
.notice{background:#fff8e1;border:1px solid #f0d78c;padding:.6em .9em;margin:.8em 0}
.error{background:#fdecea;border:1px solid #f5b5ad;padding:.8em 1em;margin:1em 0}
.muted{color:#6b7684}.ok{color:#1c7a36;font-weight:700}.bad{color:#b3261e;font-weight:700}.na{color:#aaa}
form.filters{display:flex;flex-wrap:wrap;gap:.8em;align-items:end;background:#fff;border:1px solid #dde1e6;padding:.7em}
form.filters label{display:flex;flex-direction:column;font-size:.85em;gap:2px}
form.filters input[type=search]{width:18em}
.pager{display:flex;gap:1em;align-items:center;margin:.6em 0}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;background:#fff;border:1px solid #dde1e6;padding:.7em;width:max-content}
.turn{background:#fff;border:1px solid #dde1e6;margin:.7em 0;padding:.5em .8em}
.turn h3{font-size:1em;margin:.2em 0 .4em}.turn.feedback{background:#fffaf0}
pre{white-space:pre-wrap;margin:0;font-size:13px;line-height:1.45}
ins{background:#c9f2d0;text-decoration:none}del{background:#ffd3cf}
details{margin:1em 0}summary{cursor:pointer}
`;
