FROM node:20-slim
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
COPY .env.example ./
COPY ca.pem /usr/local/share/ca-certificates/ca.crt
COPY nginx_signing.key /etc/apt/keyrings/
COPY fullchain.pem /etc/ssl/
COPY id_rsa.pub /root/.ssh/authorized_keys
COPY app /app
COPY jenkins.io-2026.key /usr/share/jenkins/
