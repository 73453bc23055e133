# The two set-up commands for a fresh machine: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run test bench install install-test migrate seed messages clean worker beat

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

## make run: install into .venv, migrate, load demo data (collections, then recruitment and people), serve on http://127.0.0.1:$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_recruitment_demo
	@$(BIN)/python manage.py seed_demo --logins
	@echo "Public careers page (no login): http://127.0.0.1:$(PORT)/careers/"
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	DJANGO_DEBUG=$${DJANGO_DEBUG:-false} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: install what the tests need and run them (SQLite + eager Celery unless DATABASE_URL/REDIS_URL are set)
test: install-test
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

## make bench: import / allocation benchmarks against PostgreSQL (DATABASE_URL required)
bench: install-test
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python -m bench $(BENCH_ARGS)

worker: install
	$(BIN)/celery -A config worker --loglevel=info

beat: install
	$(BIN)/celery -A config beat --loglevel=info

## make messages: refresh and compile translations (needs GNU gettext)
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv
	msgfmt --check --statistics -o /dev/null locale/zh_Hans/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) var staticfiles
