# ENVs and ARGs without `$` are applied only when a word with `$` needs them; what they set,
# and in which order, is as if each were applied where it stands.
ARG BASE_TAG=3.19
FROM alpine:3.19 AS base
ARG BASE_TAG
ENV APP_HOME="/srv/app" EMPTY="" CACHE_DIR='/var/cache/app'
ENV CONFIG_FILE=app.conf
# `${X:?}` fails on an empty X, and a word that fails is not checked: a quoted empty value is
# empty, a quoted one is not.
WORKDIR ${EMPTY:?}/$MISSING_ONE
WORKDIR ${APP_HOME:?}/$MISSING_TWO/$CONFIG_FILE
# A lone variable is its value: COPY_OF is as empty as EMPTY.
ENV COPY_OF=$EMPTY
ENV PLAIN=1
LABEL tag="${BASE_TAG}" copy="${COPY_OF:?}$MISSING_THREE"
# One slip from a name in scope.
WORKDIR $CACHE_DIRR

FROM base AS derived
ENV DERIVED=yes
ARG LATE
# Names held back in the base stage and in this one are in scope here.
COPY $APP_HOME/$CONFIG_FILE /etc/$DERIVED/${LATE}
USER $PLAIN$NOT_SET
