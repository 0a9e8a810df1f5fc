FROM node:20-slim
RUN npm install -g npm@10.2.4 typescript@5.3.3 @angular/cli@17.0.0
RUN npm install && npm ci --omit=dev
RUN npm install ./local-package ../lib pkg.tgz git+https://github.com/a/b.git#v1.0.0
