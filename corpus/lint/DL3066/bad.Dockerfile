FROM debian:12
USER app
USER www-data:www-data
