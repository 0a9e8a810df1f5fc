FROM node:20
COPY package.json package-lock.json /app/
COPY a.txt b.txt .
COPY ["a.txt", "b.txt", "/data/"]
COPY single.txt /app/single.txt
