"""Every slide of every deck fits a 1280x720 screen: measured in headless Chromium (``make check-slides``).

Opens each deck that ``make slides`` wrote (``slides/*.slides.html``) at 1280x720 with Debian's Chromium, driven by
Playwright, visits every slide and sub-slide through reveal.js's API, and measures each one: the height of its
content (the section's scrollHeight, in the deck's own 1280x720 pixels), anything that sticks out of the slide on
the left or the right (outside a scroll box), and whether a Markdown heading has anything above it on its slide.
Fails with one line per problem (deck, slide number, heading, height px). A screenshot of every slide goes to
``build/slides/DECK/`` for an instructor to look at, and the measurements to ``build/slides/report.json``.

Before the course's decks it checks itself on a hand-made deck with a slide that is too tall, one that is too wide
and one whose heading is buried: the check must report all three, or the run fails.

    python tests/browser/slides_in_browser.py [DECK.slides.html ...] [--no-self-test]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from lab_in_browser import CHROMIUM_FLAGS, CheckFailed, chromium, log  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "slides"
WIDTH, HEIGHT = 1280, 720
REVEAL_JS = ROOT / "build" / "web" / "node_modules" / "reveal.js"  # tools/web_assets.sh puts it there

# Run in the page on the current slide. Sizes are in the deck's own pixels (reveal scales the whole deck to the
# window; getBoundingClientRect is in window pixels, so it is divided by the scale).
MEASURE_JS = """() => {
  const R = window.Reveal, sec = R.getCurrentSlide(), scale = R.getScale() || 1;
  const box = sec.getBoundingClientRect(), W = R.getConfig().width;
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const scrolls = (el) => {  // inside a box that scrolls or clips sideways, below the section
    for (let a = el.parentElement; a && a !== sec; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const wide = [];
  for (const el of sec.querySelectorAll('*')) {
    if (!visible(el) || scrolls(el)) continue;
    const r = el.getBoundingClientRect();
    const right = (r.right - box.left) / scale, left = (r.left - box.left) / scale;
    if (right > W + 1 || left < -1) {
      wide.push({tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim().slice(0, 60),
                 right: Math.round(right), left: Math.round(left)});
    }
  }
  const inOutput = el => el.closest('.jp-OutputArea') !== null;
  const headings = [...sec.querySelectorAll('h1, h2, h3')].filter(h => visible(h) && !inOutput(h));
  const buried = [];
  for (const h of headings) {
    const top = h.getBoundingClientRect().top;
    for (const el of sec.querySelectorAll('*')) {
      if (h.contains(el) || el.contains(h) || !visible(el)) continue;
      const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
      if (!own && !['IMG', 'SVG', 'CANVAS'].includes(el.tagName.toUpperCase())) continue;
      if (el.getBoundingClientRect().bottom <= top + 1) {
        buried.push({heading: h.textContent.replace('\u00b6', '').trim().slice(0, 80),
                     above: (el.textContent || el.tagName).trim().slice(0, 60)});
        break;
      }
    }
  }
  const first = headings.length ? headings[0].textContent.replace("\u00b6", "").trim() : null;
  return {height: sec.scrollHeight, width: sec.scrollWidth, heading: first, wide: wide.slice(0, 5), buried};
}"""

SETTLE_JS = """() => new Promise(resolve => {
  const images = [...document.images].filter(img => !img.complete)
    .map(img => new Promise(done => { img.onload = img.onerror = done; }));
  // MathJax 2: its start-up (the first typesetting of every formula) is over, then its queue is empty
  const typeset = new Promise(done => (window.MathJax && MathJax.Hub && MathJax.Hub.Register)
    ? MathJax.Hub.Register.StartupHook('End', () => { MathJax.Hub.Queue(() => { done(); }); }) : done());
  const late = new Promise(done => setTimeout(() => done('late'), 20000));  // never hang: the caller says so
  Promise.race([Promise.all([...images, typeset]), late])
    .then(r => requestAnimationFrame(() => resolve(r !== 'late')));
})"""

# What the current slide looks like, to wait until it stops changing: reveal's slide change makes MathJax draw the
# slide's formulas again, a little later (they are 0 px wide until then)
LAYOUT_JS = """() => {
  const sec = window.Reveal.getCurrentSlide();
  const math = [...sec.querySelectorAll('.MathJax_CHTML, mjx-container')];
  const pending = math.filter(m => m.getBoundingClientRect().width === 0).length
    + sec.querySelectorAll('script[type^="math/tex"]').length - math.length;
  return [sec.scrollHeight, sec.scrollWidth, math.length, pending];
}"""


def settle(page: Any, what: str) -> None:
    """Wait until images and formulas have loaded and the current slide's layout is the same twice in a row."""
    if not page.evaluate(SETTLE_JS):
        raise CheckFailed(f"{what}: its images or formulas did not finish loading within 20 s")
    before = None
    for _ in range(100):
        now = page.evaluate(LAYOUT_JS)
        if now == before and now[3] <= 0:
            return
        before = now
        page.wait_for_timeout(100)
    raise CheckFailed(f"{what}: the slide's formulas were still being drawn after 10 s ({before})")


def deck_name(deck: Path) -> str:
    """03_lstm_internals.slides.html, or vi/03_lstm_internals.slides.html for the Vietnamese edition's deck."""
    return f"vi/{deck.name}" if deck.parent.name == "vi" else deck.name


def measure_deck(page: Any, deck: Path, shots: Path | None = None) -> list[dict[str, Any]]:
    """Open ``deck`` in ``page`` (a Playwright page of WIDTH x HEIGHT) and measure each slide and sub-slide."""
    page.goto(deck.resolve().as_uri())
    page.wait_for_function("() => window.Reveal && window.Reveal.isReady && window.Reveal.isReady()",
                           timeout=60_000)
    page.evaluate("() => window.Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    page.wait_for_function("() => !document.querySelector('script[src*=\"MathJax.js\"]') || window.MathJax",
                           timeout=30_000)
    settle(page, deck.name)
    config = page.evaluate("() => { const c = window.Reveal.getConfig(); return [c.width, c.height]; }")
    if config != [WIDTH, HEIGHT]:
        raise CheckFailed(f"{deck.name}: reveal.js is configured for {config[0]}x{config[1]}, not {WIDTH}x{HEIGHT}: "
                          "build the decks with `make slides` (tools/nbtools.py sets the size)")
    indices = page.evaluate("() => window.Reveal.getSlides().map(s => window.Reveal.getIndices(s))")
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
        for old in shots.glob("*.png"):
            old.unlink()
    slides, last_heading = [], ""
    for index in indices:
        h, v = index["h"], index.get("v") or 0
        page.evaluate("([h, v]) => window.Reveal.slide(h, v)", [h, v])
        settle(page, f"{deck.name}, slide {h + 1}.{v + 1}")
        found = page.evaluate(MEASURE_JS)
        heading = found["heading"] or (f"{last_heading} (continued)" if last_heading else "(no heading)")
        last_heading = found["heading"] or last_heading
        slide = {"deck": deck_name(deck), "number": f"{h + 1}.{v + 1}" if v else f"{h + 1}", "h": h, "v": v,
                 "heading": heading, **{k: found[k] for k in ("height", "width", "wide", "buried")}}
        if shots is not None:
            name = f"{h + 1:02d}-{v + 1:02d}.png"
            page.screenshot(path=str(shots / name))
            slide["screenshot"] = str((shots / name).relative_to(ROOT) if shots.is_relative_to(ROOT) else shots / name)
        slides.append(slide)
    return slides


def problems(slides: list[dict[str, Any]], height: int = HEIGHT, width: int = WIDTH) -> list[str]:
    """One line per slide that does not fit: deck, slide number, heading, height px (and what is too wide or
    which heading is not the first thing on its slide)."""
    found = []
    for s in slides:
        where = f"{s['deck']}, slide {s['number']}, {s['heading']!r}"
        if s["height"] > height:
            found.append(f"{where}, {s['height']} px tall (the screen holds {height})")
        if s["width"] > width or s["wide"]:
            parts = "; ".join(f"<{w['tag']}> {w['text']!r} reaches x={w['right']}" for w in s["wide"][:3])
            found.append(f"{where}, {s['height']} px, content {s['width']} px wide runs off the {width} px slide: "
                         f"{parts}")
        for b in s["buried"]:
            found.append(f"{where}, {s['height']} px, the heading {b['heading']!r} is not the first thing on its "
                         f"slide ({b['above']!r} is above it)")
    return found


def summary(slides: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per deck: slides, sub-slides, overflowing slides, the tallest slide."""
    decks: dict[str, dict[str, Any]] = {}
    for s in slides:
        d = decks.setdefault(s["deck"], {"slides": 0, "sub-slides": 0, "overflows": 0, "tallest px": 0,
                                         "tallest": ""})
        d["slides" if s["v"] == 0 else "sub-slides"] += 1
        d["overflows"] += bool(problems([s]))
        if s["height"] > d["tallest px"]:
            d["tallest px"], d["tallest"] = s["height"], f"slide {s['number']}, {s['heading']}"
    return decks


# ---- the self-test: a hand-made deck that must fail -------------------------------------------------------------

def bad_deck(folder: Path) -> Path:
    """A tiny deck, reveal.js at 1280x720, with one slide that fits and three that must be reported."""
    reveal = REVEAL_JS / "dist"
    if not (reveal / "reveal.js").exists():
        raise CheckFailed(f"reveal.js is missing in {REVEAL_JS}: run `bash tools/web_assets.sh slides` "
                          "(`make slides` does) first")
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{(reveal / 'reveal.css').as_uri()}"></head><body>
<div class="reveal"><div class="slides">
<section><h2>Fits</h2><p>A short slide.</p></section>
<section><section><h2>Too tall</h2><div style="height: 1500px">tall</div></section>
<section><p>A sub-slide with a line of text.</p></section></section>
<section><h2>Too wide</h2><pre>{"wide " * 500}</pre></section>
<section><p>Some text first.</p><h3>Buried heading</h3></section>
</div></div>
<script src="{(reveal / 'reveal.js').as_uri()}"></script>
<script>Reveal.initialize({{width: {WIDTH}, height: {HEIGHT}, center: false, margin: 0.04}});</script>
</body></html>"""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "selftest.slides.html"
    path.write_text(page, encoding="utf-8")
    return path


def self_test(page: Any, folder: Path) -> None:
    slides = measure_deck(page, bad_deck(folder))
    found = problems(slides)
    expected = ["slide 2, 'Too tall', 1", "slide 3, 'Too wide'", "'Buried heading' is not the first thing"]
    missing = [e for e in expected if not any(e in line for line in found)]
    if missing or len(slides) != 5 or len(found) != 3:
        raise CheckFailed(f"the slide check missed a problem in its self-test deck: expected {expected}, "
                          f"got {found} for {len(slides)} slides")
    log(f"self-test: the check reports the three bad slides of {path_name(folder)} and passes the two others")


def path_name(folder: Path) -> str:
    return str(folder.relative_to(ROOT)) if folder.is_relative_to(ROOT) else str(folder)


def browser_page(pw: Any) -> tuple[Any, Any]:
    browser = pw.chromium.launch(executable_path=chromium(), headless=True, args=CHROMIUM_FLAGS)
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    return browser, page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("decks", nargs="*", type=Path, help="default: slides/*.slides.html and slides/vi/*")
    parser.add_argument("--out", type=Path, default=OUT, help="screenshots and report.json go here")
    parser.add_argument("--no-self-test", action="store_true")
    args = parser.parse_args(argv)
    decks = args.decks or [*sorted((ROOT / "slides").glob("[0-9][0-9]_*.slides.html")),
                           *sorted((ROOT / "slides" / "vi").glob("[0-9][0-9]_*.slides.html"))]
    if not decks:
        raise CheckFailed("no slide decks in slides/: run `make slides` first")
    from playwright.sync_api import sync_playwright

    everything: list[dict[str, Any]] = []
    with sync_playwright() as pw:
        browser, page = browser_page(pw)
        try:
            if not args.no_self_test:
                self_test(page, args.out / "selftest")
            for deck in decks:
                name = deck_name(deck)
                slides = measure_deck(page, deck, args.out / name.removesuffix(".slides.html"))
                everything += slides
                d = summary(slides)[name]
                log(f"{name}: {d['slides']} slides, {d['sub-slides']} sub-slides, {d['overflows']} that do not "
                    f"fit, tallest {d['tallest px']} px ({d['tallest']})")
        finally:
            browser.close()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps({"summary": summary(everything), "slides": everything},
                                                     indent=1) + "\n", encoding="utf-8")
    found = problems(everything)
    for line in found:
        log(f"DOES NOT FIT: {line}")
    log(f"{len(everything)} slides in {len(decks)} decks measured at {WIDTH}x{HEIGHT}; {len(found)} problems; "
        f"screenshots in {path_name(args.out)}/")
    return 1 if found else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckFailed as error:
        print(f"FAILED: {error}", file=sys.stderr)
        sys.exit(1)
