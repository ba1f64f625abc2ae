# handset build (GNU make). Run ./configure first; it writes config.mk.
#
# Layout of outputs (everything under build/):
#   build/handset              the command-line tool
#   build/libhandset.a         emulator core, device models, baseband host side
#   build/libguestref.a        guest/lib compiled for the host (reference
#                              implementations for tests and benchmarks)
#   build/guest/domain.elf     AArch64 guest image every domain runs
#   build/guest/service.elf    AArch64 image of the driver and service VMs
#   build/baseband/firmware.elf ARMv7 baseband firmware (when present)
#   build/tests/unit           the unit/device test binary
#   build/deps/                Unicorn fetched by ./configure --install-deps
#                              where the system's is older than 2.1 (kept
#                              by make clean, removed by make distclean)
#
# Sources are found by wildcard: a new .c file in a module folder is built
# without touching this file.

ifeq ($(filter clean distclean format lint help,$(MAKECMDGOALS)),)
ifeq ($(wildcard config.mk),)
$(error config.mk is missing: run ./configure first (as root, ./configure --install-deps installs what is missing))
endif
endif
-include config.mk

PREFIX ?= /usr/local
SANITIZE ?= 0
BUILD := build
comma := ,

SANITIZER_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                   -fno-omit-frame-pointer
SAN_FLAGS := $(if $(filter 1,$(SANITIZE)),$(SANITIZER_FLAGS))
WARN := -Wall -Wextra -Werror
DEP_FLAGS = -MMD -MP
INCLUDES := -I. -Iemu -Iguest/include
HS_VERSION := 0.1.0
DEFS := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
        -DHS_VERSION='"$(HS_VERSION)"' -DHS_DATADIR='"$(PREFIX)/share/handset"'

CFLAGS := -std=c11 -O2 -g $(WARN) $(SAN_FLAGS) $(INCLUDES) $(DEFS) \
          $(UNICORN_CFLAGS) $(JANSSON_CFLAGS) $(PCAP_CFLAGS) $(ELF_CFLAGS) \
          $(ZLIB_CFLAGS) $(NETTLE_CFLAGS)
CXXFLAGS := -std=c++17 -O2 -g $(WARN) $(SAN_FLAGS) $(INCLUDES) $(DEFS)
LDFLAGS := $(SAN_FLAGS)
# Where configure fetched a private Unicorn (build/deps, see configure), the
# programs built here find it through an rpath; `make install` relinks
# handset against the installed copy in $(PREFIX)/lib/handset instead.
UNICORN_RPATH := $(if $(UNICORN_LIBDIR),-Wl$(comma)-rpath$(comma)$(UNICORN_LIBDIR))
INSTALL_LIBDIR := $(PREFIX)/lib/handset
LIBS := $(UNICORN_LIBS) $(UNICORN_RPATH) $(JANSSON_LIBS) $(PCAP_LIBS) $(ELF_LIBS) \
        $(ZLIB_LIBS) $(NETTLE_LIBS) -lm -lpthread

# ---- host sources -------------------------------------------------------
LIB_DIRS := emu/sim emu/config emu/cpu emu/bus emu/net emu/machine emu/virt \
            emu/power emu/flow emu/phone emu/run emu/out soc_models/devices \
            baseband
LIB_SRCS := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))
CLI_SRCS := $(wildcard emu/cli/*.c)
# The SDL2 front end: the only code that includes SDL (and libpng).
VIEWER_SRCS := $(wildcard viewer/*.c)
REF_SRCS := $(wildcard guest/lib/*.c)
TEST_SRCS := tests/harness.c $(wildcard tests/unit/*.c tests/devices/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB_OBJS := $(call obj,$(LIB_SRCS))
CLI_OBJS := $(call obj,$(CLI_SRCS))
VIEWER_OBJS := $(call obj,$(VIEWER_SRCS))
REF_OBJS := $(patsubst %.c,$(BUILD)/ref/%.o,$(REF_SRCS))
TEST_OBJS := $(call obj,$(TEST_SRCS))
BENCH_C := $(wildcard bench/*.c)
BENCH_CC := $(wildcard bench/*.cc)
BENCH_OBJS := $(call obj,$(BENCH_C)) $(patsubst %.cc,$(BUILD)/obj/%.o,$(BENCH_CC))

# ---- guest (AArch64) ----------------------------------------------------
# The images are inputs of a run (results.json names them by SHA-256), so
# they must be the same bytes wherever the tree is checked out: the debug
# information names source files relative to the top of the tree.
IMAGE_REPRO := -ffile-prefix-map=$(CURDIR)/= -fdebug-compilation-dir=.
GUEST_TARGET := --target=aarch64-none-elf -mcpu=cortex-a53
GUEST_CFLAGS := $(GUEST_TARGET) -std=c11 -ffreestanding -nostdlib -fno-builtin \
                -fno-stack-protector -fno-pic -O2 -g $(WARN) -Iguest/include -Iguest \
                $(IMAGE_REPRO)
GUEST_SRCS := $(wildcard guest/rt/*.c guest/rt/*.S guest/lib/*.c guest/apps/*.c)
GUEST_OBJS := $(patsubst %,$(BUILD)/guest/obj/%.o,$(GUEST_SRCS))
GUEST_LDS := guest/rt/link.ld
GUEST_IMAGE := $(BUILD)/guest/domain.elf
# The service image driver and service VMs run (guest/svc), with the
# guest library's AEAD, linked like the domain image.
SVC_SRCS := $(wildcard guest/svc/*.c) guest/lib/chacha20poly1305.c
SVC_OBJS := $(patsubst %,$(BUILD)/guest/obj/%.o,$(SVC_SRCS))
SVC_IMAGE := $(BUILD)/guest/service.elf

# ---- baseband firmware (ARMv7) -------------------------------------------
BB_TARGET := --target=armv7a-none-eabi -mcpu=cortex-a7 -mfloat-abi=soft
BB_CFLAGS := $(BB_TARGET) -std=c11 -ffreestanding -nostdlib -fno-builtin \
             -fno-stack-protector -fno-pic -O2 -g $(WARN) -Iguest/include -Iguest \
             -Ibaseband/firmware $(IMAGE_REPRO)
# BB_SHARED_LIBS: guest/lib sources the firmware shares (baseband/firmware.mk)
-include baseband/firmware.mk
BB_SRCS := $(wildcard baseband/firmware/*.c baseband/firmware/*.S)
BB_SHARED := $(wildcard $(patsubst %,guest/lib/%.c,$(BB_SHARED_LIBS)))
BB_OBJS := $(patsubst %,$(BUILD)/baseband/obj/%.o,$(BB_SRCS) $(BB_SHARED))
BB_LDS := baseband/firmware/link.ld
BB_IMAGE := $(if $(BB_SRCS),$(BUILD)/baseband/firmware.elf)

IMAGES := $(if $(GUEST_SRCS),$(GUEST_IMAGE) $(SVC_IMAGE)) $(BB_IMAGE)

.PHONY: all check fuzz fuzz-build run mm1 pictures bench bench-check install clean distclean format lint help FORCE
all: $(BUILD)/handset $(IMAGES)

help:
	@echo "make            build build/handset and the guest images"
	@echo "make check      build and run every test (SANITIZE=1 for ASan+UBSan)"
	@echo "make run        run the main job on the shipped defaults"
	@echo "make fuzz       run every fuzz target FUZZ_SECONDS (default 60) each"
	@echo "make mm1        the event kernel's M/M/1 validation"
	@echo "make pictures   regenerate docs/viewer.png and docs/report-power.png"
	@echo "make bench      build and run the benchmarks (writes build/bench.json)"
	@echo "make bench-check  make bench, then gate it against results/baseline"
	@echo "make install    install into PREFIX=$(PREFIX)"
	@echo "make format     reformat sources with clang-format"
	@echo "make lint       include order, clang-format check and cppcheck"
	@echo "make clean      remove build/ but build/deps (configure's Unicorn)"
	@echo "make distclean  remove build/ and config.mk"

# Rebuild everything when the compiler flags change (e.g. SANITIZE=1).
$(BUILD)/.flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS) $(LDFLAGS)' > $@

# The source commit host.json records ("-dirty" with uncommitted changes;
# empty outside a git checkout); results.o is rebuilt when it changes.
HS_COMMIT := $(shell git describe --always --dirty --abbrev=40 --match=none 2>/dev/null)
$(BUILD)/commit.txt: FORCE
	@mkdir -p $(BUILD)
	@echo '$(HS_COMMIT)' | cmp -s - $@ || echo '$(HS_COMMIT)' > $@
$(BUILD)/obj/emu/out/results.o: $(BUILD)/commit.txt
$(BUILD)/obj/emu/out/results.o: CFLAGS += -DHS_COMMIT='"$(HS_COMMIT)"'

$(BUILD)/obj/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEP_FLAGS) -c $< -o $@

$(BUILD)/obj/tests/%.o: tests/%.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CMOCKA_CFLAGS) -Itests $(DEP_FLAGS) -c $< -o $@

$(BUILD)/obj/viewer/%.o: viewer/%.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SDL2_CFLAGS) $(PNG_CFLAGS) $(DEP_FLAGS) -c $< -o $@

$(BUILD)/ref/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DHS_HOST_REF=1 $(DEP_FLAGS) -c $< -o $@

$(BUILD)/libhandset.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/libguestref.a: $(REF_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/handset: $(CLI_OBJS) $(VIEWER_OBJS) $(BUILD)/libhandset.a $(BUILD)/libguestref.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(VIEWER_OBJS) $(BUILD)/libhandset.a $(BUILD)/libguestref.a \
	    $(LIBS) $(SDL2_LIBS) $(PNG_LIBS)

# The installed handset: the same objects, with the private Unicorn found
# beside the installation rather than in the build tree.
$(BUILD)/install/handset: $(CLI_OBJS) $(VIEWER_OBJS) $(BUILD)/libhandset.a $(BUILD)/libguestref.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(VIEWER_OBJS) $(BUILD)/libhandset.a $(BUILD)/libguestref.a \
	    $(subst $(UNICORN_RPATH),-Wl$(comma)-rpath$(comma)$(INSTALL_LIBDIR),$(LIBS)) \
	    $(SDL2_LIBS) $(PNG_LIBS)

# ---- guest image ----------------------------------------------------------
$(BUILD)/guest/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) $(DEP_FLAGS) -c $< -o $@

$(BUILD)/guest/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) $(DEP_FLAGS) -c $< -o $@

$(GUEST_IMAGE): $(GUEST_OBJS) $(GUEST_LDS)
	$(GUEST_LD) -T $(GUEST_LDS) --no-undefined -o $@ $(GUEST_OBJS)

$(SVC_IMAGE): $(SVC_OBJS) $(GUEST_LDS)
	$(GUEST_LD) -T $(GUEST_LDS) --no-undefined -o $@ $(SVC_OBJS)

$(BUILD)/baseband/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(BB_CFLAGS) $(DEP_FLAGS) -c $< -o $@

$(BUILD)/baseband/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(BB_CFLAGS) $(DEP_FLAGS) -c $< -o $@

$(BUILD)/baseband/firmware.elf: $(BB_OBJS) $(BB_LDS)
	$(GUEST_LD) -T $(BB_LDS) --no-undefined -o $@ $(BB_OBJS)

# ---- tests ----------------------------------------------------------------
$(BUILD)/tests/unit: $(TEST_OBJS) $(BUILD)/libhandset.a $(BUILD)/libguestref.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJS) $(BUILD)/libhandset.a $(BUILD)/libguestref.a $(LIBS) $(CMOCKA_LIBS)

$(BUILD)/tests/mm1-demo: $(BUILD)/obj/tests/mm1_demo.o $(BUILD)/obj/tests/unit/mm1_model.o $(BUILD)/libhandset.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Writes the captures tests/e2e/pcap.sh checks with tshark.
$(BUILD)/tests/pcapgen: $(BUILD)/obj/tests/pcapgen.o $(BUILD)/libhandset.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Writes the radio.pcap of a call through the baseband for
# tests/e2e/baseband.sh.
$(BUILD)/tests/bbcall: $(BUILD)/obj/tests/bbcall.o $(BUILD)/obj/tests/unit/bb_rig.o $(BUILD)/libhandset.a $(BUILD)/libguestref.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# A hostile test guest (tests/guest/hostile.c), linked like the domain
# image; tests/e2e/hostile.sh and the boundary fuzz target run it.
HOSTILE_IMAGE := $(BUILD)/tests/guest/hostile.elf
$(HOSTILE_IMAGE): $(BUILD)/guest/obj/tests/guest/hostile.c.o $(GUEST_LDS)
	@mkdir -p $(dir $@)
	$(GUEST_LD) -T $(GUEST_LDS) --no-undefined -o $@ $<

# ---- fuzz targets (tests/fuzz, tests/fuzz/README.md) ----------------------
# libFuzzer harnesses, built with clang and ASan/UBSan into build/fuzz
# (the library compiled again with coverage). `make fuzz` runs each for
# FUZZ_SECONDS from its seed corpus; `make check` runs tests/e2e/fuzz.sh,
# a smoke of FUZZ_SMOKE_SECONDS each.
FUZZ_CC ?= $(GUEST_CC)
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -O1 -g $(WARN) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
               $(INCLUDES) $(DEFS) $(UNICORN_CFLAGS) $(JANSSON_CFLAGS) \
               $(PCAP_CFLAGS) $(ELF_CFLAGS)
FUZZ_SRCS := $(wildcard tests/fuzz/*.c)
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(filter tests/fuzz/fuzz_%.c,$(FUZZ_SRCS)))
FUZZ_LIB_OBJS := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(LIB_SRCS) $(REF_SRCS))

$(BUILD)/fuzz/obj/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(if $(filter guest/lib/%,$<),-DHS_HOST_REF=1) $(DEP_FLAGS) -c $< -o $@

$(BUILD)/fuzz/libhandset.a: $(FUZZ_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/obj/tests/fuzz/fuzz_%.o $(BUILD)/fuzz/libhandset.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz-build: $(FUZZ_TARGETS) $(HOSTILE_IMAGE) all

fuzz: fuzz-build
	@sh tests/fuzz/run $(FUZZ_SECONDS)

# The benchmark program is built (and smoke-run by tests/e2e/bench_run.sh)
# so a change that breaks a benchmark fails the tests, not the next bench.
check: all $(BUILD)/tests/unit $(BUILD)/tests/pcapgen $(BUILD)/tests/bbcall $(if $(BENCH_OBJS),$(BUILD)/bench/handset-bench) $(HOSTILE_IMAGE) $(FUZZ_TARGETS)
	@sh tests/run

# The main job. Until the scenario runner exists this runs the event
# kernel's M/M/1 validation as a demonstration, and says so.
# The main job: the incoming-call scenario under every approach, side by
# side (results under results/runs/). The event kernel's M/M/1 check is
# `make mm1`.
run: all
	$(BUILD)/handset compare scenarios/incoming-call-secret.json

mm1: all $(BUILD)/tests/mm1-demo
	$(BUILD)/tests/mm1-demo

# ---- benchmarks -------------------------------------------------------------

$(BUILD)/obj/%.o: %.cc $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) $(DEP_FLAGS) -c $< -o $@

$(BUILD)/bench/handset-bench: $(BENCH_OBJS) $(BUILD)/libhandset.a $(BUILD)/libguestref.a
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $(BENCH_OBJS) $(BUILD)/libhandset.a $(BUILD)/libguestref.a $(LIBS) $(BENCHMARK_LIBS)

# make bench: repetitions and medians (bench/README.md explains the noise
# handling); BENCH_ARGS adds Google Benchmark flags, e.g.
# BENCH_ARGS=--benchmark_filter=sim/hold. make bench-check then gates the
# run against the committed baseline (exit 1 on a regression).
BENCH_REPETITIONS ?= 5
BENCH_ARGS ?=
BENCH_THRESHOLD ?= 10
BENCH_BASELINE ?= results/baseline/bench.json

bench: all $(if $(BENCH_OBJS),$(BUILD)/bench/handset-bench)
	@if [ -z "$(BENCH_OBJS)" ]; then echo "make bench: no benchmarks are built yet" >&2; exit 2; fi
	$(BUILD)/bench/handset-bench --benchmark_repetitions=$(BENCH_REPETITIONS) \
	    --benchmark_report_aggregates_only=true \
	    --benchmark_out=$(BUILD)/bench.json --benchmark_out_format=json \
	    $(BENCH_ARGS)

bench-check: bench
	bench/compare $(BENCH_BASELINE) $(BUILD)/bench.json --threshold $(BENCH_THRESHOLD)

# README's pictures: a viewer screenshot and a report plot (docs/).
pictures: all
	sh docs/pictures.sh

# ---- install / housekeeping -------------------------------------------------
install: all $(if $(UNICORN_LIBDIR),$(BUILD)/install/handset)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/handset/guest \
	    $(DESTDIR)$(PREFIX)/share/handset/scenarios $(DESTDIR)$(PREFIX)/share/handset/soc_models
ifneq ($(UNICORN_LIBDIR),)
	install -d $(DESTDIR)$(INSTALL_LIBDIR)
	install -m 644 $(UNICORN_LIBDIR)/libunicorn.so.2 $(DESTDIR)$(INSTALL_LIBDIR)/libunicorn.so.2
	install -m 755 $(BUILD)/install/handset $(DESTDIR)$(PREFIX)/bin/handset
else
	install -m 755 $(BUILD)/handset $(DESTDIR)$(PREFIX)/bin/handset
endif
	for f in $(IMAGES); do install -m 644 $$f $(DESTDIR)$(PREFIX)/share/handset/guest/; done
	for f in $(wildcard scenarios/*.json scenarios/README.md); do install -m 644 $$f $(DESTDIR)$(PREFIX)/share/handset/scenarios/; done
	for f in $(wildcard soc_models/*.json soc_models/README.md); do install -m 644 $$f $(DESTDIR)$(PREFIX)/share/handset/soc_models/; done

FMT_SRCS = $(shell git ls-files '*.c' '*.h' '*.cc' 2>/dev/null)
format:
	clang-format -i $(FMT_SRCS)

lint:
	sh tests/include_order.sh
	clang-format --dry-run --Werror $(FMT_SRCS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --suppress=missingIncludeSystem --inline-suppr -I. -Iemu -Iguest/include \
	    emu soc_models baseband guest tests bench viewer

# clean keeps build/deps (the Unicorn configure fetched, which config.mk
# points at), so `make clean && make` works without configuring again;
# distclean removes it with config.mk.
clean:
	@if [ -d $(BUILD) ]; then find $(BUILD) -mindepth 1 -maxdepth 1 ! -name deps -exec rm -rf {} +; fi

distclean: clean
	rm -rf $(BUILD) config.mk

-include $(shell find $(BUILD) -path $(BUILD)/deps -prune -o -type f -name '*.d' -print 2>/dev/null)
