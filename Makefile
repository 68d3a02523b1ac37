# flowmesh: kernel module (flowmesh.ko), agent and CLI (flowmesh).
#
#   make                 module for KVER/KDIR (when its headers exist) + CLI
#   make install         CLI into $(DESTDIR)$(PREFIX)/sbin
#   make dkms-install    module through DKMS for KVER (default: running kernel)
#   make demo            boot Debian's kernel in qemu and show flowmesh at work
#   make check           lint + unit + kunit + e2e on 6.1 and 6.12
#   make unit | kunit | lint | e2e [KERNEL=6.1|6.12] [E2E=name]
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
BUILD ?= $(CURDIR)/build
PREFIX ?= /usr/local
KERNEL ?= 6.1
KERNELS ?= 6.1 6.12
E2E ?=

AGENT := $(MAKE) -C agent O=$(BUILD) FLOWMESH_VERSION=$(VERSION)

.PHONY: all module userspace install dkms-install setup setup-test \
	unit kunit lint e2e check demo clean

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

dkms-install: setup
	tools/dkms-install $(KVER)

setup:
	@tools/setup build

setup-test:
	@tools/setup all

unit: setup
	+$(AGENT) unit

# The module with its KUnit suites, built for the cached UML kernel.
kunit: setup-test
	@tree=$$(tools/kunit/build) && \
	rm -rf $(BUILD)/uml && mkdir -p $(BUILD)/uml && \
	cp -a Kbuild dkms.conf uapi kmod $(BUILD)/uml/ && \
	find $(BUILD)/uml -name '*.o' -o -name '.*.cmd' | xargs rm -f && \
	$(MAKE) -s ARCH=um -C $$tree M=$(BUILD)/uml FLOWMESH_KUNIT=y modules && \
	tools/kunit/run $(BUILD)/uml/flowmesh.ko

lint: setup-test
	tools/lint

e2e: setup-test userspace
	tools/dkms-install $$(tools/vm/kernel $(KERNEL))
	tools/vm/run --kernel $(KERNEL) $(foreach e,$(E2E),--scenario $(e))

check: setup-test userspace
	+@tools/check $(KERNELS)

demo: setup-test userspace
	tools/dkms-install $$(tools/vm/kernel $(KERNEL))
	tools/vm/run --kernel $(KERNEL) --cmd $(CURDIR)/tools/demo

clean:
	rm -rf $(BUILD)
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
