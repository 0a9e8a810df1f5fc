FROM node:20-slim
COPY . .
