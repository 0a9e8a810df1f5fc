FROM node:20-slim
COPY package.json ./
COPY . .
COPY . /again
