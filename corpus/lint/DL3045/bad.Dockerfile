FROM node:20
COPY package.json app/
FROM node:20 AS two
ADD src .
