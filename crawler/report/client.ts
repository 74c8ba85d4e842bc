/**
 * The report page's script. It reads the packed data blob
 * (`<script type="application/json" id="greencrawl-data">`), draws each run's worker lanes and
 * its virtualised waterfall on canvas (only the visible rows, so 10,000 rows cost as much as 40),
 * and hit-tests the mouse for the tooltip. Every string from the data reaches the page through
 * `textContent` or `fillText`, never through HTML. When done it sets `data-rendered="1"` and
 * `data-render-ms` on `<html>` and exposes `window.greencrawl` ({@linkcode ReportApi}) for tests.
 *
 * It is written as one typed, self-contained function ({@linkcode reportClient}) and shipped as
 * its source text ({@linkcode CLIENT_JS}): Deno strips the types when it loads this module, so the
 * page gets plain JavaScript while `deno check` and `deno lint` see TypeScript. The browser
 * surface it uses is declared here ({@linkcode ClientWindow}, a structural subset of TypeScript's
 * `lib.dom`, checked against it by `tests/report_client_dom_test.ts`), so that DOM globals stay out
 * of the rest of the program (why not the `dom` lib: `docs/decisions.md`).
 * @module
 */

import type { PackedColumns, PackedRun, PageData } from "./pack.ts";

/** What `measureText` gives. */
export interface ClientTextMetrics {
  /** Advance width (px). */
  readonly width: number;
  /** Height above the baseline (px). */
  readonly actualBoundingBoxAscent: number;
  /** Depth below the baseline (px). */
  readonly actualBoundingBoxDescent: number;
}

/** The part of `CanvasRenderingContext2D` the client draws with. */
export interface ClientContext2D {
  /** CSS font shorthand. */
  font: string;
  /** Text baseline (`"middle"`). */
  textBaseline: string;
  /** Text alignment (`"left"`). */
  textAlign: string;
  /** Fill colour. */
  fillStyle: string | object;
  /** Stroke colour. */
  strokeStyle: string | object;
  /** Stroke width. */
  lineWidth: number;
  /** Sets the transform (device pixel ratio). */
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  /** Clears a rectangle. */
  clearRect(x: number, y: number, w: number, h: number): void;
  /** Fills a rectangle. */
  fillRect(x: number, y: number, w: number, h: number): void;
  /** Strokes a rectangle. */
  strokeRect(x: number, y: number, w: number, h: number): void;
  /** Measures text in the current font. */
  measureText(text: string): ClientTextMetrics;
  /** Draws text. */
  fillText(text: string, x: number, y: number): void;
  /** Starts a path. */
  beginPath(): void;
  /** Moves the pen. */
  moveTo(x: number, y: number): void;
  /** Draws a line. */
  lineTo(x: number, y: number): void;
  /** Strokes the path. */
  stroke(): void;
  /** Saves the drawing state. */
  save(): void;
  /** Restores the drawing state. */
  restore(): void;
  /** Sets the dash pattern. */
  setLineDash(segments: number[]): void;
}

/** A DOM node, as far as the client cares. */
export interface ClientNode {
  /** Text content (the client only ever sets it). */
  textContent: string | null;
}

/** The mouse events the client listens to. */
export interface ClientMouseEvent {
  /** Pointer x in the viewport (px). */
  readonly clientX: number;
  /** Pointer y in the viewport (px). */
  readonly clientY: number;
  /** What was clicked. */
  readonly target: unknown;
}

/** The part of `HTMLElement` the client uses. */
export interface ClientElement extends ClientNode {
  /** Class attribute. */
  className: string;
  /** The `hidden` attribute (lib.dom also allows `"until-found"`). */
  hidden: boolean | string;
  /** Inline style. */
  readonly style: {
    width: string;
    height: string;
    left: string;
    top: string;
    background: string;
  };
  /** Inner width (px). */
  readonly clientWidth: number;
  /** Layout width (px). */
  readonly offsetWidth: number;
  /** Layout height (px). */
  readonly offsetHeight: number;
  /** Vertical scroll offset (px). */
  scrollTop: number;
  /** Parent element. */
  readonly parentElement: ClientElement | null;
  /** Class list. */
  readonly classList: {
    toggle(token: string, force?: boolean): boolean;
    remove(...tokens: string[]): void;
  };
  /** First matching descendant. */
  querySelector(selectors: string): ClientElement | null;
  /** Sets an attribute. */
  setAttribute(name: string, value: string): void;
  /** Box in the viewport. */
  getBoundingClientRect(): { readonly left: number; readonly top: number };
  /** Scrolls the element into view. */
  scrollIntoView(arg?: { block?: "start" | "center" | "end" | "nearest" }): void;
  /** Appends a child (one the page's document created). */
  appendChild(node: ClientNode): unknown;
  /** Whether `other` is this node or inside it. */
  contains(other: ClientNode | null): boolean;
  /** Listens to the mouse. */
  addEventListener(
    type: "mousemove" | "mouseleave" | "click",
    listener: (event: ClientMouseEvent) => void,
  ): void;
  /** Listens to scrolling. */
  addEventListener(type: "scroll", listener: () => void, options: { passive: boolean }): void;
}

/** The part of `HTMLCanvasElement` the client uses. */
export interface ClientCanvas extends ClientElement {
  /** Backing store width (device px). */
  width: number;
  /** Backing store height (device px). */
  height: number;
  /** The 2D context. */
  getContext(contextId: "2d"): ClientContext2D | null;
}

/** The part of `Document` the client uses. */
export interface ClientDocument {
  /** `<html>`. */
  readonly documentElement: ClientElement;
  /** Element by id. */
  getElementById(elementId: string): ClientElement | null;
  /** First matching element. */
  querySelector(selectors: string): ClientElement | null;
  /** A new element. */
  createElement(tagName: string): ClientElement;
  /** A new text node. */
  createTextNode(data: string): ClientNode;
  /** Listens to keys (Escape releases a pinned tooltip). */
  addEventListener(type: "keydown", listener: (event: { readonly key: string }) => void): void;
  /** Listens to clicks (a click elsewhere releases a pinned tooltip). */
  addEventListener(type: "click", listener: (event: ClientMouseEvent) => void): void;
}

/** A point in the viewport (px). */
export interface ClientPoint {
  /** x. */
  x: number;
  /** y. */
  y: number;
}

/** A text label drawn on a canvas, in canvas pixels (CSS px from its top-left corner). */
export interface LabelBox {
  /** What the label is: a tick of the time axis, the wall-time marker or the axis title. */
  kind: "tick" | "wall" | "title";
  /** The text. */
  text: string;
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
  /** Width. */
  w: number;
  /** Height. */
  h: number;
}

/** What the page exposes as `window.greencrawl`, for tests. Run and row indexes start at 0. */
export interface ReportApi {
  /** Rows of run `ri`. */
  rowCount(ri: number): number;
  /** Row index of `url` in run `ri`, -1 when absent. */
  find(ri: number, url: string): number;
  /** Scrolls run `ri`'s lanes into view; where row `i`'s bar is in its worker's lane. */
  locateLane(ri: number, i: number): ClientPoint;
  /** Scrolls row `i` of run `ri` into view; where its bar is. */
  locate(ri: number, i: number): ClientPoint;
  /** The labels of run `ri`'s lanes axis (ticks, wall marker, title) as last drawn. */
  axisLabels(ri: number): LabelBox[];
}

/** The part of the browser's `window` the client uses. */
export interface ClientWindow {
  /** The page. */
  readonly document: ClientDocument;
  /** Device pixels per CSS pixel. */
  readonly devicePixelRatio: number;
  /** Viewport width (px). */
  readonly innerWidth: number;
  /** Viewport height (px). */
  readonly innerHeight: number;
  /** The page clock. */
  readonly performance: { now(): number };
  /** Calls back before the next repaint. */
  requestAnimationFrame(callback: (time: number) => void): number;
  /** Listens to resizes. */
  addEventListener(type: "resize", listener: () => void): void;
  /** `<canvas>` elements are instances of this. */
  readonly HTMLCanvasElement: abstract new () => ClientCanvas;
  /** Nodes are instances of this. */
  readonly Node: abstract new () => ClientNode;
  /** Set by the client when it is done. */
  greencrawl?: ReportApi;
}

/**
 * The page's script, as a typed function of the browser's `window`. Self-contained: it uses
 * only `win` and ECMAScript built-ins, never the global `window` (whose type here is Deno's, not
 * the browser's; `deno lint`'s `no-window` rule flags `window.…`).
 *
 * @param win The browser's `window`.
 * @returns Nothing; it draws the page and sets `win.greencrawl`.
 */
export function reportClient(win: ClientWindow): void {
  const doc = win.document;
  const D = JSON.parse(doc.getElementById("greencrawl-data")!.textContent ?? "") as PageData;
  const S = D.strings;
  const OUT = D.outcomes;
  const SOLID = OUT.map((o) => D.theme.outcomes[o].solid);
  const LIGHT = OUT.map((o) => D.theme.outcomes[o].light);
  const OUT_LABEL: Record<string, string> = {
    ok: "ok",
    http: "HTTP error",
    network: "network error",
    timeout: "timeout",
  };
  const WC = D.theme.workers;
  const RIGHT = 78, ROW = 18, HEAD = 22, MAX_VIEW = 520, AXIS = 22;
  const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
  const FONT_B = '600 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
  const tMax = D.tMax;
  let GUTTER = 290;
  let plotR = 600;
  const tip = doc.getElementById("tip")!;
  interface Hover {
    run: Run;
    i: number;
    lane: boolean;
  }
  let pinned: Hover | null = null;
  let hover: Hover | null = null;

  const wcol = (w: number): string => (w < 0 ? "#c5cbd6" : WC[w % WC.length]);
  const X = (t: number): number => GUTTER + (t / tMax) * (plotR - GUTTER);
  const T = (x: number): number => ((x - GUTTER) / (plotR - GUTTER)) * tMax;
  function fmtMs(ms: number): string {
    if (ms < 0) return "—";
    if (ms < 10) return ms.toFixed(1) + " ms";
    if (ms < 1000) return Math.round(ms) + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + " s";
    return Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
  }
  function fmtBytes(b: number): string {
    if (b < 1024) return b + " B";
    if (b < 1048576) return (b / 1024).toFixed(b < 10240 ? 1 : 0) + " KiB";
    return (b / 1048576).toFixed(1) + " MiB";
  }
  const str = (i: number): string | null => (i < 0 ? null : S[i]);
  const shortUrl = (u: string): string => u.replace(/^https?:\/\//, "");
  function niceStep(span: number, target: number): number {
    const raw = span / Math.max(1, target);
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }
  function tickLabel(t: number, step: number): string {
    if (step >= 1000) return (t / 1000) + " s";
    if (step < 1) return t.toFixed(1) + " ms";
    return Math.round(t) + " ms";
  }
  const tickStep = (): number => niceStep(tMax, Math.max(2, Math.floor((plotR - GUTTER) / 95)));
  function sizeCanvas(c: ClientCanvas, w: number, h: number): ClientContext2D {
    const dpr = win.devicePixelRatio || 1;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
      c.style.width = w + "px";
      c.style.height = h + "px";
    }
    const ctx = c.getContext("2d")!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return ctx;
  }
  // Fits text into maxW px, cutting the middle ("host/a…/page-9999.html"): the start names the
  // host, the end tells rows apart.
  function fitText(ctx: ClientContext2D, s: string, maxW: number): string {
    if (ctx.measureText(s).width <= maxW) return s;
    let lo = 0, hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const head = Math.ceil(mid * 0.55);
      const cut = s.slice(0, head) + "…" + s.slice(s.length - (mid - head));
      if (ctx.measureText(cut).width <= maxW) lo = mid;
      else hi = mid - 1;
    }
    const h = Math.ceil(lo * 0.55);
    return s.slice(0, h) + "…" + s.slice(s.length - (lo - h));
  }
  /** Draws `text` with its left edge at `x` and records its box. */
  function label(
    ctx: ClientContext2D,
    boxes: LabelBox[],
    kind: LabelBox["kind"],
    text: string,
    x: number,
    y: number,
  ): void {
    ctx.fillText(text, x, y);
    const m = ctx.measureText(text);
    const top = y - m.actualBoundingBoxAscent;
    boxes.push({ kind, text, x, y: top, w: m.width, h: y + m.actualBoundingBoxDescent - top });
  }

  function grid(ctx: ClientContext2D, top: number, bottom: number, run: Run | null): void {
    const step = tickStep();
    ctx.strokeStyle = "#edf0f4";
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let t = 0; t <= tMax + 1e-9; t += step) {
      const x = Math.round(X(t)) + 0.5;
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
    }
    ctx.stroke();
    if (run) {
      const xw = Math.round(X(run.wallMs)) + 0.5;
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

  /**
   * The time axis in the band [y0, y0 + h): tick marks and labels, the title and, for a run, the
   * wall-time label on its white plate. A tick label that would touch the plate is left out (the
   * wall time is the number that matters there); its tick mark stays.
   */
  function axis(
    ctx: ClientContext2D,
    y0: number,
    h: number,
    run: Run | null,
    width: number,
  ): LabelBox[] {
    const boxes: LabelBox[] = [];
    const step = tickStep();
    const ty = y0 + h / 2 - 2;
    let plate: { x0: number; x1: number; text: string; lx: number } | null = null;
    if (run) {
      const xw = X(run.wallMs);
      const text = "wall " + fmtMs(run.wallMs);
      ctx.font = FONT_B;
      const lw = ctx.measureText(text).width;
      const lx = xw + 5 + lw < width ? xw + 5 : xw - lw - 5;
      plate = { x0: lx - 3, x1: lx + lw + 3, text, lx };
    }
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, y0, width, h);
    ctx.font = FONT;
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#6b7485";
    ctx.strokeStyle = "#c9cfd9";
    ctx.beginPath();
    ctx.moveTo(GUTTER, y0 + h - 0.5);
    ctx.lineTo(plotR, y0 + h - 0.5);
    for (let t = 0; t <= tMax + 1e-9; t += step) {
      const x = Math.round(X(t)) + 0.5;
      ctx.moveTo(x, y0 + h - 5);
      ctx.lineTo(x, y0 + h);
      const text = tickLabel(t, step);
      const w = ctx.measureText(text).width;
      const lx = Math.min(Math.max(x - w / 2, GUTTER - 2), width - w - 2);
      if (plate && lx < plate.x1 + 3 && lx + w > plate.x0 - 3) continue;
      label(ctx, boxes, "tick", text, lx, ty);
    }
    ctx.stroke();
    ctx.textAlign = "left";
    ctx.fillStyle = "#8b94a5";
    label(ctx, boxes, "title", "time since run start →", 8, ty);
    if (plate) {
      ctx.font = FONT_B;
      ctx.fillStyle = "#fff";
      ctx.fillRect(plate.x0, y0 + 1, plate.x1 - plate.x0, h - 7);
      ctx.fillStyle = "#3d4554";
      label(ctx, boxes, "wall", plate.text, plate.lx, ty);
    }
    return boxes;
  }

  function bar(
    ctx: ClientContext2D,
    c: PackedColumns,
    i: number,
    y: number,
    h: number,
    withQueue: boolean,
  ): number {
    const s = c.start[i], tt = c.time[i], hb = c.ttfb[i], o = c.outcome[i];
    const x0 = X(s), x1 = Math.max(X(s + tt), x0 + 2);
    if (withQueue && c.queue[i] > 0) {
      const xq = X(Math.max(0, s - c.queue[i]));
      ctx.fillStyle = "#b3bac6";
      ctx.fillRect(xq, y + h / 2 - 0.5, x0 - xq, 1);
    }
    const xh = hb < 0 ? x1 : Math.min(x1, Math.max(x0, X(s + hb)));
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

  const canvas = (sec: ClientElement, selector: string): ClientCanvas => {
    const el = sec.querySelector(selector);
    if (!(el instanceof win.HTMLCanvasElement)) throw new Error(`no ${selector}`);
    return el;
  };

  class Run {
    readonly p: PackedRun;
    readonly c: PackedColumns;
    readonly n: number;
    readonly wallMs: number;
    readonly sec: ClientElement;
    readonly lanes: ClientCanvas;
    readonly scroll: ClientElement;
    readonly inner: ClientElement;
    readonly rows: ClientCanvas;
    readonly laneOf = new Map<number, number>();
    readonly byLane: number[][];
    readonly laneH: number;
    readonly viewH: number;
    frame = 0;
    axisBoxes: LabelBox[] = [];

    constructor(p: PackedRun, ri: number) {
      const sec = doc.querySelector('[data-run="' + ri + '"]')!;
      this.p = p;
      this.c = p.cols;
      this.n = p.cols.url.length;
      this.wallMs = p.wallMs;
      this.sec = sec;
      this.lanes = canvas(sec, "canvas.lanes");
      this.scroll = sec.querySelector(".wf-scroll")!;
      this.inner = sec.querySelector(".wf-inner")!;
      this.rows = canvas(sec, "canvas.rows");
      p.workers.forEach((w, k) => this.laneOf.set(w, k));
      this.byLane = p.workers.map((): number[] => []);
      for (let i = 0; i < this.n; i++) {
        const w = this.c.worker[i];
        if (w >= 0) this.byLane[this.laneOf.get(w)!].push(i);
      }
      const L = p.workers.length;
      // 16 px lanes up to 15 workers, then thinner so that all lanes fit in 240 px
      this.laneH = L === 0 ? 0 : Math.min(16, 240 / L);
      this.viewH = Math.min(HEAD + this.n * ROW, MAX_VIEW);
      this.inner.style.height = (HEAD + this.n * ROW) + "px";
      this.scroll.style.height = this.viewH + "px";
      this.scroll.addEventListener("scroll", () => {
        if (!this.frame) {
          this.frame = win.requestAnimationFrame(() => {
            this.frame = 0;
            this.drawRows();
          });
        }
      }, { passive: true });
      this.rows.addEventListener("mousemove", (e) => this.onRows(e));
      this.lanes.addEventListener("mousemove", (e) => this.onLanes(e));
      this.rows.addEventListener("mouseleave", leave);
      this.lanes.addEventListener("mouseleave", leave);
      this.rows.addEventListener("click", pin);
      this.lanes.addEventListener("click", pin);
      sec.setAttribute("data-rows", String(this.n));
    }

    drawLanes(): void {
      const L = this.p.workers.length;
      const width = this.lanes.parentElement!.clientWidth;
      const top = AXIS + 4, h = Math.ceil(AXIS + 8 + L * this.laneH);
      const ctx = sizeCanvas(this.lanes, width, h);
      grid(ctx, AXIS, h, this);
      this.axisBoxes = axis(ctx, 0, AXIS, this, width);
      ctx.font = FONT;
      ctx.textBaseline = "middle";
      const bh = this.laneH >= 6 ? this.laneH - 2 : Math.max(0.5, this.laneH);
      const c = this.c;
      for (let k = 0; k < L; k++) {
        const y = top + k * this.laneH;
        const w = this.p.workers[k];
        ctx.fillStyle = wcol(w);
        ctx.fillRect(GUTTER - 10, y, 4, bh);
        if (this.laneH >= 10) {
          ctx.fillStyle = "#5d6779";
          const name = "worker " + w;
          ctx.fillText(name, GUTTER - 16 - ctx.measureText(name).width, y + bh / 2);
        }
        for (const i of this.byLane[k]) {
          const x0 = X(c.start[i]);
          const x1 = Math.max(X(c.start[i] + c.time[i]) - 1, x0 + 1);
          const hb = c.ttfb[i], o = c.outcome[i];
          const xh = hb < 0 ? x1 : Math.min(x1, X(c.start[i] + hb));
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
        const text = L + " workers";
        ctx.fillText(text, GUTTER - 16 - ctx.measureText(text).width, top + (L * this.laneH) / 2);
      }
      if (hover && hover.run === this && c.worker[hover.i] >= 0) {
        const hi = hover.i, hy = top + this.laneOf.get(c.worker[hi])! * this.laneH;
        ctx.strokeStyle = "#141a26";
        ctx.lineWidth = 1.5;
        const hx0 = X(c.start[hi]);
        ctx.strokeRect(hx0 - 1, hy - 1, Math.max(X(c.start[hi] + c.time[hi]) - hx0, 2) + 2, bh + 2);
      }
    }

    drawRows(): void {
      const width = this.scroll.clientWidth;
      const H = this.viewH;
      const ctx = sizeCanvas(this.rows, width, H);
      const top = this.scroll.scrollTop;
      const c = this.c;
      const first = Math.max(0, Math.floor(top / ROW));
      const last = Math.min(this.n - 1, Math.ceil((top + H - HEAD) / ROW));
      grid(ctx, HEAD, H, this);
      ctx.font = FONT;
      ctx.textBaseline = "middle";
      const hv = hover && hover.run === this ? hover.i : -1;
      for (let i = first; i <= last; i++) {
        const y = HEAD + i * ROW - top;
        if (i === hv) {
          ctx.fillStyle = "#e6eefc";
          ctx.fillRect(0, y, width, ROW);
        } else if (i % 2 === 1) {
          ctx.fillStyle = "rgba(20,30,50,0.028)";
          ctx.fillRect(0, y, width, ROW);
        }
        const w = c.worker[i];
        ctx.fillStyle = wcol(w);
        ctx.fillRect(4, y + 2, 4, ROW - 4);
        ctx.fillStyle = "#8b94a5";
        ctx.fillText(w < 0 ? "–" : "w" + w, 12, y + ROW / 2);
        ctx.fillStyle = "#2a3242";
        ctx.fillText(fitText(ctx, shortUrl(S[c.url[i]]), GUTTER - 56), 44, y + ROW / 2);
        const x1 = bar(ctx, c, i, y + 4, ROW - 8, true);
        const o = c.outcome[i];
        const why = o === 3
          ? "timeout"
          : c.status[i] > 0
          ? String(c.status[i])
          : (str(c.errCode[i]) || "error");
        const note = o === 0 ? fmtMs(c.time[i]) : why + " · " + fmtMs(c.time[i]);
        ctx.fillStyle = o === 0 ? "#7a8394" : SOLID[o];
        const nw = ctx.measureText(note).width;
        const nx = x1 + 5 + nw < width - 2 ? x1 + 5 : X(c.start[i]) - nw - 5;
        ctx.fillText(note, nx, y + ROW / 2);
        if (i === hv) {
          ctx.strokeStyle = "#141a26";
          ctx.lineWidth = 1.5;
          const hx0 = X(c.start[i]);
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
      const info = this.n + " rows";
      ctx.fillText(info, GUTTER - 16 - ctx.measureText(info).width, HEAD / 2 - 1);
    }

    draw(): void {
      this.drawLanes();
      this.drawRows();
    }

    onRows(e: ClientMouseEvent): void {
      if (pinned) return;
      const r = this.rows.getBoundingClientRect();
      const y = e.clientY - r.top;
      const i = y < HEAD ? -1 : Math.floor((y - HEAD + this.scroll.scrollTop) / ROW);
      if (i < 0 || i >= this.n) return leave();
      setHover(this, i, false, e.clientX, e.clientY);
    }

    onLanes(e: ClientMouseEvent): void {
      if (pinned) return;
      const r = this.lanes.getBoundingClientRect();
      const k = Math.floor((e.clientY - r.top - AXIS - 4) / this.laneH);
      if (!(k >= 0 && k < this.byLane.length)) return leave();
      const t = T(e.clientX - r.left), slack = T(GUTTER + 3);
      const idx = this.byLane[k], c = this.c;
      let best = -1, bestD = Infinity;
      let lo = 0, hi = idx.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (c.start[idx[mid]] <= t) lo = mid;
        else hi = mid - 1;
      }
      for (let j = Math.max(0, lo - 1); j <= Math.min(idx.length - 1, lo + 1); j++) {
        const i = idx[j], s = c.start[i], en = s + c.time[i];
        const d = t < s ? s - t : t > en ? t - en : 0;
        if (d < bestD) {
          bestD = d;
          best = i;
        }
      }
      if (best < 0 || bestD > slack) return leave();
      setHover(this, best, true, e.clientX, e.clientY);
    }
  }

  function setHover(run: Run, i: number, lane: boolean, cx: number, cy: number): void {
    const prev = hover;
    hover = { run, i, lane };
    if (!prev || prev.run !== run || prev.i !== i || prev.lane !== lane) {
      fillTip(run, i);
      if (prev && prev.run !== run) prev.run.draw();
      run.draw();
    }
    placeTip(cx, cy);
  }
  function leave(): void {
    if (pinned) return;
    tip.hidden = true;
    if (hover) {
      const r = hover.run;
      hover = null;
      r.draw();
    }
  }
  function pin(): void {
    if (!hover) return;
    if (!pinned && hover.lane) {
      // a click on a worker's bar brings its row into the URL list
      const r = hover.run, rowTop = hover.i * ROW, view = r.viewH - HEAD;
      if (rowTop < r.scroll.scrollTop || rowTop + ROW > r.scroll.scrollTop + view) {
        r.scroll.scrollTop = Math.max(0, rowTop - view / 2);
        r.drawRows();
      }
    }
    pinned = pinned ? null : hover;
    tip.classList.toggle("pinned", !!pinned);
    const hint = tip.querySelector(".hint");
    if (hint) hint.textContent = pinned ? "pinned · click or Esc to release" : "click to pin";
  }
  function release(): void {
    pinned = null;
    tip.classList.remove("pinned");
    leave();
  }
  doc.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && pinned) release();
  });
  doc.addEventListener("click", (e) => {
    const target = e.target;
    if (
      pinned && !(target instanceof win.HTMLCanvasElement) &&
      !(target instanceof win.Node && tip.contains(target))
    ) {
      release();
    }
  });

  function el(tag: string, cls?: string, text?: string): ClientElement {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fillTip(run: Run, i: number): void {
    const c = run.c, o = c.outcome[i];
    tip.textContent = "";
    tip.appendChild(el("div", "u", S[c.url[i]]));
    const tb = el("table");
    function row(k: string, v: string | ClientElement | null): void {
      if (v === null || v === "") return;
      const tr = el("tr");
      tr.appendChild(el("td", "", k));
      const td = el("td");
      if (typeof v === "string") td.textContent = v;
      else td.appendChild(v);
      tr.appendChild(td);
      tb.appendChild(tr);
    }
    const st = el("span");
    const badge = el("span", "badge", OUT_LABEL[OUT[o]] || OUT[o]);
    badge.style.background = SOLID[o];
    st.appendChild(badge);
    st.appendChild(doc.createTextNode(c.status[i] >= 0 ? "HTTP " + c.status[i] : "no response"));
    row("status", st);
    const ec = str(c.errCode[i]);
    if (ec) row("error", ec + ": " + (str(c.errMsg[i]) || ""));
    row("time", fmtMs(c.time[i]));
    row(
      "TTFB",
      c.ttfb[i] >= 0
        ? fmtMs(c.ttfb[i]) + "  (download " + fmtMs(Math.max(0, c.time[i] - c.ttfb[i])) + ")"
        : "no headers",
    );
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
  function placeTip(cx: number, cy: number): void {
    const w = tip.offsetWidth, h = tip.offsetHeight;
    let x = cx + 16, y = cy + 14;
    if (x + w > win.innerWidth - 8) x = Math.max(8, cx - w - 16);
    if (y + h > win.innerHeight - 8) y = Math.max(8, cy - h - 14);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  const runs: Run[] = [];
  const byRi: (Run | undefined)[] = [];
  D.runs.forEach((p, ri) => {
    if (p.cols.url.length > 0) runs.push(byRi[ri] = new Run(p, ri));
    else doc.querySelector('[data-run="' + ri + '"]')!.setAttribute("data-rows", "0");
  });
  function layout(): void {
    let minW = Infinity;
    for (const r of runs) minW = Math.min(minW, r.scroll.clientWidth);
    const w = isFinite(minW) ? minW : 800;
    // the URL column gives way on narrow screens
    GUTTER = Math.round(Math.max(170, Math.min(290, w * 0.26)));
    plotR = Math.max(GUTTER + 120, w - RIGHT);
    for (const r of runs) r.draw();
  }
  layout();
  let resizeFrame = 0;
  win.addEventListener("resize", () => {
    if (!resizeFrame) {
      resizeFrame = win.requestAnimationFrame(() => {
        resizeFrame = 0;
        layout();
      });
    }
  });

  win.greencrawl = {
    rowCount: (ri) => byRi[ri]?.n ?? 0,
    find(ri, url) {
      const r = byRi[ri];
      if (!r) return -1;
      for (let i = 0; i < r.c.url.length; i++) if (S[r.c.url[i]] === url) return i;
      return -1;
    },
    locateLane(ri, i) {
      const r = byRi[ri]!, c = r.c;
      r.sec.scrollIntoView({ block: "center" });
      const rect = r.lanes.getBoundingClientRect();
      const x0 = X(c.start[i]), x1 = Math.max(X(c.start[i] + c.time[i]) - 1, x0 + 1);
      return {
        x: rect.left + (x0 + x1) / 2,
        y: rect.top + AXIS + 4 + (r.laneOf.get(c.worker[i])! + 0.5) * r.laneH,
      };
    },
    locate(ri, i) {
      const r = byRi[ri]!;
      r.scroll.scrollTop = Math.max(0, i * ROW - (r.viewH - HEAD) / 2);
      r.sec.scrollIntoView({ block: "center" });
      r.scroll.scrollIntoView({ block: "nearest" });
      r.drawRows();
      const rect = r.rows.getBoundingClientRect();
      const c = r.c;
      return {
        x: rect.left + (X(c.start[i]) + Math.max(X(c.start[i] + c.time[i]), X(c.start[i]) + 2)) / 2,
        y: rect.top + HEAD + i * ROW - r.scroll.scrollTop + ROW / 2,
      };
    },
    axisLabels: (ri) => (byRi[ri]?.axisBoxes ?? []).map((b) => ({ ...b })),
  };
  doc.documentElement.setAttribute("data-render-ms", win.performance.now().toFixed(1));
  doc.documentElement.setAttribute("data-rendered", "1");
}

/**
 * The page's script as JavaScript: {@linkcode reportClient}'s source (types already stripped by
 * Deno) called with the browser's `window`. `renderReport` embeds it in a nonce'd `<script>`.
 *
 * @example
 * ```ts
 * import { CLIENT_JS } from "./client.ts";
 * new Function(CLIENT_JS); // parses: no syntax errors
 * if (CLIENT_JS.includes(": ClientWindow")) throw new Error("types were not stripped");
 * ```
 */
export const CLIENT_JS: string = `"use strict";\n(${reportClient.toString()})(window);\n`;
