FROM node:20 AS base
WORKDIR /usr/src/app
COPY package.json .
FROM base
COPY . .
FROM node:20
COPY package.json /usr/src/app/
COPY x $APP_HOME/
FROM scratch
COPY a b/
