# Thin entry point over CMake presets. Settings (as upstream's easy-settings):
#   PLATFORM       board in platforms/   (default qemu-arm-virt)
#   CAMKES_VM_APP  application in apps/  (default vm_minimal)
#   RELEASE=1      build without debug output
#   VIRTIO_NET_PING=1  vm_virtio_net: the guest pings PingClient over virtqueues (vm_echo_ping)
#   GIC_VERSION=3  make run: boot PLATFORM with a GICv3 (boards that offer one: qemu-arm-virt)
#   BUILD_DIR      the build tree (default build/<preset>); e.g. a second tree for another
#                  board beside the main one: make test PLATFORM=zcu102 BUILD_DIR=build/zcu102
#   TESTS          make test: a ctest -R regex (default: every test)
PLATFORM ?= qemu-arm-virt
CAMKES_VM_APP ?= vm_minimal
RELEASE ?= 0
VIRTIO_NET_PING ?= 0
GIC_VERSION ?=
JOBS ?= $(shell nproc)

PLATFORMS := $(sort $(notdir $(patsubst %/platform.cmake,%,$(wildcard platforms/*/platform.cmake))))
APPS := $(sort $(notdir $(patsubst %/CMakeLists.txt,%,$(wildcard apps/*/CMakeLists.txt))))
ifeq ($(filter $(PLATFORM),$(PLATFORMS)),)
$(error Unknown PLATFORM '$(PLATFORM)'. Valid platforms: $(PLATFORMS))
endif
ifeq ($(filter $(CAMKES_VM_APP),$(APPS)),)
$(error Unknown CAMKES_VM_APP '$(CAMKES_VM_APP)'. Valid applications: $(APPS))
endif

ifneq ($(filter 1 ON on yes true,$(RELEASE)),)
PRESET := release
else
PRESET := debug
endif
BUILD_DIR ?= build/$(PRESET)
BUILD := $(BUILD_DIR)
TESTS ?=

.PHONY: all deps configure build test run lint guest-lock clean help
all: build

help:
	@echo "make run      build what CAMKES_VM_APP needs and boot it on PLATFORM in QEMU (Ctrl-A X quits)"
	@echo "make test     build everything and run every test through CTest"
	@echo "make build    build only"
	@echo "make lint     formatting check and clang-tidy; fails on any finding"
	@echo "settings: PLATFORM=$(PLATFORM) CAMKES_VM_APP=$(CAMKES_VM_APP) RELEASE=$(RELEASE) VIRTIO_NET_PING=$(VIRTIO_NET_PING) GIC_VERSION=$(GIC_VERSION) BUILD_DIR=$(BUILD_DIR) TESTS=$(TESTS)"

deps:
	@./scripts/install-deps.sh

configure: deps
	@cmake --preset $(PRESET) -B $(BUILD) -DPLATFORM=$(PLATFORM) -DCAMKES_VM_APP=$(CAMKES_VM_APP) \
	    -DVIRTIO_NET_PING=$(VIRTIO_NET_PING) -DGIC_VERSION=$(GIC_VERSION) --log-level=WARNING >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The test preset's settings (output on failure, no tests is an error) for the tree in BUILD.
test: build
	@ctest --test-dir $(BUILD) --output-on-failure --no-tests=error -j $(JOBS) $(if $(TESTS),-R '$(TESTS)')

# Builds only what CAMKES_VM_APP needs (the tool, the target build, the app's guest, system
# description and image: the target <app>_run), then boots it.
run: configure
	@cmake --build $(BUILD) -j $(JOBS) --target $(CAMKES_VM_APP)_run
	@$(BUILD)/run.sh

# The formatting check and clang-tidy over the host build's sources (libs, tools, kernel,
# components): prints every finding and a summary line, exits non-zero on any finding.
lint: build
	@python3 tests/lint/lint.py -p $(BUILD) -j $(JOBS)

guest-lock:
	@./guest/refresh-lock.sh

clean:
	rm -rf build
