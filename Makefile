# The README's commands.  Each installs missing Debian packages first.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build run test bench test-sanitize install clean

all: build

deps:
	@tools/deps.sh

# Quiet: the build's log is shown only when it fails.
build: deps
	@echo "building dmasim in $(BUILD)/ ..."
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >$(BUILD).log 2>&1 || \
		{ cat $(BUILD).log; exit 1; }
	@cmake --build $(BUILD) -j $(JOBS) >>$(BUILD).log 2>&1 || \
		{ grep -E "error|warning|Error" $(BUILD).log || cat $(BUILD).log; exit 1; }
	@rm -f $(BUILD).log

run: build
	@$(BUILD)/dmasim tour

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

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
