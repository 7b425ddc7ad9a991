# The README's commands.  Each installs missing Debian packages first.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build run test bench test-sanitize test-mpi bench-mpi fuzz install clean mutate

all: build

deps:
	@tools/deps.sh

# PGO=1: a profile-guided build (tools/pgo.sh: an instrumented build, a
# training run, a second build with the profiles; a few minutes more).
PGO ?=

# Quiet: the build's log is shown only when it fails.
build: deps
ifeq ($(PGO),1)
	@echo "building dmasim in $(BUILD)/, profile-guided ..."
	@tools/pgo.sh $(BUILD) $(JOBS) -DCMAKE_BUILD_TYPE=Release \
		>$(BUILD).log 2>&1 || \
		{ grep -E "error|warning|Error" $(BUILD).log || cat $(BUILD).log; exit 1; }
else
	@echo "building dmasim in $(BUILD)/ ..."
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DDMASIM_PGO= \
		>$(BUILD).log 2>&1 || { cat $(BUILD).log; exit 1; }
	@cmake --build $(BUILD) -j $(JOBS) >>$(BUILD).log 2>&1 || \
		{ grep -E "error|warning|Error" $(BUILD).log || cat $(BUILD).log; exit 1; }
endif
	@rm -f $(BUILD).log

run: build
	@$(BUILD)/dmasim tour

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Each mechanism broken in turn: which claims and tests catch it.
mutate: deps
	@JOBS=$(JOBS) tools/mutate.sh

bench: build
	@bench/run.sh $(BUILD)/dmasim

# The cluster on MPI ranks: the halo exchange alone and on 2 ranks, and
# PHOLD (bench/bench_mpi.sh), in the MPI build (build-mpi/).
bench-mpi:
	@tools/deps.sh openmpi-bin libopenmpi-dev
	@cmake -S . -B build-mpi -DCMAKE_BUILD_TYPE=Release -DDMASIM_MPI=ON \
		-DDMASIM_GPU_CALIBRATE=OFF >/dev/null
	@cmake --build build-mpi -j $(JOBS) --target dmasim_cli phold >/dev/null
	@bench/bench_mpi.sh build-mpi

# The suite under AddressSanitizer and UndefinedBehaviorSanitizer, built
# with clang (the normal build uses the default compiler, gcc).
test-sanitize:
	@tools/deps.sh clang
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
		-DDMASIM_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS)

# dmasim over MPI ranks (Open MPI): the command alone, built in
# build-mpi/ with -DDMASIM_MPI=ON, its local sweeps (cli), a sweep on 2
# ranks under mpirun (sweep_mpi), and a cluster split over 1, 2 and 4
# ranks and PHOLD on 2 (cluster_mpi).
test-mpi:
	@tools/deps.sh openmpi-bin libopenmpi-dev
	@cmake -S . -B build-mpi -DCMAKE_BUILD_TYPE=Release -DDMASIM_MPI=ON \
		-DDMASIM_GPU_CALIBRATE=OFF >/dev/null
	@cmake --build build-mpi -j $(JOBS) --target dmasim_cli phold >/dev/null
	cd build-mpi && ctest --output-on-failure -R '^(cli|sweep_mpi|cluster_mpi)$$'

# The libFuzzer targets (clang), each FUZZ_SECONDS on its corpus, new
# inputs kept out of the committed corpus.
FUZZ_SECONDS ?= 60
fuzz:
	@tools/deps.sh clang libclang-rt-14-dev
	@cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
		-DDMASIM_FUZZ=ON >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzz_units fuzz_range fuzz_scenario fuzz_chain fuzz_results fuzz_traceread
	@for t in units range scenario chain results traceread; do echo "== fuzz_$$t"; \
		tests/fuzz/run.sh build-fuzz/fuzz_$$t tests/fuzz/corpus/$$t $(FUZZ_SECONDS) || exit 1; done

PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-mpi
