FROM node:20
COPY node_modules/ ./
