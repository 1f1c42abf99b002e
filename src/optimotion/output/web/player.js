// The player of a page written by optimotion: it draws the moving parts of the animation
// (z lines, trails, markers, live values, the epoch counter) over the static picture,
// from the recorded run in the page's data. Every position is already in pixels, projected
// by the transforms that draw the GIF, and every text already formatted as the GIF writes
// it: this script only chooses what to show at an epoch, and draws it.
//
// A page may carry a second layout of the same run, for a phone held upright
// ("phone": what its tall picture changes of the page's data, see page.py's _overlay):
// the player shows it while the window is narrower than 600 CSS pixels and taller than
// wide, and switches between the two as the window turns, keeping the moment, the play,
// the racers shown, the variant and the start.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("data").textContent);
  const SUBPIXELS = 8;
  const $ = (id) => document.getElementById(id);
  const frame = $("frame"), stage = $("stage"), canvas = $("canvas"), ctx = canvas.getContext("2d");
  const playButton = $("play"), scrub = $("scrub"), speedSelect = $("speed"), loopBox = $("loop");
  const epochText = $("epoch"), counter = $("counter"), tip = $("tip"), legend = $("legend");
  let W = data.width, H = data.height;
  let L = data;  // the layout on show: the page's own (data) or the phone's (data.phone laid over it)
  const layouts = [];  // each: {data: the layout's data, runs, gridTracks}
  let layout = -1;  // which one is on show

  const state = {
    variant: data.variants ? data.variants.default : 0,
    frame: 0, epoch: 0, playing: false, speed: 1, elapsed: 0, last: null,
    hidden: data.racers.map(() => false), glyphs: true,
    start: null,  // a start anywhere: the grid point the race restarted from (null: the scene's own)
  };
  const GLYPHS = ["gradient", "momentum", "box", "step"];
  let runs = [];  // the layout's, per variant: {frames, legend, labels, racers: [{starts: [...], live: [...]}]}
  let gridTracks = null, gridRun = null;  // a start anywhere: every grid point's tracks (the layout's); the one shown
  const defaultVariant = data.variants ? data.variants.default : 0;

  function current() {  // the run on show
    return state.start !== null ? gridRun : runs[state.variant];
  }

  async function inflate(base64) {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return JSON.parse(await new Response(stream).text());
  }

  function undelta(deltas, fit, residuals) {  // pixels; fit and residuals: another layout's (page.py's _relative)
    const out = new Float64Array(deltas.length);
    let sum = 0;
    for (let i = 0; i < deltas.length; i++) {
      sum += deltas[i];
      out[i] = (fit ? Math.floor(fit[0] * sum + fit[1] + 0.5) + residuals[i] : sum) / SUBPIXELS;
    }
    return out;
  }

  function pixels(track, fits) {  // a track's pixels in every view and in the z plot, in the layout's picture
    const r = track.residuals;
    return {
      views: track.views.map((xy, v) => xy.map((deltas, i) => undelta(deltas, fits && fits.views[v][i],
                                                                      fits && r.views[v][i]))),
      z: undelta(track.z, fits && fits.z, fits && r.z),
      zPlane: track.zPlane ? undelta(track.zPlane) : null,  // a model's race: the loss on the plane under it
    };
  }

  function lastTrue(flags) {  // for each epoch: the latest epoch up to it whose flag is "1" (-1: none)
    const out = new Int32Array(flags.length);
    let seen = -1;
    for (let i = 0; i < flags.length; i++) { if (flags[i] === "1") seen = i; out[i] = seen; }
    return out;
  }

  function overlay(base, over) {  // another layout's data: what it changes (page.py's _overlay) laid over `base`
    if (over === null || typeof over !== "object" || Array.isArray(over) || base === null || typeof base !== "object") {
      return over;
    }
    const out = Array.isArray(base) ? base.slice() : { ...base };
    for (const [key, value] of Object.entries(over)) out[key] = overlay(base[key], value);
    return out;
  }

  async function load() {
    const own = await Promise.all(data.runs.map((run) => inflate(run.tracks)));
    const ownGrid = data.grid ? await inflate(data.grid.tracks) : null;
    const prepare = async (layoutData, base) => ({  // base: the page's own layout's, or null for that one
      data: layoutData,
      runs: await Promise.all(layoutData.runs.map(async (run, k) => {
        const tracks = base ? overlay(own[k], await inflate(run.tracks)) : own[k];
        return {
          ...run,
          racers: tracks.racers.map((racer) => ({
            live: racer.live,
            starts: racer.starts.map((start) => ({
              last: start.last, exit: start.exit, values: start.values, inView: start.inView, color: start.color,
              inDomain: start.inDomain, seen: lastTrue(start.inView), ...pixels(start, layoutData.fits),
            })),
          })),
        };
      })),
      gridTracks: !data.grid ? null : base ? overlay(ownGrid, await inflate(layoutData.grid.tracks)) : ownGrid,
    });
    layouts.push(await prepare(data, null));
    if (data.phone) layouts.push(await prepare(overlay(data, data.phone), layouts[0]));
  }

  /* start anywhere */

  // -- layout ---------------------------------------------------------------------------
  // The phone's layout while the window is narrow and upright: its text then shows at
  // about its own size, where the wide picture would show it at a third of that.
  const upright = data.phone && window.matchMedia ? window.matchMedia("(max-width: 599px) and (orientation: portrait)")
    : null;

  function chooseLayout() {
    useLayout(upright && upright.matches ? 1 : 0);
  }

  function useLayout(k) {  // the moment, the play, the racers shown, the variant and the start stay
    if (k === layout) return;
    const first = layout < 0;
    layout = k;
    ({ data: L, runs, gridTracks } = layouts[k]);
    W = L.width; H = L.height;
    if (state.start !== null) gridRun = gridRunFor(state.start);
    document.body.classList.toggle("phone", k === 1);
    setUpPicture();
    buildLegend();
    fit();
    if (!first) render();
  }

  function fit() {
    const room = frame.clientWidth / W;  // the phone's picture fills the width; the page's is no larger than drawn
    const scale = (layout === 1 ? room : Math.min(1, room)) || 1;
    stage.style.transform = `scale(${scale})`;
    frame.style.height = `${H * scale}px`;
    state.scale = scale;
    Object.assign(tip.style, {  // 13 CSS pixels at any scale (a phone's picture shows at two thirds), within the picture
      fontSize: `${13 / scale}px`, padding: `${3 / scale}px ${6 / scale}px`, borderRadius: `${4 / scale}px`,
      maxWidth: `${W - 8}px`,
    });
    tellHeight();
  }

  function tellHeight() {  // a page that frames this one may fit its frame to it (the docs directive's does)
    if (window.parent === window) return;
    const body = document.body, style = getComputedStyle(body);
    const height = body.getBoundingClientRect().height + parseFloat(style.marginTop) + parseFloat(style.marginBottom);
    window.parent.postMessage({ optimotionHeight: Math.ceil(height) }, "*");
  }

  function setUpStage() {
    document.documentElement.style.setProperty("--veil", data.paper + "cc");
    scrub.max = current().frames.length - 1;
    if (data.variants) {
      const v = data.variants, slider = $("variant");
      $("variantRow").hidden = false;
      $("variantName").textContent = v.name;
      slider.max = v.values.length - 1;
      slider.value = state.variant;
      slider.addEventListener("input", () => setVariant(Number(slider.value)));
    }
    new ResizeObserver(fit).observe(frame);
    if (upright) upright.addEventListener("change", chooseLayout);
  }

  function setUpPicture() {  // the layout's picture, canvas and counter
    // The controls as wide as the page's picture, the whole centred; the phone's, as wide as the window.
    $("player").style.maxWidth = layout === 1 ? "none" : `${W}px`;
    stage.style.width = `${W}px`;
    stage.style.height = `${H}px`;
    const picture = $("picture");
    picture.src = L.background;
    picture.width = W; picture.height = H;
    const dpr = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
    canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
    canvas.style.width = `${W}px`; canvas.style.height = `${H}px`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const c = L.counter;
    $("step-word").textContent = data.step;  // "epoch", or "step" where racers draw batches
    const text = `${data.step} ${"0".repeat(c.digits)}`;
    const width = c.cell * text.length + 2 * c.pad, height = c.line + 2 * c.pad;
    Object.assign(counter.style, {
      left: `${Math.round(c.right - width)}px`, top: `${Math.round(c.top)}px`, width: `${width}px`,
      height: `${height}px`, padding: `${c.pad}px`, fontSize: `${c.font}px`, lineHeight: `${c.line}px`,
      color: data.ink, background: data.paper, letterSpacing: letterSpacing(c.font, c.cell),
    });
    epochText.style.width = `${c.digits}ch`;
    const paceFont = c.font * c.pace, paceCell = c.cell * c.pace, paceLine = c.line * c.pace;
    Object.assign($("pace").style, {  // left of the counter, bottoms aligned, as the GIF draws it
      right: `${Math.round(W - c.paceRight)}px`, top: `${Math.round(c.paceTop)}px`, padding: `${c.pad}px`,
      fontSize: `${paceFont}px`, lineHeight: `${paceLine}px`, fontWeight: "normal", color: data.ink,
      background: data.paper, letterSpacing: letterSpacing(paceFont, paceCell),
    });
  }

  function buildLegend() {
    legend.textContent = "";
    const run = current(), lg = run.legend;
    run.entries = L.racers.map((look, r) => {
      const row = lg.rows[r];
      const button = document.createElement("button");
      button.type = "button";
      button.className = "entry" + (state.hidden[r] ? " off" : "");
      button.setAttribute("aria-pressed", String(!state.hidden[r]));
      button.setAttribute("aria-label", `${run.labels[r]}: show or hide`);
      button.title = `${run.labels[r]}: click to hide or show`;
      const left = lg.x0 + 0.03 * lg.width, right = lg.x0 + lg.columnLimit * lg.width;
      Object.assign(button.style, {
        left: `${left}px`, top: `${row - lg.rowHeight / 2}px`, width: `${right - left}px`,
        height: `${lg.rowHeight + lg.valueRows[r] - row}px`,  // a wrapped row: its label and its value
      });
      button.addEventListener("click", () => toggle(r));
      const live = document.createElement("span");
      live.className = "live";
      live.id = `live-${r}`;
      legend.append(button, live);
      return { button, live };
    });
    const labels = $("labels");
    labels.hidden = !run.labelImage;
    if (run.labelImage) {
      const [x, y, w, h] = run.labelBox;
      labels.src = run.labelImage;
      Object.assign(labels.style, { left: `${x}px`, top: `${y}px`, width: `${w}px`, height: `${h}px` });
    }
  }

  // -- what to show ---------------------------------------------------------------------
  function frameAt(epoch) {  // the last frame at or before `epoch`
    const frames = current().frames;
    let lo = 0, hi = frames.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (frames[mid] <= epoch) lo = mid; else hi = mid - 1; }
    return lo;
  }

  function previousFrameEpoch(epoch) {
    const frames = current().frames, k = frameAt(epoch);
    return frames[k] < epoch ? frames[k] : (k > 0 ? frames[k - 1] : 0);
  }

  function showFrame(index) {
    const frames = current().frames;
    state.frame = Math.max(0, Math.min(frames.length - 1, index));
    state.epoch = frames[state.frame];
    render();
  }

  function showEpoch(epoch) {
    const frames = current().frames;
    state.epoch = Math.max(0, Math.min(frames[frames.length - 1], Math.round(epoch)));
    state.frame = frameAt(state.epoch);
    render();
  }

  function setVariant(k) {
    if (state.start !== null) { state.start = null; describeStart(); }  // the grid is the default race's
    state.variant = k;
    $("variantValue").textContent = data.variants.values[k];
    buildLegend();
    scrub.max = runs[k].frames.length - 1;
    showEpoch(Math.min(state.epoch, runs[k].frames[runs[k].frames.length - 1]));
  }

  function toggle(r) {
    state.hidden[r] = !state.hidden[r];
    const entry = current().entries[r];
    entry.button.classList.toggle("off", state.hidden[r]);
    entry.button.setAttribute("aria-pressed", String(!state.hidden[r]));
    render();
  }

  // -- drawing --------------------------------------------------------------------------
  function clipTo([x, y, w, h]) {
    ctx.beginPath();
    ctx.rect(x, y, w, h);
    ctx.clip();
  }

  function stroke(look, width) {
    ctx.strokeStyle = look.color;
    ctx.lineWidth = width;
    ctx.setLineDash(look.dashes);
    ctx.lineCap = look.dashes.length ? look.cap : "square";
    ctx.lineJoin = "round";
    ctx.stroke();
  }

  function marker(outline, x, y, size, fill, edge, width) {
    ctx.beginPath();
    for (const polygon of outline) {
      polygon.forEach(([u, v], i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, x + u * size, y + v * size));
      ctx.closePath();
    }
    ctx.setLineDash([]);
    ctx.fillStyle = fill;
    ctx.fill();
    ctx.strokeStyle = edge;
    ctx.lineWidth = width;
    ctx.lineJoin = "miter";
    ctx.stroke();
  }

  function leader(look, [x0, y0, x1, y1]) {  // from a marker drawn aside back to where its racer is
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.setLineDash([]);
    ctx.lineCap = "round";
    ctx.strokeStyle = data.paper;
    ctx.lineWidth = look.leader * 2.5;
    ctx.stroke();
    ctx.strokeStyle = look.color;
    ctx.lineWidth = look.leader;
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(x0, y0, look.leaderDot / 2, 0, 2 * Math.PI);
    ctx.fillStyle = data.ink;
    ctx.fill();
  }

  function trailPoints(from, to, start) {  // as the GIF samples a trail: the ends, and multiples of the stride
    if (start.kept) return Array.from(start.kept).filter((e) => e >= from && e <= to);  // a grid start's kept epochs
    const stride = L.stride, points = [from];
    for (let i = (Math.floor(from / stride) + 1) * stride; i < to; i += stride) points.push(i);
    points.push(to);
    return points;
  }

  function drawTrail(view, kind, start, from, to, look) {
    const [xs, ys] = start.views[view];
    let open = false;
    ctx.beginPath();
    for (const i of trailPoints(from, to, start)) {
      if (kind === "3d" && start.inDomain[i] !== "1") { open = false; continue; }  // 3-D lines clip to the box
      if (open) ctx.lineTo(xs[i], ys[i]); else ctx.moveTo(xs[i], ys[i]);
      open = true;
    }
    stroke(look, look.lineWidth);
  }

  function render() {
    const run = current(), epoch = state.epoch, previous = previousFrameEpoch(epoch);
    ctx.clearRect(0, 0, W, H);
    const shown = L.racers.map((look, r) => [look, r]).filter(([, r]) => !state.hidden[r]);
    // As the GIF: every racer's lines, then the markers over them.
    shown.forEach(([look, r]) => run.racers[r].starts.forEach((start) =>
      drawRacer(startLook(look, start), start, epoch, previous)));
    shown.forEach(([look, r]) => run.racers[r].starts.forEach((start) =>
      drawMarkers(run, startLook(look, start), start, epoch, r)));
    L.racers.forEach((look, r) => drawLive(run, r, epoch));
    if (atFrame(run)) drawGlyphs(run, state.frame);
    if (state.start !== null) drawSnapped();
    epochText.textContent = epoch.toLocaleString("en-US");
    const step = state.frame ? run.frames[state.frame] - run.frames[state.frame - 1] : 0;  // the frames' pace
    $("pace").textContent = step > 0 ? `+${step.toLocaleString("en-US")} a frame` : "";
    $("pace").hidden = step <= 0;
    scrub.value = state.frame;
    playButton.innerHTML = state.playing ? "&#10074;&#10074;" : "&#9654;";
    playButton.setAttribute("aria-label", state.playing ? "Pause" : "Play");
  }

  function startLook(look, start) {  // a racer's look from one start: in its basin's colour, where starts have one
    return start.color ? {...look, color: start.color} : look;
  }

  function drawRacer(look, start, epoch, previous) {  // its z line and exit, and its trails
    const last = Math.min(epoch, start.last);
    const z = L.z;
    ctx.save();
    clipTo(z.clip);
    ctx.beginPath();
    const epochs = start.kept ? Array.from(start.kept).filter((e) => e <= last) : null;
    if (start.zPlane) {  // under the racer's own line, dotted and thinner, as the GIF draws it
      for (let i = 0; i <= last; i++) {
        const x = z.x0 + i * z.dx;
        if (i) ctx.lineTo(x, start.zPlane[i]); else ctx.moveTo(x, start.zPlane[i]);
      }
      stroke({...look, color: look.planeColor, dashes: look.planeDashes, cap: look.planeCap}, look.planeWidth);
      ctx.beginPath();
    }
    for (let k = 0; k <= (epochs ? epochs.length - 1 : last); k++) {
      const i = epochs ? epochs[k] : k, x = z.x0 + i * z.dx;
      if (k) ctx.lineTo(x, start.z[i]); else ctx.moveTo(x, start.z[i]);
    }
    stroke(look, look.lineWidth);
    ctx.restore();
    if (start.exit && start.exit[0] <= last) {
      const [, x, y, up] = start.exit;
      marker(up ? data.exitUp : data.exitDown, x, y, look.exitSize, look.color, data.edge, look.exitEdge);
    }
    L.views.forEach((view, v) => {
      ctx.save();
      clipTo(view.clip);
      for (const [from, to] of [[0, Math.min(previous, last)], [Math.min(previous, last), last]]) {
        if (to > from) drawTrail(v, view.kind, start, from, to, look);
      }
      ctx.restore();
    });
  }

  function drawMarkers(run, look, start, epoch, r) {
    const seen = start.seen[Math.min(epoch, start.last)];
    if (seen < 0) return;
    const hollow = seen !== epoch;
    const end = run.spread && state.frame === run.frames.length - 1 && run.frames[state.frame] === epoch;
    L.views.forEach((view, v) => {
      const [xs, ys] = start.views[v];
      let [x, y] = [xs[seen], ys[seen]];
      const aside = end ? run.spread[v][r] : null;
      if (aside) {  // the last frame: a marker that would hide another, drawn aside (frames.spread_markers)
        [x, y] = [aside[2], aside[3]];
        leader(look, aside);
      }
      if (hollow) marker(look.outline, x, y, look.markerSize, data.paper, look.color, look.hollowWidth);
      else marker(look.outline, x, y, look.markerSize, look.color, data.edge, look.edgeWidth);
    });
  }

  // -- each racer's state: the frames' glyphs, in the GIF's pixels ----------------------
  function atFrame(run) {  // the glyphs and notes belong to frames: not to an epoch between them
    return run.glyphs && run.frames[state.frame] === state.epoch;
  }

  function drawGlyphs(run, index) {
    if (state.glyphs) {
      for (const item of run.glyphs[index]) {
        const [r, , code, view, cut, dot, ...xy] = item;
        if (state.hidden[r]) continue;
        ctx.save();
        clipTo(L.views[view].clip);
        drawGlyph(L.racers[r], GLYPHS[code], cut, dot, xy);
        ctx.restore();
      }
    }
    const note = run.notes[index];
    if (note) {
      const [x, y, size] = run.noteAt;
      ctx.font = `bold ${size}px "DejaVu Sans", Verdana, sans-serif`;
      ctx.textBaseline = "top";
      ctx.fillStyle = data.ink;
      ctx.fillText(note, x, y);
    }
  }

  function drawGlyph(look, name, cut, dot, xy) {
    const g = look.glyph;
    const path = () => {
      ctx.beginPath();
      for (let i = 0; i < xy.length; i += 2) (i ? ctx.lineTo : ctx.moveTo).call(ctx, xy[i], xy[i + 1]);
    };
    if (dot) {
      ctx.beginPath();
      ctx.arc(xy[0], xy[1], g.dot / 2, 0, 2 * Math.PI);
      ctx.fillStyle = look.color; ctx.fill();
      ctx.strokeStyle = data.paper; ctx.lineWidth = g.width * 0.6; ctx.setLineDash([]); ctx.stroke();
      return;
    }
    const width = name === "box" ? g.box : name === "momentum" ? g.bold : g.width;
    const dashes = name === "gradient" ? g.dashes : [];
    for (const [color, lineWidth, dash] of [[data.paper, g.halo, []], [look.color, width, dashes]]) {
      path();  // a halo of the paper first, then the glyph, as the GIF draws them
      ctx.strokeStyle = color; ctx.lineWidth = lineWidth; ctx.setLineDash(dash);
      ctx.lineCap = "butt"; ctx.lineJoin = "round";
      ctx.stroke();
    }
    if (name === "box") return;
    const [x0, y0, x1, y1] = xy, length = Math.hypot(x1 - x0, y1 - y0) || 1;
    const ux = (x1 - x0) / length, uy = (y1 - y0) / length;
    const bx = x1 - ux * g.headLength, by = y1 - uy * g.headLength;
    ctx.beginPath();
    ctx.moveTo(bx - uy * g.headWidth, by + ux * g.headWidth);
    ctx.lineTo(x1, y1);
    ctx.lineTo(bx + uy * g.headWidth, by - ux * g.headWidth);
    ctx.setLineDash([]);
    ctx.strokeStyle = look.color; ctx.lineWidth = width;
    if (cut) { ctx.stroke(); return; }  // an open head: the view cuts the arrow there
    ctx.closePath(); ctx.fillStyle = look.color; ctx.fill(); ctx.stroke();
  }

  const spacings = new Map();
  function letterSpacing(font, cell) {  // so that each character takes the GIF's cell width
    const key = `${font}/${cell}`;
    if (!spacings.has(key)) {
      ctx.save();
      ctx.font = `bold ${font}px "DejaVu Sans Mono", Menlo, Consolas, monospace`;
      spacings.set(key, cell - ctx.measureText("0".repeat(20)).width / 20);
      ctx.restore();
    }
    return `${spacings.get(key)}px`;
  }

  function drawLive(run, r, epoch) {
    const lg = run.legend, look = L.racers[r], span = run.entries[r].live;
    const content = run.racers[r].live[epoch];
    const note = content.startsWith("!"), away = content.startsWith("^");  // away: out of the view
    const text = note ? content.slice(1) : `${lg.prefix}${content.slice(away ? 1 : 0).padEnd(lg.widest[r])}`;
    const font = note ? lg.note : lg.number;
    const width = font.cell * text.length + 2 * font.pad, height = font.line + 2 * font.pad;
    // As the GIF places it: right-aligned at the legend's right edge, or further right
    // (up to the next view) where the longest label would touch it.
    const right = Math.min(Math.max(0.98, lg.labelsEnd[r] + lg.gap + width / lg.width), lg.columnLimit);
    const x = lg.x0 + right * lg.width, row = lg.valueRows[r];
    span.textContent = text;
    span.className = "live" + (state.hidden[r] ? " off" : "");
    // A text wider than its row's room (a note a picked start says, which the GIF never
    // laid out for): smaller, right edge kept, rather than over the label.
    const room = (lg.columnLimit - lg.labelsEnd[r] - lg.gap) * lg.width;
    span.style.transform = width > room ? `scale(${Math.max(0.4, room / width)})` : "";
    span.style.transformOrigin = "right center";
    Object.assign(span.style, {
      left: `${Math.round(x - width)}px`, top: `${H - Math.round(H - row - height / 2) - height}px`,
      width: `${width}px`, height: `${height}px`, padding: `${font.pad}px`, fontSize: `${font.font}px`,
      lineHeight: `${font.line}px`, color: note ? data.paper : look.color, background: note ? look.color : "transparent",
      letterSpacing: letterSpacing(font.font, font.cell),
    });
    if ((note || away) && !state.hidden[r]) {
      marker(look.outline, lg.markerX, lg.rows[r], lg.markerSize, data.paper, look.color, lg.hollowWidth);
    }
  }

  // -- hover: read a line or a marker ---------------------------------------------------
  function valueText(run, r, s, epoch) {  // the page stores a value only where the legend does not say it
    const racer = run.racers[r], stored = racer.starts[s].values[epoch];
    const live = racer.live[epoch];
    return stored || (racer.starts.length === 1 && !live.startsWith("!") ? live.replace(/^\^/, "") : "");
  }

  function describe(run, r, s, epoch) {
    const several = run.racers[r].starts.length > 1 ? ` (start ${s + 1})` : "";
    const held = atFrame(run) && epoch === state.epoch && run.states[state.frame][r] ? run.states[state.frame][r][s] : "";
    return `${run.labels[r]}${several} · ${data.step} ${epoch.toLocaleString("en-US")} · ${run.legend.value} = ` +
      `${valueText(run, r, s, epoch)}${held ? " · " + held : ""}`;
  }

  function hover(event) {
    const box = stage.getBoundingClientRect(), scale = state.scale || 1;
    const mx = (event.clientX - box.left) / scale, my = (event.clientY - box.top) / scale;
    const run = current(), z = L.z, [zx, zy, zw, zh] = z.clip;
    let best = null, bestDistance = 9;
    run.racers.forEach((racer, r) => {
      if (state.hidden[r]) return;
      racer.starts.forEach((start, s) => {
        const last = Math.min(state.epoch, start.last);
        if (mx >= zx && mx <= zx + zw && my >= zy && my <= zy + zh) {
          // Every epoch under the pointer's pixel column: the one nearest the pointer.
          const centre = (mx - z.x0) / z.dx, reach = Math.max(0.5, 0.5 / z.dx);
          for (let i = Math.max(0, Math.ceil(centre - reach)); i <= Math.min(last, centre + reach); i++) {
            if (Math.abs(start.z[i] - my) < bestDistance && valueText(run, r, s, i)) {
              best = [r, s, i]; bestDistance = Math.abs(start.z[i] - my);
            }
          }
        }
        const seen = start.seen[last];
        if (seen >= 0) {
          L.views.forEach((view, v) => {
            const d = Math.hypot(start.views[v][0][seen] - mx, start.views[v][1][seen] - my);
            if (d < Math.max(bestDistance, L.racers[r].markerSize)) { best = [r, s, seen]; bestDistance = d; }
          });
        }
      });
    });
    if (!best) { tip.hidden = true; return; }
    tip.textContent = describe(run, ...best);
    tip.hidden = false;
    const css = 1 / (state.scale || 1);  // a CSS pixel, in the picture's: the tip keeps its size
    const left = Math.min(mx + 12 * css, W - tip.offsetWidth - 4), top = my > H / 2 ? my - 30 * css : my + 14 * css;
    Object.assign(tip.style, { left: `${Math.max(0, left)}px`, top: `${top}px` });
  }

  // -- playing --------------------------------------------------------------------------
  function frameDuration(index) {
    const frames = current().frames, step = 1000 / data.fps;
    if (frames.length === 1) return Math.max(step, data.lastHold);
    if (index === 0) return Math.max(step, data.firstHold, current().holds[0]);
    if (index === frames.length - 1) return Math.max(step, data.lastHold);
    return Math.max(step, current().holds[index]);  // a slow-started update's frames are held
  }

  function play(on) {
    const frames = current().frames;
    if (on && state.frame === frames.length - 1 && !loopBox.checked) showFrame(0);
    state.playing = on;
    state.elapsed = 0;
    state.last = null;
    render();
    if (on) requestAnimationFrame(tick);
  }

  function tick(now) {
    if (!state.playing) return;
    if (state.last !== null) state.elapsed += (now - state.last) * state.speed;
    state.last = now;
    const frames = current().frames;
    let changed = false;
    while (state.elapsed >= frameDuration(state.frame)) {
      state.elapsed -= frameDuration(state.frame);
      if (state.frame < frames.length - 1) state.frame += 1;
      else if (loopBox.checked) state.frame = 0;
      else { state.playing = false; break; }
      changed = true;
    }
    if (changed || !state.playing) { state.epoch = frames[state.frame]; render(); }
    if (state.playing) requestAnimationFrame(tick);
  }

  function step(by) {
    play(false);
    showFrame(state.frame + by);
  }

  function onKey(event) {
    const target = event.target;
    if (event.key === "Escape" && state.start !== null) {  // from anywhere: back to the scene's start
      if (event.type === "keydown") setStart(null);
      return;
    }
    if (target.tagName === "SELECT" || target.id === "variant" || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const frames = current().frames, big = event.shiftKey ? 10 : 1;
    const actions = {
      " ": () => play(!state.playing),
      ArrowLeft: () => step(-big), ArrowRight: () => step(big),
      Home: () => { play(false); showFrame(0); },
      End: () => { play(false); showFrame(frames.length - 1); },
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    if (event.type === "keydown") action();
  }

  function fromHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (data.variants && params.has("variant")) {
      const k = Number(params.get("variant"));
      if (Number.isInteger(k) && k >= 0 && k < data.variants.values.length) {
        $("variant").value = k;
        setVariant(k);
      }
    }
    if (params.has("epoch")) {
      const epoch = Number(params.get("epoch").replace(/,/g, ""));
      if (Number.isFinite(epoch)) { play(false); showEpoch(epoch); return true; }
    }
    return false;
  }

  async function main() {
    await load();
    chooseLayout();
    setUpStage();
    if (data.variants) $("variantValue").textContent = data.variants.values[state.variant];
    if (data.card) { $("cardImage").src = data.card; $("card").hidden = false; }
    playButton.addEventListener("click", () => play(!state.playing));
    scrub.addEventListener("input", () => {
      const index = Number(scrub.value);
      play(false);
      showFrame(index);
    });
    speedSelect.addEventListener("change", () => { state.speed = Number(speedSelect.value); });
    if (runs.some((run) => run.glyphs)) {
      $("glyphsToggle").hidden = false;
      $("glyphs").addEventListener("change", (event) => { state.glyphs = event.target.checked; render(); });
    }
    document.addEventListener("keydown", onKey);
    document.addEventListener("keyup", onKey);
    stage.addEventListener("mousemove", hover);
    stage.addEventListener("mouseleave", () => { tip.hidden = true; });
    window.addEventListener("hashchange", fromHash);
    if (data.grid) {
      $("startRow").hidden = false;
      stage.classList.add("pickable");
      stage.addEventListener("click", pick);
      $("startReset").addEventListener("click", () => setStart(null));
      describeStart();
    }
    const linked = fromHash();
    if (!linked) showFrame(0);
    const still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (!linked && !still) play(true);
    // For a page that embeds this one, and for tests: read where things are, and go to a moment.
    window.animatePlayer = {
      get epoch() { return state.epoch; },
      get variant() { return state.variant; },
      get start() { return state.start; },  // the grid point raced from (null: the scene's own start)
      get layout() { return layout === 1 ? "phone" : "page"; },  // the picture on show: the page's own or the phone's
      get scale() { return state.scale; },  // CSS pixels a pixel of the picture takes
      gridPoint: (g, view = 0) => L.grid.pixels[view][g],  // where a grid point is, in the picture's pixels
      show: (epoch) => { play(false); showEpoch(epoch); },
      markerAt(racer, start = 0, view = 0) {  // the racer's marker now, in the picture's pixels
        const track = current().racers[racer].starts[start];
        const seen = track.seen[Math.min(state.epoch, track.last)];
        return seen < 0 ? null : [track.views[view][0][seen], track.views[view][1][seen]];
      },
    };
    document.body.dataset.ready = "true";
  }

  main().catch((error) => {
    document.body.dataset.ready = "error";
    frame.insertAdjacentText("afterend", `This animation could not start: ${error.message}`);
    throw error;
  });
})();
