FROM node:20-slim
RUN npm install -g npm typescript@5.3.3 @angular/cli
