FROM node:20-slim
COPY src/ /app/src/
