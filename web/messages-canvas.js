// etcd-play messages canvas: draws the raft messages in flight moving along
// their links while the clock runs (the cluster view's messages layer,
// app/messages_view.go). Moving hundreds of elements costs the page's
// thread a style recalculation of each on every frame the page renders;
// drawing them on one canvas costs a few draw calls.
//
// Contract with the page (the only caller is the layer's canvas component,
// msgCanvas, on mount and dismount):
//   etcdplayMessages.attach(canvas)  canvas is the first child of the layer
//                                    (.msgs); its parent is the view's stage.
//   etcdplayMessages.detach(canvas)
// The layer's other children are the messages' elements, the one source of
// what is drawn: while the layer lacks the class "paused", each .msg carries
// data-msg-id and data-motion = "x0 y0 x1 y1 dur delay": its lane's ends in
// view units (the SVG's viewBox, 440 wide), how long it flies and in how
// long it starts (seconds; negative: it started that long ago), as of the
// moment the element got that motion. The element's letter and classes (its
// type's colour --mc, "resp", "reject") give its glyph. Paused, the
// elements draw themselves (still, as buttons) and the canvas is cleared.
//
// Where the person asked for reduced motion (prefers-reduced-motion), each
// message is drawn where it is when the page last changed the layer (about
// once a tick) and stays there until the next change: it steps along its
// lane instead of gliding.
//
// While the clock runs the elements are hidden hooks; a pointer over a
// drawn message sends its element a mouseenter, and a click on one clicks
// its element (the page's own handlers answer) instead of the link below.
//
// etcdplayMessages.positions(canvas): {id: [x, y]} the drawn centres in
// client coordinates now (the browser tests read what is drawn).
"use strict";

(() => {
  const viewW = 440; // the view's width in view units
  const glyphR = 7; // a glyph's radius in view units (msgR)
  const layers = new Map(); // canvas -> layer state
  const reduced = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : { matches: false };

  const clamp01 = (p) => (p < 0 ? 0 : p > 1 ? 1 : p);

  class Layer {
    constructor(canvas) {
      this.canvas = canvas;
      this.layer = canvas.parentElement;
      this.stage = this.layer.parentElement;
      this.g = canvas.getContext("2d");
      this.msgs = []; // {el, id, x0, y0, x1, y1, start, dur, key}, in the layer's order
      this.known = new WeakMap(); // element -> its message as last read
      this.sprites = new Map(); // glyph key -> canvas
      this.unit = 0; // CSS pixels per view unit
      this.dpr = 1;
      this.frame = 0;
      this.paused = true;
      this.hover = null;
      this.mo = new MutationObserver(() => this.read());
      this.mo.observe(this.layer, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["class", "data-motion", "data-msg-id"] });
      this.ro = new ResizeObserver(() => this.resize());
      this.ro.observe(canvas);
      this.onMove = (e) => this.pointerMove(e);
      this.onLeave = () => { this.hover = null; };
      this.onClick = (e) => this.click(e);
      this.stage.addEventListener("pointermove", this.onMove, true);
      this.stage.addEventListener("pointerleave", this.onLeave, true);
      this.stage.addEventListener("click", this.onClick, true);
      // Sprites take the theme's colours: made anew when it changes.
      this.scheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
      this.onScheme = () => { this.sprites.clear(); this.kick(); };
      if (this.scheme) this.scheme.addEventListener("change", this.onScheme);
      this.resize();
      this.read();
    }

    detach() {
      this.mo.disconnect();
      this.ro.disconnect();
      this.stage.removeEventListener("pointermove", this.onMove, true);
      this.stage.removeEventListener("pointerleave", this.onLeave, true);
      this.stage.removeEventListener("click", this.onClick, true);
      if (this.scheme) this.scheme.removeEventListener("change", this.onScheme);
      if (this.frame) cancelAnimationFrame(this.frame);
      this.frame = 0;
    }

    resize() {
      const w = this.canvas.clientWidth, h = this.canvas.clientHeight;
      this.dpr = window.devicePixelRatio || 1;
      this.unit = w / viewW;
      this.canvas.width = Math.max(1, Math.round(w * this.dpr));
      this.canvas.height = Math.max(1, Math.round(h * this.dpr));
      this.sprites.clear();
      this.kick();
    }

    // read takes the messages from the layer's elements (after every change
    // the page makes to them).
    read() {
      const now = performance.now();
      this.readAt = now;
      this.paused = this.layer.classList.contains("paused");
      const list = [];
      if (!this.paused) {
        for (const el of this.layer.querySelectorAll(".msg[data-motion]")) {
          const id = el.dataset.msgId, motion = el.dataset.motion;
          let m = this.known.get(el);
          if (!m || m.id !== id || m.motion !== motion) {
            const f = motion.split(" ").map(Number);
            if (f.length !== 6 || f.some((v) => !Number.isFinite(v))) continue;
            m = { el, id, motion, x0: f[0], y0: f[1], x1: f[2], y1: f[3], dur: Math.max(1, f[4] * 1000), start: now + f[5] * 1000 };
            this.known.set(el, m);
          }
          m.key = el.className + "|" + el.textContent;
          list.push(m);
        }
      }
      this.msgs = list;
      this.kick();
    }

    kick() {
      if (this.frame) return;
      this.frame = requestAnimationFrame(() => this.draw());
    }

    // at returns where m is drawn at time now, in view units.
    at(m, now) {
      const p = clamp01((now - m.start) / m.dur);
      return [m.x0 + (m.x1 - m.x0) * p, m.y0 + (m.y1 - m.y0) * p, p];
    }

    draw() {
      this.frame = 0;
      const g = this.g, c = this.canvas;
      g.setTransform(1, 0, 0, 1, 0, 0);
      g.clearRect(0, 0, c.width, c.height);
      if (this.paused || this.msgs.length === 0 || this.unit === 0) return;
      const now = this.when(), k = this.unit * this.dpr;
      let moving = false;
      for (const m of this.msgs) {
        const [x, y, p] = this.at(m, now);
        if (p < 1) moving = true;
        const s = this.sprite(m);
        g.drawImage(s, Math.round((x - glyphR - 1) * k), Math.round((y - glyphR - 1) * k));
      }
      if (moving && !reduced.matches) this.kick();
    }

    // when is the time the messages are drawn at: now, or with reduced
    // motion the last change of the layer.
    when() {
      return reduced.matches && this.readAt !== undefined ? this.readAt : performance.now();
    }

    // sprite is m's glyph drawn once at the current scale: a ring in its
    // type's colour (dashed for a response, the error colour when
    // rejected) around its letter.
    sprite(m) {
      let s = this.sprites.get(m.key);
      if (s) return s;
      const k = this.unit * this.dpr, size = Math.ceil((2 * glyphR + 2) * k);
      s = document.createElement("canvas");
      s.width = s.height = size;
      const g = s.getContext("2d"), st = getComputedStyle(m.el);
      const cls = m.el.classList, v = (name) => st.getPropertyValue(name).trim();
      g.scale(k, k);
      g.beginPath();
      g.arc(glyphR + 1, glyphR + 1, glyphR - 1, 0, 2 * Math.PI);
      g.fillStyle = v("--panel") || "#fff";
      g.fill();
      g.lineWidth = cls.contains("resp") ? 1.5 : 2.5;
      if (cls.contains("resp")) g.setLineDash([3, 2]);
      g.strokeStyle = (cls.contains("reject") ? v("--bad") : v("--mc")) || "#444";
      g.stroke();
      g.setLineDash([]);
      g.fillStyle = v("--ink") || "#000";
      g.font = "700 9px sans-serif";
      g.textAlign = "center";
      g.fillText(m.el.textContent, glyphR + 1, glyphR + 1 + 3.5);
      this.sprites.set(m.key, s);
      return s;
    }

    // hit returns the message drawn under the client point (the last
    // drawn, on top), or null.
    hit(clientX, clientY) {
      if (this.paused || this.unit === 0) return null;
      const r = this.canvas.getBoundingClientRect();
      const x = (clientX - r.left) / this.unit, y = (clientY - r.top) / this.unit;
      const now = this.when();
      for (let i = this.msgs.length - 1; i >= 0; i--) {
        const [mx, my] = this.at(this.msgs[i], now);
        if (Math.hypot(x - mx, y - my) <= glyphR + 1) return this.msgs[i];
      }
      return null;
    }

    pointerMove(e) {
      const m = this.hit(e.clientX, e.clientY);
      if (m && m !== this.hover && m.el.isConnected) m.el.dispatchEvent(new MouseEvent("mouseenter"));
      this.hover = m;
    }

    click(e) {
      if (e.target instanceof Element && e.target.closest(".msg")) return; // the click below, or a paused message's own
      const m = this.hit(e.clientX, e.clientY);
      if (!m || !m.el.isConnected) return;
      e.preventDefault();
      e.stopPropagation();
      m.el.click();
    }

    positions() {
      const out = {};
      if (this.paused || this.unit === 0) return out;
      const r = this.canvas.getBoundingClientRect(), now = this.when();
      for (const m of this.msgs) {
        const [x, y] = this.at(m, now);
        out[m.id] = [r.left + x * this.unit, r.top + y * this.unit];
      }
      return out;
    }
  }

  globalThis.etcdplayMessages = {
    attach(canvas) {
      if (!layers.has(canvas) && canvas.parentElement && canvas.parentElement.parentElement) {
        layers.set(canvas, new Layer(canvas));
      }
    },
    detach(canvas) {
      const l = layers.get(canvas);
      if (l) {
        l.detach();
        layers.delete(canvas);
      }
    },
    positions(canvas) {
      const l = layers.get(canvas);
      return l ? l.positions() : {};
    },
  };
  // A page that mounted before this script ran.
  for (const c of document.querySelectorAll(".msgs > .msg-canvas")) globalThis.etcdplayMessages.attach(c);
})();
