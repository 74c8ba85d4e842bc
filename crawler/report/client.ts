/**
 * The report page's inline script, as a string. It reads the packed data blob
 * (`<script type="application/json" id="greencrawl-data">`), draws each run's worker lanes and
 * its virtualised waterfall on canvas (only the visible rows are drawn, so 10,000 rows cost as
 * much as 40), and hit-tests the mouse for the tooltip. Every string from the data goes to the
 * page through `textContent` or `fillText`, never through HTML.
 *
 * When it is done it sets `data-rendered="1"` and `data-render-ms` on `<html>`, and exposes
 * `window.greencrawl` (`rowCount`, `find`, `locate`) for tests.
 * @module
 */

/**
 * The client script (plain ES2020, no imports). Embedded by `renderReport` in a nonce'd
 * `<script>`.
 *
 * @example
 * ```ts
 * import { CLIENT_JS } from "./client.ts";
 * new Function(CLIENT_JS); // parses: no syntax errors
 * ```
 */
export const CLIENT_JS = String.raw`
(function () {
  "use strict";
  var doc = document;
  var D = JSON.parse(doc.getElementById("greencrawl-data").textContent);
  var S = D.strings;
  var OUT = D.outcomes;
  var SOLID = OUT.map(function (o) { return D.theme.outcomes[o].solid; });
  var LIGHT = OUT.map(function (o) { return D.theme.outcomes[o].light; });
  var OUT_LABEL = { ok: "ok", http: "HTTP error", network: "network error", timeout: "timeout" };
  var WC = D.theme.workers;
  var GUTTER = 290, RIGHT = 78, ROW = 18, HEAD = 22, MAX_VIEW = 520, AXIS = 22;
  var FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
  var FONT_B = '600 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
  var tMax = D.tMax;
  var plotR = 600;
  var tip = doc.getElementById("tip");
  var pinned = null;
  var hover = null;

  function wcol(w) { return w < 0 ? "#c5cbd6" : WC[w % WC.length]; }
  function X(t) { return GUTTER + (t / tMax) * (plotR - GUTTER); }
  function T(x) { return ((x - GUTTER) / (plotR - GUTTER)) * tMax; }
  function fmtMs(ms) {
    if (ms < 0) return "—";
    if (ms < 10) return ms.toFixed(1) + " ms";
    if (ms < 1000) return Math.round(ms) + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + " s";
    return Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
  }
  function fmtBytes(b) {
    if (b < 1024) return b + " B";
    if (b < 1048576) return (b / 1024).toFixed(b < 10240 ? 1 : 0) + " KiB";
    return (b / 1048576).toFixed(1) + " MiB";
  }
  function str(i) { return i < 0 ? null : S[i]; }
  function shortUrl(u) { return u.replace(/^https?:\/\//, ""); }
  function niceStep(span, target) {
    var raw = span / Math.max(1, target);
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }
  function tickLabel(t, step) {
    if (step >= 1000) return (t / 1000) + " s";
    if (step < 1) return t.toFixed(1) + " ms";
    return Math.round(t) + " ms";
  }
  function sizeCanvas(c, w, h) {
    var dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
      c.style.width = w + "px";
      c.style.height = h + "px";
    }
    var ctx = c.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return ctx;
  }
  // Fits text into maxW px, cutting the middle ("host/a…/page-9999.html"): the start names the
  // host, the end tells rows apart.
  function fitText(ctx, s, maxW) {
    if (ctx.measureText(s).width <= maxW) return s;
    var lo = 0, hi = s.length;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      var head = Math.ceil(mid * 0.55);
      if (ctx.measureText(s.slice(0, head) + "…" + s.slice(s.length - (mid - head))).width <= maxW) lo = mid;
      else hi = mid - 1;
    }
    var h = Math.ceil(lo * 0.55);
    return s.slice(0, h) + "…" + s.slice(s.length - (lo - h));
  }

  function grid(ctx, top, bottom, run) {
    var step = niceStep(tMax, Math.max(2, Math.floor((plotR - GUTTER) / 95)));
    ctx.strokeStyle = "#edf0f4";
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (var t = 0; t <= tMax + 1e-9; t += step) {
      var x = Math.round(X(t)) + 0.5;
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
    }
    ctx.stroke();
    if (run) {
      var xw = Math.round(X(run.wallMs)) + 0.5;
      ctx.save();
      ctx.strokeStyle = "#8b94a5";
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(xw, top);
      ctx.lineTo(xw, bottom);
      ctx.stroke();
      ctx.restore();
    }
  }

  function axis(ctx, y0, h, run, width) {
    var step = niceStep(tMax, Math.max(2, Math.floor((plotR - GUTTER) / 95)));
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, y0, width, h);
    ctx.font = FONT;
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#6b7485";
    ctx.strokeStyle = "#c9cfd9";
    ctx.beginPath();
    ctx.moveTo(GUTTER, y0 + h - 0.5);
    ctx.lineTo(plotR, y0 + h - 0.5);
    for (var t = 0; t <= tMax + 1e-9; t += step) {
      var x = Math.round(X(t)) + 0.5;
      ctx.moveTo(x, y0 + h - 5);
      ctx.lineTo(x, y0 + h);
      var label = tickLabel(t, step);
      var w = ctx.measureText(label).width;
      ctx.fillText(label, Math.min(Math.max(x - w / 2, GUTTER - 2), width - w - 2), y0 + h / 2 - 2);
    }
    ctx.stroke();
    ctx.textAlign = "left";
    ctx.fillStyle = "#8b94a5";
    ctx.fillText("time since run start →", 8, y0 + h / 2 - 2);
    if (run) {
      var xw = X(run.wallMs);
      var lab = "wall " + fmtMs(run.wallMs);
      ctx.font = FONT_B;
      var lw = ctx.measureText(lab).width;
      var lx = xw + 5 + lw < width ? xw + 5 : xw - lw - 5;
      ctx.fillStyle = "#fff";
      ctx.fillRect(lx - 3, y0 + 1, lw + 6, h - 7);
      ctx.fillStyle = "#3d4554";
      ctx.fillText(lab, lx, y0 + h / 2 - 2);
    }
  }

  function bar(ctx, c, i, y, h, withQueue) {
    var s = c.start[i], tt = c.time[i], hb = c.ttfb[i], o = c.outcome[i];
    var x0 = X(s), x1 = Math.max(X(s + tt), x0 + 2);
    if (withQueue && c.queue[i] > 0) {
      ctx.fillStyle = "#b3bac6";
      ctx.fillRect(X(Math.max(0, s - c.queue[i])), y + h / 2 - 0.5, x0 - X(Math.max(0, s - c.queue[i])), 1);
    }
    var xh = hb < 0 ? x1 : Math.min(x1, Math.max(x0, X(s + hb)));
    ctx.fillStyle = LIGHT[o];
    ctx.fillRect(x0, y, xh - x0, h);
    if (x1 > xh) {
      ctx.fillStyle = SOLID[o];
      ctx.fillRect(xh, y, x1 - xh, h);
    }
    if (hb < 0 || o !== 0) {
      ctx.strokeStyle = SOLID[o];
      ctx.lineWidth = 1;
      ctx.strokeRect(x0 + 0.5, y + 0.5, Math.max(1, x1 - x0 - 1), h - 1);
    }
    return x1;
  }

  function Run(p, ri) {
    var sec = doc.querySelector('[data-run="' + ri + '"]');
    this.p = p;
    this.ri = ri;
    this.c = p.cols;
    this.n = p.cols.url.length;
    this.wallMs = p.wallMs;
    this.sec = sec;
    this.lanes = sec.querySelector("canvas.lanes");
    this.scroll = sec.querySelector(".wf-scroll");
    this.inner = sec.querySelector(".wf-inner");
    this.rows = sec.querySelector("canvas.rows");
    this.laneOf = new Map();
    var self = this;
    p.workers.forEach(function (w, k) { self.laneOf.set(w, k); });
    this.byLane = p.workers.map(function () { return []; });
    for (var i = 0; i < this.n; i++) {
      var w = this.c.worker[i];
      if (w >= 0) this.byLane[this.laneOf.get(w)].push(i);
    }
    var L = p.workers.length;
    // 16 px lanes up to 15 workers, then thinner so that all lanes fit in 240 px
    this.laneH = L === 0 ? 0 : Math.min(16, 240 / L);
    this.viewH = Math.min(HEAD + this.n * ROW, MAX_VIEW);
    this.inner.style.height = (HEAD + this.n * ROW) + "px";
    this.scroll.style.height = this.viewH + "px";
    this.frame = 0;
    this.scroll.addEventListener("scroll", function () {
      if (!self.frame) {
        self.frame = requestAnimationFrame(function () { self.frame = 0; self.drawRows(); });
      }
    }, { passive: true });
    this.rows.addEventListener("mousemove", function (e) { self.onRows(e); });
    this.lanes.addEventListener("mousemove", function (e) { self.onLanes(e); });
    this.rows.addEventListener("mouseleave", leave);
    this.lanes.addEventListener("mouseleave", leave);
    this.rows.addEventListener("click", function () { pin(); });
    this.lanes.addEventListener("click", function () { pin(); });
    sec.setAttribute("data-rows", String(this.n));
  }

  Run.prototype.drawLanes = function () {
    var L = this.p.workers.length;
    var width = this.lanes.parentElement.clientWidth;
    var top = AXIS + 4, h = Math.ceil(AXIS + 8 + L * this.laneH);
    var ctx = sizeCanvas(this.lanes, width, h);
    grid(ctx, AXIS, h, this);
    axis(ctx, 0, AXIS, this, width);
    ctx.font = FONT;
    ctx.textBaseline = "middle";
    var bh = this.laneH >= 6 ? this.laneH - 2 : Math.max(0.5, this.laneH);
    for (var k = 0; k < L; k++) {
      var y = top + k * this.laneH;
      var w = this.p.workers[k];
      ctx.fillStyle = wcol(w);
      ctx.fillRect(GUTTER - 10, y, 4, bh);
      if (this.laneH >= 10) {
        ctx.fillStyle = "#5d6779";
        var name = "worker " + w;
        ctx.fillText(name, GUTTER - 16 - ctx.measureText(name).width, y + bh / 2);
      }
      var idx = this.byLane[k];
      for (var j = 0; j < idx.length; j++) {
        var i = idx[j];
        var x0 = X(this.c.start[i]);
        var x1 = Math.max(X(this.c.start[i] + this.c.time[i]) - 1, x0 + 1);
        var hb = this.c.ttfb[i], o = this.c.outcome[i];
        var xh = hb < 0 ? x1 : Math.min(x1, X(this.c.start[i] + hb));
        ctx.fillStyle = LIGHT[o];
        ctx.fillRect(x0, y, Math.max(1, xh - x0), bh);
        if (x1 > xh) {
          ctx.fillStyle = SOLID[o];
          ctx.fillRect(xh, y, x1 - xh, bh);
        }
      }
    }
    if (this.laneH < 10 && L > 0) {
      ctx.fillStyle = "#5d6779";
      var label = L + " workers";
      ctx.fillText(label, GUTTER - 16 - ctx.measureText(label).width, top + (L * this.laneH) / 2);
    }
    if (hover && hover.run === this && this.c.worker[hover.i] >= 0) {
      var hi = hover.i, hy = top + this.laneOf.get(this.c.worker[hi]) * this.laneH;
      ctx.strokeStyle = "#141a26";
      ctx.lineWidth = 1.5;
      var hx0 = X(this.c.start[hi]);
      ctx.strokeRect(hx0 - 1, hy - 1, Math.max(X(this.c.start[hi] + this.c.time[hi]) - hx0, 2) + 2, bh + 2);
    }
  };

  Run.prototype.drawRows = function () {
    var width = this.scroll.clientWidth;
    var H = this.viewH;
    var ctx = sizeCanvas(this.rows, width, H);
    var top = this.scroll.scrollTop;
    var c = this.c;
    var first = Math.max(0, Math.floor(top / ROW));
    var last = Math.min(this.n - 1, Math.ceil((top + H - HEAD) / ROW));
    grid(ctx, HEAD, H, this);
    ctx.font = FONT;
    ctx.textBaseline = "middle";
    var hv = hover && hover.run === this ? hover.i : -1;
    for (var i = first; i <= last; i++) {
      var y = HEAD + i * ROW - top;
      if (i === hv) {
        ctx.fillStyle = "#e6eefc";
        ctx.fillRect(0, y, width, ROW);
      } else if (i % 2 === 1) {
        ctx.fillStyle = "rgba(20,30,50,0.028)";
        ctx.fillRect(0, y, width, ROW);
      }
      var w = c.worker[i];
      ctx.fillStyle = wcol(w);
      ctx.fillRect(4, y + 2, 4, ROW - 4);
      ctx.fillStyle = "#8b94a5";
      ctx.fillText(w < 0 ? "–" : "w" + w, 12, y + ROW / 2);
      ctx.fillStyle = "#2a3242";
      ctx.fillText(fitText(ctx, shortUrl(S[c.url[i]]), GUTTER - 56), 44, y + ROW / 2);
      var x1 = bar(ctx, c, i, y + 4, ROW - 8, true);
      var o = c.outcome[i];
      var note = o === 0
        ? fmtMs(c.time[i])
        : (o === 3 ? "timeout" : c.status[i] > 0 ? String(c.status[i]) : (str(c.errCode[i]) || "error")) + " · " + fmtMs(c.time[i]);
      ctx.fillStyle = o === 0 ? "#7a8394" : SOLID[o];
      var nw = ctx.measureText(note).width;
      var nx = x1 + 5 + nw < width - 2 ? x1 + 5 : X(c.start[i]) - nw - 5;
      ctx.fillText(note, nx, y + ROW / 2);
      if (i === hv) {
        ctx.strokeStyle = "#141a26";
        ctx.lineWidth = 1.5;
        var hx0 = X(c.start[i]);
        ctx.strokeRect(hx0 - 1, y + 3, Math.max(x1 - hx0, 2) + 2, ROW - 6);
      }
    }
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, HEAD);
    axis(ctx, 0, HEAD, null, width);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, GUTTER - 4, HEAD - 1);
    ctx.fillStyle = "#6b7485";
    ctx.font = FONT_B;
    ctx.fillText("worker · URL", 12, HEAD / 2 - 1);
    ctx.font = FONT;
    var info = this.n + " rows";
    ctx.fillText(info, GUTTER - 16 - ctx.measureText(info).width, HEAD / 2 - 1);
  };

  Run.prototype.draw = function () { this.drawLanes(); this.drawRows(); };

  Run.prototype.onRows = function (e) {
    if (pinned) return;
    var r = this.rows.getBoundingClientRect();
    var y = e.clientY - r.top;
    var i = y < HEAD ? -1 : Math.floor((y - HEAD + this.scroll.scrollTop) / ROW);
    if (i < 0 || i >= this.n) return leave();
    setHover(this, i, false, e.clientX, e.clientY);
  };

  Run.prototype.onLanes = function (e) {
    if (pinned) return;
    var r = this.lanes.getBoundingClientRect();
    var k = Math.floor((e.clientY - r.top - AXIS - 4) / this.laneH);
    if (!(k >= 0 && k < this.byLane.length)) return leave();
    var t = T(e.clientX - r.left), slack = T(GUTTER + 3);
    var idx = this.byLane[k], c = this.c, best = -1, bestD = Infinity;
    var lo = 0, hi = idx.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (c.start[idx[mid]] <= t) lo = mid; else hi = mid - 1;
    }
    for (var j = Math.max(0, lo - 1); j <= Math.min(idx.length - 1, lo + 1); j++) {
      var i = idx[j], s = c.start[i], en = s + c.time[i];
      var d = t < s ? s - t : t > en ? t - en : 0;
      if (d < bestD) { bestD = d; best = i; }
    }
    if (best < 0 || bestD > slack) return leave();
    setHover(this, best, true, e.clientX, e.clientY);
  };

  function setHover(run, i, lane, cx, cy) {
    var prev = hover;
    hover = { run: run, i: i, lane: lane };
    if (!prev || prev.run !== run || prev.i !== i || prev.lane !== lane) {
      fillTip(run, i);
      if (prev && prev.run !== run) prev.run.draw();
      run.draw();
    }
    placeTip(cx, cy);
  }
  function leave() {
    if (pinned) return;
    tip.hidden = true;
    if (hover) { var r = hover.run; hover = null; r.draw(); }
  }
  function pin() {
    if (!hover) return;
    if (!pinned && hover.lane) {
      // a click on a worker's bar brings its row into the URL list
      var r = hover.run, rowTop = hover.i * ROW, view = r.viewH - HEAD;
      if (rowTop < r.scroll.scrollTop || rowTop + ROW > r.scroll.scrollTop + view) {
        r.scroll.scrollTop = Math.max(0, rowTop - view / 2);
        r.drawRows();
      }
    }
    pinned = pinned ? null : hover;
    tip.classList.toggle("pinned", !!pinned);
    var hint = tip.querySelector(".hint");
    if (hint) hint.textContent = pinned ? "pinned · click or Esc to release" : "click to pin";
  }
  doc.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && pinned) { pinned = null; tip.classList.remove("pinned"); leave(); }
  });
  doc.addEventListener("click", function (e) {
    if (pinned && e.target.tagName !== "CANVAS" && !tip.contains(e.target)) {
      pinned = null; tip.classList.remove("pinned"); leave();
    }
  });

  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fillTip(run, i) {
    var c = run.c, o = c.outcome[i];
    tip.textContent = "";
    tip.appendChild(el("div", "u", S[c.url[i]]));
    var tb = el("table");
    function row(k, v) {
      if (v === null || v === undefined || v === "") return;
      var tr = el("tr");
      tr.appendChild(el("td", "", k));
      var td = el("td");
      if (v && v.nodeType) td.appendChild(v); else td.textContent = String(v);
      tr.appendChild(td);
      tb.appendChild(tr);
    }
    var st = el("span");
    var badge = el("span", "badge", OUT_LABEL[OUT[o]] || OUT[o]);
    badge.style.background = SOLID[o];
    st.appendChild(badge);
    st.appendChild(doc.createTextNode(c.status[i] >= 0 ? "HTTP " + c.status[i] : "no response"));
    row("status", st);
    var ec = str(c.errCode[i]);
    if (ec) row("error", ec + ": " + (str(c.errMsg[i]) || ""));
    row("time", fmtMs(c.time[i]));
    row("TTFB", c.ttfb[i] >= 0 ? fmtMs(c.ttfb[i]) + "  (download " + fmtMs(Math.max(0, c.time[i] - c.ttfb[i])) + ")" : "no headers");
    row("started", "at " + fmtMs(c.start[i]) + " after " + fmtMs(c.queue[i]) + " in the queue");
    row("bytes", fmtBytes(c.bytes[i]));
    row("worker", c.worker[i] >= 0 ? "worker " + c.worker[i] : "none");
    row("attempts", String(c.attempts[i]));
    if (c.redirects[i] > 0) row("redirects", String(c.redirects[i]));
    if (c.final[i] >= 0) row("final URL", S[c.final[i]]);
    if (c.depth[i] > 0) row("depth", String(c.depth[i]));
    row("type", str(c.type[i]));
    row("title", str(c.title[i]));
    row("run", run.p.label);
    tip.appendChild(tb);
    tip.appendChild(el("div", "hint", "click to pin"));
    tip.hidden = false;
  }
  function placeTip(cx, cy) {
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var x = cx + 16, y = cy + 14;
    if (x + w > window.innerWidth - 8) x = Math.max(8, cx - w - 16);
    if (y + h > window.innerHeight - 8) y = Math.max(8, cy - h - 14);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  var runs = [], byRi = [];
  D.runs.forEach(function (p, ri) {
    if (p.cols.url.length > 0) runs.push(byRi[ri] = new Run(p, ri));
    else doc.querySelector('[data-run="' + ri + '"]').setAttribute("data-rows", "0");
  });
  function layout() {
    var minW = Infinity;
    runs.forEach(function (r) { minW = Math.min(minW, r.scroll.clientWidth); });
    var w = isFinite(minW) ? minW : 800;
    // the URL column gives way on narrow screens
    GUTTER = Math.round(Math.max(170, Math.min(290, w * 0.26)));
    plotR = Math.max(GUTTER + 120, w - RIGHT);
    runs.forEach(function (r) { r.draw(); });
  }
  layout();
  var resizeFrame = 0;
  window.addEventListener("resize", function () {
    if (!resizeFrame) resizeFrame = requestAnimationFrame(function () { resizeFrame = 0; layout(); });
  });

  window.greencrawl = {
    rowCount: function (ri) { return byRi[ri] ? byRi[ri].n : 0; },
    find: function (ri, url) {
      if (!byRi[ri]) return -1;
      var c = byRi[ri].c;
      for (var i = 0; i < c.url.length; i++) if (S[c.url[i]] === url) return i;
      return -1;
    },
    locateLane: function (ri, i) {
      var r = byRi[ri], c = r.c;
      r.sec.scrollIntoView({ block: "center" });
      var rect = r.lanes.getBoundingClientRect();
      var x0 = X(c.start[i]), x1 = Math.max(X(c.start[i] + c.time[i]) - 1, x0 + 1);
      return {
        x: rect.left + (x0 + x1) / 2,
        y: rect.top + AXIS + 4 + (r.laneOf.get(c.worker[i]) + 0.5) * r.laneH,
      };
    },
    locate: function (ri, i) {
      var r = byRi[ri];
      r.scroll.scrollTop = Math.max(0, i * ROW - (r.viewH - HEAD) / 2);
      r.sec.scrollIntoView({ block: "center" });
      r.scroll.scrollIntoView({ block: "nearest" });
      r.drawRows();
      var rect = r.rows.getBoundingClientRect();
      var c = r.c;
      return {
        x: rect.left + (X(c.start[i]) + Math.max(X(c.start[i] + c.time[i]), X(c.start[i]) + 2)) / 2,
        y: rect.top + HEAD + i * ROW - r.scroll.scrollTop + ROW / 2,
      };
    },
  };
  doc.documentElement.setAttribute("data-render-ms", performance.now().toFixed(1));
  doc.documentElement.setAttribute("data-rendered", "1");
})();
`;
