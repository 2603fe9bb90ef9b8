# Makefile for mo_usage, built with PGXS against PostgreSQL 15.
#
#   make                     build the module
#   make install             install into the PostgreSQL that pg_config names
#   make installcheck        run the pg_regress suite against a running server
#
# The install script of each release is assembled from the files in sql/parts/
# (one per feature family, in name order), so that each family keeps its SQL
# next to its own kind.  Later releases add a delta script
# sql/mo_usage--OLD--NEW.sql by hand.

PG_CONFIG ?= pg_config

EXTENSION = mo_usage
MODULE_big = mo_usage
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

DATA_built = sql/mo_usage--0.1.0.sql
DATA = $(wildcard sql/mo_usage--*--*.sql)

# The server's headers are included as system headers: they do not build
# cleanly under -Wextra, and our own code must.
PG_CPPFLAGS = -I$(srcdir)/src -isystem $(shell $(PG_CONFIG) --includedir-server)
PG_CFLAGS = -Wall -Wextra -Werror
SHLIB_LINK = -lcrypto -lz

# pg_regress reads test/sql/NAME.sql and compares with expected/NAME.out.
REGRESS = $(sort $(basename $(notdir $(wildcard test/sql/*.sql))))
REGRESS_OPTS = --inputdir=build/regress --outputdir=build/regress \
	--load-extension=plpgsql

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

sql/mo_usage--0.1.0.sql: $(sort $(wildcard sql/parts/*.sql))
	cat $^ > $@

# PGXS does not follow #include: a changed header rebuilds every object.
$(OBJS): $(wildcard src/*.h)

# pg_regress wants its inputs and expected files under one directory.
installcheck: build/regress/sql build/regress/expected

build/regress/sql build/regress/expected:
	mkdir -p build/regress
	ln -sfn ../../test/sql build/regress/sql
	ln -sfn ../../expected build/regress/expected

.PHONY: installcheck
