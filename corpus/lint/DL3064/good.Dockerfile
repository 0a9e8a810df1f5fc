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
