# The README's commands.  Each installs missing Debian packages first.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build run test bench test-sanitize install clean mutate

all: build

deps:
	@tools/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/dmasim tour

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Each mechanism broken in turn: which claims and tests catch it.
mutate: deps
	@JOBS=$(JOBS) tools/mutate.sh

bench: build
	@bench/run.sh $(BUILD)/dmasim

# The suite under AddressSanitizer and UndefinedBehaviorSanitizer, built
# with clang (the normal build uses the default compiler, gcc).
test-sanitize:
	@tools/deps.sh clang
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
		-DDMASIM_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS)

PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) build-asan
