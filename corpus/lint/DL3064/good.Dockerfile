FROM node:20
# Names that only look like secrets.
ARG USERNAME=node
ENV TOKENIZERS_PARALLELISM=false \
    GOPRIVATE=github.com/example/* \
    PUBLIC_KEY_URL=https://example.com/key.asc \
    POSTGRES_PASSWORD_FILE=/run/secrets/db \
    KEYCLOAK_VERSION=24.0
RUN --mount=type=secret,id=npm_token NPM_TOKEN="$(cat /run/secrets/npm_token)" npm ci
ENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305
# Letter pairs of secret words in names that hold none (the quick test lets them through).
ENV DOCKER_HOST=tcp://docker:2375 \
    OUTPUT_DIR=/out \
    SCRIPTS=/scripts \
    KEYCLOAK_ADMIN_PASSWORD_FILE=/run/secrets/kc \
    Makeflags=-j4 \
    CRON=1 \
    A_VERY_LONG_NAME_WITHOUT_ANY_PAIR_IN_IT=1
ARG ut
