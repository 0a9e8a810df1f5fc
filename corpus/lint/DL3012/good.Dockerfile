FROM nginx:1.25 AS base
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
FROM base
HEALTHCHECK NONE
ONBUILD HEALTHCHECK CMD true
