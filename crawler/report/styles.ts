/**
 * The report's inline stylesheet. System fonts only: the page loads nothing.
 * @module
 */

/** Outcome colours: `solid` for the body download, `light` for the wait for headers. */
export const OUTCOME_COLORS = {
  ok: { solid: "#1f9d6b", light: "#b3e3cd" },
  http: { solid: "#e07b00", light: "#f8d5a3" },
  network: { solid: "#d63c3c", light: "#f4bdbd" },
  timeout: { solid: "#7c4dd6", light: "#d9c9f6" },
} as const;

/** Colours of the worker stripes, cycled by worker index. */
export const WORKER_COLORS: readonly string[] = [
  "#3b6fb6",
  "#c2185b",
  "#00897b",
  "#8d6e63",
  "#5e35b1",
  "#7cb342",
  "#f4511e",
  "#546e7a",
  "#0097a7",
  "#c0a000",
];

/**
 * The stylesheet, as the text of one `<style>` element.
 *
 * @example
 * ```ts
 * import { reportCss } from "./styles.ts";
 * const style = "<style>" + reportCss() + "</style>";
 * ```
 */
export function reportCss(): string {
  const c = OUTCOME_COLORS;
  return `
:root{--bg:#f4f6f9;--card:#fff;--ink:#1b2230;--muted:#5d6779;--line:#e2e6ed;--soft:#f7f8fb;
--ok:${c.ok.solid};--ok-l:${c.ok.light};--http:${c.http.solid};--http-l:${c.http.light};
--net:${c.network.solid};--net-l:${c.network.light};--to:${c.timeout.solid};--to-l:${c.timeout.light}}
*{box-sizing:border-box}
html{background:var(--bg)}
body{margin:0;color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1320px;margin:0 auto;padding:18px 22px 40px}
h1{font-size:21px;margin:0;letter-spacing:-.01em}
h2{font-size:16px;margin:0}
.meta{color:var(--muted);font-size:12.5px;margin-top:2px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin:12px 0;box-shadow:0 1px 2px rgba(16,24,40,.05)}
.legend{display:flex;flex-wrap:wrap;gap:6px 20px;font-size:12.5px;color:var(--muted);align-items:center}
.legend b{color:var(--ink);font-weight:600;margin-right:-8px}
.sw{display:inline-block;width:22px;height:10px;border-radius:2px;vertical-align:-1px;margin-right:6px}
.sw.pair{width:30px;background:linear-gradient(90deg,var(--c-l) 0 50%,var(--c) 50% 100%)}
.sw.queue{height:2px;vertical-align:3px;background:#9aa3b2}
.sw.stripe{width:5px;height:12px;margin-right:1px}
.compare{display:grid;grid-template-columns:minmax(120px,220px) 1fr;gap:6px 14px;align-items:center}
.compare .lbl{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.compare .lbl small{font-weight:400;color:var(--muted);margin-left:6px}
.track{position:relative;height:22px;background:var(--soft);border-radius:5px}
.bar{position:absolute;left:0;top:0;bottom:0;border-radius:5px;background:#3b6fb6;min-width:2px}
.bar.base{background:#9aa3b2}
.track span{position:absolute;top:2px;font-size:12.5px;white-space:nowrap;font-variant-numeric:tabular-nums}
.bar span.in{color:#fff;right:8px}
.run-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 12px}
.sub{color:var(--muted);font-size:13px}
.speed{font-weight:700;color:#1f6f4a;background:#e3f4ec;border-radius:999px;padding:1px 9px;font-size:12.5px}
.speed.slow{color:#8a3b00;background:#fbeadb}
.speed.base{color:#4a5263;background:#eef0f4}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(128px,1fr));gap:8px;margin:10px 0 4px}
.stat{background:var(--soft);border:1px solid var(--line);border-radius:8px;padding:5px 10px;min-width:0}
.stat .k{font-size:10.5px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.stat .v{font-size:15px;font-weight:600;font-variant-numeric:tabular-nums;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.stat .v small{font-size:11.5px;font-weight:400;color:var(--muted)}
.stat.wide{grid-column:span 2}
.caption{font-size:12px;color:var(--muted);margin:12px 0 3px}
.caption b{color:var(--ink);font-weight:600}
canvas{display:block}
.wf-scroll{overflow-y:auto;overflow-x:hidden;border:1px solid var(--line);border-radius:6px}
.wf-inner{position:relative}
.wf-inner canvas{position:sticky;top:0}
.lanes-box{border:1px solid var(--line);border-radius:6px;overflow:hidden}
.empty{color:var(--muted);font-style:italic}
.sweep svg{width:100%;max-width:900px;height:auto;display:block}
.sweep text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--muted)}
.sweep .ttl{fill:var(--ink);font-weight:600}
#tip{position:fixed;z-index:10;max-width:480px;min-width:220px;background:#141a26;color:#f3f5f9;border-radius:8px;padding:8px 11px 9px;font-size:12px;line-height:1.4;box-shadow:0 8px 28px rgba(0,0,0,.28);pointer-events:none}
#tip[hidden]{display:none}
#tip .u{font-weight:600;word-break:break-all;margin-bottom:5px;font-size:12.5px}
#tip table{border-collapse:collapse}
#tip td{padding:0;vertical-align:top;font-variant-numeric:tabular-nums}
#tip td:first-child{color:#97a1b3;padding-right:12px;white-space:nowrap}
#tip td:last-child{word-break:break-all}
#tip .badge{display:inline-block;border-radius:3px;padding:0 5px;margin-right:6px;color:#fff;font-weight:600}
#tip .hint{color:#97a1b3;margin-top:5px;font-size:11px}
#tip.pinned{pointer-events:auto;outline:2px solid #6ea8ff}
footer{color:var(--muted);font-size:12px;margin-top:18px}
`;
}
