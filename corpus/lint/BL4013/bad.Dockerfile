# check=experimental=CopyIgnoredFile
FROM node:20
COPY package.json node_modules/ ./
COPY secrets/api.key /run/
ADD debug.log /tmp/
