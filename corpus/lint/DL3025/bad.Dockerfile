FROM node:20
CMD node server.js
ENTRYPOINT exec /usr/local/bin/run --port 8080
CMD echo "$HOME" && node server.js
CMD ['node', 'server.js']
