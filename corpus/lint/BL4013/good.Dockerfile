# check=experimental=CopyIgnoredFile
FROM node:20 AS build
COPY package.json package-lock.json ./
COPY . .
FROM node:20
COPY --from=build /node_modules /node_modules
