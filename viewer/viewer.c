/*
 * viewer.c - `handset view`: the replay window, its controls and the
 * headless screenshot (viewer.h).
 *
 * The picture is drawn on a Canvas (canvas.h) from the run's data
 * (run_data.h); SDL puts it in a window through a streaming texture, or,
 * for --screenshot, through a software renderer on a hidden window of
 * SDL's offscreen video driver, whose pixels are read back and written
 * as PNG with libpng. Controls: space play/pause; up/down or +/- speed
 * (1x, 10x, 100x, 1000x, 10000x); a click on the timelines seeks; right
 * arrow or n steps to the next event (a frame, a call or notification, a
 * flow), left arrow to the previous; Home to the start; q or Esc quits.
 */
#include "viewer/viewer.h"

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>
#include <png.h>

#include "flow/monitor.h"
#include "run/run.h"
#include "viewer/canvas.h"
#include "viewer/run_data.h"

#define WIN_W 1000
#define WIN_H 880
#define PANEL_MAX_W 300
#define PANEL_MAX_H 480
#define MARGIN 12
#define LABEL_W 120
#define LANE_H 54
#define N_LANES 6

#define COL_BG 0x00181c22u
#define COL_FRAME 0x00505866u
#define COL_TEXT 0x00e8e8e8u
#define COL_DIM 0x008890a0u
#define COL_LANE 0x00222830u
#define COL_CURSOR 0x00ffffffu
#define COL_VIOLATION 0x00ff4040u
#define COL_BLOCKED 0x00a0a0a0u
#define COL_FLOW 0x0040c060u

static const uint32_t palette[] = {
    0x004e9bff, 0x00ffb347, 0x0066d9a0, 0x00e070e0, 0x00ffe066, 0x0070d0ff,
    0x00ff7f7f, 0x00b0b0ff, 0x00c0ff80, 0x00ff9fd0, 0x0080ffe0, 0x00d0a070};
#define N_PALETTE (sizeof palette / sizeof palette[0])

/* source: estimate. The live window draws every this many ms. */
#define LIVE_FRAME_MS 33

static const unsigned speeds[] = {1, 10, 100, 1000, 10000};
#define N_SPEEDS (sizeof speeds / sizeof speeds[0])

typedef struct Viewer {
    RunData d;
    ViewerLayout lay;
    Canvas cv;
    uint32_t *panel; /* the panel's own pixels (width x height) */
    uint32_t pw, ph; /* panel size from the frames */
    size_t applied;  /* frames applied to panel */
    hs_time now;     /* replay time */
    bool playing;
    unsigned speed_i;   /* index into speeds */
    int plot_x, plot_w; /* the timelines' time axis */
    hs_time end;        /* the timelines are drawn up to here */
    /* live (handset run --view) */
    bool live;         /* fed by a run */
    bool live_done;    /* ... which has ended: a replay now */
    bool live_paused;  /* the run waits */
    double live_speed; /* simulated s per wall s, 0 unpaced */
} Viewer;

/* ---- layout and time axis ------------------------------------------------ */

static void layout(Viewer *v)
{
    ViewerLayout *l = &v->lay;
    uint32_t w = v->pw ? v->pw : 1080, h = v->ph ? v->ph : 1920;
    int s = 1;
    while (w / (uint32_t)s > PANEL_MAX_W || h / (uint32_t)s > PANEL_MAX_H)
        s++;
    l->scale = s;
    l->panel_x = MARGIN;
    l->panel_y = MARGIN;
    l->panel_w = (int)(w / (uint32_t)s);
    l->panel_h = (int)(h / (uint32_t)s);
    l->timeline_y = MARGIN + PANEL_MAX_H + 2 * MARGIN;
    l->width = WIN_W;
    l->height = WIN_H;
    v->plot_x = MARGIN + LABEL_W;
    v->plot_w = WIN_W - v->plot_x - MARGIN;
}

static int time_x(const Viewer *v, hs_time t)
{
    double f = (double)t / (double)v->d.duration;
    return v->plot_x + (int)(f * (v->plot_w - 1));
}

static hs_time x_time(const Viewer *v, int x)
{
    double f = (double)(x - v->plot_x) / (v->plot_w - 1);
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    return (hs_time)(f * (double)v->d.duration);
}

/* ---- the panel ----------------------------------------------------------- */

/* The panel as the frames shown up to t put it together. */
static int seek_panel(Viewer *v, hs_time t)
{
    const FrameFile *ff = &v->d.frames;
    if (!v->panel)
        return 0;
    if (v->applied > 0 && ff->recs[v->applied - 1].shown > t) {
        memset(v->panel, 0, (size_t)v->pw * v->ph * 4);
        v->applied = 0;
    }
    while (v->applied < ff->n && ff->recs[v->applied].shown <= t) {
        if (ff->recs[v->applied].width != v->pw ||
            ff->recs[v->applied].height != v->ph ||
            frames_apply(ff, v->applied, v->panel) < 0) {
            fprintf(stderr, "%s/%s: frame %zu is corrupt\n", v->d.dir,
                    FRAMES_FILE, v->applied);
            return -1;
        }
        v->applied++;
    }
    return 0;
}

static void draw_panel(Viewer *v)
{
    const ViewerLayout *l = &v->lay;
    Canvas *c = &v->cv;
    canvas_fill(c, l->panel_x - 2, l->panel_y - 2, l->panel_w + 4,
                l->panel_h + 4, COL_FRAME);
    for (int y = 0; y < l->panel_h; y++)
        for (int x = 0; x < l->panel_w; x++) {
            uint32_t p = 0;
            if (v->panel)
                p = v->panel[(size_t)y * l->scale * v->pw +
                             (size_t)x * l->scale] &
                    0x00ffffffu;
            c->px[(size_t)(l->panel_y + y) * c->w + l->panel_x + x] = p;
        }
    if (!v->d.has_frames)
        canvas_text(c, l->panel_x + 8, l->panel_y + l->panel_h / 2, 1, COL_DIM,
                    "NO FRAMES.HSF: RUN WITH --RECORD-FRAMES");
}

/* ---- the timelines ------------------------------------------------------- */

static void lane_frame(Viewer *v, int lane, const char *label, int *top, int *h)
{
    Canvas *c = &v->cv;
    *top = v->lay.timeline_y + lane * LANE_H;
    *h = LANE_H - 8;
    canvas_fill(c, v->plot_x, *top, v->plot_w, *h, COL_LANE);
    canvas_text(c, MARGIN, *top + *h / 2 - 7, 2, COL_TEXT, label);
}

/* A step series as a line, the max of each column where it changes
 * faster than the pixels. */
static void draw_series(Viewer *v, const ViewSeries *s, double max, int top,
                        int h, uint32_t col)
{
    if (!s->n || max <= 0)
        return;
    Canvas *c = &v->cv;
    int prev_y = -1;
    size_t i = 0;
    double cur = 0;
    for (int x = v->plot_x; x < v->plot_x + v->plot_w; x++) {
        hs_time t1 = x_time(v, x + 1);
        double hi = cur;
        while (i < s->n && s->t[i] < t1) {
            cur = s->v[i++];
            if (cur > hi)
                hi = cur;
        }
        if (x_time(v, x) > v->end)
            break;
        int y = top + h - 1 - (int)((hi / max) * (h - 2));
        if (prev_y >= 0)
            canvas_vline(c, x, prev_y, y, col);
        else
            canvas_fill(c, x, y, 1, 1, col);
        prev_y = top + h - 1 - (int)((cur / max) * (h - 2));
        if (prev_y != y)
            canvas_vline(c, x, y, prev_y, col);
    }
}

static void draw_marks(Viewer *v, int top, int h, bool flows)
{
    Canvas *c = &v->cv;
    int last_label_x = -1000;
    for (size_t i = 0; i < v->d.n_marks; i++) {
        const ViewMark *m = &v->d.marks[i];
        bool is_flow = m->kind == VIEW_MARK_FLOW ||
                       m->kind == VIEW_MARK_BLOCKED ||
                       m->kind == VIEW_MARK_VIOLATION;
        if (m->kind == VIEW_MARK_RRC || is_flow != flows)
            continue;
        /* frame latencies are every frame: the frames show them */
        if (!flows && strncmp(m->name, "display.", 8) == 0)
            continue;
        int x = time_x(v, m->t);
        uint32_t col = m->kind == VIEW_MARK_VIOLATION ? COL_VIOLATION
                       : m->kind == VIEW_MARK_BLOCKED ? COL_BLOCKED
                       : m->kind == VIEW_MARK_FLOW    ? COL_FLOW
                                                      : COL_TEXT;
        if (flows) {
            int band = m->kind == VIEW_MARK_VIOLATION ? 0
                       : m->kind == VIEW_MARK_BLOCKED ? 1
                                                      : 2;
            canvas_vline(c, x, top + 2 + band * (h / 3),
                         top + (band + 1) * (h / 3) - 1, col);
        } else {
            canvas_vline(c, x, top + 2, top + h - 3, col);
            if (x > last_label_x) { /* labels never overlap */
                last_label_x =
                    canvas_text(c, x + 2, top + 3, 1, COL_TEXT, m->name) + 4;
            }
        }
    }
    if (flows) { /* one band each, top to bottom */
        canvas_text(c, MARGIN + 66, top + 2, 1, COL_VIOLATION, "VIOLATION");
        canvas_text(c, MARGIN + 66, top + 2 + h / 3, 1, COL_BLOCKED, "BLOCKED");
        canvas_text(c, MARGIN + 66, top + 2 + 2 * (h / 3), 1, COL_FLOW,
                    "ALLOWED");
    }
}

static void draw_foreground(Viewer *v, int top, int h)
{
    const ViewSeries *s = &v->d.foreground;
    Canvas *c = &v->cv;
    for (size_t i = 0; i < s->n; i++) {
        hs_time end = i + 1 < s->n ? s->t[i + 1] : v->end;
        int d = (int)s->v[i];
        int x0 = time_x(v, s->t[i]), x1 = time_x(v, end);
        uint32_t col = palette[(unsigned)d % N_PALETTE];
        canvas_fill(c, x0, top + 4, x1 - x0 + 1, h - 8, col);
        if (d >= 0 && d < VIEW_MAX_DOMAINS && x1 - x0 > 60)
            canvas_text(c, x0 + 4, top + h / 2 - 7, 2, COL_BG, v->d.domains[d]);
    }
}

static void draw_timelines(Viewer *v)
{
    int top, h;
    double max = 0;
    for (size_t i = 0; i < v->d.n_rails; i++)
        if (v->d.rails[i].max > max)
            max = v->d.rails[i].max;
    lane_frame(v, 0, "POWER MW", &top, &h);
    for (size_t i = 0; i < v->d.n_rails; i++)
        draw_series(v, &v->d.rails[i], max, top, h, palette[i % N_PALETTE]);
    char buf[64];
    snprintf(buf, sizeof buf, "%.0f", max);
    canvas_text(&v->cv, v->plot_x + 2, top + 2, 1, COL_DIM, buf);
    lane_frame(v, 1, "BATTERY %", &top, &h);
    draw_series(v, &v->d.battery, 100.0, top, h, palette[2]);
    lane_frame(v, 2, "RRC", &top, &h);
    draw_series(v, &v->d.rrc, v->d.rrc.max > 0 ? v->d.rrc.max : 1, top, h,
                palette[1]);
    lane_frame(v, 3, "IN FRONT", &top, &h);
    draw_foreground(v, top, h);
    lane_frame(v, 4, "CALLS,NOTES", &top, &h);
    draw_marks(v, top, h, false);
    lane_frame(v, 5, "FLOW", &top, &h);
    draw_marks(v, top, h, true);
    /* the time axis and the cursor */
    int axis_y = v->lay.timeline_y + N_LANES * LANE_H;
    Canvas *c = &v->cv;
    for (int k = 0; k <= 10; k++) {
        hs_time t = v->d.duration / 10 * (hs_time)k;
        int x = time_x(v, t);
        canvas_vline(c, x, axis_y - 4, axis_y, COL_DIM);
        snprintf(buf, sizeof buf, "%.1fS", (double)t / 1e12);
        canvas_text(c, x - 10, axis_y + 3, 1, COL_DIM, buf);
    }
    int cx = time_x(v, v->now);
    canvas_vline(c, cx, v->lay.timeline_y - 4, axis_y, COL_CURSOR);
}

static void draw_info(Viewer *v)
{
    Canvas *c = &v->cv;
    int x = v->lay.panel_x + PANEL_MAX_W + 3 * MARGIN, y = MARGIN;
    char buf[320];
    canvas_text(c, x, y, 3, COL_TEXT, "HANDSET VIEW");
    y += 34;
    snprintf(buf, sizeof buf, "%s / %s", v->d.scenario, v->d.approach);
    canvas_text(c, x, y, 2, COL_TEXT, buf);
    y += 24;
    snprintf(buf, sizeof buf, "T %.3fS OF %.1fS", (double)v->now / 1e12,
             (double)v->d.duration / 1e12);
    canvas_text(c, x, y, 2, COL_TEXT, buf);
    y += 24;
    if (v->live && !v->live_done) {
        char sp[32] = "MAX";
        if (v->live_speed > 0)
            snprintf(sp, sizeof sp, "%gX", v->live_speed);
        snprintf(buf, sizeof buf, "LIVE  %s  %s",
                 v->live_paused ? "PAUSED" : "RUNNING", sp);
    } else {
        snprintf(buf, sizeof buf, "%s%s  %uX", v->live ? "RUN DONE  " : "",
                 v->playing ? "PLAYING" : "PAUSED", speeds[v->speed_i]);
    }
    canvas_text(c, x, y, 2, v->live && !v->live_done ? COL_FLOW : COL_DIM, buf);
    y += 30;
    if (v->applied > 0) {
        const FrameRecord *r = &v->d.frames.recs[v->applied - 1];
        snprintf(buf, sizeof buf, "LAST FRAME %.3fS FROM %s", r->shown / 1e12,
                 r->domain);
        canvas_text(c, x, y, 2, COL_TEXT, buf);
        y += 20;
        snprintf(buf, sizeof buf, "ROWS %u-%u %s", r->y0, r->y1, r->notes);
        canvas_text(c, x, y, 2, COL_DIM, buf);
        y += 20;
    }
    snprintf(buf, sizeof buf, "FRAMES SHOWN %zu OF %zu", v->applied,
             v->d.frames.n);
    canvas_text(c, x, y, 2, COL_DIM, buf);
    y += 34;
    canvas_text(c, x, y, 2, COL_TEXT, "POWER RAILS");
    y += 20;
    for (size_t i = 0; i < v->d.n_rails; i++) {
        snprintf(buf, sizeof buf, "%s %.0f MW", v->d.rails[i].name,
                 view_series_at(&v->d.rails[i], v->now));
        canvas_fill(c, x, y + 2, 10, 10, palette[i % N_PALETTE]);
        canvas_text(c, x + 16, y, 2, COL_DIM, buf);
        y += 18;
    }
    if (!v->d.has_trace)
        canvas_text(c, x, y + 8, 2, COL_VIOLATION, "NO TRACE: TIMELINES EMPTY");
    y = v->lay.timeline_y - 20;
    canvas_text(c, x, y, 1, COL_DIM,
                v->live && !v->live_done
                    ? "SPACE PAUSE/RUN  UP/DOWN SPEED (MAX UNPACED)  Q QUIT "
                      "(STOPS THE RUN)"
                    : "SPACE PLAY/PAUSE  UP/DOWN SPEED  CLICK SEEK  N/RIGHT "
                      "NEXT EVENT  Q QUIT");
}

static int render(Viewer *v)
{
    if (!v->live || v->live_done)
        v->end = v->d.duration;
    if (seek_panel(v, v->now) < 0)
        return -1;
    canvas_fill(&v->cv, 0, 0, v->cv.w, v->cv.h, COL_BG);
    draw_panel(v);
    draw_info(v);
    draw_timelines(v);
    return 0;
}

/* The next (dir > 0) or previous event time from now. */
static hs_time step_event(const Viewer *v, int dir)
{
    hs_time best = dir > 0 ? v->d.duration : 0;
    for (size_t i = 0; i < v->d.frames.n; i++) {
        hs_time t = v->d.frames.recs[i].shown;
        if (dir > 0 ? (t > v->now && t < best) : (t < v->now && t > best))
            best = t;
    }
    for (size_t i = 0; i < v->d.n_marks; i++) {
        hs_time t = v->d.marks[i].t;
        if (v->d.marks[i].kind == VIEW_MARK_RRC)
            continue;
        if (dir > 0 ? (t > v->now && t < best) : (t < v->now && t > best))
            best = t;
    }
    return best;
}

/* ---- PNG ----------------------------------------------------------------- */

static int write_png(const char *path, const uint32_t *px, int w, int h)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "%s: cannot create\n", path);
        return -1;
    }
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    unsigned char *row = malloc((size_t)w * 3);
    if (!png || !info || !row || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        fclose(f);
        remove(path);
        fprintf(stderr, "%s: PNG write failed\n", path);
        return -1;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            uint32_t p = px[(size_t)y * w + x];
            row[3 * x] = (unsigned char)(p >> 16);
            row[3 * x + 1] = (unsigned char)(p >> 8);
            row[3 * x + 2] = (unsigned char)p;
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    if (fclose(f) != 0) {
        remove(path);
        fprintf(stderr, "%s: write failed\n", path);
        return -1;
    }
    return 0;
}

/* ---- SDL ----------------------------------------------------------------- */

static int sdl_fail(const char *what)
{
    fprintf(stderr, "handset view: %s: %s\n", what, SDL_GetError());
    return 1;
}

/* Destroys what was created (NULLs allowed) and quits SDL. */
static void sdl_close(SDL_Window *win, SDL_Renderer *ren, SDL_Texture *tex)
{
    if (tex)
        SDL_DestroyTexture(tex);
    if (ren)
        SDL_DestroyRenderer(ren);
    if (win)
        SDL_DestroyWindow(win);
    SDL_Quit();
}

/* Renders once through SDL's offscreen driver and a software renderer,
 * reads the pixels back and writes the PNG. */
static int screenshot(Viewer *v, const char *png_path)
{
    if (!getenv("SDL_VIDEODRIVER"))
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
    if (SDL_Init(SDL_INIT_VIDEO) < 0)
        return sdl_fail("SDL_Init");
    int rc = 1;
    SDL_Window *win = SDL_CreateWindow("handset view", 0, 0, v->cv.w, v->cv.h,
                                       SDL_WINDOW_HIDDEN);
    SDL_Renderer *ren =
        win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE) : NULL;
    SDL_Texture *tex =
        ren ? SDL_CreateTexture(ren, SDL_PIXELFORMAT_RGB888,
                                SDL_TEXTUREACCESS_STREAMING, v->cv.w, v->cv.h)
            : NULL;
    uint32_t *back = malloc((size_t)v->cv.w * v->cv.h * 4);
    if (!tex || !back) {
        rc = sdl_fail("cannot create the offscreen renderer");
    } else if (SDL_UpdateTexture(tex, NULL, v->cv.px, v->cv.w * 4) < 0 ||
               SDL_RenderClear(ren) < 0 ||
               SDL_RenderCopy(ren, tex, NULL, NULL) < 0 ||
               SDL_RenderReadPixels(ren, NULL, SDL_PIXELFORMAT_RGB888, back,
                                    v->cv.w * 4) < 0) {
        rc = sdl_fail("rendering");
    } else if (write_png(png_path, back, v->cv.w, v->cv.h) == 0) {
        rc = 0;
    }
    free(back);
    sdl_close(win, ren, tex);
    return rc;
}

static void handle_key(Viewer *v, SDL_Keycode k, bool *quit)
{
    switch (k) {
    case SDLK_SPACE:
        v->playing = !v->playing;
        break;
    case SDLK_UP:
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS:
        if (v->speed_i + 1 < N_SPEEDS)
            v->speed_i++;
        break;
    case SDLK_DOWN:
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
        if (v->speed_i > 0)
            v->speed_i--;
        break;
    case SDLK_RIGHT:
    case SDLK_n:
        v->now = step_event(v, 1);
        break;
    case SDLK_LEFT:
    case SDLK_p:
        v->now = step_event(v, -1);
        break;
    case SDLK_HOME:
        v->now = 0;
        break;
    case SDLK_q:
    case SDLK_ESCAPE:
        *quit = true;
        break;
    default:
        break;
    }
}

static int interactive(Viewer *v)
{
    if (SDL_Init(SDL_INIT_VIDEO) < 0)
        return sdl_fail("SDL_Init (no display? use --screenshot)");
    char title[200];
    snprintf(title, sizeof title, "handset view - %s / %s", v->d.scenario,
             v->d.approach);
    SDL_Window *win =
        SDL_CreateWindow(title, SDL_WINDOWPOS_UNDEFINED,
                         SDL_WINDOWPOS_UNDEFINED, v->cv.w, v->cv.h, 0);
    SDL_Renderer *ren = win ? SDL_CreateRenderer(win, -1, 0) : NULL;
    SDL_Texture *tex =
        ren ? SDL_CreateTexture(ren, SDL_PIXELFORMAT_RGB888,
                                SDL_TEXTUREACCESS_STREAMING, v->cv.w, v->cv.h)
            : NULL;
    int rc = 0;
    if (!tex) {
        rc = sdl_fail("cannot open the window");
        goto out;
    }
    bool quit = false;
    uint64_t last = SDL_GetTicks64();
    while (!quit) {
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
            if (e.type == SDL_QUIT)
                quit = true;
            else if (e.type == SDL_KEYDOWN)
                handle_key(v, e.key.keysym.sym, &quit);
            else if (e.type == SDL_MOUSEBUTTONDOWN &&
                     e.button.y >= v->lay.timeline_y - 4 &&
                     e.button.x >= v->plot_x)
                v->now = x_time(v, e.button.x);
        }
        uint64_t tick = SDL_GetTicks64();
        if (v->playing) {
            v->now += (hs_time)(tick - last) * HS_MS * speeds[v->speed_i];
            if (v->now >= v->d.duration) {
                v->now = v->d.duration;
                v->playing = false;
            }
        }
        last = tick;
        if (render(v) < 0) {
            rc = 1;
            break;
        }
        SDL_UpdateTexture(tex, NULL, v->cv.px, v->cv.w * 4);
        SDL_RenderClear(ren);
        SDL_RenderCopy(ren, tex, NULL, NULL);
        SDL_RenderPresent(ren);
        SDL_Delay(16);
    }
out:
    sdl_close(win, ren, tex);
    return rc;
}

static void list_frames(const Viewer *v)
{
    printf("# shown domain y0 y1 notes\n");
    for (size_t i = 0; i < v->d.frames.n; i++) {
        const FrameRecord *r = &v->d.frames.recs[i];
        char t[32];
        sim_format_duration(r->shown, t, sizeof t); /* exact: --screenshot */
        printf("%s %s %u %u %s\n", t, r->domain, r->y0, r->y1,
               *r->notes ? r->notes : "-");
    }
}

int viewer_main(const ViewerOptions *o)
{
    Viewer v;
    memset(&v, 0, sizeof v);
    char err[1024];
    if (run_data_load(o->run_dir, &v.d, err, sizeof err) < 0) {
        fprintf(stderr, "handset view: %s\n", err);
        return 2;
    }
    int rc = 0;
    if (o->list_frames) {
        list_frames(&v);
        goto done;
    }
    if (v.d.frames.n) {
        v.pw = v.d.frames.recs[0].width;
        v.ph = v.d.frames.recs[0].height;
        v.panel = calloc((size_t)v.pw * v.ph, 4);
    }
    layout(&v);
    v.cv.w = v.lay.width;
    v.cv.h = v.lay.height;
    v.cv.px = calloc((size_t)v.cv.w * v.cv.h, 4);
    if (!v.cv.px || (v.pw && !v.panel)) {
        fprintf(stderr, "handset view: out of memory\n");
        rc = 1;
        goto done;
    }
    if (o->screenshot) {
        if (o->at > v.d.duration) {
            fprintf(stderr,
                    "handset view: --screenshot %.12gs is after the run's "
                    "end (%.12gs)\n",
                    (double)o->at / 1e12, (double)v.d.duration / 1e12);
            rc = 2;
            goto done;
        }
        v.now = o->at;
        if (render(&v) < 0) {
            rc = 2;
            goto done;
        }
        rc = screenshot(&v, o->png);
        if (rc == 0)
            printf("%s: panel at %d,%d size %dx%d scale %d; timelines from "
                   "y=%d, cursor at x=%d; %zu frames shown\n",
                   o->png, v.lay.panel_x, v.lay.panel_y, v.lay.panel_w,
                   v.lay.panel_h, v.lay.scale, v.lay.timeline_y,
                   time_x(&v, v.now), v.applied);
    } else {
        if (!v.d.has_frames)
            fprintf(stderr,
                    "handset view: %s has no %s (run with --record-frames); "
                    "showing the timelines only\n",
                    o->run_dir, FRAMES_FILE);
        rc = interactive(&v);
    }
done:
    free(v.cv.px);
    free(v.panel);
    run_data_free(&v.d);
    return rc;
}

/* ---- live: handset run --view -------------------------------------------- */

/* The run's thread tells, the window's thread draws; one lock over the
 * RunData and the clock. The clock: the simulated time shown is
 * base_sim + (wall - base_wall) x speed, never past what the run has
 * reached (progress). The run's thread, told of something at `when`,
 * first waits until the clock reaches it (pacing; only the run's own
 * thread waits, the simulation is the same), then adds it: nothing is
 * on screen before its simulated time is. */
typedef struct Live {
    Viewer *v;
    const ViewerLive *lv;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    double speed;     /* simulated s per wall s, 0 unpaced */
    bool paused;      /* the clock stands and the run waits */
    double base_wall; /* wall seconds (monotonic) ... */
    hs_time base_sim; /* ... at which the clock showed this */
    hs_time progress; /* the latest time the run told of */
    bool started;     /* the run told its start */
    bool done;        /* the run's thread returned */
    int run_rc;       /* with this exit status */
    bool closing;     /* the window is closing: no more waiting */
    bool failed;      /* out of memory keeping what the run told */
} Live;

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The simulated time the clock shows (lock held). */
static hs_time live_clock(Live *L, double wall)
{
    if (L->paused || L->speed <= 0 || L->closing)
        return L->speed <= 0 && !L->paused ? L->progress
               : L->base_sim < L->progress ? L->base_sim
                                           : L->progress;
    double t = (double)L->base_sim + (wall - L->base_wall) * L->speed * 1e12;
    if (t >= (double)L->progress) {
        /* the run is behind the clock: the clock waits for it */
        L->base_sim = L->progress;
        L->base_wall = wall;
        return L->progress;
    }
    return (hs_time)t;
}

/* Restarts the clock from what it shows now (lock held): on a change of
 * speed or pause. */
static void live_rebase(Live *L)
{
    double wall = mono_now();
    L->base_sim = live_clock(L, wall);
    L->base_wall = wall;
    pthread_cond_broadcast(&L->cv);
}

/* On the run's thread: waits until the clock shows when, then returns
 * with the lock held. */
static void live_wait(Live *L, hs_time when)
{
    pthread_mutex_lock(&L->mu);
    if (when > L->progress)
        L->progress = when;
    for (;;) {
        if (L->closing || (L->lv->stop && *L->lv->stop))
            return;
        double wall = mono_now();
        double wait = 0.1; /* look at the stop flag this often */
        if (!L->paused) {
            if (L->speed <= 0)
                return;
            hs_time ahead = when > L->base_sim ? when - L->base_sim : 0;
            double at = L->base_wall + (double)ahead / 1e12 / L->speed;
            if (wall >= at)
                return;
            if (at - wall < wait)
                wait = at - wall;
        }
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        double until = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + wait;
        ts.tv_sec = (time_t)until;
        ts.tv_nsec = (long)((until - (double)ts.tv_sec) * 1e9);
        pthread_cond_timedwait(&L->cv, &L->mu, &ts);
    }
}

static void live_added(Live *L, int rc)
{
    if (rc < 0)
        L->failed = true;
    pthread_mutex_unlock(&L->mu);
}

static void obs_start(void *ctx, const RunStart *st)
{
    Live *L = ctx;
    pthread_mutex_lock(&L->mu);
    RunData *d = &L->v->d;
    run_data_init(d, L->lv->out_dir, st->duration);
    snprintf(d->scenario, sizeof d->scenario, "%s", st->scenario);
    snprintf(d->approach, sizeof d->approach, "%s", st->approach);
    for (size_t i = 0; i < st->n_domains && i < VIEW_MAX_DOMAINS; i++)
        snprintf(d->domains[i], sizeof d->domains[i], "%s", st->domains[i]);
    d->has_trace = 1; /* the timelines come from the run itself */
    d->has_frames = 1;
    L->started = true;
    L->base_wall = mono_now();
    L->base_sim = 0;
    pthread_mutex_unlock(&L->mu);
}

static void obs_power(void *ctx, hs_time when, const char *rail, double mw)
{
    Live *L = ctx;
    live_wait(L, when);
    live_added(L, run_data_counter(&L->v->d, rail, when, mw));
}

static void obs_rrc(void *ctx, hs_time when, int state, const char *name)
{
    Live *L = ctx;
    live_wait(L, when);
    int rc = run_data_counter(&L->v->d, "RRC state", when, state);
    if (rc == 0)
        rc = run_data_mark(&L->v->d, when, name, VIEW_MARK_RRC);
    live_added(L, rc);
}

static void obs_foreground(void *ctx, hs_time when, int domain)
{
    Live *L = ctx;
    live_wait(L, when);
    live_added(L, run_data_counter(&L->v->d, "foreground", when, domain));
}

static void obs_latency(void *ctx, hs_time when, const char *name)
{
    Live *L = ctx;
    live_wait(L, when);
    live_added(L, run_data_mark(&L->v->d, when, name, VIEW_MARK_EVENT));
}

static void obs_flow(void *ctx, hs_time when, int verdict)
{
    Live *L = ctx;
    live_wait(L, when);
    int kind = verdict == FLOW_VIOLATION ? VIEW_MARK_VIOLATION
               : verdict == FLOW_BLOCKED ? VIEW_MARK_BLOCKED
                                         : VIEW_MARK_FLOW;
    const char *name = kind == VIEW_MARK_VIOLATION ? "violation"
                       : kind == VIEW_MARK_BLOCKED ? "blocked"
                                                   : "flow";
    live_added(L, run_data_mark(&L->v->d, when, name, kind));
}

static void obs_frame(void *ctx, const FrameRecord *rec, const void *z)
{
    Live *L = ctx;
    live_wait(L, rec->shown);
    live_added(L, run_data_frame(&L->v->d, rec, z));
}

static void obs_step(void *ctx, hs_time now, double battery_pct)
{
    Live *L = ctx;
    live_wait(L, now);
    live_added(L, run_data_counter(&L->v->d, "battery", now, battery_pct));
}

static void *run_thread(void *arg)
{
    Live *L = arg;
    const RunObserver obs = {
        .ctx = L,
        .start = obs_start,
        .power = obs_power,
        .rrc = obs_rrc,
        .foreground = obs_foreground,
        .latency = obs_latency,
        .flow = obs_flow,
        .frame = obs_frame,
        .step = obs_step,
    };
    int rc = L->lv->run(L->lv->arg, &obs);
    pthread_mutex_lock(&L->mu);
    L->done = true;
    L->run_rc = rc;
    pthread_mutex_unlock(&L->mu);
    return NULL;
}

/* The next speed up (dir > 0) or down from s: 1x .. 10000x, then
 * unpaced (0). */
static double live_next_speed(double s, int dir)
{
    if (dir > 0) {
        if (s <= 0)
            return 0;
        for (size_t i = 0; i < N_SPEEDS; i++)
            if (speeds[i] > s)
                return speeds[i];
        return 0;
    }
    if (s <= 0)
        return speeds[N_SPEEDS - 1];
    for (size_t i = N_SPEEDS; i-- > 0;)
        if (speeds[i] < s)
            return speeds[i];
    return s;
}

/* +1 for a key that speeds up, -1 for one that slows down, else 0. */
static int key_speed(SDL_Keycode k)
{
    if (k == SDLK_UP || k == SDLK_PLUS || k == SDLK_EQUALS || k == SDLK_KP_PLUS)
        return 1;
    if (k == SDLK_DOWN || k == SDLK_MINUS || k == SDLK_KP_MINUS)
        return -1;
    return 0;
}

/* The panel's buffer once the first frame says its size (lock held). */
static int live_panel(Viewer *v)
{
    if (v->panel || !v->d.frames.n)
        return 0;
    v->pw = v->d.frames.recs[0].width;
    v->ph = v->d.frames.recs[0].height;
    v->panel = calloc((size_t)v->pw * v->ph, 4);
    if (!v->panel)
        return -1;
    layout(v);
    return 0;
}

/* Reads the window's pixels back and writes them as PNG. */
static int live_png(SDL_Renderer *ren, const Viewer *v, const char *path)
{
    uint32_t *back = malloc((size_t)v->cv.w * v->cv.h * 4);
    int rc = 1;
    if (!back)
        fprintf(stderr, "handset run --view: out of memory\n");
    else if (SDL_RenderReadPixels(ren, NULL, SDL_PIXELFORMAT_RGB888, back,
                                  v->cv.w * 4) < 0)
        rc = sdl_fail("reading the window back");
    else if (write_png(path, back, v->cv.w, v->cv.h) == 0)
        rc = 0;
    free(back);
    return rc;
}

/* The window's loop: returns 0, or 1 when drawing failed. */
static int live_loop(Live *L, SDL_Renderer *ren, SDL_Texture *tex)
{
    Viewer *v = L->v;
    const ViewerLive *lv = L->lv;
    bool quit = false, was_done = false;
    int rc = 0;
    uint64_t last = SDL_GetTicks64();
    while (!quit) {
        pthread_mutex_lock(&L->mu);
        bool done = L->done;
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
            if (e.type == SDL_QUIT) {
                quit = true;
            } else if (e.type == SDL_KEYDOWN && !done) {
                SDL_Keycode k = e.key.keysym.sym;
                if (k == SDLK_q || k == SDLK_ESCAPE) {
                    quit = true;
                } else if (k == SDLK_SPACE) {
                    live_rebase(L);
                    L->paused = !L->paused;
                } else if (key_speed(k)) {
                    live_rebase(L);
                    L->speed = live_next_speed(L->speed, key_speed(k));
                }
            } else if (e.type == SDL_KEYDOWN) {
                handle_key(v, e.key.keysym.sym, &quit);
            } else if (e.type == SDL_MOUSEBUTTONDOWN && done &&
                       e.button.y >= v->lay.timeline_y - 4 &&
                       e.button.x >= v->plot_x) {
                v->now = x_time(v, e.button.x);
            }
        }
        if (lv->stop && *lv->stop)
            quit = true; /* a signal: the run stops too */
        uint64_t tick = SDL_GetTicks64();
        if (done && !was_done) {
            /* from here on a replay of what the run told */
            was_done = true;
            v->live_done = true;
            v->now = v->d.duration;
            if (L->run_rc != 0 || !L->started)
                quit = true;
            else if (!lv->png && !lv->quiet)
                fprintf(stderr,
                        "handset run --view: the run is done; the window "
                        "stays to look back at it (q or Esc to quit)\n");
        } else if (done && v->playing) {
            v->now += (hs_time)(tick - last) * HS_MS * speeds[v->speed_i];
            if (v->now >= v->d.duration) {
                v->now = v->d.duration;
                v->playing = false;
            }
        } else if (!done) {
            v->now = live_clock(L, mono_now());
            v->end = v->now;
        }
        last = tick;
        v->live_paused = L->paused;
        v->live_speed = L->speed;
        int drc = L->failed ? -1 : live_panel(v);
        if (drc == 0 && L->started)
            drc = render(v);
        else if (drc == 0)
            canvas_fill(&v->cv, 0, 0, v->cv.w, v->cv.h, COL_BG);
        pthread_mutex_unlock(&L->mu);
        if (drc < 0) {
            fprintf(stderr, "handset run --view: out of memory or a corrupt "
                            "frame: closing the window\n");
            rc = 1;
            break;
        }
        SDL_UpdateTexture(tex, NULL, v->cv.px, v->cv.w * 4);
        SDL_RenderClear(ren);
        SDL_RenderCopy(ren, tex, NULL, NULL);
        if (lv->png && was_done && !quit) {
            if (live_png(ren, v, lv->png) != 0)
                rc = 1;
            else if (!lv->quiet)
                fprintf(stderr, "%s: the window at the run's end\n", lv->png);
            quit = true;
        }
        SDL_RenderPresent(ren);
        /* the run waits while a picture is drawn: 30 a second leave it
         * most of the time */
        SDL_Delay(LIVE_FRAME_MS);
    }
    return rc;
}

int viewer_live(const ViewerLive *lv)
{
    Viewer v;
    memset(&v, 0, sizeof v);
    v.live = true;
    v.live_speed = lv->speed;
    run_data_init(&v.d, lv->out_dir, HS_S);
    layout(&v);
    v.cv.w = v.lay.width;
    v.cv.h = v.lay.height;
    v.cv.px = calloc((size_t)v.cv.w * v.cv.h, 4);
    if (!v.cv.px) {
        fprintf(stderr, "handset run --view: out of memory\n");
        return 1;
    }
    /* Ctrl-C reaches the run's handler (it stops the run), not SDL's */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    /* the window's pixels through the video driver's own framebuffer
     * (XShm, offscreen's memory), never a GL driver with a JIT of its
     * own beside the run */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) < 0) {
        free(v.cv.px);
        sdl_fail("SDL_Init (no display? run without --view, or with "
                 "SDL_VIDEODRIVER=offscreen and --view-png); nothing was run");
        return 1;
    }
    SDL_Window *win =
        SDL_CreateWindow("handset run --view", SDL_WINDOWPOS_UNDEFINED,
                         SDL_WINDOWPOS_UNDEFINED, v.cv.w, v.cv.h, 0);
    /* SDL's software renderer, as --screenshot uses: the picture is
     * drawn on the canvas anyway */
    SDL_Renderer *ren =
        win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE) : NULL;
    SDL_Texture *tex =
        ren ? SDL_CreateTexture(ren, SDL_PIXELFORMAT_RGB888,
                                SDL_TEXTUREACCESS_STREAMING, v.cv.w, v.cv.h)
            : NULL;
    if (!tex) {
        int rc = sdl_fail("cannot open the window; nothing was run");
        sdl_close(win, ren, tex);
        free(v.cv.px);
        return rc;
    }
    Live L;
    memset(&L, 0, sizeof L);
    L.v = &v;
    L.lv = lv;
    L.speed = lv->speed;
    L.base_wall = mono_now();
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&L.mu, NULL);
    pthread_cond_init(&L.cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_t th;
    int rc;
    if (pthread_create(&th, NULL, run_thread, &L) != 0) {
        fprintf(stderr, "handset run --view: cannot start the run's thread; "
                        "nothing was run\n");
        rc = 1;
    } else {
        int wrc = live_loop(&L, ren, tex);
        pthread_mutex_lock(&L.mu);
        L.closing = true;
        if (!L.done && lv->stop && !*lv->stop) {
            *lv->stop = SIGINT;
            fprintf(stderr, "handset run --view: the window was closed before "
                            "the run ended: stopping it\n");
        }
        pthread_cond_broadcast(&L.cv);
        pthread_mutex_unlock(&L.mu);
        pthread_join(th, NULL);
        rc = L.run_rc != 0 ? L.run_rc : wrc;
    }
    pthread_cond_destroy(&L.cv);
    pthread_mutex_destroy(&L.mu);
    sdl_close(win, ren, tex);
    free(v.cv.px);
    free(v.panel);
    run_data_free(&v.d);
    return rc;
}
