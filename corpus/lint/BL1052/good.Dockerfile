FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm install -g serve

FROM golang:1.22
COPY --from=0 . /x
RUN go mod download
