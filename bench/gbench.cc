/*
 * gbench.cc - the C++ shim behind bench/gbench.h, and the benchmark
 * program's main().
 *
 * Each C benchmark becomes a benchmark::RegisterBenchmark lambda that
 * wraps the benchmark::State in a GbenchState and calls the C function.
 * This is the only C++ in handset; keep it a thin translation layer with
 * no benchmark logic of its own.
 */
#include "bench/gbench.h"

#include <benchmark/benchmark.h>

#include <atomic>
#include <memory>
#include <string>

/* What the registered lambda needs; shared between the lambda (which the
 * Google Benchmark registry owns) and the GbenchBenchmark handle. */
struct GbenchBenchmark {
    benchmark::internal::Benchmark *bench; /* owned by the registry */
    GbenchFunc fn;                         /* the C body */
    void *ctx;                             /* its context */
    bool has_arg;                          /* gbench_arg was called */
};

struct GbenchState {
    benchmark::State *state; /* the running benchmark */
    bool has_arg;            /* state->range(0) is valid */
};

namespace
{

/* Runs that called gbench_skip_with_error, for gbench_main's exit status:
 * part of the run's bookkeeping, like the registry itself. */
std::atomic<int> errors_reported{0};

benchmark::TimeUnit to_time_unit(GbenchUnit unit)
{
    switch (unit) {
    case GBENCH_US:
        return benchmark::kMicrosecond;
    case GBENCH_MS:
        return benchmark::kMillisecond;
    case GBENCH_S:
        return benchmark::kSecond;
    case GBENCH_NS:
        break;
    }
    return benchmark::kNanosecond;
}

benchmark::Counter::Flags to_counter_flags(GbenchCounterKind kind)
{
    switch (kind) {
    case GBENCH_COUNTER_RATE:
        return benchmark::Counter::kIsRate;
    case GBENCH_COUNTER_PER_ITERATION:
        return benchmark::Counter::kAvgIterations;
    case GBENCH_COUNTER_PLAIN:
        break;
    }
    return benchmark::Counter::kDefaults;
}

} // namespace

extern "C" {

GbenchBenchmark *gbench_register(const char *name, GbenchFunc fn, void *ctx)
{
    if (!name || !*name || !fn)
        return nullptr;
    auto entry = std::make_shared<GbenchBenchmark>();
    entry->fn = fn;
    entry->ctx = ctx;
    entry->has_arg = false;
    entry->bench =
        benchmark::RegisterBenchmark(name, [entry](benchmark::State &st) {
            GbenchState gs{&st, entry->has_arg};
            entry->fn(&gs, entry->ctx);
        });
    return entry.get();
}

GbenchBenchmark *gbench_arg(GbenchBenchmark *b, int64_t arg)
{
    b->bench->Arg(arg);
    b->has_arg = true;
    return b;
}

GbenchBenchmark *gbench_arg_name(GbenchBenchmark *b, const char *arg_name)
{
    b->bench->ArgName(arg_name);
    return b;
}

GbenchBenchmark *gbench_unit(GbenchBenchmark *b, GbenchUnit unit)
{
    b->bench->Unit(to_time_unit(unit));
    return b;
}

GbenchBenchmark *gbench_use_real_time(GbenchBenchmark *b)
{
    b->bench->UseRealTime();
    return b;
}

GbenchBenchmark *gbench_min_time(GbenchBenchmark *b, double seconds)
{
    b->bench->MinTime(seconds);
    return b;
}

bool gbench_keep_running(GbenchState *st)
{
    return st->state->KeepRunning();
}

int64_t gbench_iterations(const GbenchState *st)
{
    return static_cast<int64_t>(st->state->iterations());
}

int64_t gbench_arg_value(const GbenchState *st)
{
    return st->has_arg ? st->state->range(0) : 0;
}

void gbench_set_items_processed(GbenchState *st, int64_t items)
{
    st->state->SetItemsProcessed(items);
}

void gbench_set_bytes_processed(GbenchState *st, int64_t bytes)
{
    st->state->SetBytesProcessed(bytes);
}

void gbench_counter(GbenchState *st, const char *name, double value,
                    GbenchCounterKind kind)
{
    st->state->counters[name] =
        benchmark::Counter(value, to_counter_flags(kind));
}

void gbench_set_label(GbenchState *st, const char *label)
{
    st->state->SetLabel(label);
}

void gbench_pause_timing(GbenchState *st)
{
    st->state->PauseTiming();
}

void gbench_resume_timing(GbenchState *st)
{
    st->state->ResumeTiming();
}

void gbench_skip_with_error(GbenchState *st, const char *msg)
{
    if (!st->state->error_occurred())
        errors_reported++;
    st->state->SkipWithError(msg);
}

bool gbench_error_occurred(const GbenchState *st)
{
    return st->state->error_occurred();
}

int gbench_main(int argc, char **argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    /* Recorded in the JSON context so a comparison can tell builds apart. */
    benchmark::AddCustomContext("handset_version", HS_VERSION);
#if defined(__SANITIZE_ADDRESS__)
    benchmark::AddCustomContext("handset_sanitizers", "on");
#else
    benchmark::AddCustomContext("handset_sanitizers", "off");
#endif
    size_t ran = benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    /* 0 only when the filter matched nothing (listing counts too); the
     * library has already said so. */
    if (ran == 0)
        return 2;
    return errors_reported > 0 ? 1 : 0;
}

} // extern "C"

int main(int argc, char **argv)
{
    return gbench_main(argc, argv);
}
