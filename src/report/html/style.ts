/**
 * The report's stylesheet. Colours meet WCAG AA (4.5:1) for text against their backgrounds; the
 * browser test computes the ratio of every visible text element. Badges carry the severity as text
 * too, never by colour alone.
 */
export const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1b1f24; background: #ffffff; }
header, main, footer { max-width: 1280px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 18px; border-bottom: 1px solid #d0d7de; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 10px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
.subject { color: #444c56; margin: 0 0 14px; word-break: break-all; }
a { color: #0b57d0; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 14px; min-width: 110px; background: #f6f8fa; }
.card .n { font-size: 22px; font-weight: 700; display: block; }
.card .l { color: #444c56; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 8px 28px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #d8dee4; vertical-align: top; }
th { background: #eef1f4; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.loc { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; word-break: break-all; }
.badge { display: inline-block; min-width: 64px; text-align: center; border-radius: 4px; padding: 0 6px; font-size: 12px; font-weight: 700; text-transform: uppercase; color: #ffffff; }
.b-critical { background: #7a1f6b; } .b-high { background: #b3261e; } .b-medium { background: #8f4700; } .b-low { background: #1f5f99; } .b-info { background: #4a5360; }
.status { font-weight: 700; }
.st-pass { color: #116329; } .st-fail { color: #b3261e; } .st-manual { color: #444c56; } .st-not-assessed { color: #8f4700; } .st-no-scope { color: #444c56; }
.errors { border: 2px solid #b3261e; border-radius: 6px; padding: 4px 14px; background: #fff5f5; }
.note { color: #444c56; }
form#filters { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: end; padding: 10px 12px; border: 1px solid #d0d7de; border-radius: 6px; background: #f6f8fa; }
form#filters fieldset { border: 0; padding: 0; margin: 0; }
form#filters legend, form#filters label.l { display: block; font-weight: 600; margin-bottom: 2px; }
form#filters input[type=text], form#filters input[type=search], form#filters select { font: inherit; padding: 3px 6px; border: 1px solid #8c959f; border-radius: 4px; background: #ffffff; color: #1b1f24; max-width: 320px; }
form#filters .sev label { margin-right: 8px; white-space: nowrap; }
button { font: inherit; color: #1b1f24; background: #eef1f4; border: 1px solid #8c959f; border-radius: 4px; padding: 2px 10px; cursor: pointer; }
button:disabled { color: #57606a; cursor: default; }
button.toggle { padding: 0 7px; font-weight: 700; }
.pager { display: flex; gap: 12px; align-items: center; margin: 6px 0; }
tr.detail td { background: #f6f8fa; }
dl { display: grid; grid-template-columns: 110px 1fr; gap: 4px 12px; margin: 4px 0; }
dt { font-weight: 600; } dd { margin: 0; word-break: break-word; }
dd ul { margin: 0; padding-left: 18px; }
details.section > summary { font-size: 19px; font-weight: 600; cursor: pointer; margin: 28px 0 10px; }
.check-doc { border-top: 1px solid #d8dee4; padding: 6px 0; }
.check-doc h3 { margin: 6px 0; }
svg.chart { max-width: 100%; height: auto; }
footer { color: #444c56; padding: 20px; border-top: 1px solid #d0d7de; margin-top: 30px; }
:focus-visible { outline: 3px solid #0b57d0; outline-offset: 1px; }
`;
