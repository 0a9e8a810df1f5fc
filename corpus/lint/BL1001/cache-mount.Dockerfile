# syntax=docker/dockerfile:1
FROM node:20-slim
WORKDIR /app
COPY package*.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
USER node
RUN --mount=type=cache,target=/home/node/.npm,uid=1000 npm install
