# pg_ismap — PGXS build of the ismap extension, plus the project's test,
# fuzz and benchmark targets.  See docs/development.md.

EXTENSION   = ismap
EXTVERSION  = 0.3.0
MODULE_big  = ismap

CORE_SRCS   = $(sort $(wildcard src/core/*.c))
PG_SRCS     = $(sort $(wildcard src/pg/*.c))
OBJS        = $(CORE_SRCS:.c=.o) $(PG_SRCS:.c=.o)

# The install script of the current version is built from src/sql/ (the
# files named by src/sql/manifest.txt, in that order); migrations/ holds
# the frozen install scripts of released versions and the upgrade scripts.
SQL_SRCS    = $(addprefix src/sql/,$(shell grep -v '^\#' src/sql/manifest.txt))
DATA_built  = $(EXTENSION)--$(EXTVERSION).sql
DATA        = $(sort $(wildcard migrations/ismap--*.sql))

# Every sql/*.sql is a pg_regress test; each one creates the extension it
# needs, so any of them can run alone (make installcheck REGRESS=ctrlid).
REGRESS      = $(sort $(notdir $(basename $(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=. --outputdir=results_regress

# Every specs/*.spec is an isolation test (concurrent sessions).
ISOLATION      = $(sort $(notdir $(basename $(wildcard specs/*.spec))))
ISOLATION_OPTS = --inputdir=. --outputdir=results_isolation

XML2_CFLAGS := $(shell xml2-config --cflags 2>/dev/null || pkg-config --cflags libxml-2.0)
XML2_LIBS   := $(shell xml2-config --libs 2>/dev/null || pkg-config --libs libxml-2.0)

# The extension's messages live in their own gettext domain (TEXTDOMAIN in
# src/pg/ismap.h: "ismap-" and the major version); po/*.po are compiled to
# .mo and installed under the server's locale directory.
TEXTDOMAIN  = ismap-$(shell $(PG_CONFIG) --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
PG_CPPFLAGS = -Isrc/core -Isrc/pg $(XML2_CFLAGS)
SHLIB_LINK  = $(XML2_LIBS) -lm
# Warnings are errors when WERROR=1 (the test script and CI set it).
ifeq ($(WERROR),1)
PG_CFLAGS  += -Werror
endif

# Export only what PostgreSQL looks up with dlsym (PGDLLEXPORT, see
# src/pg/ismap.h); the core and the glue's helpers stay inside ismap.so.
# scripts/check-exported-symbols (run by "make unit") keeps it that way.
PG_CFLAGS  += -fvisibility=hidden

# No LLVM bitcode for the JIT: code it inlined from ismap would call the
# hidden helpers by name, which the JIT cannot resolve.  Without bitcode the
# JIT calls ismap's functions like any other, and any bitcode an earlier
# install left is removed on install.
override with_llvm = no

EXTRA_CLEAN = po/*.mo test/unit/bin test/fuzz/bin results_regress results_isolation jobs/ismap-jobs

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(EXTENSION)--$(EXTVERSION).sql: src/sql/manifest.txt $(SQL_SRCS)
	@{ printf '%s\n' '-- pg_ismap $(EXTVERSION) install script: built from src/sql/ by the Makefile; edit those files, not this one.' \
		'\echo Use "CREATE EXTENSION ismap" to load this file. \quit'; \
	  for f in $(SQL_SRCS); do printf '\n-- ==== %s ====\n' "$$f"; cat "$$f"; done; } > $@.tmp && mv $@.tmp $@

# ---- tests of the pure core, without a server ----
CORE_CC      ?= gcc
CORE_CFLAGS  ?= -O2 -g -std=c11 -Wall -Wextra -Wno-unused-parameter -Werror $(XML2_CFLAGS)
UNIT_TESTS   = $(sort $(notdir $(basename $(wildcard test/unit/test_*.c))))

.PHONY: unit unit-asan fuzz-replay fuzz jobs install-jobs

# ---- ismap-jobs, the batch program (jobs/, own Makefile, libpq) ----
# "make" builds it with the extension and "make install" puts it into
# PostgreSQL's bindir ($(bindir)), next to psql.
all: jobs
install: install-jobs

jobs:
	$(MAKE) -C jobs PG_CONFIG='$(PG_CONFIG)' WERROR='$(WERROR)' ISMAP_VERSION='$(EXTVERSION)'

install-jobs: jobs
	$(MAKE) -C jobs install PG_CONFIG='$(PG_CONFIG)' ISMAP_VERSION='$(EXTVERSION)' DESTDIR='$(DESTDIR)' bindir='$(bindir)'

test/unit/bin/%: test/unit/%.c test/unit/unit.h $(CORE_SRCS) $(wildcard src/core/*.h)
	@mkdir -p test/unit/bin
	$(CORE_CC) $(CORE_CFLAGS) $(UNIT_EXTRA_CFLAGS) -Isrc/core -Itest/unit -o $@ $< $(CORE_SRCS) $(XML2_LIBS) -lm

# Build and run every unit test; each prints "<name>: N passed, N failed".
# The exported symbols of ismap.so are checked here too.
unit: $(addprefix test/unit/bin/,$(UNIT_TESTS)) $(shlib)
	@status=0; for t in $(filter test/unit/bin/%,$^); do (cd test/unit && ./bin/$$(basename $$t)) || status=1; done; \
	python3 scripts/raise-messages --check || status=1; \
	python3 scripts/job-messages --check || status=1; \
	$(MAKE) -s check-po-findings || status=1; \
	sh scripts/check-exported-symbols $(shlib) || status=1; exit $$status

# Every message template of the findings (src/core/validate.c) has its
# Japanese in po/ja.po (msgfmt --check compares their formats).
.PHONY: check-po-findings
check-po-findings:
	@xgettext --language=C --from-code=UTF-8 -k -kISMAP_N_ --no-location -o po/findings.pot src/core/validate.c; \
	out=$$(msgcmp po/ja.po po/findings.pot 2>&1); rc=$$?; rm -f po/findings.pot; \
	printf '%s\n' "$$out" | grep -v 'is not used\|harset\|conversion' >&2; \
	[ $$rc -eq 0 ] && echo "po/ja.po: every finding template translated"

# The same under AddressSanitizer and UndefinedBehaviorSanitizer.
unit-asan:
	$(MAKE) -B unit UNIT_EXTRA_CFLAGS="-O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

# Replay every fuzz corpus with a plain main() under gcc (no clang needed).
FUZZ_TARGETS = $(sort $(patsubst test/fuzz/%_fuzzer.c,%,$(wildcard test/fuzz/*_fuzzer.c)))

test/fuzz/bin/%_replay: test/fuzz/%_fuzzer.c test/fuzz/replay.c $(CORE_SRCS) $(wildcard src/core/*.h)
	@mkdir -p test/fuzz/bin
	$(CORE_CC) $(CORE_CFLAGS) -Isrc/core -o $@ $< test/fuzz/replay.c $(CORE_SRCS) $(XML2_LIBS) -lm

fuzz-replay: $(foreach t,$(FUZZ_TARGETS),test/fuzz/bin/$(t)_replay)
	@status=0; for t in $(FUZZ_TARGETS); do test/fuzz/bin/$${t}_replay test/fuzz/corpus/$$t || status=1; done; exit $$status

# Coverage-guided fuzzing with libFuzzer (clang); FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
test/fuzz/bin/%_fuzzer: test/fuzz/%_fuzzer.c $(CORE_SRCS)
	@mkdir -p test/fuzz/bin
	clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/core $(XML2_CFLAGS) -o $@ $< $(CORE_SRCS) $(XML2_LIBS) -lm

fuzz: $(foreach t,$(FUZZ_TARGETS),test/fuzz/bin/$(t)_fuzzer)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p test/fuzz/findings/$$t; \
		test/fuzz/bin/$${t}_fuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
			test/fuzz/findings/$$t test/fuzz/corpus/$$t || exit 1; \
	done

install: remove-stale-bitcode
.PHONY: remove-stale-bitcode
remove-stale-bitcode:
	rm -rf '$(DESTDIR)$(pkglibdir)/bitcode/$(MODULE_big)' '$(DESTDIR)$(pkglibdir)/bitcode/$(MODULE_big).index.bc'

# ---- message catalogues (gettext) ----
LANGUAGES   = $(sort $(notdir $(basename $(wildcard po/*.po))))
LOCALEDIR  := $(shell $(PG_CONFIG) --localedir)
MSGFMT     ?= msgfmt

.PHONY: po-update install-po

all: $(addprefix po/,$(addsuffix .mo,$(LANGUAGES)))

po/%.mo: po/%.po
	$(MSGFMT) --check -o $@ $<

install: install-po
install-po: $(addprefix po/,$(addsuffix .mo,$(LANGUAGES)))
	@for l in $(LANGUAGES); do \
		$(INSTALL) -d '$(DESTDIR)$(LOCALEDIR)'/$$l/LC_MESSAGES && \
		$(INSTALL_DATA) po/$$l.mo '$(DESTDIR)$(LOCALEDIR)'/$$l/LC_MESSAGES/$(TEXTDOMAIN).mo || exit 1; \
	done

# po/ismap.pot from the glue's ereport calls and the core texts marked
# ISMAP_N_ (translators then merge it: msgmerge -U po/ja.po po/ismap.pot),
# and the texts of the PL/pgSQL RAISE statements of the migrations
# (scripts/raise-messages; src/pg/messages.c translates them when sent),
# and the jobs' format() templates (scripts/job-messages; src/pg/job_text.c)
po-update:
	xgettext --language=C --from-code=UTF-8 -k -kerrmsg -kerrdetail -kerrhint -kISMAP_T -kISMAP_N_ \
		--no-location --sort-output -o po/ismap-c.pot src/pg/*.c src/core/*.c
	python3 scripts/raise-messages --pot po/ismap-raise.pot
	python3 scripts/raise-messages --header src/pg/raise_templates.h
	python3 scripts/job-messages --pot po/ismap-jobs.pot
	python3 scripts/job-messages --header src/pg/job_templates.h
	msgcat --use-first -o po/ismap.pot po/ismap-c.pot po/ismap-raise.pot po/ismap-jobs.pot
	rm -f po/ismap-c.pot po/ismap-raise.pot po/ismap-jobs.pot

# PGXS does not track headers: rebuild every object when one changes.
$(OBJS): $(wildcard src/core/*.h src/pg/*.h)
