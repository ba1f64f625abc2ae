#!/usr/bin/env python3
"""view_check.py - checks `handset view --screenshot` PNGs against the
run's frames.hsf, decoding both independently of handset (zlib and the
PNG format by hand, the frames format from results/README.md).

  view_check.py panel FRAMES PNG TIME_PS X Y W H SCALE
      the PNG's panel region equals the panel rebuilt from FRAMES at
      TIME_PS, sampled every SCALE pixels
  view_check.py timeline PNG TOP X_CURSOR
      below row TOP the timelines are drawn (many colours, a cursor
      column at X_CURSOR)
  view_check.py changed FRAMES PNG1 T1 PNG2 T2 X Y W H SCALE
      the two PNGs' panel regions differ exactly where the rebuilt
      panels at T1 and T2 differ (and somewhere)
Exit 0 when the check holds, 1 with a reason when not.
"""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype = hdr[0], hdr[1], hdr[2], hdr[3]
    assert depth == 8 and ctype in (2, 6), "expected 8-bit RGB(A)"
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append([(line[x * bpp] << 16) | (line[x * bpp + 1] << 8)
                     | line[x * bpp + 2] for x in range(w)])
        prev = line
    return w, h, rows


def panel_at(frames_path, t_ps):
    d = open(frames_path, "rb").read()
    assert d[:8] == b"HSFRAMES" and struct.unpack("<I", d[8:12])[0] in (1, 2)
    off, panel, pw = 12, None, 0
    while off < len(d):
        shown, y0, y1, w, h, zlen, nl, tl = struct.unpack(
            "<QIIIIIHH", d[off:off + 32])
        z = d[off + 32 + nl + tl:off + 32 + nl + tl + zlen]
        off += 32 + nl + tl + zlen
        if panel is None:
            panel, pw = [0] * (w * h), w
        if shown > t_ps:
            break
        px = zlib.decompress(z)
        assert len(px) == (y1 - y0) * w * 4
        words = struct.unpack("<%dI" % ((y1 - y0) * w), px)
        panel[y0 * w:y1 * w] = [p & 0xFFFFFF for p in words]
    return panel, pw


def expected(frames, t, w, h, scale):
    panel, pw = panel_at(frames, t)
    return [[panel[(y * scale) * pw + x * scale] for x in range(w)]
            for y in range(h)]


def region(rows, x, y, w, h):
    return [r[x:x + w] for r in rows[y:y + h]]


def main(a):
    if a[0] == "panel":
        frames, png, t = a[1], a[2], int(a[3])
        x, y, w, h, s = map(int, a[4:9])
        _, _, rows = read_png(png)
        exp = expected(frames, t, w, h, s)
        got = region(rows, x, y, w, h)
        bad = sum(1 for j in range(h) for i in range(w)
                  if got[j][i] != exp[j][i])
        if bad:
            return "%d of %d panel pixels differ from the frames" % (
                bad, w * h)
        if len(set(p for r in exp for p in r)) < 3:
            return "the panel is (nearly) blank at this time"
    elif a[0] == "timeline":
        png, top, cx = a[1], int(a[2]), int(a[3])
        _, h, rows = read_png(png)
        below = [p for r in rows[top:] for p in r]
        if len(set(below)) < 8:
            return "the timelines have %d colours" % len(set(below))
        col = [rows[yy][cx] for yy in range(top, min(h, top + 300))]
        if sum(1 for p in col if p == 0xFFFFFF) < 100:
            return "no cursor at x=%d" % cx
    elif a[0] == "changed":
        frames, png1, t1, png2, t2 = a[1], a[2], int(a[3]), a[4], int(a[5])
        x, y, w, h, s = map(int, a[6:11])
        e1, e2 = expected(frames, t1, w, h, s), expected(frames, t2, w, h, s)
        g1 = region(read_png(png1)[2], x, y, w, h)
        g2 = region(read_png(png2)[2], x, y, w, h)
        want = {(i, j) for j in range(h) for i in range(w)
                if e1[j][i] != e2[j][i]}
        got = {(i, j) for j in range(h) for i in range(w)
               if g1[j][i] != g2[j][i]}
        if not want:
            return "the frames show no change between the two times"
        if got != want:
            return "%d pixels changed, %d expected (%d in common)" % (
                len(got), len(want), len(got & want))
    return None


if __name__ == "__main__":
    why = main(sys.argv[1:])
    if why:
        print("view_check: " + why)
        sys.exit(1)
