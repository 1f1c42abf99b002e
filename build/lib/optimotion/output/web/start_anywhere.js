// A start anywhere, in a page with a start grid: the race restarts from the grid point
// nearest a click on the map, with that point's tracks (kept epochs only, NaN between).
// The page inserts this file into the player's closure (at "start anywhere"), so it
// reads the player's own state and functions.
  function gridTrack(track, epochs) {  // a kept-epochs track as the player's dense arrays (NaN between)
    const kept = new Int32Array(track.epochs.length);
    track.epochs.reduce((sum, d, i) => (kept[i] = sum + d), 0);
    const size = track.last + 1, shown = pixels(track, L.fits), views = shown.views.map(([ux, uy]) => {
      const dx = new Float64Array(size).fill(NaN), dy = new Float64Array(size).fill(NaN);
      kept.forEach((e, i) => { dx[e] = ux[i]; dy[e] = uy[i]; });
      return [dx, dy];
    });
    const z = new Float64Array(size).fill(NaN), uz = shown.z;
    const inView = new Array(size).fill("0"), inDomain = new Array(size).fill("0");
    kept.forEach((e, i) => { z[e] = uz[i]; inView[e] = track.inView[i]; inDomain[e] = track.inDomain[i]; });
    const view = inView.join("");
    return { last: track.last, exit: track.exit, values: [], inView: view, inDomain: inDomain.join(""),
             seen: lastTrue(view), views, z, kept, epochs };
  }

  let moved = false;  // whether the last click moved the slider back to the default race

  function gridRunFor(g) {  // the race from grid point g, in the layout's pixels
    const base = runs[defaultVariant], G = L.grid, epochs = base.racers[0].live.length;
    return {
      ...base, frames: G.frames, holds: G.frames.map(() => 0), glyphs: null, notes: null, states: null,
      legend: { ...base.legend, prefix: G.prefix },  // one start: its own value
      racers: gridTracks[g].map((track) => {
        const live = new Array(epochs).fill("");
        G.frames.forEach((e, i) => { live[e] = track.live[i]; });
        return { live, starts: [gridTrack(track, epochs)] };
      }),
    };
  }

  function setStart(g) {
    play(false);
    moved = false;
    if (g === null) {
      state.start = null;
    } else {
      if (state.variant !== defaultVariant) {  // the grid is the default race's
        $("variant").value = defaultVariant; state.variant = defaultVariant; moved = true;
        $("variantValue").textContent = data.variants.values[defaultVariant];
      }
      gridRun = gridRunFor(g);
      state.start = g;
    }
    buildLegend();
    scrub.max = current().frames.length - 1;
    describeStart();
    showFrame(0);
    play(true);
  }

  function describeStart() {
    const G = data.grid, [nx, ny] = G.shape, [ax, ay] = G.axes;
    const grid = ny === undefined ? `${nx} starts ${G.spacing[0]} apart in ${ax}`
      : `a ${nx}×${ny} grid, ${G.spacing[0]} apart in ${ax} and ${G.spacing[1]} in ${ay}`;
    $("startText").textContent = state.start === null
      ? `Click the map to race from anywhere: the nearest point of ${grid}.`
      : `Racing from ${ny === undefined ? `${ax} = ${G.starts[state.start][0]}` : `(${G.starts[state.start].join(", ")})`}` +
        `, the nearest point of ${grid}.` +
        (moved ? ` The ${data.variants.name} slider went back to ${data.variants.values[defaultVariant]}: ` +
          "the grid was raced with that." : "");
    $("startReset").hidden = state.start === null;
  }

  function pick(event) {  // a click on a view: the nearest grid point there
    if (!data.grid) return;
    const box = stage.getBoundingClientRect(), scale = state.scale || 1;
    const mx = (event.clientX - box.left) / scale, my = (event.clientY - box.top) / scale;
    L.views.forEach((view, v) => {
      const [x, y, w, h] = view.clip;
      if (mx < x || mx > x + w || my < y || my > y + h) return;
      let best = 0, bestDistance = Infinity;
      const curve = data.grid.shape.length === 1;  // a 1-D curve: the nearest x, wherever along the curve
      L.grid.pixels[v].forEach(([px, py], g) => {
        const d = curve ? Math.abs(px - mx) : Math.hypot(px - mx, py - my);
        if (d < bestDistance) { best = g; bestDistance = d; }
      });
      setStart(best);
    });
  }

  function drawSnapped() {  // the grid point the race started from, ringed and crossed in every view
    if (state.start === null) return;
    L.views.forEach((view, v) => {
      const [x, y] = L.grid.pixels[v][state.start], r = 9;
      ctx.save();
      clipTo(view.clip);
      ctx.setLineDash([]);
      for (const [color, width] of [[data.paper, 4], [data.ink, 1.6]]) {
        ctx.beginPath();
        ctx.arc(x, y, r, 0, 2 * Math.PI);
        ctx.moveTo(x - r - 4, y); ctx.lineTo(x + r + 4, y);
        ctx.moveTo(x, y - r - 4); ctx.lineTo(x, y + r + 4);
        ctx.strokeStyle = color; ctx.lineWidth = width;
        ctx.stroke();
      }
      ctx.restore();
    });
  }

