# flowmesh: kernel module (flowmesh.ko), agent and CLI (flowmesh).
#
#   make                 module for KVER/KDIR (when its headers exist) + CLI
#   make install         CLI and flowmeshd into $(DESTDIR)$(PREFIX)/sbin, the
#                        systemd unit into $(DESTDIR)/lib/systemd/system
#   make dkms-install    module through DKMS for KVER (default: running kernel)
#   make demo            boot Debian's kernel in qemu and show flowmesh at work
#   make check           lint + unit + kunit + e2e on 6.1 and 6.12
#   make unit | agent-tests | fuzz | kunit | stress | lint | e2e [KERNEL=6.1|6.12] [E2E=name]
#   make bench           speed and memory, side by side, in one 6.1 guest
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
BUILD ?= $(CURDIR)/build
PREFIX ?= /usr/local
KERNEL ?= 6.1
KERNELS ?= 6.1 6.12
E2E ?=

AGENT := $(MAKE) -C agent O=$(BUILD) FLOWMESH_VERSION=$(VERSION)

.PHONY: all module userspace install dkms-install setup setup-test setup-bench \
	unit agent-tests fuzz kunit stress lint e2e check demo bench clean

all: module userspace

module:
	@if [ -d "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) modules; \
	else \
		echo "module: no kernel headers at $(KDIR); set KVER= or KDIR=" >&2; \
	fi

userspace: setup
	+$(AGENT)

install: userspace
	install -D -m 0755 $(BUILD)/flowmesh $(DESTDIR)$(PREFIX)/sbin/flowmesh
	install -D -m 0755 $(BUILD)/flowmeshd $(DESTDIR)$(PREFIX)/sbin/flowmeshd
	mkdir -p $(DESTDIR)/lib/systemd/system
	sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|' agent/flowmeshd.service \
		>$(DESTDIR)/lib/systemd/system/flowmeshd.service

dkms-install: setup
	tools/dkms-install $(KVER)

setup:
	@tools/setup build

setup-test:
	@tools/setup all

setup-bench:
	@tools/setup bench

unit: setup
	+$(AGENT) unit

agent-tests: setup-test
	+$(AGENT) agent-tests

# Every libFuzzer target for FUZZ_SECONDS each; make check runs 10 s each.
FUZZ_SECONDS ?= 300
fuzz: setup-test
	+$(AGENT) fuzz-run FUZZ_SECONDS=$(FUZZ_SECONDS)

# $(call uml_module,DIR,MAKE ARGS): the module built in DIR for the cached
# UML kernel, from a clean copy of the sources.
uml_module = tree=$$(tools/kunit/build) && \
	rm -rf $(1) && mkdir -p $(1) && \
	cp -a Kbuild dkms.conf uapi kmod $(1)/ && \
	find $(1) -name '*.o' -o -name '.*.cmd' | xargs rm -f && \
	$(MAKE) -s ARCH=um -C $$tree M=$(1) $(2) modules

# The module with its KUnit suites, built for the cached UML kernel.
kunit: setup-test
	@$(call uml_module,$(BUILD)/uml,FLOWMESH_KUNIT=y) && \
	tools/kunit/run $(BUILD)/uml/flowmesh.ko

# The module as shipped (no KUnit suites, which would rerun at each of the
# script's loads) under tests/uml/stress.sh in the same UML debug kernel.
stress: setup-test
	@$(call uml_module,$(BUILD)/uml-stress,) && \
	tools/kunit/stress $(BUILD)/uml-stress/flowmesh.ko

lint: setup-test
	tools/lint

e2e: setup-test userspace
	tools/dkms-install $$(tools/vm/kernel $(KERNEL))
	tools/vm/run --kernel $(KERNEL) $(foreach e,$(E2E),--scenario $(e))

check: setup-test userspace
	+@tools/check $(KERNELS)

# Speed and memory side by side in one guest (docs/bench.md). 6.1 only:
# bookworm's ipt-netflow, the peer compared against, does not build for 6.12.
BENCH_KERNEL := 6.1
bench: setup-bench userspace
	tools/dkms-install $$(tools/vm/kernel $(BENCH_KERNEL))
	@kver=$$(tools/vm/kernel $(BENCH_KERNEL)) && \
	v=$$(dpkg-query -W -f='$${Version}' iptables-netflow-dkms | sed 's/-[^-]*$$//') && \
	if ! dkms status -m ipt-netflow -v $$v -k $$kver | grep -q installed; then \
		dkms install -m ipt-netflow -v $$v -k $$kver; fi
	tools/vm/run --kernel $(BENCH_KERNEL) --timeout 3000 \
		--cmd $(CURDIR)/tools/bench/run-guest
	tools/bench/agent $(BUILD)
	tools/bench/l7 $(BUILD)

demo: setup-test userspace
	tools/dkms-install $$(tools/vm/kernel $(KERNEL))
	tools/vm/run --kernel $(KERNEL) --cmd $(CURDIR)/tools/demo

clean:
	rm -rf $(BUILD)
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
