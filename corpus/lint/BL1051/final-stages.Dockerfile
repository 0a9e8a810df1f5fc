FROM node:20 AS web
RUN npm ci

FROM web
CMD ["node", "server.js"]
