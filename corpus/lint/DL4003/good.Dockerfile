FROM nginx:1.25 AS base
CMD ["nginx"]
FROM base
CMD ["nginx", "-g", "daemon off;"]
ONBUILD CMD ["true"]
