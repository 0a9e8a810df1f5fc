FROM node:20-slim
COPY .npmrc /root/.npmrc
COPY .env ./
COPY id_rsa /root/.ssh/id_rsa
COPY certs/server.key certs/server.pem /etc/app/tls/
COPY .aws/ /root/.aws/
