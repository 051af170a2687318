# bloodbank - build, test, install.
#   make            build lib/libbloodbank.a and the programs in bin/
#   make check      all tests (SAN=1: AddressSanitizer + UBSan build in build-san/)
#   make demo       demo database from testdata/ and the nightly job on it
#   make install    PREFIX=/usr/local DESTDIR=
# Missing Debian packages are installed when run as root (tools/deps.sh).

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=
CC      ?= cc
PKG_CONFIG ?= pkg-config
SAN     ?=
VALGRIND ?=
FUZZ_SECONDS ?= 3

CFLAGS  ?= -O2 -g
override CFLAGS += -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter \
	-Ilib -I$(O)
PKGS    := sqlite3 libpcre2-8 zlib
DEPS_OK := $(shell sh tools/deps.sh >&2 && echo ok)
override CFLAGS += $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lcsv -lzint -lm

ifeq ($(SAN),1)
O       := build-san
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
LIBA    := $(O)/libbloodbank.a
else
O       := build
LIBA    := lib/libbloodbank.a
endif
BIN     := $(O)/bin

PROGS   := $(patsubst cmd/%.c,%,$(wildcard cmd/*.c))
LIBSRC  := $(wildcard lib/*.c)
LIBOBJ  := $(patsubst lib/%.c,$(O)/lib/%.o,$(LIBSRC)) $(O)/lib/embedded.o
EMBEDDED := $(sort $(wildcard lib/sql/*.sql lib/rules/*/*.csv lib/data/*.csv))
UNITSRC := $(wildcard tests/unit/test_*.c)
UNITBIN := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNITSRC))
BENCHSRC := $(wildcard bench/*.c)
BENCHBIN := $(patsubst bench/%.c,$(O)/bench/%,$(BENCHSRC))

.PHONY: all check demo install clean deps stress fuzz bench unit golden
all: $(LIBA) $(addprefix $(BIN)/,$(PROGS)) $(BENCHBIN)

deps:
	@sh tools/deps.sh

$(O)/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) -O2 -o $@ $<

$(O)/embedded.c: $(O)/tools/embed $(EMBEDDED)
	$(O)/tools/embed lib $(EMBEDDED) > $@.tmp && mv $@.tmp $@

$(O)/lib/embedded.o: $(O)/embedded.c lib/bb.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(O)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIBA): $(LIBOBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(O)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BIN)/%: $(O)/cmd/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/tests/%: tests/unit/%.c tests/unit/t.h $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIBA) $(LDLIBS)

$(O)/bench/%: bench/%.c $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(LDLIBS)

-include $(wildcard $(O)/lib/*.d $(O)/cmd/*.d)

# make check: unit tests, golden tests, man-page examples, bad-input
# corpus, crash/concurrency short runs, brief fuzzing; one summary line.
check: all $(UNITBIN)
	@BIN=$(CURDIR)/$(BIN) O=$(CURDIR)/$(O) SAN=$(SAN) VALGRIND=$(VALGRIND) \
	  FUZZ_SECONDS=$(FUZZ_SECONDS) CC="$(CC)" sh tests/run.sh

unit: $(UNITBIN)
	@BIN=$(CURDIR)/$(BIN) O=$(CURDIR)/$(O) ONLY=unit sh tests/run.sh

golden: all
	@BIN=$(CURDIR)/$(BIN) O=$(CURDIR)/$(O) ONLY=golden sh tests/run.sh

stress: all
	@BIN=$(CURDIR)/$(BIN) O=$(CURDIR)/$(O) STRESS=1 sh tests/run.sh

fuzz: all
	@BIN=$(CURDIR)/$(BIN) O=$(CURDIR)/$(O) FUZZ_SECONDS=$(FUZZ_SECONDS) \
	  ONLY=fuzz LONG=1 sh tests/run.sh

bench: all
	@for b in bench/*.sh; do BIN=$(CURDIR)/$(BIN) O=$(CURDIR)/$(O) sh $$b || exit 1; done

demo: all
	@BIN=$(CURDIR)/$(BIN) sh tools/demo.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	for p in $(PROGS); do install -m0755 $(BIN)/$$p $(DESTDIR)$(BINDIR)/$$p; done
	install -m0644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1
	install -m0644 $(wildcard man/*.5) $(DESTDIR)$(MANDIR)/man5
	install -m0644 $(wildcard man/*.7) $(DESTDIR)$(MANDIR)/man7

clean:
	rm -rf build build-san lib/libbloodbank.a demo
