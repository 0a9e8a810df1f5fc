FROM node:20-slim
WORKDIR /app
COPY package.json ./
COPY . .
RUN npm ci && npm run build

FROM python:3.12-slim
COPY . /src
RUN pip install --no-cache-dir -r /src/requirements.txt
