FROM busybox
COP . /app
FROBNICATE --fast x
RUN true
