FROM debian:12
RUN service nginx start && ps aux
RUN apt-get install -y vim && vim /etc/hosts
