# syntax=docker/dockerfile:1
# ProdML Coach image: a builder stage installs the locked dependencies into a virtualenv, the
# runtime stage copies that venv, the question bank and the entry script, and runs as a non-root
# user. Build and run (BuildKit, the default since Docker 23):
#   docker build -t prodml-coach .
#   docker run --rm --init --env-file .env -p 127.0.0.1:3000:3000 -v coach-data:/app/data prodml-coach
# or, with PostgreSQL: cp .env.example .env && docker compose up -d --build
#
# Base image: a full patch-version tag, the same in both stages (the venv's python is a symlink into
# the base image). No digest: none could be fetched where this file was written. Pin one with
#   docker buildx imagetools inspect python:3.11.14-slim-bookworm
# and set PYTHON_IMAGE=python:3.11.14-slim-bookworm@sha256:<digest>.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY requirements.lock pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY storage ./storage
COPY coach ./coach
# Not editable: the packages (with the Alembic migrations, package data of `storage`) land in the
# venv. requirements.lock pins every dependency; the dev tools it also lists are not installed.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -c requirements.lock . \
    && python -c "import storage.migrate as m; assert (m.MIGRATIONS / 'versions').is_dir()"

FROM ${PYTHON_IMAGE} AS runtime
ARG APP_UID=10001
RUN groupadd --system --gid "${APP_UID}" coach \
    && useradd --system --uid "${APP_UID}" --gid coach --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin coach \
    && mkdir -p /app/data \
    && chown coach:coach /app/data
COPY --from=builder /opt/venv /opt/venv
COPY content/ /app/content/
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/coach-entrypoint
# The default SQLite URL (sqlite:///data/coach.db) resolves to /app/data: mount a volume there.
# A coach.yaml mounted at /app/coach.yaml is read too; team packs go in COACH_EXTRA_CONTENT_DIR.
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    COACH_CONTENT_DIR=/app/content \
    COACH_HTTP_PORT=3000
USER ${APP_UID}:${APP_UID}
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-m", "coach.healthcheck"]
ENTRYPOINT ["/usr/local/bin/coach-entrypoint"]
CMD ["coach", "run"]
