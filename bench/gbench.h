/*
 * gbench.h - the C face of Google Benchmark, so handset's benchmarks are
 * plain C files.
 *
 * A benchmark file registers its cases at program start with GBENCH_INIT
 * and gbench_register; bench/gbench.cc (the only C++ in the project) turns
 * each into a benchmark::RegisterBenchmark call and runs them all from its
 * main(). Adding a benchmark is adding one .c file under bench/: the
 * Makefile builds every C file in bench/ into build/bench/handset-bench.
 *
 *     static void bm_thing(GbenchState *st, void *ctx)
 *     {
 *         Thing *t = thing_new(ctx);          // setup: not timed
 *         while (gbench_keep_running(st))
 *             thing_step(t);                  // timed
 *         gbench_set_items_processed(st, gbench_iterations(st));
 *         thing_free(t);
 *     }
 *
 *     GBENCH_INIT(register_thing)
 *     {
 *         gbench_register("thing/step", bm_thing, NULL);
 *     }
 *
 * The timer starts at the first gbench_keep_running call and stops when it
 * returns false, so work before and after the loop is not measured. Each
 * call of gbench_keep_running costs an out-of-line call into C++: when one
 * operation takes less than a microsecond, do a fixed batch of operations
 * per iteration and report items = iterations * batch.
 *
 * The registry of Google Benchmark is the only global state the wrapper
 * touches; a context passed to gbench_register is shared by every run of
 * that benchmark (repetitions included), so it should be read-only.
 */
#ifndef HS_BENCH_GBENCH_H
#define HS_BENCH_GBENCH_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One running benchmark (wraps benchmark::State). Valid only inside the
 * benchmark function it is passed to. */
typedef struct GbenchState GbenchState;
/* One registered benchmark (wraps benchmark::internal::Benchmark), used
 * to set options right after registration. */
typedef struct GbenchBenchmark GbenchBenchmark;

/* A benchmark body: ctx is the pointer given to gbench_register. */
typedef void (*GbenchFunc)(GbenchState *st, void *ctx);

/* Unit used to print and store time per iteration. */
typedef enum GbenchUnit {
    GBENCH_NS,
    GBENCH_US,
    GBENCH_MS,
    GBENCH_S,
} GbenchUnit;

/* How a named counter is reported. */
typedef enum GbenchCounterKind {
    GBENCH_COUNTER_PLAIN,         /* the value as given */
    GBENCH_COUNTER_RATE,          /* value divided by the measured seconds */
    GBENCH_COUNTER_PER_ITERATION, /* value divided by the iteration count */
} GbenchCounterKind;

/* ---- registration (before gbench_main runs the benchmarks) ------------ */

/*
 * Registers fn under name (copied). ctx is passed to every run and must
 * outlive the program's benchmark run. Returns the benchmark for the
 * option setters below, or NULL if name is empty or fn is NULL.
 */
GbenchBenchmark *gbench_register(const char *name, GbenchFunc fn, void *ctx);
/* Adds a run with argument value arg (read back with gbench_arg); each
 * call adds one run, named "<name>/<arg>". Returns b. */
GbenchBenchmark *gbench_arg(GbenchBenchmark *b, int64_t arg);
/* Names the argument in reports: "<name>/<arg_name>:<arg>". Returns b. */
GbenchBenchmark *gbench_arg_name(GbenchBenchmark *b, const char *arg_name);
/* Unit for time per iteration (default nanoseconds). Returns b. */
GbenchBenchmark *gbench_unit(GbenchBenchmark *b, GbenchUnit unit);
/* Measures wall-clock instead of CPU time (for work that waits or uses
 * threads); the name gets a "/real_time" suffix. Returns b. */
GbenchBenchmark *gbench_use_real_time(GbenchBenchmark *b);
/* Runs at least this many seconds per repetition (overrides
 * --benchmark_min_time for this benchmark). Returns b. */
GbenchBenchmark *gbench_min_time(GbenchBenchmark *b, double seconds);

/* Runs fn at program start, before main: the place for gbench_register
 * calls. Use once per name in a file, at file scope, followed by the
 * function body. */
#define GBENCH_INIT(fn)                                                        \
    static void fn(void);                                                      \
    __attribute__((constructor)) static void fn##_ctor(void)                   \
    {                                                                          \
        fn();                                                                  \
    }                                                                          \
    static void fn(void)

/* ---- inside a benchmark ------------------------------------------------ */

/* True while another iteration should run; starts the timer on the first
 * call and stops it when returning false. Loop until it returns false. */
bool gbench_keep_running(GbenchState *st);
/* Iterations run so far (the final count once the loop has ended). */
int64_t gbench_iterations(const GbenchState *st);
/* The argument added with gbench_arg (0 if none). */
int64_t gbench_arg_value(const GbenchState *st);
/* Total items processed; reported as items_per_second, the figure the
 * regression gate compares when present. */
void gbench_set_items_processed(GbenchState *st, int64_t items);
/* Total bytes processed; reported as bytes_per_second. */
void gbench_set_bytes_processed(GbenchState *st, int64_t bytes);
/* Sets the named counter (name copied) to value, reported per kind. */
void gbench_counter(GbenchState *st, const char *name, double value,
                    GbenchCounterKind kind);
/* Short text shown next to the result (name of a workload, a size). */
void gbench_set_label(GbenchState *st, const char *label);
/* Stops and starts the timer around per-iteration setup; both are costly
 * (a clock read each), so prefer setup outside the loop. */
void gbench_pause_timing(GbenchState *st);
void gbench_resume_timing(GbenchState *st);
/*
 * Marks the run as failed with msg (copied): the report shows the message
 * and no timing, and the regression gate fails. If called before the loop,
 * gbench_keep_running then returns false at once; if called inside it,
 * the caller must leave the loop itself (break or return).
 */
void gbench_skip_with_error(GbenchState *st, const char *msg);
/* True once gbench_skip_with_error has been called. */
bool gbench_error_occurred(const GbenchState *st);

/* ---- running --------------------------------------------------------- */

/*
 * Initialises Google Benchmark from argv (its --benchmark_* flags), runs
 * the registered benchmarks and returns the process exit status: 0; 1 if
 * any benchmark called gbench_skip_with_error; 2 on an unknown argument
 * or a --benchmark_filter that matches nothing. bench/gbench.cc's main()
 * calls it.
 */
int gbench_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif /* HS_BENCH_GBENCH_H */
