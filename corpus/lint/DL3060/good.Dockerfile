FROM node:20-slim
RUN yarn install --frozen-lockfile && yarn build && yarn cache clean
RUN yarn && rm -rf /usr/local/share/.cache/yarn
RUN yarn build
RUN yarn --version
