# The registry's everyday commands. `make run` and `make test` are all a fresh machine needs.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# A fresh PostgreSQL database name per test run (pytest-django creates test_<name> and drops it).
PG_BASE_URL ?= postgres://postgres@127.0.0.1:5432
PG_TEST_DB ?= registry_ci_$(shell date +%Y%m%d%H%M%S)_$(shell echo $$$$)

# `make serve`: the production stack on this machine (docs/deployment.md).
HTTPS ?= 0
DEMO ?= 1
CATALOGUE_CACHE ?= memory
REDIS_PORT ?= 6379
SECRET_KEY_FILE ?= var/secret_key
SERVE_ENV = DEBUG=0 SECRET_KEY_FILE=$(SECRET_KEY_FILE) HTTPS=$(HTTPS) \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} CATALOGUE_CACHE=$(CATALOGUE_CACHE) \
	$(if $(filter 1,$(HTTPS)),,SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0)

# `make backup` / `make restore-drill`: backups of the configured PostgreSQL database (DATABASE_URL).
BACKUP_DIR ?= var/backups
BACKUP ?= $(lastword $(sort $(wildcard $(BACKUP_DIR)/registry-*.dump)))
KEEP ?= 0
BACKUP_ENV = $(if $(wildcard $(SECRET_KEY_FILE)),SECRET_KEY_FILE=$(SECRET_KEY_FILE))

.PHONY: help install run serve demo backup restore-drill test lint format check-migrations test-sqlite test-postgres clean

help:
	@echo "make run            — создать окружение, применить миграции, загрузить демо и запустить на http://$(HOST):$(PORT)/"
	@echo "make serve          — рабочий режим: DEBUG=0, gunicorn (2 × ядра + 1 процессов), WhiteNoise, обработчик фоновых заданий; HTTPS=1 за прокси с TLS"
	@echo "make backup         — резервная копия базы PostgreSQL (DATABASE_URL) в $(BACKUP_DIR)/ с файлом показателей .json"
	@echo "make restore-drill  — учебное восстановление последней копии (или BACKUP=файл) в новую базу с проверкой; KEEP=1 оставляет базу"
	@echo "make test           — ruff, проверка миграций и все тесты на SQLite и PostgreSQL"
	@echo "make test-sqlite    — тесты только на SQLite"
	@echo "make test-postgres  — тесты только на PostgreSQL ($(PG_BASE_URL))"
	@echo "make lint | format  — ruff"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py createcachetable
	DEBUG=1 $(PY) manage.py load_demo --admin
	DEBUG=1 $(PY) manage.py run_jobs & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# The production stack: migrations, hashed static files, the demo registry unless DEMO=0, then
# gunicorn in the foreground. The local secret key is generated once into var/ (ignored by git).
$(SECRET_KEY_FILE):
	mkdir -p $(dir $@)
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@
	@echo "Секретный ключ создан в $@ (файл не попадает в git; на сервере задайте SECRET_KEY)."

serve: install $(SECRET_KEY_FILE)
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py createcachetable
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(if $(filter 1,$(DEMO)),DEBUG=1 $(PY) manage.py load_demo --admin)
	$(if $(filter redis,$(CATALOGUE_CACHE)),redis-cli -p $(REDIS_PORT) ping >/dev/null 2>&1 || redis-server --port $(REDIS_PORT) --bind 127.0.0.1 --save "" --appendonly no --maxmemory 256mb --maxmemory-policy allkeys-lru --daemonize yes --pidfile $(CURDIR)/var/redis.pid)
	$(SERVE_ENV) $(PY) manage.py run_jobs & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(SERVE_ENV) $(if $(filter redis,$(CATALOGUE_CACHE)),REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:$(REDIS_PORT)/0}) \
		$(VENV)/bin/gunicorn --config config/gunicorn.conf.py config.wsgi:application

demo: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py createcachetable
	DEBUG=1 $(PY) manage.py load_demo --admin

# docs/deployment.md, "Backups". pg_dump in the custom format of the database DATABASE_URL names,
# with its checksum and the registry's figures in <file>.json; the drill restores the newest one.
backup: install
	$(BACKUP_ENV) $(PY) manage.py backup_registry --output $(BACKUP_DIR)/

restore-drill: install
	@test -n "$(BACKUP)" || { echo "Нет резервных копий в $(BACKUP_DIR)/: сначала make backup, или укажите BACKUP=файл." >&2; exit 2; }
	$(BACKUP_ENV) $(PY) manage.py restore_drill $(BACKUP) $(if $(filter 1,$(KEEP)),--keep)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: install
	DJANGO_SETTINGS_MODULE=config.settings_test $(PY) manage.py makemigrations --check --dry-run

test-sqlite: install
	$(VENV)/bin/pytest -q

test-postgres: install
	DATABASE_URL=$(PG_BASE_URL)/$(PG_TEST_DB) $(VENV)/bin/pytest -q --create-db

# The two databases' suites run side by side, one a core (each suite uses one); their output is
# printed a suite at a time. The cache plugin is off so that the two runs never write it at once.
test: lint check-migrations
	PYTEST_ADDOPTS="-p no:cacheprovider" $(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles .pytest_cache .ruff_cache .hypothesis
