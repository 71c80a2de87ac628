/**
 * The admin stylesheet, served from /admin/assets/admin.css. Kept in a module rather than a
 * .css file so the compiled build carries it without a copy step.
 */
export const adminCss = `
:root { --ink: #1d2433; --muted: #667085; --line: #e4e7ec; --bg: #f6f7f9; --card: #fff;
  --accent: #2f6fed; --good: #1a9b5b; --bad: #c23b3b; --warn: #b7791f; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { display: flex; align-items: center; gap: 24px; padding: 12px 28px; background: var(--ink); color: #fff; }
header.top .brand { font-weight: 700; letter-spacing: .02em; }
header.top nav { display: flex; gap: 4px; flex: 1; }
header.top nav a { color: #cfd6e4; padding: 6px 12px; border-radius: 6px; }
header.top nav a.current, header.top nav a:hover { background: #ffffff1f; color: #fff; text-decoration: none; }
header.top form { margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 22px; margin: 0 0 16px; }
h2 { font-size: 17px; margin: 28px 0 10px; }
.toolbar { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin-bottom: 18px; }
.toolbar label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
input, select, button { font: inherit; padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; color: var(--ink); }
button { cursor: pointer; background: var(--accent); border-color: var(--accent); color: #fff; }
button.quiet { background: transparent; border-color: #ffffff55; color: #fff; }
button.danger { background: #fff; border-color: var(--bad); color: var(--bad); padding: 3px 10px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 26px; font-weight: 650; margin-top: 2px; }
.card .note { color: var(--muted); font-size: 12px; }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #fafbfc; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
tr:last-child td { border-bottom: 0; }
td.num { font-variant-numeric: tabular-nums; }
.pill { display: inline-block; white-space: nowrap; padding: 1px 8px; border-radius: 99px; font-size: 12px; background: #eef1f6; color: var(--ink); }
.pill.good { background: #e3f5ec; color: var(--good); } .pill.bad { background: #fbe9e9; color: var(--bad); } .pill.warn { background: #fdf3e1; color: var(--warn); }
.turn-agent td:first-child { border-left: 3px solid var(--accent); }
.turn-caller td:first-child { border-left: 3px solid var(--good); }
.heard { color: var(--muted); font-size: 13px; }
.muted { color: var(--muted); }
.flash { background: #e3f5ec; border: 1px solid #b7e4cb; padding: 8px 12px; border-radius: 8px; margin-bottom: 14px; }
.error { background: #fbe9e9; border: 1px solid #f0c2c2; padding: 8px 12px; border-radius: 8px; margin-bottom: 14px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 18px; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
figure.chart { margin: 20px 0 0; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px; }
figure.chart svg { width: 100%; height: auto; display: block; }
figure.chart figcaption { font-size: 13px; color: var(--muted); display: flex; gap: 16px; align-items: center; padding: 6px 4px 0; }
.legend { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .axis { fill: var(--muted); font-size: 11px; }
.bar-a { fill: #9db8f2; background: #9db8f2; }
.bar-b { fill: var(--good); background: var(--good); }
.login { max-width: 360px; margin: 12vh auto; background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 28px; }
.login form { display: flex; flex-direction: column; gap: 12px; }
.login label { display: flex; flex-direction: column; gap: 4px; font-size: 13px; color: var(--muted); }
.staff-group { margin-top: 18px; }
`;
