FROM nginx:1.25 AS base
ENTRYPOINT ["/entrypoint.sh"]
FROM base
ENTRYPOINT ["/docker-entrypoint.sh"]
