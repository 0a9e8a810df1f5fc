FROM node:20
WORKDIR app
FROM node:20 AS two
WORKDIR "src/app"
