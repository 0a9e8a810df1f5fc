FROM node:20-slim
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev && npm cache clean --force
RUN npm install -g serve@14.2.1 && rm -rf /root/.npm
RUN npm run build
