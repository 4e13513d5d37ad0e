# dangvien: `make run` serves the demo province, `make test` runs every test.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
DV := .venv/bin/dangvien
PG_URL ?= postgres://postgres@127.0.0.1:5432/dangvien
# The PostgreSQL leg's read replica (core/replica.py): `.ci/run` and `make test-replica` set it
# to the streaming replica that `.ci/replica` keeps on port 5433; empty: no replica.
PG_REPLICA_URL ?=
PYTEST_ARGS ?=

.PHONY: install run demo test test-sqlite test-postgres test-replica replica browser-deps lint bench bench-national bench-export ci clean

$(UV):
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --user --quiet uv

install: $(UV)
	@$(UV) sync --locked --quiet

run: install
	@$(DV) migrate --noinput -v 0
	@$(DV) collectstatic --noinput -v 0
	@$(DV) demo --if-empty
	@$(DV) serve

demo: install
	@$(DV) migrate --noinput -v 0
	@$(DV) demo --reset

# System packages: Chromium for browser tests, Liberation Serif (Times-compatible, full
# Vietnamese glyphs) for PDF reports. Installed with apt when run as root.
SYSTEM_PACKAGES := chromium fonts-liberation2
browser-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	fc-list : file 2>/dev/null | grep -q "liberation2/LiberationSerif" || missing="$$missing fonts-liberation2"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Cài gói hệ thống:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Thiếu gói hệ thống:$$missing. Hãy chạy 'sudo apt-get install -y$$missing'."; exit 1; \
	  fi; \
	fi

test: install browser-deps test-sqlite test-postgres

# Browser tests run beside a worker thread of the job queue: on SQLite they get a test
# database in a file (WAL, busy timeout, as in production); SQLite's shared in-memory
# database, fast for the rest, answers concurrent writers with "table is locked" at once.
test-sqlite:
	@echo "== Kiểm thử trên SQLite"
	@env -u DANGVIEN_DATABASE_URL -u DATABASE_URL -u DANGVIEN_REPLICA_URL DANGVIEN_CONN_MAX_AGE=0 .venv/bin/pytest -q -n 2 --dist worksteal --ignore=tests/browser $(PYTEST_ARGS)
	@echo "== Kiểm thử trình duyệt trên SQLite (cơ sở dữ liệu kiểm thử trong tệp)"
	@mkdir -p var && env -u DANGVIEN_DATABASE_URL -u DATABASE_URL -u DANGVIEN_REPLICA_URL DANGVIEN_CONN_MAX_AGE=0 DANGVIEN_TEST_SQLITE_NAME="$(CURDIR)/var/test-browser.sqlite3" .venv/bin/pytest -q -n 2 --dist worksteal tests/browser $(PYTEST_ARGS)

# PostgreSQL: CI sets DANGVIEN_DATABASE_URL; locally the server on 127.0.0.1:5432 is used when it answers.
test-postgres:
	@url="$${DANGVIEN_DATABASE_URL:-$(PG_URL)}"; \
	if .venv/bin/python -c "import sys, psycopg; psycopg.connect(sys.argv[1], dbname='postgres', connect_timeout=3).close()" "$$url" 2>/dev/null; then \
	  replica="$${DANGVIEN_REPLICA_URL:-$${PG_REPLICA_URL:-}}"; \
	  if [ -n "$$replica" ]; then \
	    echo "== Kiểm thử trên PostgreSQL ($$url, bản sao $$replica)"; \
	  else \
	    echo "== Kiểm thử trên PostgreSQL ($$url; không có bản sao: các kiểm thử bản sao không chạy, xem make test-replica)"; \
	    if [ -n "$$CI" ]; then echo "CI cần bản sao (.ci/replica)."; exit 1; fi; \
	  fi; \
	  DANGVIEN_DATABASE_URL="$$url" DANGVIEN_REPLICA_URL="$$replica" DANGVIEN_CONN_MAX_AGE=0 .venv/bin/pytest -q -n 2 --dist worksteal $(PYTEST_ARGS); \
	else \
	  echo "== PostgreSQL không trả lời ở $$url: bỏ qua lượt kiểm thử PostgreSQL (CI luôn chạy lượt này)."; \
	  if [ -n "$$CI" ]; then exit 1; fi; \
	fi

# A streaming replica of the PostgreSQL server on 127.0.0.1:5432, on port 5433 (.ci/replica;
# as root or as the postgres user), then the PostgreSQL leg with it.
replica:
	@.ci/replica >/dev/null

test-replica: install replica
	@$(MAKE) --no-print-directory test-postgres PG_REPLICA_URL="$$(.ci/replica 2>/dev/null)"

lint: install
	@.venv/bin/ruff check .
	@$(DV) makemigrations --check --dry-run -v 0

# Benchmarks print figures (bench/README.md). `make bench`: province tier on SQLite in
# bench/out; `make bench-national`: national tier on PostgreSQL (loaded on first run).
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/dangvien_national

bench: install
	@.venv/bin/python bench/run.py
	@.venv/bin/python bench/dashboard.py --tier province

bench-national: install
	@.venv/bin/python bench/dashboard.py --tier national --database-url "$(BENCH_PG_URL)"

ci:
	@.ci/run

clean:
	rm -rf .venv var/static

# Export of 100.000 member rows to Excel (bench/README.md): SQLite in bench/out, or
# EXPORT_DB_URL=postgres://postgres@127.0.0.1:5432/dangvien_export make bench-export
bench-export: install
	@.venv/bin/python bench/export_bench.py $(if $(EXPORT_DB_URL),--database-url "$(EXPORT_DB_URL)")

# Import of 100.000 member rows from Excel (bench/README.md): a fresh SQLite database in
# bench/out, or IMPORT_DB_URL=postgres://postgres@127.0.0.1:5432/dangvien_import_bench make bench-import
.PHONY: bench-import
bench-import: install
	@.venv/bin/python bench/import_bench.py $(if $(IMPORT_DB_URL),--database-url "$(IMPORT_DB_URL)")

# Hostile Excel files (issue 12): each refused by the import's file check in a fresh
# process, with its time and peak memory; BENCH_ARGS=--calamine also reads them unguarded.
.PHONY: bench-hostile
bench-hostile: install
	@.venv/bin/python bench/hostile_import.py $(BENCH_ARGS)

# The product under load (bench/README.md): `dangvien serve` as in production, signed-in
# officers on 50 keep-alive connections. A short run by default; e.g.
# make bench-load LOAD_ARGS="--seconds 60 --mix readwrite --database-url postgres://…"
LOAD_ARGS ?= --seconds 15 --connections 50
.PHONY: bench-load
bench-load: install
	@.venv/bin/python bench/load.py $(LOAD_ARGS)

.PHONY: bench-concurrency
bench-concurrency: install
	@.venv/bin/python bench/import_concurrency.py $(BENCH_ARGS)
