FROM debian:12
RUN useradd -l -u 1000000 app
RUN useradd --no-log-init --uid 100000 svc
RUN useradd -u 1001 small
RUN useradd -u ${APP_UID} fromvar
