FROM node:20-slim
RUN yarn install --frozen-lockfile && yarn build
RUN yarn global add serve@14.2.1
