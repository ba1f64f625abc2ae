/*
 * report.h - `handset report DIR`: one self-contained report.html for a
 * run, compare or sweep directory, with plots drawn by gnuplot.
 *
 * DIR is a run (DIR/results.json), or holds runs as handset run and
 * compare write them (DIR/APPROACH/results.json, DIR/VARIANT/APPROACH/
 * results.json), and/or a sweep's summary.json (handset-summary/1). The
 * report goes to DIR/report.html; beside it DIR/report/ keeps every plot
 * as data (*.dat), gnuplot script (*.gp) and SVG, so a plot can be
 * restyled for a paper by editing its script and running gnuplot there.
 *
 * Plots: power over time per run (the sum of every rail's counter in the
 * run's trace, averaged over REPORT_BINS bins); latency distributions
 * (CDF of every sample the trace marked, one plot per latency and a line
 * per run; a run without a trace shows its results.json percentiles as
 * points); energy by component and by domain (bars); for a sweep, per
 * metric the mean of each approach per set-point with its 95 % confidence
 * interval as error bars. Tables: explicit flows (violations marked) and
 * covert channels' measured capacities.
 *
 * The page needs no network: the SVGs are inlined without namespace
 * URLs, there is no script, and a Content-Security-Policy forbids any
 * fetch. report_write returns 0, 1 when gnuplot or a file failed, 2 on
 * bad input; err has the message.
 */
#ifndef HS_OUT_REPORT_H
#define HS_OUT_REPORT_H

#include <stddef.h>

#define REPORT_BINS 200

int report_write(const char *dir, char *err, size_t err_size);

#endif /* HS_OUT_REPORT_H */
