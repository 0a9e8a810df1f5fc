FROM debian:12-slim
RUN chmod 777 /app
RUN chmod -R 777 /var/www /srv
RUN chmod a+rwx /data && chmod o+w /etc/app.conf
RUN chmod 0666 /run/app.sock
